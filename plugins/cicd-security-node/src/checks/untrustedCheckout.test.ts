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
          ".github/workflows/commands.yml:14:14 critical gh pr checkout checks out the pull request, code from the pull request, in a workflow triggered by issue_comment; later steps run \`make\`, which execute that code with the workflow's token and secrets",
          ".github/workflows/coverage.yml:14:16 critical actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 checks out github.event.workflow_run.head_sha, code from the pull request, in a workflow triggered by workflow_run; later steps run \`./scripts/coverage.sh\`, which execute that code with the workflow's token and secrets",
          ".github/workflows/coverage.yml:19:12 high The reusable workflow example-org/shared/.github/workflows/build.yml@8f4b7f84864484a7bf31766abe9204da3cbe65b3 is given github.event.workflow_run.head_branch as input ref in a workflow triggered by workflow_run; if it checks that ref out, the pull request's code runs with this workflow's token and secrets",
          ".github/workflows/preview.yml:14:16 critical actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 checks out github.event.pull_request.head.sha, code from the pull request, in a workflow triggered by pull_request_target; later steps run \`npm ci\`, \`npm run\`, the local action \`./.github/actions/deploy-preview\`, which execute that code with the workflow's token and secrets",
          ".github/workflows/preview.yml:34:23 critical actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 checks out github.event.pull_request.head.repo.full_name, code from the pull request, in a workflow triggered by pull_request_target; any later step that reads or runs these files (build scripts, configuration, local actions) runs them with the workflow's token and secrets",
          ".github/workflows/preview.yml:44:11 critical git fetch checks out refs/pull/, code from the pull request, in a workflow triggered by pull_request_target; later steps run \`make\`, which execute that code with the workflow's token and secrets",
          ".github/workflows/preview.yml:45:11 critical git checkout checks out $HEAD (github.event.pull_request.head.ref), code from the pull request, in a workflow triggered by pull_request_target; later steps run \`make\`, which execute that code with the workflow's token and secrets",
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

  it('points at the ref: value and names the build tools that run the code', async () => {
    const findings = await failFindings();
    const f = findings.find(x => x.file === '.github/workflows/preview.yml')!;
    const { message, line, column } = f;
    expect({ message, line, column }).toEqual({
      message:
        "actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 checks out github.event.pull_request.head.sha, code from the pull request, in a workflow triggered by pull_request_target; later steps run `npm ci`, `npm run`, the local action `./.github/actions/deploy-preview`, which execute that code with the workflow's token and secrets",
      line: 14,
      column: 16,
    });
    expect(f.severity).toBeUndefined(); // the check's own: critical
  });

  it('finds checkouts in scripts, through env and on issue_comment', async () => {
    const findings = await failFindings();
    const at = (file: string, line: number) =>
      findings.find(
        x => x.file === `.github/workflows/${file}` && x.line === line,
      )!;
    expect(at('preview.yml', 44)).toMatchObject({ column: 11 });
    expect(at('preview.yml', 44).message).toContain('refs/pull/');
    expect(at('preview.yml', 45).message).toContain(
      '$HEAD (github.event.pull_request.head.ref)',
    );
    expect(at('preview.yml', 45).message).toContain('`make`');
    expect(at('commands.yml', 14)).toMatchObject({ column: 14 });
    expect(at('commands.yml', 14).message).toMatch(
      /^gh pr checkout checks out the pull request/,
    );
    expect(at('coverage.yml', 19)).toMatchObject({ severity: 'high' });
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
  it('flags the checkout of every workflow poutine flags, at the ref: value', async () => {
    const out = await untrustedCheckout.run(
      LocalDirectorySnapshot.create(path.join(POUTINE, 'repo')),
    );
    if (out.status !== 'fail') throw new Error(out.status);
    // poutine points at the step that runs the build tool; we point at the
    // checkout's ref: and name the tools in the message.
    expect(out.findings.map(f => `${f.file}:${f.line}`).sort()).toEqual([
      '.github/workflows/test_new_fields.yml:25',
      '.github/workflows/valid.yml:15',
      '.github/workflows/workflow_run_reusable.yml:12',
      '.github/workflows/workflow_run_valid.yml:12',
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
