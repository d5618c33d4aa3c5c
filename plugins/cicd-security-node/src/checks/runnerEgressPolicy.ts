import {
  findExpressions,
  getWorkflows,
  Workflow,
  WorkflowJob,
} from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';

export const EGRESS_FIREWALL_FACT = 'cicd-security.runnersBehindEgressFirewall';

const HARDEN_RUNNER_RE = /^step-security\/harden-runner@/i;
const SECRET_RE = /\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[)/g;

/** Actions that publish packages, images or releases. */
const PUBLISH_ACTIONS: RegExp[] = [
  /^docker\/build-push-action@/i,
  /^pypa\/gh-action-pypi-publish@/i,
  /^softprops\/action-gh-release@/i,
  /^ncipollo\/release-action@/i,
  /^goreleaser\/goreleaser-action@/i,
  /^JS-DevTools\/npm-publish@/i,
  /^changesets\/action@/i,
  /^actions\/deploy-pages@/i,
  /^peaceiris\/actions-gh-pages@/i,
  /^aws-actions\/configure-aws-credentials@/i,
  /^azure\/login@/i,
  /^google-github-actions\/auth@/i,
];
/** Shell commands that publish. */
const PUBLISH_RUN_RE =
  /(?:^|[;&|(]\s*|\n\s*)(?:npm|pnpm|yarn)\s+publish\b|\bdocker\s+(?:image\s+)?push\b|\btwine\s+upload\b|\bcargo\s+publish\b|\bgh\s+release\s+(?:create|upload)\b|\bmvnw?\s+[^\n]*\bdeploy\b|\bgradlew?\s+[^\n]*\bpublish\w*\b|\bdotnet\s+nuget\s+push\b|\bgem\s+push\b|\bpoetry\s+publish\b|\buv\s+publish\b/;

function secretsIn(text: string | undefined, out: Set<string>): void {
  if (!text) return;
  for (const span of findExpressions(text)) {
    for (const m of span.inner.matchAll(SECRET_RE)) {
      const name = m[1] ?? '*';
      if (name.toUpperCase() !== 'GITHUB_TOKEN') out.add(name);
    }
  }
}

/** Why a job is worth containing: the secrets it receives, what it publishes. */
function exposure(wf: Workflow, job: WorkflowJob): string[] {
  const secrets = new Set<string>();
  for (const v of Object.values(wf.env)) secretsIn(v.value, secrets);
  for (const v of Object.values(job.env)) secretsIn(v.value, secrets);
  const publishes = new Set<string>();
  for (const step of job.steps) {
    for (const v of Object.values(step.env)) secretsIn(v.value, secrets);
    for (const v of Object.values(step.with)) secretsIn(v.value, secrets);
    secretsIn(step.run?.value, secrets);
    const uses = step.uses?.value ?? '';
    if (PUBLISH_ACTIONS.some(re => re.test(uses)))
      publishes.add(uses.split('@')[0]);
    const m = step.run ? PUBLISH_RUN_RE.exec(step.run.value) : null;
    if (m) publishes.add(`\`${m[0].trim().replace(/^[;&|(]\s*/, '')}\``);
  }
  const idToken =
    job.permissions?.scopes['id-token'] === 'write' ||
    (!job.permissions && wf.permissions?.scopes['id-token'] === 'write');
  const out: string[] = [];
  if (secrets.size)
    out.push(
      `receives ${[...secrets]
        .map(s => (s === '*' ? 'secrets[…]' : `secrets.${s}`))
        .slice(0, 4)
        .join(', ')}${secrets.size > 4 ? '…' : ''}`,
    );
  if (idToken) out.push('can mint OIDC tokens (id-token: write)');
  if (publishes.size)
    out.push(`publishes with ${[...publishes].slice(0, 3).join(', ')}`);
  return out;
}

/**
 * A job that holds secrets or publishes artifacts can send both anywhere
 * unless the runner's outbound traffic is limited to what the build needs.
 */
export const runnerEgressPolicy = createScorecardCheck({
  id: 'runner-egress-policy',
  title: "CI runners' network egress is restricted",
  description:
    'Jobs that handle secrets or publish artifacts restrict outbound network traffic (e.g. step-security/harden-runner with egress-policy: block and an allow-list), unless the organisation declares that its runners sit behind an egress firewall.',
  category: 'network-security',
  severity: 'low',
  platforms: ['github-actions'],
  remediationUrl:
    'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security',
  run(snapshot) {
    const jobs: Array<{ wf: Workflow; job: WorkflowJob; why: string[] }> = [];
    for (const wf of getWorkflows(snapshot)) {
      if (wf.kind !== 'workflow') continue;
      for (const job of wf.jobs) {
        if (job.uses || !job.steps.length) continue;
        const why = exposure(wf, job);
        if (why.length) jobs.push({ wf, job, why });
      }
    }
    if (!jobs.length)
      return outcome.notApplicable(
        'no GitHub Actions job handles secrets or publishes artifacts',
      );
    const fact = snapshot.fact(EGRESS_FIREWALL_FACT);
    if (fact.available && fact.value === true) {
      return outcome.pass(
        `the organisation declares its runners sit behind an egress firewall (${EGRESS_FIREWALL_FACT}); ${jobs.length} sensitive job(s) not inspected`,
      );
    }
    const findings: CheckFinding[] = [];
    for (const { wf, job, why } of jobs) {
      const harden = job.steps.find(s =>
        HARDEN_RUNNER_RE.test(s.uses?.value ?? ''),
      );
      const policy = harden?.with['egress-policy'];
      if (policy && policy.value.trim().toLowerCase() === 'block') continue;
      const at = policy?.range ?? harden?.uses?.range ?? job.idRange;
      findings.push({
        message: harden
          ? `Job ${job.id} ${why.join(' and ')}, but harden-runner only ${
              policy
                ? `runs with egress-policy: ${policy.value}`
                : 'audits (egress-policy defaults to audit)'
            }: outbound traffic is logged, not blocked`
          : `Job ${job.id} ${why.join(
              ' and ',
            )} with unrestricted network egress: a compromised dependency or action can send them anywhere`,
        file: wf.path,
        line: at.line,
        column: at.column,
        endLine: at.endLine,
        endColumn: at.endColumn,
        snippet: wf.file.lineText(at.line).trim(),
        fingerprintKey: `${job.id}`,
        suggestedFix: harden
          ? {
              description:
                'Block egress and allow only the endpoints the job needs (the audit run lists them)',
              replacement:
                'with:\n  egress-policy: block\n  allowed-endpoints: >\n    github.com:443\n    api.github.com:443',
            }
          : {
              description:
                'Add step-security/harden-runner as the first step with egress-policy: block and an allow-list (or declare the org egress firewall in configuration)',
              replacement:
                '- uses: step-security/harden-runner@<sha> # v2\n  with:\n    egress-policy: block\n    allowed-endpoints: >\n      github.com:443',
            },
      });
    }
    return outcome.proportional(jobs.length, findings);
  },
});
