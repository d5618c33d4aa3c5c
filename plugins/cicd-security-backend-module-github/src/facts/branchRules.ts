import { CicdSecurityFacts } from '@cicd-security/plugin-cicd-security-node';

export type DefaultBranchRules = CicdSecurityFacts['github.defaultBranchRules'];

/** One active rule of `GET /repos/{o}/{r}/rules/branches/{branch}`. */
export interface BranchRule {
  type: string;
  ruleset_id?: number;
  parameters?: Record<string, unknown>;
}

/** What is kept of a ruleset (`GET /repos/{o}/{r}/rulesets/{id}`). */
export interface RulesetInfo {
  id: number;
  name: string;
  /** Null when GitHub did not show them (the caller may not edit the ruleset). */
  bypassActors: Array<{
    actorType: string;
    actorId: number | null;
    bypassMode?: string;
  }> | null;
}

/** What is kept of classic protection (`GET …/branches/{b}/protection`). */
export type ClassicProtection = Record<string, unknown>;

const enabled = (v: unknown): boolean =>
  Boolean(v && typeof v === 'object' && (v as { enabled?: unknown }).enabled);

/**
 * The rules of the default branch, merged from its active ruleset rules and
 * classic protection: the strictest value of each rule wins.
 */
export function mergeBranchRules(
  branch: string,
  rules: BranchRule[],
  rulesets: Map<number, RulesetInfo>,
  classic: ClassicProtection | undefined,
): DefaultBranchRules {
  const out: DefaultBranchRules = {
    branch,
    sources: [],
    pullRequestRequired: false,
    requiredApprovals: 0,
    dismissStaleReviews: false,
    requireCodeOwnerReview: false,
    requireLastPushApproval: false,
    requiredStatusChecks: [],
    strictStatusChecks: false,
    requiredSignatures: false,
    requiredLinearHistory: false,
    allowForcePushes: true,
    allowDeletions: true,
    enforceAdmins: null,
    bypassActors: [],
  };
  const checks = new Set<string>();
  const rulesetIds: number[] = [];
  for (const rule of rules) {
    if (rule.ruleset_id !== undefined && !rulesetIds.includes(rule.ruleset_id))
      rulesetIds.push(rule.ruleset_id);
    const p = rule.parameters ?? {};
    switch (rule.type) {
      case 'pull_request':
        out.pullRequestRequired = true;
        out.requiredApprovals = Math.max(
          out.requiredApprovals,
          Number(p.required_approving_review_count) || 0,
        );
        out.dismissStaleReviews ||= p.dismiss_stale_reviews_on_push === true;
        out.requireCodeOwnerReview ||= p.require_code_owner_review === true;
        out.requireLastPushApproval ||= p.require_last_push_approval === true;
        break;
      case 'required_status_checks':
        out.strictStatusChecks ||=
          p.strict_required_status_checks_policy === true;
        for (const c of (p.required_status_checks as Array<{
          context?: string;
        }>) ?? []) {
          if (c?.context) checks.add(c.context);
        }
        break;
      case 'required_signatures':
        out.requiredSignatures = true;
        break;
      case 'required_linear_history':
        out.requiredLinearHistory = true;
        break;
      case 'non_fast_forward':
        out.allowForcePushes = false;
        break;
      case 'deletion':
        out.allowDeletions = false;
        break;
      default:
        break;
    }
  }
  for (const id of rulesetIds) {
    const ruleset = rulesets.get(id);
    const name = ruleset?.name ?? `#${id}`;
    out.sources.push(`ruleset:${name}`);
    if (!ruleset || ruleset.bypassActors === null) {
      (out.unreadBypassLists ??= []).push(name);
    }
    for (const actor of ruleset?.bypassActors ?? []) {
      out.bypassActors.push({ ...actor, ruleset: name });
    }
  }
  if (classic) {
    out.sources.push('classic');
    const reviews = classic.required_pull_request_reviews as
      | Record<string, unknown>
      | undefined;
    if (reviews) {
      out.pullRequestRequired = true;
      out.requiredApprovals = Math.max(
        out.requiredApprovals,
        Number(reviews.required_approving_review_count) || 0,
      );
      out.dismissStaleReviews ||= reviews.dismiss_stale_reviews === true;
      out.requireCodeOwnerReview ||=
        reviews.require_code_owner_reviews === true;
      out.requireLastPushApproval ||=
        reviews.require_last_push_approval === true;
    }
    const status = classic.required_status_checks as
      | Record<string, unknown>
      | undefined;
    if (status) {
      out.strictStatusChecks ||= status.strict === true;
      for (const c of (status.contexts as string[]) ?? []) checks.add(c);
      for (const c of (status.checks as Array<{ context?: string }>) ?? []) {
        if (c?.context) checks.add(c.context);
      }
    }
    out.requiredSignatures ||= enabled(classic.required_signatures);
    out.requiredLinearHistory ||= enabled(classic.required_linear_history);
    if (!enabled(classic.allow_force_pushes)) out.allowForcePushes = false;
    if (!enabled(classic.allow_deletions)) out.allowDeletions = false;
    out.enforceAdmins = enabled(classic.enforce_admins);
  }
  out.requiredStatusChecks = [...checks].sort();
  return out;
}
