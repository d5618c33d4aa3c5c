/**
 * Well-known actions whose outputs echo text an outsider writes: changed
 * file and branch names, pull request titles and bodies, comment bodies.
 * Data: add an action, and the outputs that carry such text, as a row.
 */
export interface TaintedOutputs {
  /** `owner/repo`, lower case. */
  action: string;
  /** Output names (lower case) that carry attacker text; `*` for every output. */
  outputs: readonly string[] | '*';
  /** Output names matching this pattern carry attacker text too. */
  pattern?: RegExp;
}

export const TAINTED_OUTPUT_ACTIONS: readonly TaintedOutputs[] = [
  { action: 'tj-actions/changed-files', outputs: '*' },
  { action: 'tj-actions/branch-names', outputs: '*' },
  // `<filter>_files` lists the changed files when list-files is set.
  { action: 'dorny/paths-filter', outputs: [], pattern: /_files$/ },
  { action: 'peter-evans/find-comment', outputs: ['comment-body'] },
  { action: 'xt0rted/pull-request-comment-branch', outputs: ['head_ref'] },
  {
    action: '8bitjonny/gh-get-current-pr',
    outputs: ['pr', 'pr_title', 'pr_body'],
  },
  { action: 'jwalton/gh-find-current-pr', outputs: ['title', 'body'] },
  {
    action: 'actions-ecosystem/action-get-merged-pull-request',
    outputs: ['title', 'body'],
  },
  { action: 'khan/pull-request-comment-trigger', outputs: ['comment_body'] },
];

/** Whether output `name` of the action a `uses:` value names carries attacker text. */
export function isTaintedOutput(uses: string, name: string): boolean {
  const action = uses.split('@')[0].trim().toLowerCase();
  const output = name.toLowerCase();
  const row = TAINTED_OUTPUT_ACTIONS.find(r => r.action === action);
  if (!row) return false;
  if (row.outputs === '*') return true;
  return row.outputs.includes(output) || !!row.pattern?.test(output);
}
