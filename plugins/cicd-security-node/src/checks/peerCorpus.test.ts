import {
  compareWithPeer,
  corpusDescribe,
  corpusDir,
  matchFindings,
  readPeerExpectations,
} from '../testing';
import path from 'path';
import { InMemorySnapshot, LocalDirectorySnapshot } from '../snapshot';
import { CheckRegistry } from '../engine';
import { builtinChecks } from '.';
import { untrustedActions } from './untrustedActions';
import { selfHostedRunnerOnPrs } from './selfHostedRunnerOnPrs';

/**
 * Third-party calibration set (poutine's test data) in
 * ../shared/corpus/poutine, outside the repository; skipped with a note when
 * it is absent. `node bench/run.js calibration` prints the same comparison.
 *
 * Per finding: a poutine finding matches one of ours of the mapped check in
 * the same file within one line (one without a line matches at file level,
 * once); ours count once per distinct file:line. On every rule both tools
 * share, recall and precision are 0.9 or more once the differences named
 * below are set aside.
 */
const CORPUS = corpusDir('poutine') ?? 'the poutine corpus';

/**
 * A deliberate difference: a poutine finding we do not report (`peer`), one
 * of ours poutine does not report (`ours`), or both: the same finding on
 * another line. Each must still be there (the list shrinks when we agree).
 */
interface Difference {
  peer?: string;
  ours?: string;
  why: string;
}

const AT_THE_VALUE =
  'poutine points at the job or step, we at the line that sets the value';
const TEKTON = 'Tekton pipelines are not a platform we read';
const SCORECARD =
  "we follow OpenSSF Scorecard's Token-Permissions (every workflow without a permissions block, high on risky triggers); poutine's rule covers risky events only";
const WORKFLOW_RUN =
  'workflow_run runs with a write token and secrets after runs that pull requests can start, so we count it among the risky triggers; poutine does not flag these';
const REJECTED =
  'we also report workflow files GitHub rejects (the check is about valid definitions too); poutine has no such rule';
const AZURE_FORKS =
  'Azure builds forks without secrets and with a read-only token unless a pipeline setting says otherwise: we report these scripts only when the fact azure.forkBuildsExposeSecrets says fork builds get secrets (asserted in untrustedCheckout.test.ts)';
const W = '.github/workflows';

const DIFFERENCES: Record<string, Difference[]> = {
  'ci-debug-logging': [
    {
      peer: `${W}/debug_enabled_valid.yml:9`,
      ours: `${W}/debug_enabled_valid.yml:12`,
      why: AT_THE_VALUE,
    },
    {
      peer: `${W}/debug_enabled_valid.yml:14`,
      ours: `${W}/debug_enabled_valid.yml:16`,
      why: AT_THE_VALUE,
    },
    {
      ours: '.gitlab-ci.yml:64',
      why: "poutine names a GitLab file's debug variables in one finding; we report each place that sets one (CI_DEBUG_SERVICES at 37, CI_DEBUG_TRACE at 64)",
    },
  ],
  'overexposed-secrets': [
    {
      peer: `${W}/secrets.yaml:4`,
      ours: `${W}/secrets.yaml:14`,
      why: 'poutine points at the job, we at the expression that hands it every secret',
    },
    {
      peer: `${W}/secrets.yaml:16`,
      ours: `${W}/secrets.yaml:19`,
      why: 'poutine points at the job, we at the expression that hands it every secret',
    },
  ],
  'script-injection': [
    { peer: '.tekton/pipeline-as-code-tekton.yml:45', why: TEKTON },
    {
      ours: `${W}/valid.yml:26`,
      why: "github['head_ref'] is github.head_ref in index syntax; poutine's own fixture marks it as a TODO it misses",
    },
    {
      ours: `${W}/valid.yml:52`,
      why: 'one step expands the same value on two lines: poutine reports the step once (at run:), we report each line',
    },
    {
      ours: 'composite/action.yml:6',
      why: "a composite action's inputs written into code are injection sources for us (medium: the caller chooses them), as for zizmor; not for poutine",
    },
  ],
  'excessive-token-permissions': [
    ...[
      'allowed_pr_runner.yml:2',
      'anchors_env.yml:4',
      'anchors_job.yml:4',
      'anchors_multiple.yml:3',
      'debug_enabled_valid.yml:2',
      'matrix.yml:2',
      'secrets.yaml:1',
    ].map(f => ({ ours: `${W}/${f}`, why: SCORECARD })),
    { ours: `${W}/workflow_run_reusable.yml:1`, why: WORKFLOW_RUN },
    { ours: `${W}/workflow_run_valid.yml:1`, why: WORKFLOW_RUN },
  ],
  'unsound-pipeline-conditions': [
    { ours: `${W}/invalid-workflow.yaml:1`, why: REJECTED },
    { ours: `${W}/invalid-yaml.yml:1`, why: REJECTED },
    {
      ours: `${W}/secrets.yaml:4`,
      why: `${REJECTED} (a job with neither runs-on nor uses)`,
    },
  ],
  'untrusted-checkout': [
    {
      peer: `${W}/valid.yml:60`,
      why: 'echo "pre-commit run" only prints; poutine\'s own fixture marks it as a false positive to fix',
    },
    {
      peer: `${W}/valid.yml:75`,
      why: 'curl … | bash runs a downloaded script, not the checked-out files (download-and-execute reports it); poutine counts any bash',
    },
    {
      peer: `${W}/valid.yml:80`,
      why: 'curl … | bash of a script pinned to a commit runs no checked-out file; poutine counts any bash',
    },
    { peer: 'azure-pipelines-2.yml:13', why: AZURE_FORKS },
    { peer: 'azure-pipelines-2.yml:14', why: AZURE_FORKS },
    { peer: 'azure-pipelines-4.yml:10', why: AZURE_FORKS },
    { peer: 'azure-pipelines-4.yml:11', why: AZURE_FORKS },
    { peer: '.tekton/pipeline-as-code-tekton.yml:43', why: TEKTON },
    {
      peer: `${W}/test_new_fields.yml:29`,
      ours: `${W}/test_new_fields.yml:32`,
      why: "poutine points at the step's run: key, we at the command that runs the code (npm install, after a comment and a curl)",
    },
    {
      ours: `${W}/workflow_run_reusable.yml:13`,
      why: 'we do not resolve which workflows start a workflow_run: a checkout of its head_sha is reported whatever the upstream (here a reusable workflow, which poutine resolves as never started by a pull request)',
    },
  ],
};

/**
 * poutine flags every action whose Marketplace creator is not "verified",
 * which needs online data; offline we flag archived and typosquatted actions
 * and, with an owner allow-list, other owners (asserted below).
 */
const NEEDS_ONLINE_DATA = new Set(['untrusted-actions']);

corpusDescribe(CORPUS)(
  'agreement with poutine on its corpus, per finding',
  () => {
    const rows = (() => {
      let p: ReturnType<typeof compareWithPeer> | undefined;
      return () =>
        (p ??= compareWithPeer(CORPUS, new CheckRegistry(builtinChecks)));
    })();

    it('compares every rule both tools share', async () => {
      const ids = (await rows()).map(r => r.checkId);
      for (const id of Object.keys(DIFFERENCES)) expect(ids).toContain(id);
      expect(ids.length).toBeGreaterThanOrEqual(10);
    });

    it('reaches recall and precision of 0.9 on each shared rule, apart from the named differences', async () => {
      for (const r of await rows()) {
        if (NEEDS_ONLINE_DATA.has(r.checkId)) continue;
        const named = DIFFERENCES[r.checkId] ?? [];
        const f = r.findings;
        // Every named difference is still there.
        expect({
          id: r.checkId,
          peer: named.filter(d => d.peer && !f.missed.includes(d.peer)),
          ours: named.filter(d => d.ours && !f.extra.includes(d.ours)),
        }).toEqual({ id: r.checkId, peer: [], ours: [] });
        const pairs = named.filter(d => d.peer && d.ours).length;
        const peerOnly = named.filter(d => d.peer && !d.ours).length;
        const oursOnly = named.filter(d => d.ours && !d.peer).length;
        const recall = (f.matched + pairs) / (f.expected - peerOnly);
        const reported = f.reported - oursOnly;
        const precision = reported ? (f.confirmed + pairs) / reported : 1;
        const unnamed = {
          missed: f.missed.filter(m => !named.some(d => d.peer === m)),
          extra: f.extra.filter(m => !named.some(d => d.ours === m)),
        };
        expect({
          id: r.checkId,
          recall: recall >= 0.9,
          precision: precision >= 0.9,
          unnamed,
        }).toEqual({
          id: r.checkId,
          recall: true,
          precision: true,
          unnamed,
        });
      }
    });

    it('matches poutine on untrusted-actions once the owners are allow-listed', async () => {
      const snapshot = LocalDirectorySnapshot.create(
        path.join(CORPUS, 'repo'),
        {
          facts: {
            'cicd-security.allowedActionOwners': {
              available: true,
              value: ['actions', 'github', 'hashicorp', 'bridgecrewio', 'org'],
            },
          },
        },
      );
      const out = await untrustedActions.run(snapshot);
      const found = 'findings' in out ? out.findings : [];
      const agreement = matchFindings(
        readPeerExpectations(CORPUS).filter(
          e => e.checkId === 'untrusted-actions',
        ),
        found.flatMap(f => (f.file ? [{ file: f.file, line: f.line }] : [])),
      );
      expect(agreement).toMatchObject({ recall: 1, precision: 1 });
    });
  },
);

describe('self-hosted-runner-on-prs allow-list', () => {
  it('accepts runner labels the organisation allow-lists', async () => {
    const files = {
      '.github/workflows/ci.yml':
        'on: pull_request\njobs:\n  a:\n    runs-on: [ephemeral-arc]\n    steps:\n      - run: make\n',
    };
    const without = await selfHostedRunnerOnPrs.run(
      new InMemorySnapshot(files),
    );
    expect(without.status).toBe('fail');
    const withList = await selfHostedRunnerOnPrs.run(
      new InMemorySnapshot(files, {
        facts: {
          'cicd-security.allowedRunnerLabels': {
            available: true,
            value: ['ephemeral-arc'],
          },
        },
      }),
    );
    expect(withList.status).toBe('pass');
  });
});
