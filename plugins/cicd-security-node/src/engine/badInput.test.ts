import fs from 'fs';
import os from 'os';
import path from 'path';
import { builtinChecks } from '../checks';
import { LocalDirectorySnapshot } from '../snapshot';
import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';

/**
 * Hostile and broken input: every case yields a finding or a note with its
 * reason, within a bounded time, and the scan of everything else completes.
 */
describe('scanning bad input', () => {
  let dir: string;
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-outside-'));
  const write = (f: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), content);
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-bad-'));
    // A valid workflow whose findings must survive everything else.
    write(
      '.github/workflows/good.yml',
      'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n',
    );
    write(
      '.github/workflows/malformed.yml',
      'on: push\njobs:\n  build:\n    steps: [\n      - run: "unclosed\n',
    );
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ];
    for (const x of 'bcdefghi') {
      const prev = String.fromCharCode(x.charCodeAt(0) - 1);
      bomb.push(`${x}: &${x} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    write(
      '.github/workflows/bomb.yml',
      `${bomb.join(
        '\n',
      )}\non: push\njobs:\n  x:\n    runs-on: *i\n    steps:\n      - run: echo *i\n`,
    );
    write(
      '.github/workflows/deep.yml',
      `on: push\njobs: ${'['.repeat(20000)}${']'.repeat(20000)}\n`,
    );
    write(
      '.gitlab-ci.yml',
      `variables: { A: "${'x'.repeat(10 * 1024 * 1024)}" }\n`,
    );
    write(
      'Dockerfile',
      Buffer.concat([
        Buffer.from('FROM node:20\n'),
        Buffer.from([0, 1, 2, 3, 0]),
        Buffer.from('RUN curl -k https://x | sh\n'),
      ]),
    );
    write(
      'Jenkinsfile',
      Buffer.from([
        0x70, 0x69, 0x70, 0x65, 0x6c, 0x69, 0x6e, 0x65, 0x20, 0xe9, 0xff, 0xfe,
        0x7b, 0x7d,
      ]),
    );
    write(
      '.github/workflows/not-a-workflow.yml',
      'Just some prose that someone saved with a .yml name.\n',
    );
    write('.github/workflows/list.yml', '- a\n- b\n');
    write('.github/dependabot.yml', '- not: a mapping\n');
    write('package.json', '{ "name": "x", ');
    write('.circleci/config.yml', 'version: 2.1\njobs: 12\nworkflows: [\n');
    write('azure-pipelines.yml', 'steps: "not a list"\n');
    write('CODEOWNERS', '[unclosed-pattern @team\n* \n');
    fs.writeFileSync(path.join(outside, 'secret.yml'), 'on: push\njobs: {}\n');
    fs.mkdirSync(path.join(dir, '.github/actions'), { recursive: true });
    fs.symlinkSync(
      path.join(outside, 'secret.yml'),
      path.join(dir, '.github/workflows/escape.yml'),
    );
    fs.symlinkSync(outside, path.join(dir, '.github/actions/escape-dir'));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('completes with every problem explained and no check broken', async () => {
    const result = await runScan(
      LocalDirectorySnapshot.create(dir),
      new CheckRegistry(builtinChecks),
    );

    const errored = result.checks.filter(c => c.status === 'error');
    expect(errored.map(c => `${c.checkId}: ${c.reason}`)).toEqual([]);

    const problem = (file: string) =>
      result.problems.filter(p => p.file === file);
    expect(problem('.github/workflows/malformed.yml')[0]).toMatchObject({
      kind: 'parse-error',
    });
    expect(problem('.github/workflows/malformed.yml')[0].line).toBeGreaterThan(
      0,
    );
    expect(problem('.gitlab-ci.yml')[0]).toMatchObject({
      kind: 'skipped-file',
      message: expect.stringMatching(/larger than/),
    });
    expect(problem('Dockerfile')[0]).toMatchObject({
      kind: 'skipped-file',
      message: 'binary file',
    });
    // Not UTF-8: read as Windows-1252 (Latin-1), with a note.
    expect(problem('Jenkinsfile')[0]).toMatchObject({
      kind: 'parse-error',
      message: expect.stringMatching(
        /not valid UTF-8: decoded as Windows-1252/,
      ),
    });
    expect(problem('.github/workflows/escape.yml')[0]).toMatchObject({
      kind: 'skipped-file',
      message: expect.stringMatching(/outside the repository/),
    });
    expect(problem('.github/actions/escape-dir')[0].message).toMatch(
      /outside the repository|not followed/,
    );
    expect(problem('.github/workflows/not-a-workflow.yml')[0].message).toMatch(
      /mapping|workflow/,
    );
    expect(problem('.github/workflows/list.yml')[0].message).toMatch(/mapping/);
    expect(problem('.github/workflows/deep.yml').length).toBeGreaterThan(0);

    // The valid workflow is still scanned.
    const unpinned = result.checks.find(c => c.checkId === 'unpinned-actions')!;
    expect(unpinned.findings.map(f => `${f.file}:${f.line}`)).toContain(
      '.github/workflows/good.yml:7',
    );
    expect(problem('package.json')[0].message).toMatch(/not valid JSON/);
    expect(problem('.circleci/config.yml')[0]).toMatchObject({
      kind: 'parse-error',
    });
    // A dependabot file of the wrong shape is a finding, not a crash.
    const dut = result.checks.find(
      c => c.checkId === 'dependency-update-tool',
    )!;
    expect(dut.findings.map(f => f.file)).toContain('.github/dependabot.yml');
    // The alias bomb is parsed without expanding it: the aliases past the
    // cap are not followed, with a note.
    expect(problem('.github/workflows/bomb.yml')).toEqual([
      expect.objectContaining({
        kind: 'parse-error',
        line: expect.any(Number),
        column: expect.any(Number),
        message: expect.stringMatching(/aliases would expand to more than/),
      }),
    ]);
  });
});
