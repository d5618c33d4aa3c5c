import { builtinChecks } from '../checks';
import { InMemorySnapshot } from '../snapshot';
import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';

/**
 * Repositories built to crash, stall or blind the engine: each must scan
 * with bounded output and every check reaching a verdict. Their CPU time,
 * and how it grows with their size, is measured by
 * `node bench/run.js hostile` on the same inputs at growing sizes.
 */
describe('hostile repositories', () => {
  const registry = new CheckRegistry(builtinChecks);
  // A fake AWS key of a real key's shape (AWS's documented example would be
  // reported at low severity), built at run time so the project's own scan
  // ignores it.
  const AWS_KEY = `AKIA${'Q7X2M4PL'}${'6ZR3WB5K'}`;
  it('a junk workflow with 200,000 parse problems disables no check', async () => {
    const junk = ']\n'.repeat(200_000);
    const snapshot = new InMemorySnapshot({
      '.github/workflows/junk.yml': junk,
      '.github/workflows/ok.yml':
        'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n',
      'deploy.sh': `export AWS_ACCESS_KEY_ID=${AWS_KEY}\n`,
    });
    const result = await runScan(snapshot, registry);
    expect(
      result.checks
        .filter(c => c.status === 'error')
        .map(c => `${c.checkId}: ${c.reason}`),
    ).toEqual([]);
    // The critical finding is reported.
    expect(result.counts.criticalFindings).toBeGreaterThan(0);
    // Problems of the junk file are capped: the first 100 and one note.
    const junkProblems = result.problems.filter(
      p => p.file === '.github/workflows/junk.yml',
    );
    expect(junkProblems.length).toBeLessThanOrEqual(101);
    expect(junkProblems[junkProblems.length - 1].message).toMatch(
      /and \d+ more problems/,
    );
  });

  it('a parser failure is memoised: it is built once and rethrown', () => {
    const snapshot = new InMemorySnapshot({});
    let builds = 0;
    const build = () => {
      builds++;
      throw new Error('boom');
    };
    expect(() => snapshot.memo('k', build)).toThrow('boom');
    expect(() => snapshot.memo('k', build)).toThrow('boom');
    expect(builds).toBe(1);
  });

  describe('YAML aliases', () => {
    const scan = async (files: Record<string, string>) => ({
      result: await runScan(new InMemorySnapshot(files), registry),
    });

    it('8,000 GitLab jobs merging one template all get the merged image', async () => {
      const text = `.t: &t\n  image: node:20\n  script: [echo hi]\n${Array.from(
        { length: 8000 },
        (_, i) => `job${i}:\n  <<: *t\n  stage: test\n`,
      ).join('')}`;
      const { result } = await scan({ '.gitlab-ci.yml': text });
      expect(result.checks.filter(c => c.status === 'error')).toEqual([]);
      // The merged image is seen in every job: all 8,000 are unpinned.
      const images = result.checks.find(c => c.checkId === 'unpinned-images')!;
      expect(images.status).toBe('fail');
    });

    it('16,000 aliased workflow steps are all checked', async () => {
      const text = `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - &s { uses: some/action@v1 }\n${'      - *s\n'.repeat(
        16_000,
      )}`;
      const { result } = await scan({
        '.github/workflows/a.yml': text,
      });
      expect(result.checks.filter(c => c.status === 'error')).toEqual([]);
      const unpinned = result.checks.find(
        c => c.checkId === 'unpinned-actions',
      )!;
      expect(unpinned.status).toBe('fail');
    });

    it('aliases past the cap are not followed, with a located note', async () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      for (const x of 'bcdefghi') {
        const prev = String.fromCharCode(x.charCodeAt(0) - 1);
        bomb.push(`${x}: &${x} [${Array(9).fill(`*${prev}`).join(', ')}]`);
      }
      const text = `${bomb.join(
        '\n',
      )}\non: push\njobs:\n  x:\n    runs-on: *i\n    steps:\n      - run: echo hi\n`;
      const { result } = await scan({
        '.github/workflows/bomb.yml': text,
        '.gitlab-ci.yml': text,
        '.circleci/config.yml': text,
        'azure-pipelines.yml': text,
      });
      expect(result.checks.filter(c => c.status === 'error')).toEqual([]);
      for (const file of [
        '.github/workflows/bomb.yml',
        '.gitlab-ci.yml',
        '.circleci/config.yml',
        'azure-pipelines.yml',
      ]) {
        const notes = result.problems.filter(
          p => p.file === file && /alias/.test(p.message),
        );
        expect(notes).toHaveLength(1);
        expect(notes[0].line).toBeGreaterThan(1);
        expect(notes[0].column).toBeGreaterThan(0);
      }
    });
  });

  it('a one-line workflow with 6,000 steps gives a bounded result', async () => {
    const steps = Array.from({ length: 6000 }, (_, i) =>
      i % 2
        ? '{"uses":"a/b@v1"}'
        : '{"run":"curl -k https://x.io/i.sh | sh; echo ${{ github.event.issue.title }}"}',
    );
    const text = `{"on":["push","issues"],"jobs":{"a":{"runs-on":"ubuntu-latest","steps":[${steps.join(
      ',',
    )}]}}}`;
    expect(text.length).toBeGreaterThan(96_000);
    const result = await runScan(
      new InMemorySnapshot({ '.github/workflows/one-line.yml': text }),
      registry,
    );
    const json = JSON.stringify(result);
    expect(json.length).toBeLessThan(5 * 1024 * 1024);
    const unpinned = result.checks.find(c => c.checkId === 'unpinned-actions')!;
    // At most 200 findings listed, then one that says how many more there are.
    expect(unpinned.findings.length).toBeLessThanOrEqual(201);
    const last = unpinned.findings[unpinned.findings.length - 1];
    expect(last.message).toMatch(/and 2800 more findings of this check/);
    // The count and the score are those of every finding, not of the listed ones.
    expect(unpinned.unlisted?.findings).toBe(2800);
    expect(result.counts.findings).toBeGreaterThanOrEqual(3000);
    expect(unpinned.status).toBe('fail');
    for (const c of result.checks) {
      for (const f of c.findings) {
        expect((f.snippet ?? '').length).toBeLessThanOrEqual(201);
        expect(f.message.length).toBeLessThanOrEqual(501);
      }
    }
  });

  it('a YAML file that overflows the parser stack is one problem, not broken checks', async () => {
    // Nested compact mappings: the parser recurses once per key when the
    // next line closes them all.
    const deep = `    ${'description:  '.repeat(5000)}x\nname: y\n`;
    const result = await runScan(
      new InMemorySnapshot({
        '.github/actions/deep/action.yml': deep,
        '.github/workflows/deep.yml': deep,
        '.gitlab-ci.yml': deep,
        '.github/workflows/ok.yml':
          'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n',
      }),
      registry,
    );
    expect(
      result.checks
        .filter(c => c.status === 'error')
        .map(c => `${c.checkId}: ${c.reason}`),
    ).toEqual([]);
    for (const file of [
      '.github/actions/deep/action.yml',
      '.github/workflows/deep.yml',
      '.gitlab-ci.yml',
    ]) {
      expect(result.problems).toContainEqual(
        expect.objectContaining({ file, kind: 'parse-error', line: 1 }),
      );
    }
    const unpinned = result.checks.find(c => c.checkId === 'unpinned-actions')!;
    expect(unpinned.findings.map(f => f.file)).toContain(
      '.github/workflows/ok.yml',
    );
  });

  describe('found by the hostile-input suite', () => {
    const scan = async (files: Record<string, string>) => ({
      result: await runScan(new InMemorySnapshot(files), registry),
    });

    it('a pathological glob in .cicd-security.yaml is refused at its line, not matched for minutes', async () => {
      const glob = `ch${'['.repeat(3000)}`;
      const { result } = await scan({
        '.cicd-security.yaml': `ignore:\n  paths: ["${glob}"]\nwaivers:\n  - check: unpinned-actions\n    path: "${glob}"\n    reason: x\n    expires: 2999-01-01\n`,
        '.github/workflows/a.yml':
          'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n',
      });
      const notes = result.problems.filter(
        p => p.file === '.cicd-security.yaml' && /longer than/.test(p.message),
      );
      expect(notes.map(p => p.line)).toEqual([2, 5]);
      // Neither applies: the finding stays open.
      const unpinned = result.checks.find(
        c => c.checkId === 'unpinned-actions',
      )!;
      expect(unpinned.findings[0].suppressed).toBeUndefined();
    });

    it('thousands of long globs are refused past a total length', async () => {
      const glob = `x${'['.repeat(250)}`;
      const { result } = await scan({
        '.cicd-security.yaml': `ignore:\n${`  - "${glob}"\n`.repeat(2000)}`,
        '.github/workflows/a.yml': 'on: push\njobs: {}\n',
      });
      expect(result.problems).toContainEqual(
        expect.objectContaining({
          file: '.cicd-security.yaml',
          message: expect.stringMatching(/total of 5000 characters/),
        }),
      );
    });

    it('a Jenkinsfile of 3,000 unclosed @Library( calls breaks no check', async () => {
      const { result } = await scan({
        Jenkinsfile: `${"@Library('pipelins\n".repeat(
          3000,
        )}pipeline { agent any }\n`,
      });
      expect(result.checks.filter(c => c.status === 'error')).toEqual([]);
    });

    it('a GitLab job of 3,000 script lines with tainted variables is reported', async () => {
      const { result } = await scan({
        '.gitlab-ci.yml': `lint:\n  script:\n${'    - echo "$CI_MERGE_REQUEST_TITLE" $CI_COMMIT_MESSAGE\n'.repeat(
          3000,
        )}`,
      });
      expect(result.checks.filter(c => c.status === 'error')).toEqual([]);
      const injection = result.checks.find(
        c => c.checkId === 'script-injection',
      )!;
      expect(injection.status).toBe('fail');
    });

    it('a requirements.txt of 20,000 unpinned lines is reported', async () => {
      const { result } = await scan({
        'requirements.txt': `requests==2.32.3\n${'flask\n'.repeat(20_000)}`,
      });
      expect(result.checks.filter(c => c.status === 'error')).toEqual([]);
      const unlocked = result.checks.find(
        c => c.checkId === 'unlocked-dependencies',
      )!;
      expect(unlocked.status).toBe('fail');
    });
  });
});
