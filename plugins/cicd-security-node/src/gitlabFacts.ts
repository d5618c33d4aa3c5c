import { z } from 'zod';
import { branchRulesSchema, openAlerts, webhookSchema } from './factSchemas';

/**
 * The facts a GitLab project's settings give, read through the GitLab REST
 * API (`/api/v4`). Shapes are the platform-neutral ones where GitHub has the
 * same concept (branch rules, webhooks, open alerts), so that one check
 * reads either platform.
 */
export const gitlabFactDefinitions = {
  'gitlab.project': {
    description:
      'Project metadata and merge settings from `GET /projects/:id`: `archived`, `visibility`, `last_activity_at`, `default_branch`, `only_allow_merge_if_pipeline_succeeds`, `only_allow_merge_if_all_discussions_are_resolved`, `merge_method`; `asOf`, when it was read.',
    source: 'GitLab REST API',
    schema: z.object({
      archived: z.boolean(),
      visibility: z.string(),
      lastActivityAt: z.string().nullable(),
      defaultBranch: z.string().nullable(),
      onlyAllowMergeIfPipelineSucceeds: z.boolean(),
      onlyAllowMergeIfAllDiscussionsAreResolved: z.boolean(),
      mergeMethod: z.string().optional(),
      /** When the provider read the project: the time `lastActivityAt` is measured against. */
      asOf: z.string().datetime({ offset: true }).optional(),
    }),
  },
  'gitlab.defaultBranchRules': {
    description:
      'The rules of the default branch, merged from its protected branch (`GET /projects/:id/protected_branches/:name` or a wildcard match: push and merge access, `allow_force_push`, `code_owner_approval_required`), approval rules and settings (`/approval_rules`, `/approvals`), the pipeline-must-succeed setting and merge method of the project, and the push rule (`/push_rule`: `reject_unsigned_commits`). `sources` names where they come from (`protected-branch:<name>`, `approval-rule:<name>`, `project`, `push-rule`); `project` is always there, so a branch is protected when a `protected-branch:` source is. Everyone allowed to push to a protected default branch other than "No one" is in `bypassActors` (`actorType` `PushAccess:<role, user, group or deploy key>`), and merge requests are required only when no role may push.',
    source: 'GitLab REST API',
    schema: branchRulesSchema,
  },
  'gitlab.webhooks': {
    description:
      'Project hooks (`GET /projects/:id/hooks`): the URL without credentials or query, whether SSL verification is off (`enable_ssl_verification: false`) and whether a secret token is set (null when the API does not say).',
    source: 'GitLab REST API',
    schema: z.array(webhookSchema),
  },
  'gitlab.protectedEnvironments': {
    description:
      'Protected environments (`GET /projects/:id/protected_environments`): name, who may deploy (access levels, users, groups) and the approvals required.',
    source: 'GitLab REST API',
    schema: z.array(
      z.object({
        name: z.string(),
        deployAccess: z.array(z.string()),
        requiredApprovals: z.number().int().min(0),
      }),
    ),
  },
  'gitlab.variables': {
    description:
      'Project CI/CD variables (`GET /projects/:id/variables`): key, `protected`, `masked`, `hidden`, `environment_scope` and type (never the value).',
    source: 'GitLab REST API',
    schema: z.array(
      z.object({
        key: z.string(),
        protected: z.boolean(),
        masked: z.boolean(),
        hidden: z.boolean().optional(),
        environmentScope: z.string(),
        variableType: z.string().optional(),
      }),
    ),
  },
  'gitlab.jobTokenScope': {
    description:
      "The CI/CD job token's access settings (`GET /projects/:id/job_token_scope`): whether only allow-listed projects' job tokens may access this project (`inbound_enabled`).",
    source: 'GitLab REST API',
    schema: z.object({
      inboundEnabled: z.boolean(),
      outboundEnabled: z.boolean().optional(),
    }),
  },
  'gitlab.members': {
    description:
      'Members with the Owner or Maintainer role, inherited ones included (`GET /projects/:id/members/all`), by username; bots left out.',
    source: 'GitLab REST API',
    schema: z.object({
      owners: z.array(z.string()),
      maintainers: z.array(z.string()),
    }),
  },
  'gitlab.vulnerabilities': {
    description:
      'Open vulnerabilities (`GET /projects/:id/vulnerabilities`, state detected or confirmed; GitLab Ultimate), counted by severity.',
    source: 'GitLab REST API',
    schema: openAlerts,
  },
} as const;
