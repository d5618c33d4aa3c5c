import { Workflow } from './model';

/**
 * Triggers whose runs get a token that can write to the base repository and
 * its secrets while anyone who can open a pull request, an issue or a comment
 * controls part of the event: the places where injection and untrusted code
 * matter most.
 */
export const PRIVILEGED_TRIGGERS: readonly string[] = [
  'pull_request_target',
  'workflow_run',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
];

/**
 * Triggers under which a workflow with no `permissions:` at all is a known
 * route to a write token for outsiders (poutine `default_permissions_on_risky_events`).
 */
export const RISKY_PERMISSION_TRIGGERS: readonly string[] = [
  'pull_request_target',
  'issue_comment',
  'workflow_run',
];

/**
 * Triggers under which a checkout of the pull request's head runs
 * someone else's code with the base repository's token and secrets.
 */
export const UNTRUSTED_CHECKOUT_TRIGGERS: readonly string[] = [
  'pull_request_target',
  'workflow_run',
  'issue_comment',
];

/** The workflow's triggers that are in `list`. */
export function triggersIn(
  workflow: Workflow,
  list: readonly string[],
): string[] {
  return workflow.triggers.filter(t => list.includes(t));
}
