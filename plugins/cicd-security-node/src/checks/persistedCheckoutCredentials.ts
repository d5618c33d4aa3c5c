import { getWorkflows } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** `a/./b/` -> `a/b`; `.` and `./` -> the empty path (the workspace). */
function normalisePath(p: string): string {
  return p
    .trim()
    .replace(/^['"]|['"]$/g, '')
    .split('/')
    .filter(seg => seg !== '' && seg !== '.')
    .join('/');
}

/**
 * Whether an `actions/upload-artifact` `path:` (one entry a line, `!` lines
 * excluding) can pick up `.git/config` of a checkout into `checkoutPath`.
 * Only a path that plainly names something else (`dist/`, `report.xml`,
 * `/tmp/out`, `build/*.whl`) is ruled out; the workspace, a parent of the
 * checkout, a glob that can reach it, an expression or `..` all count.
 */
export function uploadCanCarryGitDir(
  uploadPath: string | undefined,
  checkoutPath: string | undefined,
): boolean {
  if (uploadPath === undefined) return true;
  const gitDir = [normalisePath(checkoutPath ?? ''), '.git']
    .filter(Boolean)
    .join('/');
  const entries = uploadPath
    .split('\n')
    .map(e => e.trim())
    .filter(e => e !== '' && !e.startsWith('!') && !e.startsWith('#'));
  if (entries.length === 0) return true;
  return entries.some(raw => {
    if (raw.includes('${{') || raw.includes('..')) return true;
    if (/^(~|\/tmp\/|\$RUNNER_TEMP|\$\{RUNNER_TEMP\})/.test(raw)) return false;
    if (raw.startsWith('/') || raw.startsWith('$')) return true;
    const entry = normalisePath(raw);
    const glob = entry.search(/[*?[{]/);
    const prefix = glob === -1 ? entry : entry.slice(0, glob);
    if (glob === -1) {
      // A plain path covers the .git directory when it is that directory or one of its parents.
      return entry === '' || gitDir === entry || gitDir.startsWith(`${entry}/`);
    }
    // A glob can reach it when the literal text before the first wildcard is a prefix of it.
    return gitDir.startsWith(prefix) || prefix.startsWith(gitDir);
  });
}

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
  frameworks: [{ framework: 'zizmor', control: 'artipacked' }],
  remediationUrl: 'https://github.com/actions/checkout#usage',
  run(snapshot) {
    const workflows = getWorkflows(snapshot);
    let total = 0;
    const findings: CheckFinding[] = [];
    for (const wf of workflows) {
      for (const job of wf.jobs) {
        const uploadPaths = job.steps
          .filter(s => /^actions\/upload-artifact@/i.test(s.uses?.value ?? ''))
          .map(s => s.with.path?.value);
        for (const step of job.steps) {
          const uses = step.uses;
          if (!uses || !/^actions\/checkout@/i.test(uses.value)) continue;
          total++;
          const uploads = uploadPaths.some(p =>
            uploadCanCarryGitDir(
              p === undefined ? undefined : String(p),
              step.with.path?.value === undefined
                ? undefined
                : String(step.with.path.value),
            ),
          );
          const persist = step.with['persist-credentials']?.value;
          if (
            persist !== undefined &&
            String(persist).toLowerCase() === 'false'
          ) {
            continue;
          }
          findings.push({
            message: `${uses.value} persists the job token in .git/config${
              uploads
                ? ' and this job uploads an artifact that can include it'
                : ''
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
