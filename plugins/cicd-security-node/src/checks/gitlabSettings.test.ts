import { parseFactsDocument } from '../facts';
import { InMemorySnapshot } from '../snapshot';
import { defaultBranchProtected } from './defaultBranchProtected';
import { forcePushBlocked } from './forcePushBlocked';
import { protectionBypass } from './protectionBypass';
import { reviewRequired } from './reviewRequired';
import { reviewRigour } from './reviewRigour';
import { signedCommitsRequired } from './signedCommitsRequired';
import { statusChecksRequired } from './statusChecksRequired';
import { webhookSecret } from './webhookSecret';
import { webhookTls } from './webhookTls';
import { CheckOutcome, ScorecardCheck } from './types';

/**
 * The settings checks on a GitLab project: they read the GitLab module's
 * facts (`gitlab.*`), which have the same shapes as GitHub's where the
 * concept is the same, and their findings and fixes speak GitLab. Values go
 * through the facts' schemas, as a provider's would.
 */

interface FactsDoc {
  facts?: Record<string, unknown>;
  unavailable?: Record<string, { reason: string; permission?: string }>;
}

async function run(
  check: ScorecardCheck,
  doc: FactsDoc,
): Promise<CheckOutcome> {
  const parsed = parseFactsDocument(doc);
  if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
  return check.run(
    new InMemorySnapshot({ '.gitlab-ci.yml': 'x' }, { facts: parsed.facts }),
  );
}

const project = {
  archived: false,
  visibility: 'private',
  lastActivityAt: '2026-11-20T10:00:00Z',
  defaultBranch: 'main',
  onlyAllowMergeIfPipelineSucceeds: true,
  onlyAllowMergeIfAllDiscussionsAreResolved: true,
  mergeMethod: 'ff',
};

/** A protected default branch at its strictest. */
const rules = (over: Record<string, unknown> = {}) => ({
  branch: 'main',
  sources: [
    'protected-branch:main',
    'approval-rule:Reviewers',
    'project',
    'push-rule',
  ],
  pullRequestRequired: true,
  requiredApprovals: 2,
  dismissStaleReviews: true,
  requireCodeOwnerReview: true,
  requireLastPushApproval: true,
  requiredStatusChecks: ['pipeline'],
  strictStatusChecks: true,
  requiredSignatures: true,
  requiredLinearHistory: true,
  allowForcePushes: false,
  allowDeletions: false,
  enforceAdmins: null,
  bypassActors: [],
  authorCanApprove: false,
  committersCanApprove: false,
  approversOverridable: false,
  ...over,
});

const gitlab = (facts: Record<string, unknown>): FactsDoc => ({
  facts: { 'scm.platform': 'gitlab', 'gitlab.project': project, ...facts },
});

const withRules = (over: Record<string, unknown> = {}) =>
  gitlab({ 'gitlab.defaultBranchRules': rules(over) });

const MAINTAINER = 'the Maintainer role and a token with the read_api scope';
const PREMIUM = 'GitLab Premium';

const reasonOf = (out: CheckOutcome) => ('reason' in out ? out.reason : '');
const findingsOf = (out: CheckOutcome) =>
  'findings' in out ? out.findings : [];

const branchChecks = [
  defaultBranchProtected,
  forcePushBlocked,
  reviewRequired,
  reviewRigour,
  statusChecksRequired,
  signedCommitsRequired,
];

describe.each(branchChecks.map(c => [c.id, c] as const))(
  '%s on GitLab',
  (_, check) => {
    it('passes on the strictest rules', async () => {
      expect(await run(check, withRules())).toMatchObject({
        status: 'pass',
        score: 10,
      });
    });

    it('is inconclusive, naming the permission, when the rules cannot be read', async () => {
      const out = await run(check, {
        facts: { 'scm.platform': 'gitlab', 'gitlab.project': project },
        unavailable: {
          'gitlab.defaultBranchRules': {
            reason:
              'GitLab answered 403 Forbidden to GET /projects/:id/protected_branches',
            permission: MAINTAINER,
          },
        },
      });
      expect(out.status).toBe('inconclusive');
      expect(reasonOf(out)).toContain('needs the GitLab API');
      expect(reasonOf(out)).toContain('gitlab.defaultBranchRules');
      expect(reasonOf(out)).toContain(MAINTAINER);
    });

    it('is not applicable to an archived project', async () => {
      const out = await run(check, {
        facts: {
          'scm.platform': 'gitlab',
          'gitlab.project': { ...project, archived: true },
          'gitlab.defaultBranchRules': rules(),
        },
      });
      expect(out.status).toBe('not-applicable');
      expect(reasonOf(out)).toMatch(/^the repository is archived/);
    });

    it('reads GitLab facts from a CLI facts file without scm.platform', async () => {
      const out = await run(check, {
        facts: { 'gitlab.defaultBranchRules': rules() },
      });
      expect(out.status).toBe('pass');
    });
  },
);

/** What the module reports for a default branch that is not protected. */
const unprotected = {
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
};

describe('default-branch-protected on GitLab', () => {
  it('fails when the default branch is not a protected branch, with a GitLab fix', async () => {
    const out = await run(defaultBranchProtected, withRules(unprotected));
    expect(out.status).toBe('fail');
    const [f] = findingsOf(out);
    expect(f.message).toContain('is not a protected branch');
    expect(f.suggestedFix?.description).toContain(
      'Settings → Repository → Protected branches',
    );
    expect(f.suggestedFix?.description).not.toContain('ruleset');
  });

  it('does not count project merge settings alone as protection', async () => {
    const out = await run(
      defaultBranchProtected,
      withRules({ sources: ['project', 'approval-rule:All members'] }),
    );
    expect(out.status).toBe('fail');
  });

  it('names the protected branch that protects it', async () => {
    const out = await run(
      defaultBranchProtected,
      withRules({ sources: ['protected-branch:release/*'] }),
    );
    expect(reasonOf(out)).toBe(
      'the default branch main is protected by protected branch "release/*"',
    );
  });
});

describe('force-push-blocked on GitLab', () => {
  it('fails when the protected branch allows force pushes', async () => {
    const out = await run(
      forcePushBlocked,
      withRules({ allowForcePushes: true }),
    );
    expect(out).toMatchObject({ status: 'fail', score: 5 });
    const [f] = findingsOf(out);
    expect(f.fingerprintKey).toBe('force-push-allowed');
    expect(f.suggestedFix?.description).toContain(
      '"Allowed to force push" off',
    );
  });

  it('reports force pushes and deletion on an unprotected branch', async () => {
    const out = await run(forcePushBlocked, withRules(unprotected));
    expect(out).toMatchObject({ status: 'fail', score: 0 });
    expect(findingsOf(out).map(f => f.fingerprintKey)).toEqual([
      'force-push-allowed',
      'deletion-allowed',
    ]);
  });
});

describe('review-required on GitLab', () => {
  it('fails when roles may push to the protected branch directly', async () => {
    const out = await run(
      reviewRequired,
      withRules({ pullRequestRequired: false }),
    );
    expect(out.status).toBe('fail');
    const [f] = findingsOf(out);
    expect(f.message).toContain('Merge requests are not required');
    expect(f.suggestedFix?.description).toContain('push_access_level=0');
  });

  it('fails when merge requests need no approval', async () => {
    const out = await run(reviewRequired, withRules({ requiredApprovals: 0 }));
    const [f] = findingsOf(out);
    expect(f.fingerprintKey).toBe('zero-required-approvals');
    expect(f.suggestedFix?.description).toContain('approval_rules');
  });

  it('is inconclusive when the approval rules could not be read (Free tier)', async () => {
    const out = await run(
      reviewRequired,
      withRules({
        requiredApprovals: 0,
        unread: [
          {
            part: 'approvals',
            reason: 'GitLab answered 403 to GET /projects/:id/approval_rules',
            permission: PREMIUM,
          },
        ],
      }),
    );
    expect(out.status).toBe('inconclusive');
    expect(reasonOf(out)).toContain(PREMIUM);
  });
});

describe('review-rigour on GitLab', () => {
  it('reports each way an author can approve their own change', async () => {
    const out = await run(
      reviewRigour,
      withRules({
        authorCanApprove: true,
        committersCanApprove: true,
        approversOverridable: true,
      }),
    );
    expect(out).toMatchObject({ status: 'fail', score: 4 });
    expect(findingsOf(out).map(f => f.fingerprintKey)).toEqual([
      'author-can-approve',
      'committers-can-approve',
      'approvers-overridable',
    ]);
    expect(findingsOf(out)[0].suggestedFix?.description).toContain(
      '"Prevent approval by merge request creator"',
    );
  });

  it('speaks of merge requests and GitLab settings', async () => {
    const out = await run(
      reviewRigour,
      withRules({
        requiredApprovals: 1,
        requireCodeOwnerReview: false,
        dismissStaleReviews: false,
        requireLastPushApproval: false,
      }),
    );
    const messages = findingsOf(out).map(f => f.message);
    expect(messages[0]).toContain('Merge requests into main need 1');
    expect(
      findingsOf(out)
        .map(f => f.suggestedFix?.description)
        .join(' '),
    ).toContain('Remove all approvals when a commit is added');
  });

  it('is inconclusive when the approval rules could not be read', async () => {
    const out = await run(
      reviewRigour,
      withRules({
        unread: [
          { part: 'approvals', reason: 'not licensed', permission: PREMIUM },
        ],
      }),
    );
    expect(out.status).toBe('inconclusive');
  });
});

describe('status-checks-required on GitLab', () => {
  it('fails when pipelines need not succeed', async () => {
    const out = await run(
      statusChecksRequired,
      withRules({ requiredStatusChecks: [], strictStatusChecks: false }),
    );
    const [f] = findingsOf(out);
    expect(f.message).toContain('"Pipelines must succeed" is off');
    expect(f.suggestedFix?.description).toContain(
      'only_allow_merge_if_pipeline_succeeds=true',
    );
  });

  it('warns when a merge commit can land untested on a newer default branch', async () => {
    const out = await run(
      statusChecksRequired,
      withRules({ strictStatusChecks: false }),
    );
    expect(out).toMatchObject({ status: 'warn', score: 8 });
    expect(findingsOf(out)[0].suggestedFix?.description).toContain(
      'Fast-forward merge',
    );
  });
});

describe('signed-commits-required on GitLab', () => {
  it('fails when the push rule accepts unsigned commits', async () => {
    const out = await run(
      signedCommitsRequired,
      withRules({ requiredSignatures: false }),
    );
    expect(findingsOf(out)[0].suggestedFix?.description).toContain(
      'reject_unsigned_commits=true',
    );
  });

  it('is inconclusive when the push rule could not be read', async () => {
    const out = await run(
      signedCommitsRequired,
      withRules({
        requiredSignatures: false,
        unread: [
          {
            part: 'pushRule',
            reason: 'push rules are a GitLab Premium feature',
            permission: PREMIUM,
          },
        ],
      }),
    );
    expect(out.status).toBe('inconclusive');
    expect(reasonOf(out)).toContain('push rules are a GitLab Premium feature');
  });
});

describe('protection-bypass on GitLab', () => {
  const members = (owners: string[], maintainers: string[] = []) => ({
    'gitlab.members': { owners, maintainers },
  });

  it('passes when only merge requests reach the branch and few people administer it', async () => {
    const out = await run(
      protectionBypass,
      gitlab({
        'gitlab.defaultBranchRules': rules(),
        ...members(['ana'], ['bo']),
      }),
    );
    expect(out).toMatchObject({ status: 'pass', score: 10 });
    expect(reasonOf(out)).toContain('nobody may push to the default branch');
  });

  it('reports who may push past merge requests', async () => {
    const out = await run(
      protectionBypass,
      gitlab({
        'gitlab.defaultBranchRules': rules({
          bypassActors: [{ actorType: 'PushAccess:Maintainers' }],
        }),
        ...members(['ana']),
      }),
    );
    expect(out.status).toBe('fail');
    const [f] = findingsOf(out);
    expect(f.message).toContain('Maintainers (allowed to push) may bypass');
    expect(f.suggestedFix?.description).toContain('push_access_level=0');
  });

  it('counts Owners and Maintainers as the people who can lift protection', async () => {
    const out = await run(
      protectionBypass,
      gitlab({
        'gitlab.defaultBranchRules': rules(),
        ...members(['ana', 'bo'], ['bo', 'cy', 'di']),
      }),
    );
    const [f] = findingsOf(out);
    expect(f.fingerprintKey).toBe('too-many-admins');
    expect(f.message).toContain('4 people have the Owner or Maintainer role');
  });

  it('is inconclusive, naming the permission, when members cannot be read', async () => {
    const out = await run(protectionBypass, {
      facts: {
        'scm.platform': 'gitlab',
        'gitlab.defaultBranchRules': rules(),
      },
      unavailable: {
        'gitlab.members': {
          reason: 'GitLab answered 401',
          permission: MAINTAINER,
        },
      },
    });
    expect(out.status).toBe('inconclusive');
    expect(reasonOf(out)).toContain('needs the GitLab API');
    expect(reasonOf(out)).toContain(MAINTAINER);
  });
});

describe('webhooks on GitLab', () => {
  const hook = (over: Record<string, unknown>) => ({
    id: 7,
    active: true,
    url: 'https://ci.example.com/hook',
    insecureSsl: false,
    hasSecret: true,
    ...over,
  });
  const hooks = (...list: unknown[]) => gitlab({ 'gitlab.webhooks': list });

  it('webhook-secret passes when every hook has a secret token', async () => {
    expect(await run(webhookSecret, hooks(hook({})))).toMatchObject({
      status: 'pass',
    });
  });

  it('webhook-secret fails with a GitLab fix for a hook without a token', async () => {
    const out = await run(webhookSecret, hooks(hook({ hasSecret: false })));
    expect(out.status).toBe('fail');
    const [f] = findingsOf(out);
    expect(f.message).toContain('comes from GitLab');
    expect(f.suggestedFix?.description).toContain('X-Gitlab-Token');
  });

  it('webhook-secret is inconclusive when the API does not say', async () => {
    const out = await run(webhookSecret, hooks(hook({ hasSecret: null })));
    expect(out.status).toBe('inconclusive');
    expect(reasonOf(out)).toContain('does not say whether webhook 7');
  });

  it('webhook-secret scores the hooks it knows and names the others', async () => {
    const out = await run(
      webhookSecret,
      hooks(
        hook({ id: 1, hasSecret: null }),
        hook({ id: 2, hasSecret: false }),
      ),
    );
    expect(out).toMatchObject({ status: 'fail', score: 0 });
    expect(reasonOf(out)).toContain('not known for 1');
  });

  it('webhook-tls fails for SSL verification off, with the GitLab field', async () => {
    const out = await run(webhookTls, hooks(hook({ insecureSsl: true })));
    const [f] = findingsOf(out);
    expect(f.message).toContain('enable_ssl_verification false');
    expect(f.suggestedFix?.description).toContain(
      'enable_ssl_verification=true',
    );
  });

  it('webhook-tls is inconclusive when hooks cannot be read', async () => {
    const out = await run(webhookTls, {
      facts: { 'scm.platform': 'gitlab' },
      unavailable: {
        'gitlab.webhooks': {
          reason: 'GitLab answered 403',
          permission: MAINTAINER,
        },
      },
    });
    expect(out.status).toBe('inconclusive');
    expect(reasonOf(out)).toContain(MAINTAINER);
  });
});
