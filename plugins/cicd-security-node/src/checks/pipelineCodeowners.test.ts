import {
  codeownersMatcher,
  ownerOf,
  parseCodeowners,
  pipelineCodeowners,
} from './pipelineCodeowners';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('pipeline-codeowners', () => {
  describeCheckFixtures(pipelineCodeowners);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(pipelineCodeowners, 'fail');
    expect(summarise(outcome, pipelineCodeowners)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/CODEOWNERS:3:1 high \`/.github/workflows/\` has no owners and un-owns 2 pipeline file(s): .github/workflows/ci.yml, .github/workflows/release.yml",
          ".github/workflows/ci.yml:1:1 high .github/workflows/ci.yml is left without owners by \`/.github/workflows/\` (.github/CODEOWNERS line 3)",
          ".github/workflows/release.yml:1:1 high .github/workflows/release.yml is left without owners by \`/.github/workflows/\` (.github/CODEOWNERS line 3)",
        ],
        "score": 6,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'pass', 10],
    ['fail', 'fail', 6],
    ['fail-gitlab', 'fail', 6.7],
    ['fail-no-codeowners', 'fail', 0],
  ])('scores the %s fixture', async (name, status, score) => {
    const { outcome } = await runOnFixture(pipelineCodeowners, name);
    expect(outcome).toMatchObject({ status, score });
  });

  it('points at each unowned file and at the rule that un-owns them', async () => {
    const { outcome } = await runOnFixture(pipelineCodeowners, 'fail');
    if (outcome.status !== 'fail') throw new Error();
    expect(
      outcome.findings.map(f => `${f.file}:${f.line}:${f.column}`),
    ).toEqual([
      '.github/workflows/ci.yml:1:1',
      '.github/workflows/release.yml:1:1',
      '.github/CODEOWNERS:3:1',
    ]);
    expect(outcome.findings[2].message).toContain('un-owns 2 pipeline file(s)');
  });

  it('treats files included by .gitlab-ci.yml as pipeline code', async () => {
    const { outcome } = await runOnFixture(pipelineCodeowners, 'fail-gitlab');
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings.map(f => f.file)).toEqual(['ci/build.yml']);
  });

  it('reports a missing CODEOWNERS once', async () => {
    const { outcome } = await runOnFixture(
      pipelineCodeowners,
      'fail-no-codeowners',
    );
    expect(outcome).toMatchObject({
      findings: [{ fingerprintKey: 'no-codeowners' }],
    });
  });
});

describe('CODEOWNERS patterns', () => {
  it.each([
    ['*', 'a/b/c.yml', true],
    ['*.yml', '.github/workflows/ci.yml', true],
    ['*.yml', 'Dockerfile', false],
    ['/.github/workflows/', '.github/workflows/ci.yml', true],
    ['/.github/workflows/', 'x/.github/workflows/ci.yml', false],
    ['.github/workflows/', 'x/.github/workflows/ci.yml', false],
    ['workflows/', 'x/.github/workflows/ci.yml', true],
    ['docs/*', 'docs/index.md', true],
    ['docs/*', 'docs/sub/index.md', false],
    ['/docs', 'docs/sub/index.md', true],
    ['Dockerfile*', 'services/api/Dockerfile.prod', true],
    ['**/logs', 'a/b/logs/x.log', true],
    ['/build/**/*.yml', 'build/a/b/c.yml', true],
    ['/build/**/*.yml', 'other/build/c.yml', false],
    ['apps/', 'apps', false],
    ['Jenkinsfile', 'ci/Jenkinsfile', true],
    ['/Jenkinsfile', 'ci/Jenkinsfile', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(codeownersMatcher(pattern)(path)).toBe(expected);
  });

  it('lets the last matching rule win, and an owner-less rule un-own', () => {
    const rules = parseCodeowners(
      '* @a\n/ci/ @b # the CI team\n/ci/generated/\n',
    );
    expect(ownerOf(rules, 'ci/x.yml')).toMatchObject({
      owned: true,
      rule: { owners: ['@b'] },
    });
    expect(ownerOf(rules, 'ci/generated/x.yml')).toMatchObject({
      owned: false,
      rule: { line: 3 },
    });
    expect(ownerOf(rules, 'src/index.ts')).toMatchObject({
      owned: true,
      rule: { owners: ['@a'] },
    });
  });

  it('applies GitLab section default owners', () => {
    const rules = parseCodeowners('[CI] @platform\n.gitlab-ci.yml\n');
    expect(ownerOf(rules, '.gitlab-ci.yml')).toMatchObject({ owned: true });
  });

  it('ignores a pattern too long to be a path, with a note, and still runs', async () => {
    const long = `/${'a'.repeat(100_000)}`;
    const snapshot = new InMemorySnapshot({
      '.github/workflows/ci.yml': 'on: push\n',
      '.github/CODEOWNERS': `* @platform\n${long} @nobody\n`,
    });
    const out = await pipelineCodeowners.run(snapshot);
    expect(out.status).toBe('pass');
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        file: '.github/CODEOWNERS',
        line: 2,
        message: expect.stringContaining('longer than 1024 characters'),
      }),
    ]);
  });
});
