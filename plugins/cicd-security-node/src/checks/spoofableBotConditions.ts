import {
  ExpressionNode,
  getWorkflows,
  parseExpression,
  Workflow,
} from '../parsers/githubActions';
import {
  CheckFinding,
  createScorecardCheck,
  lowerSeverity,
  outcome,
} from './types';
import {
  at,
  LocatedExpression,
  rangeInExpression,
  workflowExpressions,
} from '../analysis/githubActions';

/**
 * Contexts that name whoever caused the latest event of a run, not the author
 * of the code: a bot that rebases or re-runs someone else's pull request
 * becomes the actor. Their ids (`*_id`) are the same person's, so no safer.
 */
const SPOOFABLE: Array<{ path: string[]; id: boolean }> = [
  { path: ['github', 'actor'], id: false },
  { path: ['github', 'triggering_actor'], id: false },
  { path: ['github', 'event', 'sender', 'login'], id: false },
  { path: ['github', 'actor_id'], id: true },
  { path: ['github', 'triggering_actor_id'], id: true },
  { path: ['github', 'event', 'sender', 'id'], id: true },
];

/** Well-known bots' user ids (what `github.actor_id` holds for them). */
const BOT_IDS: Record<string, string> = {
  '49699333': 'dependabot[bot]',
  '29139614': 'renovate[bot]',
  '41898282': 'github-actions[bot]',
  '27856297': 'dependabot-preview[bot]',
};
/** Bot logins written without the `[bot]` suffix in conditions. */
const BOT_LOGINS = new Set([
  'dependabot',
  'renovate',
  'renovate-bot',
  'github-actions',
  'dependabot-preview',
]);

/**
 * Triggers under which a spoofed actor gets the most: a write token and
 * secrets while an outsider's pull request, comment or run is in play.
 */
const PRIVILEGED = [
  'pull_request_target',
  'workflow_run',
  'issue_comment',
  'pull_request_review',
  'pull_request_review_comment',
];
/** Triggers where it matters with less at stake (a fork's read token), or that the caller decides. */
const UNTRUSTED = ['pull_request', 'workflow_call'];

type Level = 'high' | 'medium' | 'low';

interface BotComparison {
  context: string[];
  /** The bot the condition names, e.g. `dependabot[bot]`, or the literal. */
  bot: string;
  /** `!=`, or under an odd number of `!`: the condition skips the bot. */
  negated: boolean;
  /** How the context is compared: `being`, `containing`, `starting with`… */
  how: string;
}

/** A literal that names a bot, for `==` and `!=`. */
function botName(value: unknown, id: boolean): string | undefined {
  if (value === null || typeof value === 'boolean') return undefined;
  const s = String(value).trim().toLowerCase();
  if (id) return BOT_IDS[s];
  if (s.endsWith('[bot]') || BOT_LOGINS.has(s)) return s;
  return undefined;
}

/** The strings a `contains()` haystack can hold: a literal, or `fromJSON` of a literal list. */
function haystack(n: ExpressionNode): string[] | undefined {
  if (n.kind === 'literal' && typeof n.value === 'string') {
    return n.value.split(/[\s,]+/).filter(Boolean);
  }
  if (
    n.kind === 'call' &&
    n.name.toLowerCase() === 'fromjson' &&
    n.args[0]?.kind === 'literal' &&
    typeof n.args[0].value === 'string'
  ) {
    try {
      const v: unknown = JSON.parse(n.args[0].value);
      if (Array.isArray(v)) return v.map(String);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function spoofable(n: ExpressionNode) {
  if (n.kind !== 'access') return undefined;
  const path = n.path.map(p => p.toLowerCase());
  return SPOOFABLE.find(
    s => s.path.length === path.length && s.path.every((p, i) => p === path[i]),
  );
}

/** Every comparison of a spoofable actor context with a bot in a condition. */
export function botComparisons(node: ExpressionNode): BotComparison[] {
  const out: BotComparison[] = [];
  const walk = (n: ExpressionNode, negated: boolean) => {
    switch (n.kind) {
      case 'not':
        walk(n.operand, !negated);
        return;
      case 'binary': {
        if (n.operator === '==' || n.operator === '!=') {
          const neg = n.operator === '!=' ? !negated : negated;
          for (const [ctx, lit] of [
            [n.left, n.right],
            [n.right, n.left],
          ]) {
            const s = spoofable(ctx);
            if (!s || lit.kind !== 'literal') continue;
            const bot = botName(lit.value, s.id);
            if (bot)
              out.push({ context: s.path, bot, negated: neg, how: 'being' });
          }
        }
        walk(n.left, negated);
        walk(n.right, negated);
        return;
      }
      case 'call': {
        const name = n.name.toLowerCase();
        const [a, b] = n.args;
        if (
          a &&
          b &&
          (name === 'contains' || name === 'startswith' || name === 'endswith')
        ) {
          // contains(github.actor, 'bot') / startsWith(github.actor, 'dependabot')
          const s = spoofable(a);
          if (
            s &&
            !s.id &&
            b.kind === 'literal' &&
            typeof b.value === 'string' &&
            /\[bot\]|^bot$|dependabot|renovate|github-actions/i.test(b.value)
          ) {
            out.push({
              context: s.path,
              bot: `'${b.value}'`,
              negated,
              how:
                name === 'contains'
                  ? 'containing'
                  : name === 'startswith'
                  ? 'starting with'
                  : 'ending with',
            });
          }
          // contains(fromJSON('["dependabot[bot]", …]'), github.actor)
          const t = name === 'contains' ? spoofable(b) : undefined;
          const list = t ? haystack(a) : undefined;
          const named = list?.map(v => botName(v, t!.id)).find(Boolean);
          if (t && named)
            out.push({ context: t.path, bot: named, negated, how: 'being' });
        }
        n.args.forEach(x => walk(x, negated));
        return;
      }
      case 'access':
        n.indexes.forEach(x => walk(x, negated));
        return;
      default:
    }
  };
  walk(node, false);
  return out;
}

/** Where a context is written in an expression: `github.actor`, `github['actor']`, any case. */
function contextPattern(path: string[]): RegExp {
  const [head, ...rest] = path;
  const seg = rest
    .map(p => String.raw`(?:\s*\.\s*${p}|\s*\[\s*'${p}'\s*\])`)
    .join('');
  return new RegExp(String.raw`\b${head}${seg}(?![\w-])`, 'gi');
}

/** What the workflow's triggers put at stake, before a negation lowers it. */
function stakeOf(wf: Workflow): Level {
  if (wf.triggers.some(t => PRIVILEGED.includes(t))) return 'high';
  if (wf.triggers.some(t => UNTRUSTED.includes(t))) return 'medium';
  return 'low';
}

const STAKE: Record<Level, string> = {
  high: 'the run has a write token and secrets while an outsider can cause the event',
  medium: 'an outsider can cause the event',
  low: 'only people with write access cause these events',
};

function findingsOf(wf: Workflow, e: LocatedExpression): CheckFinding[] {
  let tree: ExpressionNode;
  try {
    tree = parseExpression(e.inner);
  } catch {
    return []; // unparseable conditions are the expression checks' business
  }
  const found = botComparisons(tree);
  const cursors = new Map<string, number>();
  const prAuthor = wf.triggers.some(t =>
    [
      'pull_request',
      'pull_request_target',
      'pull_request_review',
      'pull_request_review_comment',
    ].includes(t),
  );
  return found.map(c => {
    const context = c.context.join('.');
    const re = contextPattern(c.context);
    re.lastIndex = cursors.get(context) ?? 0;
    const m = re.exec(e.inner);
    if (m) cursors.set(context, m.index + m[0].length);
    const range = rangeInExpression(
      wf,
      e,
      m ? m.index : 0,
      m ? m[0].length : e.inner.length,
    );
    const stake = stakeOf(wf);
    const severity = c.negated ? lowerSeverity(stake) : stake;
    const triggers = wf.triggers.join(', ') || 'no trigger';
    const what = c.negated
      ? `skips a step or job when ${context} ${
          c.how === 'being' ? 'is' : `is ${c.how}`
        } ${c.bot} (a spoofed actor skips it)`
      : `trusts ${context} ${c.how} ${c.bot}`;
    const byName = !context.endsWith('id');
    return {
      ...at(wf, range),
      severity,
      message: `This if: condition ${what}, but ${context} names whoever caused the latest event (a bot that rebases or re-runs someone else's pull request, or a re-run), not the author of the code; on ${triggers} ${STAKE[stake]}`,
      fingerprintKey: `${e.job?.id ?? ''}:${context}:${c.bot}:${c.negated}`,
      suggestedFix: {
        description: prAuthor
          ? "Check the pull request's author instead: `github.event.pull_request.user.login == 'dependabot[bot]'` (and, for automerge, the head repository)."
          : "Check the author of the change the run is about (for example the pull request's `user.login`), not the actor of the latest event.",
        ...(prAuthor && byName && m
          ? {
              replacement: `${e.inner.slice(
                0,
                m.index,
              )}github.event.pull_request.user.login${e.inner.slice(
                m.index + m[0].length,
              )}`,
            }
          : {}),
      },
    };
  });
}

/**
 * `github.actor` is whoever caused the latest event of the run, not the author
 * of the code: a pull request updated by Dependabot, or a re-run, makes an
 * outsider's commits pass an `actor == 'dependabot[bot]'` gate, and a
 * `!= 'dependabot[bot]'` gate skip.
 */
export const spoofableBotConditions = createScorecardCheck({
  id: 'spoofable-bot-conditions',
  title: 'No spoofable bot/actor conditions',
  description:
    'No if: condition trusts github.actor, github.triggering_actor, github.event.sender or their ids being a bot (e.g. dependabot[bot]) to auto-merge, approve or skip checks; the pull request author is checked instead.',
  category: 'access-control',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
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
        findings.push(...findingsOf(wf, e));
      }
    }
    if (conditions === 0) return outcome.notApplicable('no if: condition');
    const bad = new Set(
      findings
        .filter(f => f.severity !== 'low')
        .map(f => `${f.file}:${f.line}`),
    ).size;
    if (!bad && findings.length) {
      // Only conditions that people with write access can satisfy.
      return outcome.warn(
        0.25 * findings.length,
        findings,
        'bot conditions only in workflows that outsiders cannot trigger',
      );
    }
    return outcome.proportional(conditions, findings, bad);
  },
});
