import { classifyUses, unpinnedActions } from './unpinnedActions';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('unpinned-actions', () => {
  describeCheckFixtures(unpinnedActions);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unpinnedActions, 'fail');
    expect(summarise(outcome, unpinnedActions)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/actions/setup/action.yml:6:13 medium pnpm/action-setup@v4 is a third-party action pinned to the tag "v4", which its owner can move; pin to the full commit SHA and keep the tag as a comment: \`pnpm/action-setup@<sha> # v4\`",
          ".github/workflows/ci.yml:13:15 low actions/checkout@v4 is a GitHub-owned action pinned to the tag "v4", which its owner can move; pin to the full commit SHA and keep the tag as a comment: \`actions/checkout@<sha> # v4\`",
          ".github/workflows/ci.yml:22:15 medium tj-actions/changed-files@v45 is a third-party action pinned to the tag "v45", which its owner can move; pin to the full commit SHA and keep the tag as a comment: \`tj-actions/changed-files@<sha> # v45\`",
          ".github/workflows/ci.yml:24:15 medium docker://ghcr.io/example/linter:1.4 refers to a container image by tag, which its publisher can move; pin the image by digest: \`docker://image@sha256:<digest>\`",
          ".github/workflows/ci.yml:30:15 high aws-actions/configure-aws-credentials@main follows the branch "main" of a third-party action, so each run may execute different code (worse than a tag); pin to the full commit SHA and keep the tag as a comment: \`aws-actions/configure-aws-credentials@<sha> # vX\`",
          ".github/workflows/ci.yml:37:11 high example-org/shared-workflows/.github/workflows/release.yml@main follows the branch "main" of a third-party reusable workflow, so each run may execute different code (worse than a tag); pin to the full commit SHA and keep the tag as a comment: \`example-org/shared-workflows/.github/workflows/release.yml@<sha> # vX\`",
        ],
        "reason": "6 of 9 uses: references are not pinned to a commit SHA",
        "score": 2.7,
        "status": "fail",
      }
    `);
  });

  it('weights third-party and GitHub-owned references 8 : 2, as Scorecard does', async () => {
    const { outcome } = await runOnFixture(unpinnedActions, 'fail');
    // third-party: 1 of 6 pinned; GitHub-owned: 2 of 3 pinned
    expect(outcome).toMatchObject({ status: 'fail', score: 2.7 });
  });

  it('points at the uses: value, ranks branches above tags and suggests the SHA pin', async () => {
    const { outcome } = await runOnFixture(unpinnedActions, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const byLine = (line: number, file = '.github/workflows/ci.yml') =>
      outcome.findings.find(f => f.file === file && f.line === line);
    expect(byLine(13)).toMatchObject({ column: 15, severity: 'low' });
    expect(byLine(22)).toMatchObject({ column: 15, severity: 'medium' });
    expect(byLine(30)).toMatchObject({ column: 15, severity: 'high' });
    expect(byLine(30)!.message).toContain('follows the branch "main"');
    expect(byLine(37)).toMatchObject({ column: 11, severity: 'high' });
    expect(byLine(6, '.github/actions/setup/action.yml')).toMatchObject({
      column: 13,
    });
    const { message, line, column } = byLine(22)!;
    expect({ message, line, column }).toEqual({
      message:
        'tj-actions/changed-files@v45 is a third-party action pinned to the tag "v45", which its owner can move; pin to the full commit SHA and keep the tag as a comment: `tj-actions/changed-files@<sha> # v45`',
      line: 22,
      column: 15,
    });
  });

  it('reports a SHA pin without a version comment as a low finding', async () => {
    const { outcome } = await runOnFixture(unpinnedActions, 'warn');
    expect(outcome).toMatchObject({ status: 'warn', score: 10 });
    if (outcome.status !== 'warn') throw new Error();
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ line: 8, severity: 'low' });
    expect(outcome.findings[0].message).toContain('no `# vX` comment');
  });

  it.each([
    ['./local', undefined],
    ['actions/checkout@v4', 'tag'],
    ['actions/checkout@v4.1.1', 'tag'],
    ['github/codeql-action/init@main', 'branch'],
    ['owner/repo@release/v2', 'branch'],
    ['owner/repo', 'none'],
    ['owner/repo@b4ffde65f46336ab88eb53be808477a3936bae11', 'sha'],
    ['docker://alpine:3.20', 'docker-tag'],
    [
      'docker://alpine@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1',
      'docker-digest',
    ],
  ])('classifies %s as %s', (value, kind) => {
    expect(classifyUses(value)?.kind).toBe(kind);
  });
});
