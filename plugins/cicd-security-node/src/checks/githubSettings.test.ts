import { parseFactsDocument } from '../facts';
import { InMemorySnapshot } from '../snapshot';
import { describeCheckFixtures, summarise } from '../testing';
import { actionsAllowList } from './actionsAllowList';
import { actionsRepoSettings } from './actionsRepoSettings';
import { defaultBranchProtected } from './defaultBranchProtected';
import { forcePushBlocked } from './forcePushBlocked';
import { openCodeScanningAlerts } from './openCodeScanningAlerts';
import { openSecretAlerts } from './openSecretAlerts';
import { protectionBypass } from './protectionBypass';
import { reviewRequired } from './reviewRequired';
import { reviewRigour } from './reviewRigour';
import { signedCommitsRequired } from './signedCommitsRequired';
import { staleCiSecrets } from './staleCiSecrets';
import { statusChecksRequired } from './statusChecksRequired';
import { webhookSecret } from './webhookSecret';
import { webhookTls } from './webhookTls';
import { CheckOutcome, ScorecardCheck } from './types';

/**
 * The checks that read GitHub repository settings as facts. Fact values go
 * through the facts' schemas (`parseFactsDocument`), so a value of the
 * wrong shape fails the test instead of feeding a check what no provider
 * would.
 */

interface FactsDoc {
  facts?: Record<string, unknown>;
  unavailable?: Record<string, { reason: string; permission?: string }>;
}

function withFacts(doc: FactsDoc): InMemorySnapshot {
  const parsed = parseFactsDocument(doc);
  if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
  return new InMemorySnapshot({ 'README.md': 'x' }, { facts: parsed.facts });
}

const github = (facts: Record<string, unknown>): FactsDoc => ({
  facts: { 'scm.platform': 'github', ...facts },
});

/** The default branch's rules, all at their strictest unless overridden. */
const rules = (over: Record<string, unknown> = {}) => ({
  branch: 'main',
  sources: ['ruleset:main-protection'],
  pullRequestRequired: true,
  requiredApprovals: 2,
  dismissStaleReviews: true,
  requireCodeOwnerReview: true,
  requireLastPushApproval: true,
  requiredStatusChecks: ['ci / test'],
  strictStatusChecks: true,
  requiredSignatures: true,
  requiredLinearHistory: true,
  allowForcePushes: false,
  allowDeletions: false,
  enforceAdmins: null,
  bypassActors: [],
  ...over,
});

/** What the provider reports for a branch no rule applies to. */
const unprotected = rules({
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
});

const ADMIN_READ = 'GitHub App permission Administration: read';

interface Spec {
  check: ScorecardCheck;
  /** The fact the check cannot do without. */
  fact: string;
  /** Facts that make it pass. */
  good: Record<string, unknown>;
  /** On GitLab: inconclusive (GH, GL checks) or not applicable (GitHub only). */
  gitlab: 'inconclusive' | 'not-applicable';
  /** Whether an archived repository makes it not applicable. */
  archived: boolean;
}

/** When the provider read the secrets: ages are measured against it. */
const AS_OF = '2025-06-01T12:00:00Z';
const secret = (name: string, updatedAt: string) => ({ name, updatedAt });
const secrets = (...list: { name: string; updatedAt: string }[]) => ({
  asOf: AS_OF,
  total: list.length,
  secrets: list,
});

const specs: Spec[] = [
  {
    check: defaultBranchProtected,
    fact: 'github.defaultBranchRules',
    good: { 'github.defaultBranchRules': rules() },
    gitlab: 'inconclusive',
    archived: true,
  },
  {
    check: forcePushBlocked,
    fact: 'github.defaultBranchRules',
    good: { 'github.defaultBranchRules': rules() },
    gitlab: 'inconclusive',
    archived: true,
  },
  {
    check: reviewRequired,
    fact: 'github.defaultBranchRules',
    good: { 'github.defaultBranchRules': rules() },
    gitlab: 'inconclusive',
    archived: true,
  },
  {
    check: reviewRigour,
    fact: 'github.defaultBranchRules',
    good: { 'github.defaultBranchRules': rules() },
    gitlab: 'inconclusive',
    archived: true,
  },
  {
    check: statusChecksRequired,
    fact: 'github.defaultBranchRules',
    good: { 'github.defaultBranchRules': rules() },
    gitlab: 'inconclusive',
    archived: true,
  },
  {
    check: protectionBypass,
    fact: 'github.defaultBranchRules',
    good: {
      'github.defaultBranchRules': rules(),
      'github.collaborators': { admins: ['ana', 'bo'], outside: [] },
    },
    gitlab: 'inconclusive',
    archived: true,
  },
  {
    check: signedCommitsRequired,
    fact: 'github.defaultBranchRules',
    good: { 'github.defaultBranchRules': rules() },
    gitlab: 'inconclusive',
    archived: true,
  },
  {
    check: actionsRepoSettings,
    fact: 'github.workflowTokenDefaults',
    good: {
      'github.workflowTokenDefaults': {
        default_workflow_permissions: 'read',
        can_approve_pull_request_reviews: false,
      },
    },
    // GitLab's counterpart is the job token scope (actionsRepoSettings.test.ts).
    gitlab: 'inconclusive',
    archived: true,
  },
  {
    check: actionsAllowList,
    fact: 'github.actionsPermissions',
    good: {
      'github.actionsPermissions': {
        enabled: true,
        allowed_actions: 'selected',
        sha_pinning_required: true,
      },
    },
    gitlab: 'not-applicable',
    archived: true,
  },
  {
    check: webhookSecret,
    fact: 'github.webhooks',
    good: {
      'github.webhooks': [
        {
          id: 1,
          active: true,
          url: 'https://ci.example.com/hook',
          insecureSsl: false,
          hasSecret: true,
        },
      ],
    },
    gitlab: 'inconclusive',
    archived: false,
  },
  {
    check: webhookTls,
    fact: 'github.webhooks',
    good: {
      'github.webhooks': [
        {
          id: 1,
          active: true,
          url: 'https://ci.example.com/hook',
          insecureSsl: false,
          hasSecret: true,
        },
      ],
    },
    gitlab: 'inconclusive',
    archived: false,
  },
  {
    check: openSecretAlerts,
    fact: 'github.secretScanningAlerts',
    good: { 'github.secretScanningAlerts': { open: 0, by: {} } },
    gitlab: 'not-applicable',
    archived: false,
  },
  {
    check: openCodeScanningAlerts,
    fact: 'github.codeScanningAlerts',
    good: {
      'github.codeScanningAlerts': { open: 2, by: { medium: 1, low: 1 } },
    },
    gitlab: 'not-applicable',
    archived: false,
  },
  {
    check: staleCiSecrets,
    fact: 'github.actionsSecrets',
    good: {
      'github.actionsSecrets': secrets(
        secret('NPM_TOKEN', '2025-01-15T09:30:00Z'),
      ),
    },
    gitlab: 'not-applicable',
    archived: true,
  },
];

const run = async (check: ScorecardCheck, doc: FactsDoc) =>
  check.run(withFacts(doc)) as Promise<CheckOutcome>;

describe('the test facts', () => {
  it('go through the facts’ schemas', () => {
    expect(() =>
      withFacts({
        facts: { 'github.defaultBranchRules': { branch: 'main' } },
      }),
    ).toThrow(/invalid github.defaultBranchRules/);
    expect(() =>
      withFacts({
        facts: {
          'github.workflowTokenDefaults': {
            default_workflow_permissions: 'admin',
            can_approve_pull_request_reviews: false,
          },
        },
      }),
    ).toThrow(/default_workflow_permissions/);
    expect(() =>
      withFacts({
        facts: {
          'github.actionsSecrets': {
            total: 1,
            secrets: [secret('NPM_TOKEN', '2025-01-15T09:30:00Z')],
          },
        },
      }),
    ).toThrow(/invalid github.actionsSecrets at asOf/);
    expect(() =>
      withFacts({
        facts: {
          'github.actionsSecrets': secrets(secret('NPM_TOKEN', 'last year')),
        },
      }),
    ).toThrow(/invalid github.actionsSecrets at secrets.0.updatedAt/);
  });
});

describe.each(specs.map(s => [s.check.id, s] as const))('%s', (_, spec) => {
  const { check } = spec;
  describeCheckFixtures(check);

  it('passes on the strict settings', async () => {
    expect(await run(check, github(spec.good))).toMatchObject({
      status: 'pass',
      score: 10,
      findings: [],
    });
  });

  it('decides from the GitHub facts without scm.platform (the CLI)', async () => {
    expect(await run(check, { facts: spec.good })).toMatchObject({
      status: 'pass',
    });
  });

  it('is inconclusive, naming the permission, when the fact is unavailable', async () => {
    const doc = github(spec.good);
    delete doc.facts![spec.fact];
    doc.unavailable = {
      [spec.fact]: {
        reason: `GitHub answered 403 to the request for ${spec.fact}`,
        permission: ADMIN_READ,
      },
    };
    const out = await run(check, doc);
    expect(out.status).toBe('inconclusive');
    expect('reason' in out && out.reason).toContain(ADMIN_READ);
    expect('reason' in out && out.reason).toContain(spec.fact);
  });

  it('is inconclusive when no provider supplied the fact', async () => {
    expect(await run(check, {})).toMatchObject({ status: 'inconclusive' });
  });

  it.each(['local', 'bitbucket', 'azure'])(
    'is not applicable to a %s repository',
    async platform => {
      expect(
        await run(check, { facts: { ...spec.good, 'scm.platform': platform } }),
      ).toEqual({
        status: 'not-applicable',
        reason: `settings of a ${platform} repository are not read by this check`,
      });
    },
  );

  it(`is ${spec.gitlab} on GitLab`, async () => {
    const out = await run(check, { facts: { 'scm.platform': 'gitlab' } });
    expect(out.status).toBe(spec.gitlab);
    if (spec.gitlab === 'inconclusive') {
      // Without the GitLab module's facts, the check names the one it needs.
      expect('reason' in out && out.reason).toMatch(
        /needs the GitLab API:? \(?fact gitlab\.[a-zA-Z]+: /,
      );
    }
  });

  const archivedRepo = {
    'github.repository': { archived: true, default_branch: 'main' },
  };
  if (spec.archived) {
    it('is not applicable to an archived repository', async () => {
      const out = await run(check, github({ ...archivedRepo }));
      expect(out.status).toBe('not-applicable');
      expect('reason' in out && out.reason).toMatch(
        /^the repository is archived/,
      );
    });
  } else {
    it('still reads an archived repository', async () => {
      expect(
        await run(check, github({ ...spec.good, ...archivedRepo })),
      ).toMatchObject({ status: 'pass' });
    });
  }
});

/** [case, facts, status, score, finding keys] */
type Row = [string, Record<string, unknown>, string, number?, string[]?];

const table = (check: ScorecardCheck, rows: Row[]) =>
  describe(`${check.id} scoring`, () => {
    // every row as five arguments, so Jest does not take a short row's test for a callback one
    const full = rows.map(r => [r[0], r[1], r[2], r[3], r[4]] as Row);
    it.each(full)('%s', async (_, facts, status, score, keys) => {
      const out = await run(check, github(facts));
      expect(out.status).toBe(status);
      if (score !== undefined) expect(out).toMatchObject({ score });
      if (keys) {
        expect(
          'findings' in out ? out.findings.map(f => f.fingerprintKey) : [],
        ).toEqual(keys);
      }
      if ('findings' in out) {
        for (const f of out.findings) {
          expect(f.file).toBeUndefined();
          expect(f.suggestedFix?.description).toBeTruthy();
        }
      }
    });
  });

const R = 'github.defaultBranchRules';

table(defaultBranchProtected, [
  ['a ruleset protects the branch', { [R]: rules() }, 'pass', 10],
  [
    'classic protection only',
    { [R]: rules({ sources: ['classic'], enforceAdmins: true }) },
    'pass',
    10,
  ],
  ['no rule', { [R]: unprotected }, 'fail', 0, ['default-branch-unprotected']],
]);

table(forcePushBlocked, [
  ['both blocked', { [R]: rules() }, 'pass', 10],
  [
    'force pushes allowed',
    { [R]: rules({ allowForcePushes: true }) },
    'fail',
    5,
    ['force-push-allowed'],
  ],
  [
    'deletion allowed',
    { [R]: rules({ allowDeletions: true }) },
    'fail',
    5,
    ['deletion-allowed'],
  ],
  [
    'unprotected',
    { [R]: unprotected },
    'fail',
    0,
    ['force-push-allowed', 'deletion-allowed'],
  ],
]);

table(reviewRequired, [
  ['one approval', { [R]: rules({ requiredApprovals: 1 }) }, 'pass', 10],
  [
    'pull requests without approvals',
    { [R]: rules({ requiredApprovals: 0 }) },
    'fail',
    0,
    ['zero-required-approvals'],
  ],
  [
    'no pull request required',
    { [R]: rules({ pullRequestRequired: false, requiredApprovals: 0 }) },
    'fail',
    0,
    ['no-pull-request-required'],
  ],
  [
    'unprotected',
    { [R]: unprotected },
    'fail',
    0,
    ['no-pull-request-required'],
  ],
]);

table(reviewRigour, [
  ['all tiers', { [R]: rules() }, 'pass', 10],
  [
    'stale dismissal instead of last-push approval',
    { [R]: rules({ requireLastPushApproval: false }) },
    'pass',
    10,
  ],
  [
    'one approval',
    { [R]: rules({ requiredApprovals: 1 }) },
    'fail',
    6,
    ['fewer-than-two-approvals'],
  ],
  [
    'no code owners',
    { [R]: rules({ requireCodeOwnerReview: false }) },
    'fail',
    7,
    ['no-code-owner-review'],
  ],
  [
    'approvals survive pushes',
    {
      [R]: rules({
        dismissStaleReviews: false,
        requireLastPushApproval: false,
      }),
    },
    'fail',
    7,
    ['stale-approvals-kept'],
  ],
  [
    'one approval, nothing else',
    {
      [R]: rules({
        requiredApprovals: 1,
        requireCodeOwnerReview: false,
        dismissStaleReviews: false,
        requireLastPushApproval: false,
      }),
    },
    'fail',
    0,
    [
      'fewer-than-two-approvals',
      'no-code-owner-review',
      'stale-approvals-kept',
    ],
  ],
  [
    'no review at all',
    { [R]: unprotected },
    'fail',
    0,
    [
      'fewer-than-two-approvals',
      'no-code-owner-review',
      'stale-approvals-kept',
    ],
  ],
]);

table(statusChecksRequired, [
  ['required and up to date', { [R]: rules() }, 'pass', 10],
  [
    'required, branch may be behind',
    { [R]: rules({ strictStatusChecks: false }) },
    'warn',
    8,
    ['status-checks-not-strict'],
  ],
  [
    'none required',
    { [R]: rules({ requiredStatusChecks: [] }) },
    'fail',
    0,
    ['no-required-status-checks'],
  ],
  [
    'unprotected',
    { [R]: unprotected },
    'fail',
    0,
    ['no-required-status-checks'],
  ],
]);

const C = 'github.collaborators';
const fewAdmins = { admins: ['ana', 'bo', 'cy'], outside: ['ext'] };
const manyAdmins = { admins: ['ana', 'bo', 'cy', 'di'], outside: [] };
const orgAdminBypass = {
  actorType: 'OrganizationAdmin',
  actorId: 1,
  bypassMode: 'always',
  ruleset: 'main-protection',
};

table(protectionBypass, [
  ['no bypass, three admins', { [R]: rules(), [C]: fewAdmins }, 'pass', 10],
  [
    'classic protection enforced on admins',
    {
      [R]: rules({ sources: ['classic'], enforceAdmins: true }),
      [C]: fewAdmins,
    },
    'pass',
    10,
  ],
  [
    'a bypass actor',
    { [R]: rules({ bypassActors: [orgAdminBypass] }), [C]: fewAdmins },
    'fail',
    6,
    ['bypass:main-protection:OrganizationAdmin:1'],
  ],
  [
    'admins not enforced',
    {
      [R]: rules({ sources: ['classic'], enforceAdmins: false }),
      [C]: fewAdmins,
    },
    'fail',
    7,
    ['admins-not-enforced'],
  ],
  [
    'too many admins',
    { [R]: rules(), [C]: manyAdmins },
    'fail',
    7,
    ['too-many-admins'],
  ],
  [
    'everything',
    {
      [R]: rules({
        sources: ['classic', 'ruleset:main-protection'],
        enforceAdmins: false,
        bypassActors: [
          orgAdminBypass,
          {
            actorType: 'DeployKey',
            bypassMode: 'always',
            ruleset: 'main-protection',
          },
        ],
      }),
      [C]: manyAdmins,
    },
    'fail',
    0,
    [
      'bypass:main-protection:OrganizationAdmin:1',
      'bypass:main-protection:DeployKey:',
      'admins-not-enforced',
      'too-many-admins',
    ],
  ],
  [
    'unprotected branch, few admins',
    { [R]: unprotected, [C]: fewAdmins },
    'pass',
    10,
  ],
  [
    'a bypass found, admins not read',
    { [R]: rules({ bypassActors: [orgAdminBypass] }) },
    'fail',
    6,
    ['bypass:main-protection:OrganizationAdmin:1'],
  ],
  ['no bypass, admins not read', { [R]: rules() }, 'inconclusive'],
  [
    'a ruleset whose bypass list could not be read, few admins',
    {
      [R]: rules({
        sources: ['ruleset:main-protection'],
        unreadBypassLists: ['main-protection'],
      }),
      [C]: fewAdmins,
    },
    'inconclusive',
  ],
  ['rules not read, few admins', { [C]: fewAdmins }, 'inconclusive'],
  [
    'rules not read, too many admins',
    { [C]: manyAdmins },
    'fail',
    7,
    ['too-many-admins'],
  ],
]);

table(signedCommitsRequired, [
  ['required', { [R]: rules() }, 'pass', 10],
  [
    'not required',
    { [R]: rules({ requiredSignatures: false }) },
    'fail',
    0,
    ['signatures-not-required'],
  ],
  ['unprotected', { [R]: unprotected }, 'fail', 0, ['signatures-not-required']],
]);

const W = 'github.workflowTokenDefaults';
const A = 'github.actionsPermissions';
table(actionsRepoSettings, [
  [
    'read token, no approvals',
    {
      [W]: {
        default_workflow_permissions: 'read',
        can_approve_pull_request_reviews: false,
      },
    },
    'pass',
    10,
  ],
  [
    'write token',
    {
      [W]: {
        default_workflow_permissions: 'write',
        can_approve_pull_request_reviews: false,
      },
    },
    'fail',
    5,
    ['default-token-write'],
  ],
  [
    'workflows approve pull requests',
    {
      [W]: {
        default_workflow_permissions: 'read',
        can_approve_pull_request_reviews: true,
      },
    },
    'fail',
    5,
    ['actions-can-approve'],
  ],
  [
    'both',
    {
      [W]: {
        default_workflow_permissions: 'write',
        can_approve_pull_request_reviews: true,
      },
    },
    'fail',
    0,
    ['default-token-write', 'actions-can-approve'],
  ],
  [
    'Actions disabled',
    {
      [A]: { enabled: false },
      [W]: {
        default_workflow_permissions: 'write',
        can_approve_pull_request_reviews: true,
      },
    },
    'not-applicable',
  ],
]);

table(actionsAllowList, [
  [
    'selected actions, SHA pinning',
    {
      [A]: {
        enabled: true,
        allowed_actions: 'selected',
        sha_pinning_required: true,
      },
    },
    'pass',
    10,
  ],
  [
    'local actions, SHA pinning',
    {
      [A]: {
        enabled: true,
        allowed_actions: 'local_only',
        sha_pinning_required: true,
      },
    },
    'pass',
    10,
  ],
  [
    'every action allowed',
    {
      [A]: {
        enabled: true,
        allowed_actions: 'all',
        sha_pinning_required: true,
      },
    },
    'fail',
    4,
    ['all-actions-allowed'],
  ],
  [
    'selected actions, no SHA pinning',
    {
      [A]: {
        enabled: true,
        allowed_actions: 'selected',
        sha_pinning_required: false,
      },
    },
    'fail',
    6,
    ['sha-pinning-not-required'],
  ],
  [
    'every action, pinning not offered',
    { [A]: { enabled: true, allowed_actions: 'all' } },
    'fail',
    0,
    ['all-actions-allowed', 'sha-pinning-not-required'],
  ],
  ['Actions disabled', { [A]: { enabled: false } }, 'not-applicable'],
  ['allowed_actions not returned', { [A]: { enabled: true } }, 'inconclusive'],
]);

const hook = (id: number, over: Record<string, unknown> = {}) => ({
  id,
  active: true,
  url: `https://ci.example.com/hook/${id}`,
  insecureSsl: false,
  hasSecret: true,
  ...over,
});
const H = 'github.webhooks';

table(webhookSecret, [
  ['every hook has a secret', { [H]: [hook(1), hook(2)] }, 'pass', 10],
  [
    'one of two has none',
    { [H]: [hook(1), hook(2, { hasSecret: false })] },
    'fail',
    5,
    ['webhook:2'],
  ],
  [
    'an inactive hook without secret counts',
    { [H]: [hook(3, { hasSecret: false, active: false })] },
    'fail',
    0,
    ['webhook:3'],
  ],
  ['no webhooks', { [H]: [] }, 'not-applicable'],
]);

table(webhookTls, [
  ['verified HTTPS', { [H]: [hook(1), hook(2)] }, 'pass', 10],
  [
    'plain HTTP',
    { [H]: [hook(1, { url: 'http://ci.example.com/hook' }), hook(2)] },
    'fail',
    5,
    ['webhook:1:http'],
  ],
  [
    'SSL verification off',
    { [H]: [hook(1, { insecureSsl: true })] },
    'fail',
    0,
    ['webhook:1:insecure-ssl'],
  ],
  ['no webhooks', { [H]: [] }, 'not-applicable'],
]);

const S = 'github.secretScanningAlerts';
table(openSecretAlerts, [
  ['no open alert', { [S]: { open: 0, by: {} } }, 'pass', 10],
  [
    'open alerts by type',
    {
      [S]: {
        open: 3,
        by: { github_personal_access_token: 1, aws_access_key_id: 2 },
      },
    },
    'fail',
    0,
    [
      'secret-alerts:aws_access_key_id',
      'secret-alerts:github_personal_access_token',
    ],
  ],
  [
    'open alerts not counted by type',
    { [S]: { open: 2, by: { slack_api_token: 1 } } },
    'fail',
    0,
    ['secret-alerts:slack_api_token', 'secret-alerts:other'],
  ],
]);

const Q = 'github.codeScanningAlerts';
table(openCodeScanningAlerts, [
  ['no open alert', { [Q]: { open: 0, by: {} } }, 'pass', 10],
  [
    'only medium and low',
    { [Q]: { open: 5, by: { medium: 3, low: 2 } } },
    'pass',
    10,
  ],
  [
    'high and critical',
    { [Q]: { open: 6, by: { critical: 1, high: 2, medium: 3 } } },
    'fail',
    0,
    ['code-scanning-alerts:critical', 'code-scanning-alerts:high'],
  ],
]);

const X = 'github.actionsSecrets';
table(staleCiSecrets, [
  [
    'every secret updated within a year',
    {
      [X]: secrets(
        secret('NPM_TOKEN', '2025-01-15T09:30:00Z'),
        secret('DEPLOY_KEY', '2024-06-02T12:00:00Z'),
      ),
    },
    'pass',
    10,
    [],
  ],
  ['no secrets', { [X]: secrets() }, 'pass', 10, []],
  [
    'one of two older than 365 days',
    {
      [X]: secrets(
        secret('NPM_TOKEN', '2025-01-15T09:30:00Z'),
        secret('AWS_SECRET_ACCESS_KEY', '2024-05-31T12:00:00Z'),
      ),
    },
    'fail',
    5,
    ['secret:AWS_SECRET_ACCESS_KEY'],
  ],
  [
    'all stale',
    {
      [X]: secrets(
        secret('A', '2020-01-10T14:59:22Z'),
        secret('B', '2023-01-01T00:00:00Z'),
        secret('C', '2021-06-01T00:00:00+02:00'),
      ),
    },
    'fail',
    0,
    ['secret:A', 'secret:B', 'secret:C'],
  ],
  ['secrets not read', {}, 'inconclusive'],
  [
    'archived repository',
    {
      'github.repository': { archived: true, default_branch: 'main' },
      [X]: secrets(secret('A', '2020-01-10T14:59:22Z')),
    },
    'not-applicable',
  ],
]);

describe('whole outcomes', () => {
  it('reports an unprotected default branch', async () => {
    const out = await run(defaultBranchProtected, github({ [R]: unprotected }));
    expect(summarise(out, defaultBranchProtected)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> high The default branch main is not protected: no ruleset and no branch protection rule applies to it, so anyone with write access can push to it directly, force-push or delete it",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('reports every way past the protection', async () => {
    const out = await run(
      protectionBypass,
      github({
        [R]: rules({
          sources: ['classic', 'ruleset:main-protection'],
          enforceAdmins: false,
          bypassActors: [orgAdminBypass],
        }),
        [C]: manyAdmins,
      }),
    );
    expect(summarise(out, protectionBypass)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> medium 4 people have admin permission on the repository (ana, bo, cy, di); more than 3 admins means more accounts that can change or lift its protection",
          "<repository> medium Classic branch protection of main is not enforced for administrators (enforce_admins false): admins push and merge past it",
          "<repository> medium Organization admins (ruleset "main-protection") may bypass the rules of the default branch main (bypass mode always): pushes and merges from them skip review and checks",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('reports open code scanning alerts at their own severity', async () => {
    const out = await run(
      openCodeScanningAlerts,
      github({ [Q]: { open: 6, by: { critical: 1, high: 2, medium: 3 } } }),
    );
    expect(summarise(out, openCodeScanningAlerts)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> critical 1 open code scanning alert of critical security severity",
          "<repository> high 2 open code scanning alerts of high security severity",
        ],
        "reason": "3 open critical or high code scanning alerts (6 open in all)",
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('names each stale secret and its age at the time it was read', async () => {
    const out = await run(
      staleCiSecrets,
      github({
        [X]: secrets(
          secret('NPM_TOKEN', '2025-01-15T09:30:00Z'),
          secret('AWS_SECRET_ACCESS_KEY', '2023-03-02T10:00:00Z'),
        ),
      }),
    );
    expect(summarise(out, staleCiSecrets)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> medium The repository secret AWS_SECRET_ACCESS_KEY was last updated 822 days ago (2023-03-02), more than 365: rotate it, or replace it with OIDC (short-lived credentials) or an environment secret",
        ],
        "score": 5,
        "status": "fail",
      }
    `);
  });

  it('names the missing permission', async () => {
    const out = await run(reviewRequired, {
      facts: { 'scm.platform': 'github' },
      unavailable: {
        [R]: {
          reason:
            'GitHub answered 403 to GET /repos/acme/shop/branches/main/protection',
          permission: ADMIN_READ,
        },
      },
    });
    expect(out).toMatchInlineSnapshot(`
      {
        "reason": "whether reviews are required before merging needs the GitHub API (fact github.defaultBranchRules: GitHub answered 403 to GET /repos/acme/shop/branches/main/protection (needs GitHub App permission Administration: read))",
        "status": "inconclusive",
      }
    `);
  });
});
