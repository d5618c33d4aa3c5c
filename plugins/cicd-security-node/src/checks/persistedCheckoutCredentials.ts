import { getWorkflows } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/**
 * `actions/checkout` leaves the job's token in `.git/config` unless told not
 * to, where any later step, or an uploaded artifact of the workspace, can read it.
 */
export const persistedCheckoutCredentials = createScorecardCheck({
  id: 'persisted-checkout-credentials',
  title: 'Checkout does not persist credentials',
  description:
    'actions/checkout is used with persist-credentials: false, so the token is not left in .git/config for later steps or uploaded artifacts.',
  category: 'secrets-management',
  severity: 'medium',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'owasp-cicd-top10', control: 'CICD-SEC-6' },
    { framework: 'zizmor', control: 'artipacked' },
  ],
  remediationUrl: 'https://github.com/actions/checkout#usage',
  run(snapshot) {
    const workflows = getWorkflows(snapshot);
    let total = 0;
    const findings: CheckFinding[] = [];
    for (const wf of workflows) {
      for (const job of wf.jobs) {
        const uploads = job.steps.some(s =>
          /^actions\/upload-artifact@/.test(s.uses?.value ?? ''),
        );
        for (const step of job.steps) {
          const uses = step.uses;
          if (!uses || !/^actions\/checkout@/i.test(uses.value)) continue;
          total++;
          const persist = step.with['persist-credentials']?.value;
          if (
            persist !== undefined &&
            String(persist).toLowerCase() === 'false'
          ) {
            continue;
          }
          findings.push({
            message: `${uses.value} persists the job token in .git/config${
              uploads ? ' and this job uploads an artifact' : ''
            }; set persist-credentials: false`,
            file: wf.path,
            line: uses.range.line,
            column: uses.range.column,
            endLine: uses.range.endLine,
            endColumn: uses.range.endColumn,
            snippet: wf.file.lineText(uses.range.line).trim(),
            severity: uploads ? 'high' : undefined,
            fingerprintKey: `${job.id}:${uses.value}`,
            suggestedFix: {
              description:
                'Add `with: persist-credentials: false` to the checkout step',
              replacement: `with:\n  persist-credentials: false`,
            },
          });
        }
      }
    }
    if (total === 0) return outcome.notApplicable('no actions/checkout step');
    return outcome.proportional(total, findings);
  },
});
