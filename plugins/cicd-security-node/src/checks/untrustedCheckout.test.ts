import fs from 'fs';
import path from 'path';
import {
  AZURE_FORK_SECRETS_FACT,
  untrustedCheckout,
} from './untrustedCheckout';
import { InMemorySnapshot } from '../snapshot';
import {
  corpusDescribe,
  corpusDir,
  describeCheckFixtures,
  runOnFixture,
  summarise,
} from '../testing';
import { LocalDirectorySnapshot } from '../snapshot';

describe('untrusted-checkout', () => {
  describeCheckFixtures(untrustedCheckout);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(untrustedCheckout, 'fail');
    expect(summarise(outcome, untrustedCheckout)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/commands.yml:14:42 critical \`make\` runs code from the pull request, checked out by gh pr checkout of the pull request (line 14), with the token and secrets of a workflow triggered by issue_comment",
          ".github/workflows/coverage.yml:15:14 critical \`./scripts/coverage.sh\` runs code from the pull request, checked out by actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 of github.event.workflow_run.head_sha (line 14), with the token and secrets of a workflow triggered by workflow_run",
          ".github/workflows/coverage.yml:19:12 high The reusable workflow example-org/shared/.github/workflows/build.yml@8f4b7f84864484a7bf31766abe9204da3cbe65b3 is given github.event.workflow_run.head_branch as input ref in a workflow triggered by workflow_run; if it checks that ref out, the pull request's code runs with this workflow's token and secrets",
          ".github/workflows/preview.yml:16:14 critical \`npm ci\` runs code from the pull request, checked out by actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 of github.event.pull_request.head.sha (line 14), with the token and secrets of a workflow triggered by pull_request_target",
          ".github/workflows/preview.yml:17:14 critical \`npm run\` runs code from the pull request, checked out by actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 of github.event.pull_request.head.sha (line 14), with the token and secrets of a workflow triggered by pull_request_target",
          ".github/workflows/preview.yml:18:15 critical the local action \`./.github/actions/deploy-preview\` runs code from the pull request, checked out by actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 of github.event.pull_request.head.sha (line 14), with the token and secrets of a workflow triggered by pull_request_target",
          ".github/workflows/preview.yml:34:23 critical actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 checks out github.event.pull_request.head.repo.full_name, code from the pull request, in a workflow triggered by pull_request_target; any later step that reads or runs these files (build scripts, configuration, local actions) runs them with the workflow's token and secrets",
          ".github/workflows/preview.yml:47:11 critical \`make\` runs code from the pull request, checked out by git fetch of refs/pull/ (line 44), git checkout of $HEAD (github.event.pull_request.head.ref) (line 45), with the token and secrets of a workflow triggered by pull_request_target",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  async function failFindings() {
    const { outcome } = await runOnFixture(untrustedCheckout, 'fail');
    expect(outcome).toMatchObject({ status: 'fail', score: 0 });
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    return outcome.findings;
  }

  it('points at each step that runs the checked-out code and names the checkout', async () => {
    const findings = await failFindings();
    const f = findings.find(x => x.file === '.github/workflows/preview.yml')!;
    const { message, line, column } = f;
    expect({ message, line, column }).toEqual({
      message:
        '`npm ci` runs code from the pull request, checked out by actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 of github.event.pull_request.head.sha (line 14), with the token and secrets of a workflow triggered by pull_request_target',
      line: 16,
      column: 14,
    });
    expect(f.severity).toBeUndefined(); // the check's own: critical
  });

  it('finds checkouts in scripts, through env and on issue_comment', async () => {
    const findings = await failFindings();
    const at = (file: string, line: number) =>
      findings.find(
        x => x.file === `.github/workflows/${file}` && x.line === line,
      )!;
    // Two checkouts in one script, then `make test`: one finding, both named.
    expect(at('preview.yml', 47)).toMatchObject({ column: 11 });
    expect(at('preview.yml', 47).message).toContain('refs/pull/ (line 44)');
    expect(at('preview.yml', 47).message).toContain(
      '$HEAD (github.event.pull_request.head.ref) (line 45)',
    );
    // A checkout and the build on one line: the build's column.
    expect(at('commands.yml', 14)).toMatchObject({ column: 42 });
    expect(at('commands.yml', 14).message).toMatch(
      /^`make` runs code from the pull request, checked out by gh pr checkout/,
    );
    // Without a step that runs it, the checkout itself is the finding.
    expect(at('preview.yml', 34).message).toMatch(
      /^actions\/checkout@\S+ checks out github.event.pull_request.head.repo.full_name/,
    );
    expect(at('coverage.yml', 19)).toMatchObject({ severity: 'high' });
  });

  it('counts actions that run the checked-out configuration, and only what follows a checkout in a script', async () => {
    const { outcome } = await runOnFixture(untrustedCheckout, 'fail-actions');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings.map(f => [f.line, f.message.split(' runs ')[0]]))
      .toMatchInlineSnapshot(`
      [
        [
          13,
          "\`pre-commit/action@2c7b3805fd2a0fd8c1884dcaebf91fc102a13ecd\`",
        ],
        [
          14,
          "\`bridgecrewio/checkov-action@v12\`",
        ],
        [
          15,
          "\`ruby/setup-ruby@v1\`",
        ],
        [
          26,
          "\`npm test\`",
        ],
      ]
    `);
  });
});

describe('untrusted-checkout on Azure Pipelines', () => {
  it('points at the untrusted build steps of the Azure fixture', async () => {
    const { outcome } = await runOnFixture(untrustedCheckout, 'fail-azure');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings.map(f => [f.file, f.line, f.column])).toEqual([
      ['azure-pipelines.yml', 7, 25],
      ['azure-pipelines.yml', 10, 7],
    ]);
    expect(outcome.findings[0].message).toContain('`npm ci`');
  });

  const PR_BUILD = 'pr: [main]\nsteps:\n  - script: npm ci && npm test\n';

  it('is inconclusive when only the fork-secrets setting could decide', async () => {
    const out = await untrustedCheckout.run(
      new InMemorySnapshot({ 'azure-pipelines.yml': PR_BUILD }),
    );
    expect(out.status).toBe('inconclusive');
    if (out.status !== 'inconclusive') throw new Error();
    expect(out.reason).toContain(AZURE_FORK_SECRETS_FACT);
  });

  it('follows the fork-secrets setting when it is known', async () => {
    const run = (value: boolean) =>
      untrustedCheckout.run(
        new InMemorySnapshot(
          { 'azure-pipelines.yml': PR_BUILD },
          { facts: { [AZURE_FORK_SECRETS_FACT]: { available: true, value } } },
        ),
      );
    expect((await run(false)).status).toBe('pass');
    const out = await run(true);
    expect(out).toMatchObject({ status: 'fail' });
    if (out.status !== 'fail') throw new Error();
    expect(out.findings[0]).toMatchObject({ line: 3, column: 13 });
  });
});

/** poutine's fixture corpus in ../shared/corpus (skipped, with a note, when absent). */
const POUTINE = corpusDir('poutine') ?? 'the poutine corpus';
const withCorpus = corpusDescribe(POUTINE);

withCorpus('untrusted-checkout on the poutine corpus', () => {
  it('flags the steps that run the checked-out code, as poutine does', async () => {
    const out = await untrustedCheckout.run(
      LocalDirectorySnapshot.create(path.join(POUTINE, 'repo')),
    );
    if (out.status !== 'fail') throw new Error(out.status);
    // poutine points at the step's run: key, we at the command inside it
    // (test_new_fields.yml:32 for poutine's :29, after a comment and a curl).
    expect(out.findings.map(f => `${f.file}:${f.line}`).sort()).toEqual([
      '.github/workflows/test_new_fields.yml:32',
      '.github/workflows/test_new_fields.yml:40',
      '.github/workflows/valid.yml:31',
      '.github/workflows/valid.yml:56',
      '.github/workflows/workflow_run_reusable.yml:13',
      '.github/workflows/workflow_run_valid.yml:13',
    ]);
  });

  it('matches poutine on Azure pull request builds once fork builds are known to get secrets', async () => {
    const out = await untrustedCheckout.run(
      LocalDirectorySnapshot.create(path.join(POUTINE, 'repo'), {
        facts: { [AZURE_FORK_SECRETS_FACT]: { available: true, value: true } },
      }),
    );
    if (out.status !== 'fail') throw new Error(out.status);
    const expected: Array<{ checkId: string; path: string; line: number }> =
      JSON.parse(
        fs.readFileSync(path.join(POUTINE, 'expected.json'), 'utf8'),
      ).expected.filter(
        (e: { checkId: string; path: string }) =>
          e.checkId === 'untrusted-checkout' && /azure-pipelines/.test(e.path),
      );
    expect(
      out.findings
        .filter(f => /azure-pipelines/.test(f.file!))
        .map(f => `${f.file}:${f.line}`)
        .sort(),
    ).toEqual(expected.map(e => `${e.path}:${e.line}`).sort());
  });
});
