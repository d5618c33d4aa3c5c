import { getWorkflows, normaliseIndexes } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import {
  at,
  rangeInExpression,
  workflowExpressions,
} from '../analysis/githubActions';

/** `github.actor` / `github.triggering_actor` (index syntax allowed). */
const ACTOR = String.raw`github\s*(?:\.\s*|\[\s*')(?:actor|triggering_actor)(?:'\s*\])?`;
const BOT_LITERAL = String.raw`'[^']*\[bot\][^']*'`;
/** `actor == '…[bot]'`, `'…[bot]' == actor`, `contains/startsWith/endsWith(actor, '…bot…')`. */
const PATTERNS = [
  new RegExp(String.raw`(${ACTOR})\s*==\s*${BOT_LITERAL}`, 'gi'),
  new RegExp(String.raw`${BOT_LITERAL}\s*==\s*(${ACTOR})`, 'gi'),
  new RegExp(
    String.raw`(?:contains|startswith|endswith)\s*\(\s*(${ACTOR})\s*,\s*'[^']*bot[^']*'\s*\)`,
    'gi',
  ),
];

/**
 * `github.actor` is whoever caused the latest event of the run, not the author
 * of the code: a pull request updated by Dependabot, or a re-run, makes an
 * outsider's commits pass an `actor == 'dependabot[bot]'` gate.
 */
export const spoofableBotConditions = createScorecardCheck({
  id: 'spoofable-bot-conditions',
  title: 'No spoofable bot/actor conditions',
  description:
    'No if: condition trusts github.actor or github.triggering_actor being a bot (e.g. dependabot[bot]) to auto-merge, approve or skip checks; the pull request author is checked instead.',
  category: 'access-control',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'owasp-cicd-top10', control: 'CICD-SEC-1' },
    { framework: 'zizmor', control: 'bot-conditions' },
    { framework: 'poutine', control: 'confused_deputy_auto_merge' },
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/dependabot/working-with-dependabot/automating-dependabot-with-github-actions',
  run(snapshot) {
    const workflows = getWorkflows(snapshot);
    if (workflows.length === 0)
      return outcome.notApplicable('no GitHub Actions workflow');
    const findings: CheckFinding[] = [];
    let conditions = 0;
    for (const wf of workflows) {
      for (const e of workflowExpressions(wf)) {
        if (!e.isCondition) continue;
        conditions++;
        for (const re of PATTERNS) {
          re.lastIndex = 0;
          let m: RegExpExecArray | null;
          while ((m = re.exec(e.inner))) {
            const actorAt = m.index + m[0].indexOf(m[1]);
            const context = normaliseIndexes(m[1]).replace(/\s+/g, '');
            const range = rangeInExpression(wf, e, actorAt, m[1].length);
            findings.push({
              ...at(wf, range),
              message: `\`${m[0]}\` trusts ${context}, which names whoever triggered the latest event (a bot updating someone else's pull request, or a re-run), not the author of the code`,
              fingerprintKey: `${e.job?.id ?? ''}:${m[0]}`,
              suggestedFix: {
                description:
                  "Check the pull request's author instead: `github.event.pull_request.user.login == 'dependabot[bot]'`",
                replacement: m[0].replace(
                  m[1],
                  'github.event.pull_request.user.login',
                ),
              },
            });
          }
        }
      }
    }
    if (conditions === 0) return outcome.notApplicable('no if: condition');
    const bad = new Set(findings.map(f => `${f.file}:${f.line}`)).size;
    return outcome.proportional(conditions, findings, bad);
  },
});
