import { RepoSnapshot } from '../snapshot';
import {
  CheckFinding,
  CheckOutcome,
  createScorecardCheck,
  outcome,
  round1,
} from './types';

/** Where a policy may live, in the order GitHub looks (then GitLab's `.gitlab/`). */
const POLICY_DIRS = ['.github/', '', 'docs/', '.gitlab/'];
const POLICY_NAME = /^security(?:\.(?:md|markdown|rst|txt|adoc))?$/i;

export function findSecurityPolicy(snapshot: RepoSnapshot): string | undefined {
  for (const dir of POLICY_DIRS) {
    const hit = snapshot
      .files()
      .find(
        f =>
          f.startsWith(dir) &&
          !f.slice(dir.length).includes('/') &&
          POLICY_NAME.test(f.slice(dir.length)),
      );
    if (hit) return hit;
  }
  return undefined;
}

const URL_RE = /\bhttps?:\/\/[^\s)>\]]+/gi;
const EMAIL_RE = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;
const DISCLOSURE_RE =
  /disclos|vulnerabilit|\bembargo|\bcve\b|advisor|timeline|\b\d+\s*(?:business\s+)?(?:hours?|days?|weeks?)\b|acknowledg|triage/i;
/** Words of free text a policy needs beyond headings and links. */
export const MIN_POLICY_WORDS = 20;

/** What a policy offers, with the line of the first contact when it has one. */
export function assessPolicy(text: string) {
  const lines = text.split('\n');
  const contactLine = lines.findIndex(
    l =>
      new RegExp(URL_RE.source, 'i').test(l) ||
      new RegExp(EMAIL_RE.source).test(l),
  );
  const prose = lines
    .filter(l => !/^\s*(?:#|=+\s*$|-+\s*$|\.\.\s|<!--)/.test(l))
    .join(' ')
    .replace(URL_RE, ' ')
    .replace(EMAIL_RE, ' ');
  const words = prose.split(/\s+/).filter(w => /[A-Za-z]{2,}/.test(w)).length;
  return {
    contactLine: contactLine >= 0 ? contactLine + 1 : undefined,
    words,
    disclosure: DISCLOSURE_RE.test(text),
  };
}

/**
 * A security policy tells people who find a vulnerability in the pipeline or
 * the code how to report it privately instead of in a public issue.
 */
export const securityPolicy = createScorecardCheck({
  id: 'security-policy',
  title: 'Security policy & private reporting',
  description:
    'A SECURITY.md (root, .github/, docs/ or .gitlab/) tells reporters how to reach the maintainers privately, with enough detail on the disclosure process.',
  category: 'compliance',
  severity: 'medium',
  platforms: ['repository'],
  remediationUrl:
    'https://docs.github.com/en/code-security/getting-started/adding-a-security-policy-to-your-repository',
  run(snapshot): CheckOutcome {
    const file = findSecurityPolicy(snapshot);
    if (!file) {
      return outcome.fail(0, [
        {
          message:
            'No security policy: add SECURITY.md saying how to report a vulnerability privately',
          fingerprintKey: 'no-security-policy',
          suggestedFix: {
            description:
              'Add SECURITY.md with a private contact and the disclosure process',
            replacement: POLICY_TEMPLATE,
          },
        },
      ]);
    }
    const text = snapshot.read(file);
    if (text === undefined)
      return outcome.inconclusive(`${file} could not be read as text`);
    const a = assessPolicy(text);
    let score = 0;
    const findings: CheckFinding[] = [];
    const at = { file, line: 1, column: 1 };
    if (a.contactLine) score += 6;
    else {
      findings.push({
        ...at,
        message: `${file} gives no link or e-mail address to report a vulnerability to`,
        fingerprintKey: 'no-contact',
      });
    }
    if (a.words >= MIN_POLICY_WORDS) score += 3;
    else {
      findings.push({
        ...at,
        message: `${file} has only ${a.words} words of text; describe how to report and what happens next`,
        fingerprintKey: 'too-short',
      });
    }
    if (a.disclosure) score += 1;
    else {
      findings.push({
        ...at,
        message: `${file} does not describe the disclosure process (vulnerability handling, response time, advisories)`,
        severity: 'low',
        fingerprintKey: 'no-disclosure',
      });
    }
    if (score === 10) return outcome.pass(`policy in ${file}`);
    // A policy with a contact works, even if thin: a warning, not a failure.
    return {
      status: a.contactLine ? 'warn' : 'fail',
      score: round1(score),
      findings,
    };
  },
});

const POLICY_TEMPLATE = `# Security policy

## Reporting a vulnerability
Please do not open a public issue. Report it privately through
https://github.com/OWNER/REPO/security/advisories/new or to security@example.com.
We acknowledge reports within 3 business days and aim to publish a fix and an
advisory within 90 days, crediting the reporter unless asked otherwise.
`;
