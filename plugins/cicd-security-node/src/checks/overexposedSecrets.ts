import { getWorkflows } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import {
  at,
  rangeInExpression,
  stripStrings,
  workflowExpressions,
} from '../analysis/githubActions';

/** Patterns that hand a step more secrets than it names, or hide which ones. */
const PATTERNS: Array<{ re: RegExp; what: string; fix: string }> = [
  {
    re: /\btojson\s*\(\s*secrets\s*\)/gi,
    what: 'serialises every secret of the repository into one value (and defeats log masking of multi-line values)',
    fix: 'Pass only the secrets the step needs, one by one: `${{ secrets.NAME }}`',
  },
  {
    re: /\bsecrets\s*\[(?!\s*'[^']*'\s*\])/gi,
    what: 'indexes secrets with a computed name, so the job receives every secret of the repository',
    fix: 'Name each secret explicitly (e.g. a `case` on the environment choosing between `${{ secrets.PROD_TOKEN }}` and `${{ secrets.DEV_TOKEN }}`)',
  },
  {
    re: /\bfromjson\s*\(\s*secrets\b/gi,
    what: 'parses a secret as JSON; the fields extracted from it are not masked in logs',
    fix: 'Store each value that must stay secret as its own secret',
  },
];

/**
 * Expressions that give a job all secrets (`toJSON(secrets)`, `secrets[expr]`),
 * secrets whose parts escape masking (`fromJSON(secrets.X)`), and reusable
 * workflow calls with `secrets: inherit`.
 */
export const overexposedSecrets = createScorecardCheck({
  id: 'overexposed-secrets',
  title: 'Secrets not over‑exposed',
  description:
    'Jobs receive only the secrets they name: no toJSON(secrets), no secrets[computed-name], no fromJSON(secrets.X) and no secrets: inherit.',
  category: 'secrets-management',
  severity: 'medium',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'zizmor', control: 'overprovisioned-secrets' },
    { framework: 'zizmor', control: 'unredacted-secrets' },
    { framework: 'zizmor', control: 'secrets-inherit' },
    { framework: 'poutine', control: 'job_all_secrets' },
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions',
  run(snapshot) {
    const workflows = getWorkflows(snapshot);
    const findings: CheckFinding[] = [];
    const jobsWithSecrets = new Set<string>();
    const badJobs = new Set<string>();
    for (const wf of workflows) {
      for (const e of workflowExpressions(wf)) {
        const jobKey = `${wf.path}#${e.job?.id ?? ''}`;
        if (!/\bsecrets\b/i.test(e.inner)) continue;
        jobsWithSecrets.add(jobKey);
        const text = stripStrings(e.inner, /secrets\s*\[\s*$/);
        for (const p of PATTERNS) {
          p.re.lastIndex = 0;
          let m: RegExpExecArray | null;
          while ((m = p.re.exec(text))) {
            badJobs.add(jobKey);
            const range = rangeInExpression(wf, e, m.index, m[0].length);
            findings.push({
              ...at(wf, range),
              message: `\`${e.inner}\` ${p.what}`,
              fingerprintKey: `${e.job?.id ?? ''}:${e.inner}`,
              suggestedFix: { description: p.fix },
            });
          }
        }
      }
      for (const job of wf.jobs) {
        if (job.secrets !== 'inherit') continue;
        const jobKey = `${wf.path}#${job.id}`;
        jobsWithSecrets.add(jobKey);
        badJobs.add(jobKey);
        const node = job.node.get('secrets', true) as any;
        const range = node?.range ? wf.file.rangeOf(node) : job.idRange;
        findings.push({
          ...at(wf, range),
          message: `job "${job.id}" passes every secret of the repository to ${
            job.uses?.value ?? 'a reusable workflow'
          } with \`secrets: inherit\``,
          fingerprintKey: `${job.id}:inherit`,
          suggestedFix: {
            description:
              'List the secrets the called workflow declares, e.g. `secrets:\\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}`',
          },
        });
      }
      // Jobs that only name secrets one by one count as good instances.
      for (const job of wf.jobs) {
        if (job.secrets && job.secrets !== 'inherit') {
          jobsWithSecrets.add(`${wf.path}#${job.id}`);
        }
      }
    }
    if (workflows.length === 0)
      return outcome.notApplicable('no GitHub Actions workflow');
    if (jobsWithSecrets.size === 0) {
      return outcome.notApplicable('no workflow references secrets');
    }
    return outcome.proportional(jobsWithSecrets.size, findings, badJobs.size);
  },
});
