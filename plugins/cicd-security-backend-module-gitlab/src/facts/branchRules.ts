import { CicdSecurityFacts } from '@cicd-security/plugin-cicd-security-node';

export type DefaultBranchRules = CicdSecurityFacts['gitlab.defaultBranchRules'];
type Unread = NonNullable<DefaultBranchRules['unread']>[number];

/** One entry of `push_access_levels` / `merge_access_levels`. */
export interface AccessLevel {
  access_level: number | null;
  description: string;
  user_id?: number | null;
  group_id?: number | null;
  deploy_key_id?: number | null;
}

/** What is kept of a protected branch (`GET /projects/:id/protected_branches`). */
export interface ProtectedBranch {
  name: string;
  push_access_levels: AccessLevel[];
  allow_force_push: boolean;
  code_owner_approval_required: boolean;
}

/** What is kept of an approval rule (`GET /projects/:id/approval_rules`). */
export interface ApprovalRule {
  name: string;
  rule_type: string;
  approvals_required: number;
  applies_to_all_protected_branches: boolean;
  protected_branches: string[];
}

/** The project-level approval settings (`GET /projects/:id/approvals`). */
export interface ApprovalSettings {
  reset_approvals_on_push: boolean;
  merge_requests_author_approval: boolean;
  merge_requests_disable_committers_approval: boolean;
  disable_overriding_approvers_per_merge_request: boolean;
}

/** The project settings that bear on merges into the default branch. */
export interface MergeSettings {
  only_allow_merge_if_pipeline_succeeds: boolean;
  merge_method?: string;
}

export interface BranchRulesInput {
  branch: string;
  project: MergeSettings;
  protectedBranches: ProtectedBranch[];
  /** Undefined when they could not be read (then `unread` says why). */
  approvalRules?: ApprovalRule[];
  approvalSettings?: ApprovalSettings;
  /** `reject_unsigned_commits` of the push rule; null: no push rule; undefined: not read. */
  rejectUnsignedCommits?: boolean | null;
  unread: Unread[];
}

const ROLE_NAMES: Record<number, string> = {
  0: 'No one',
  30: 'Developers + Maintainers',
  40: 'Maintainers',
  60: 'Admins',
};

/**
 * Whether a protected branch name (exact, or a wildcard where `*` stands
 * for any characters, `/` included) covers the branch, as GitLab matches.
 */
export function protects(name: string, branch: string): boolean {
  if (!name.includes('*')) return name === branch;
  const pattern = name
    .split('*')
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(branch);
}

/** A push access entry as a bypass actor: a role, a user, a group or a deploy key. */
function pusher(a: AccessLevel): DefaultBranchRules['bypassActors'][number] {
  if (typeof a.deploy_key_id === 'number') {
    return {
      actorType: `PushAccess:deploy key #${a.deploy_key_id}`,
      actorId: a.deploy_key_id,
    };
  }
  if (typeof a.user_id === 'number') {
    return {
      actorType: `PushAccess:user ${a.description || `#${a.user_id}`}`,
      actorId: a.user_id,
    };
  }
  if (typeof a.group_id === 'number') {
    return {
      actorType: `PushAccess:group ${a.description || `#${a.group_id}`}`,
      actorId: a.group_id,
    };
  }
  const role =
    ROLE_NAMES[a.access_level ?? -1] ?? a.description ?? `${a.access_level}`;
  return { actorType: `PushAccess:${role}` };
}

const isRole = (a: AccessLevel) =>
  typeof a.deploy_key_id !== 'number' &&
  typeof a.user_id !== 'number' &&
  typeof a.group_id !== 'number';

/**
 * The rules of the default branch from GitLab's settings (see the README's
 * "branch rules" table). Every protected branch entry that covers the
 * branch counts, the most permissive winning as GitLab applies them. An
 * unprotected branch can be pushed to directly by Developers, so the merge
 * request settings gate nothing there: they are reported off; the push
 * rule, which every push meets, still counts.
 */
export function mapBranchRules(input: BranchRulesInput): DefaultBranchRules {
  const { branch, project } = input;
  const matching = input.protectedBranches.filter(p =>
    protects(p.name, branch),
  );
  const out: DefaultBranchRules = {
    branch,
    sources: ['project'],
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
  const settings = input.approvalSettings;
  if (settings) {
    out.authorCanApprove = settings.merge_requests_author_approval;
    out.committersCanApprove =
      !settings.merge_requests_disable_committers_approval;
    out.approversOverridable =
      !settings.disable_overriding_approvers_per_merge_request;
  }
  if (input.rejectUnsignedCommits) {
    out.sources.push('push-rule');
    out.requiredSignatures = true;
  }
  if (input.unread.length) out.unread = [...input.unread];
  if (matching.length === 0) return out;

  for (const p of matching) out.sources.push(`protected-branch:${p.name}`);
  const push = matching.flatMap(p => p.push_access_levels);
  // A role other than "No one" (Developers, Maintainers) pushes directly.
  out.pullRequestRequired = !push.some(
    a => isRole(a) && (a.access_level ?? 0) > 0 && a.access_level !== 60,
  );
  const seen = new Set<string>();
  for (const a of push) {
    if (isRole(a) && (a.access_level ?? 0) === 0) continue;
    const actor = pusher(a);
    if (seen.has(actor.actorType)) continue;
    seen.add(actor.actorType);
    out.bypassActors.push(actor);
  }
  out.allowForcePushes = matching.some(p => p.allow_force_push);
  // Protected branches cannot be deleted by a push (only in the UI or API,
  // by Maintainers), as GitHub's deletion rule.
  out.allowDeletions = false;
  out.requireCodeOwnerReview = matching.some(
    p => p.code_owner_approval_required,
  );
  if (project.only_allow_merge_if_pipeline_succeeds) {
    out.requiredStatusChecks = ['pipeline'];
  }
  // Fast-forward and semi-linear merges need the source branch rebased on
  // the target first: what the pipeline tested is what lands.
  out.strictStatusChecks =
    project.merge_method === 'ff' || project.merge_method === 'rebase_merge';
  out.requiredLinearHistory = project.merge_method === 'ff';
  if (settings) {
    out.dismissStaleReviews = settings.reset_approvals_on_push;
    out.requireLastPushApproval =
      settings.merge_requests_disable_committers_approval;
  }
  for (const rule of input.approvalRules ?? []) {
    // Report approver rules come from security policies and apply only when
    // a scan finds something; code owner rules are requireCodeOwnerReview.
    if (rule.rule_type !== 'regular' && rule.rule_type !== 'any_approver') {
      continue;
    }
    const applies =
      (rule.applies_to_all_protected_branches && matching.length > 0) ||
      rule.protected_branches.length === 0 ||
      rule.protected_branches.some(name => matching.some(p => p.name === name));
    if (!applies || rule.approvals_required <= 0) continue;
    out.sources.push(`approval-rule:${rule.name}`);
    out.requiredApprovals = Math.max(
      out.requiredApprovals,
      rule.approvals_required,
    );
  }
  return out;
}
