import { z } from 'zod';

/** Schemas shared by the facts of several SCM platforms. */

/** Open alerts of one kind: how many, by severity (or by type for secrets). */
export const openAlerts = z.object({
  open: z.number().int().min(0),
  by: z.record(z.string(), z.number().int().min(0)),
});

/**
 * The rules that apply to a default branch, merged from every place the
 * platform keeps them (GitHub rulesets and classic protection; GitLab
 * protected branches, approval rules, merge settings and push rules): the
 * strictest value of each rule wins.
 */
export const branchRulesSchema = z.object({
  branch: z.string(),
  sources: z.array(z.string()),
  pullRequestRequired: z.boolean(),
  requiredApprovals: z.number().int().min(0),
  dismissStaleReviews: z.boolean(),
  requireCodeOwnerReview: z.boolean(),
  requireLastPushApproval: z.boolean(),
  requiredStatusChecks: z.array(z.string()),
  strictStatusChecks: z.boolean(),
  requiredSignatures: z.boolean(),
  requiredLinearHistory: z.boolean(),
  allowForcePushes: z.boolean(),
  allowDeletions: z.boolean(),
  /** Classic protection's `enforce_admins`; null when only rulesets apply. */
  enforceAdmins: z.boolean().nullable(),
  /** Rulesets' bypass actors (`actor_type`: OrganizationAdmin, RepositoryRole, Team, Integration, DeployKey). */
  bypassActors: z.array(
    z.object({
      actorType: z.string(),
      actorId: z.number().nullable().optional(),
      bypassMode: z.string().optional(),
      ruleset: z.string().optional(),
    }),
  ),
  /**
   * Rulesets whose bypass list the credentials could not read (names or
   * `#id`): their rules count, but who may bypass them is not known.
   */
  unreadBypassLists: z.array(z.string()).optional(),
  /**
   * Parts of the rules the credentials or the plan could not read (GitLab
   * approval rules on the Free tier, push rules): the rules read still
   * count; checks that need a part listed here are inconclusive.
   */
  unread: z
    .array(
      z.object({
        part: z.enum(['approvals', 'pushRule', 'bypass']),
        reason: z.string(),
        permission: z.string().optional(),
      }),
    )
    .optional(),
  /** GitLab: merge request authors may approve their own merge requests. */
  authorCanApprove: z.boolean().optional(),
  /** GitLab: people who added commits to a merge request may approve it. */
  committersCanApprove: z.boolean().optional(),
  /** GitLab: approval rules may be edited on each merge request. */
  approversOverridable: z.boolean().optional(),
});

/** A webhook: URL without credentials or query, TLS verification, secret. */
export const webhookSchema = z.object({
  id: z.number(),
  active: z.boolean(),
  url: z.string(),
  insecureSsl: z.boolean(),
  /** Whether a secret (GitHub) or secret token (GitLab) is set; null when the API does not say. */
  hasSecret: z.boolean().nullable(),
});
