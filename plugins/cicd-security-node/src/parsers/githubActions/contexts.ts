import { contextReferences } from './expressions';

/**
 * Contexts whose value is chosen by whoever opens the issue, pull request,
 * comment, review, discussion or commit that triggered the run. `*` stands for
 * one path segment (an array index or any key). The list follows the ones
 * zizmor, poutine and OpenSSF Scorecard use.
 */
export const ATTACKER_CONTROLLED_CONTEXTS: readonly string[] = [
  'github.head_ref',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.pull_request.head.repo.description',
  'github.event.pull_request.head.repo.homepage',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.email',
  'github.event.commits.*.author.name',
  'github.event.commits.*.committer.email',
  'github.event.commits.*.committer.name',
  'github.event.head_commit.message',
  'github.event.head_commit.author.email',
  'github.event.head_commit.author.name',
  'github.event.head_commit.committer.email',
  'github.event.head_commit.committer.name',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.head_commit.committer.email',
  'github.event.workflow_run.head_commit.committer.name',
  'github.event.workflow_run.head_repository.description',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.event.merge_group.head_commit.message',
  'github.event.merge_group.head_commit.author.email',
  'github.event.merge_group.head_commit.author.name',
  'github.event.changes.*.from',
  'github.event.client_payload.*',
  // Any `body` of the event payload: issues, comments, reviews, releases…
  'github.event.*.body',
];

const PATTERNS = ATTACKER_CONTROLLED_CONTEXTS.map(p => p.split('.'));

/**
 * Normalise an expression so that index syntax reads as dotted paths:
 * `github['head_ref']` → `github.head_ref`, `commits[0]` → `commits.*`.
 */
export function normaliseIndexes(expression: string): string {
  return expression
    .replace(/\[\s*'([A-Za-z_][A-Za-z0-9_-]*)'\s*\]/g, '.$1')
    .replace(/\[\s*\d+\s*\]/g, '.*');
}

/** The context references of an expression, index syntax normalised. */
export function expressionContexts(expression: string): string[] {
  return contextReferences(normaliseIndexes(expression));
}

function segmentsMatch(ref: string[], pattern: string[]): boolean {
  return ref.every(
    (seg, i) => seg === '*' || pattern[i] === '*' || seg === pattern[i],
  );
}

/**
 * Whether a context reference carries attacker-controlled text.
 * With `wholeObject` (the reference is serialised whole, as in
 * `toJSON(github.event.pull_request)`), an object that contains such a field
 * counts too.
 */
export function isAttackerControlled(
  ref: string,
  wholeObject = false,
): boolean {
  const segs = ref.split('.');
  for (const pattern of PATTERNS) {
    if (segs.length >= pattern.length) {
      // `client_payload.*` covers every depth below it.
      const tail = pattern[pattern.length - 1] === '*';
      if (segs.length === pattern.length || tail) {
        if (segmentsMatch(segs.slice(0, pattern.length), pattern)) return true;
      }
    } else if (wholeObject && segmentsMatch(segs, pattern)) {
      return true;
    }
  }
  return false;
}

/** The attacker-controlled references of one expression. */
export function attackerControlledReferences(expression: string): string[] {
  const wholeObject = /\btojson\s*\(/i.test(expression);
  return expressionContexts(expression).filter(r =>
    isAttackerControlled(r, wholeObject),
  );
}
