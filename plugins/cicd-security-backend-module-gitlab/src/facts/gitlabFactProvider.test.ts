import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  Fact,
  FactName,
  FactProvider,
  FactSubject,
  validateFact,
} from '@cicd-security/plugin-cicd-security-node';
import {
  FakeGitlab,
  projectBody,
  readableProject,
  refusals,
} from '../testing/fakeGitlab';
import { protects } from './branchRules';
import {
  createGitlabFactProvider,
  GITLAB_FACTS,
  GitlabFactProviderOptions,
} from './gitlabFactProvider';

const ALL: FactName[] = [...GITLAB_FACTS];
const PATH = 'diaspora/backend/api';
const ENCODED = `/projects/${encodeURIComponent(PATH)}`;
/** The provider's clock in these tests: when the facts were read. */
const NOW = new Date('2025-06-01T12:00:00Z');
/** Past the default rememberWithoutEtagSeconds and settingsMaxAgeSeconds. */
const PAST_SIX_HOURS = 6 * 60 * 60 * 1000 + 1000;

/** The facts without when they were read: what the checks see. */
function valuesOf(facts: Partial<Record<string, Fact>>) {
  return Object.fromEntries(
    Object.entries(facts).map(([name, f]) => [
      name,
      f && f.available ? { available: true, value: f.value } : f,
    ]),
  );
}

/** The endpoints read at every scan: the project, its branch rules, vulnerabilities. */
const EVERY_SCAN = [
  ENCODED,
  `${ENCODED}/protected_branches?per_page=100`,
  `${ENCODED}/approvals`,
  `${ENCODED}/approval_rules?per_page=100`,
  `${ENCODED}/push_rule`,
  `${ENCODED}/vulnerabilities?per_page=100`,
  `${ENCODED}/vulnerabilities?per_page=100&page=2`,
];

/** The settings read at most every settingsMaxAgeSeconds. */
const SETTINGS = [
  `${ENCODED}/hooks?per_page=100`,
  `${ENCODED}/protected_environments?per_page=100`,
  `${ENCODED}/variables?per_page=100`,
  `${ENCODED}/job_token_scope`,
  `${ENCODED}/members/all?per_page=100`,
  `${ENCODED}/members/all?id=${encodeURIComponent(PATH)}&page=2&per_page=100`,
];

const SETTINGS_FACT_NAMES = [
  'gitlab.webhooks',
  'gitlab.protectedEnvironments',
  'gitlab.variables',
  'gitlab.jobTokenScope',
  'gitlab.members',
] as const;

describe('the GitLab fact provider', () => {
  const gitlab = new FakeGitlab();
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeAll(() => gitlab.start());
  afterAll(() => gitlab.stop());
  beforeEach(() => {
    gitlab.routes.clear();
    logger = mockServices.logger.mock();
  });

  function provider(
    integration: Record<string, unknown> = { token: 'glpat-test' },
    options: Partial<GitlabFactProviderOptions> = {},
  ): FactProvider {
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: {
          gitlab: [
            {
              host: gitlab.host,
              apiBaseUrl: gitlab.apiBaseUrl,
              ...integration,
            },
          ],
        },
      }),
    );
    return createGitlabFactProvider({
      integrations,
      logger,
      now: () => NOW,
      ...options,
    });
  }

  const subject = (path = PATH, host = gitlab.host): FactSubject => ({
    entityRef: `component:default/${path.split('/').pop()}`,
    source: {
      type: 'url',
      target: `http://${host}/${path}/-/tree/main/services/api`,
    },
  });

  async function fetchFacts(
    p: FactProvider,
    s: FactSubject = subject(),
    facts: FactName[] = ALL,
  ) {
    const got = await p.fetch(s, {
      facts,
      signal: new AbortController().signal,
    });
    // Every value must be what the contract declares.
    for (const [fact, value] of Object.entries(got)) {
      if (value?.available) {
        expect(validateFact(fact as FactName, value, 'gitlab')).toEqual(value);
      }
    }
    return got;
  }

  const serve = (path = PATH) =>
    gitlab.serve(readableProject(path, gitlab.apiBaseUrl));

  it('applies to projects on a configured GitLab host or with a project slug', () => {
    const p = provider();
    expect(p.appliesTo!(subject())).toBe(true);
    expect(
      p.appliesTo!({
        source: {
          type: 'url',
          target: `http://${gitlab.host}/a/b/c/-/blob/main/README.md`,
        },
      }),
    ).toBe(true);
    expect(
      p.appliesTo!({
        source: { type: 'url', target: 'https://github.com/a/b/tree/main' },
      }),
    ).toBe(false);
    // A slug on a directory source: gitlab.com (always an integration).
    expect(
      p.appliesTo!({
        annotations: { 'gitlab.com/project-slug': 'group/sub/project' },
        source: { type: 'dir', target: '/tmp/x' },
      }),
    ).toBe(true);
    // A lone segment is a namespace, not a project.
    expect(
      p.appliesTo!({
        source: { type: 'url', target: `http://${gitlab.host}/group` },
      }),
    ).toBe(false);
  });

  it('reads every fact, then re-reads an unchanged project with 304s of the every-scan endpoints only', async () => {
    serve();
    const p = provider();
    const from = gitlab.requests.length;
    const facts = await fetchFacts(p);

    expect(facts).toEqual({
      'gitlab.project': {
        available: true,
        value: {
          archived: false,
          visibility: 'private',
          lastActivityAt: '2013-09-30T13:46:02Z',
          defaultBranch: 'main',
          onlyAllowMergeIfPipelineSucceeds: true,
          onlyAllowMergeIfAllDiscussionsAreResolved: false,
          mergeMethod: 'ff',
          asOf: '2025-06-01T12:00:00.000Z',
        },
      },
      'gitlab.defaultBranchRules': {
        available: true,
        value: {
          branch: 'main',
          sources: [
            'project',
            'push-rule',
            'protected-branch:main',
            'protected-branch:ma*',
            'approval-rule:security',
            'approval-rule:All Members',
          ],
          // No role may push; a deploy key and a group may: they bypass.
          pullRequestRequired: true,
          // security (2) and All Members (1) apply; the report approver
          // rule and the release/* rule do not.
          requiredApprovals: 2,
          dismissStaleReviews: true,
          requireCodeOwnerReview: true,
          requireLastPushApproval: false,
          requiredStatusChecks: ['pipeline'],
          strictStatusChecks: true,
          requiredSignatures: true,
          requiredLinearHistory: true,
          // release/* allows force pushes, but does not cover main.
          allowForcePushes: false,
          allowDeletions: false,
          enforceAdmins: null,
          bypassActors: [
            { actorType: 'PushAccess:deploy key #1', actorId: 1 },
            {
              actorType: 'PushAccess:group Example Push Group',
              actorId: 1234,
            },
          ],
          authorCanApprove: true,
          committersCanApprove: true,
          approversOverridable: true,
        },
      },
      'gitlab.webhooks': {
        available: true,
        value: [
          {
            id: 1,
            active: true,
            url: 'http://example.com/hook',
            insecureSsl: false,
            hasSecret: null,
          },
          {
            id: 2,
            active: false,
            url: 'https://ci.example.com/hook',
            insecureSsl: true,
            hasSecret: null,
          },
        ],
      },
      'gitlab.protectedEnvironments': {
        available: true,
        value: [
          {
            name: 'production',
            deployAccess: ['role:maintainer', 'group:9'],
            requiredApprovals: 3,
          },
        ],
      },
      'gitlab.variables': {
        available: true,
        value: [
          {
            key: 'TEST_VARIABLE_1',
            protected: false,
            masked: true,
            hidden: false,
            environmentScope: '*',
            variableType: 'env_var',
          },
          {
            key: 'DEPLOY_KEY',
            protected: true,
            masked: false,
            hidden: true,
            environmentScope: 'production',
            variableType: 'file',
          },
        ],
      },
      'gitlab.jobTokenScope': {
        available: true,
        value: { inboundEnabled: true, outboundEnabled: false },
      },
      'gitlab.members': {
        available: true,
        // Bots and blocked users left out; john_doe once, at his highest role.
        value: { owners: ['raymond_smith'], maintainers: ['john_doe'] },
      },
      'gitlab.vulnerabilities': {
        available: true,
        value: { open: 3, by: { high: 2, critical: 1 } },
      },
    });
    expect(JSON.stringify(facts)).not.toMatch(
      /hunter2|s3cr3t|TEST_1|OPENSSH|runners_token|b8bc4a7a/,
    );

    // Cold: one request per endpoint and page: 13.
    const cold = gitlab.seen(from);
    expect(cold.sort()).toEqual(
      [...EVERY_SCAN, ...SETTINGS].map(path => `200 ${path}`).sort(),
    );
    expect(
      gitlab.requests
        .slice(from)
        .every(r => r.authorization === 'Bearer glpat-test'),
    ).toBe(true);
    expect(logger.debug).toHaveBeenLastCalledWith(
      `GitLab facts of ${gitlab.host}/${PATH}: 13 requests, 0 answered 304 Not Modified`,
      expect.objectContaining({ requests: 13, notModified: 0, remembered: 0 }),
    );
    // Read now: no fact says it is older.
    for (const fact of Object.values(facts)) {
      expect(fact).not.toHaveProperty('readAt');
    }

    // Warm and unchanged: the same values. The project, its branch rules
    // and the vulnerabilities are asked again (7 requests, all 304s); the
    // settings that change rarely come from memory for six hours, saying
    // when they were read.
    const firstRead = Date.now();
    const warmFrom = gitlab.requests.length;
    const warmFacts = await fetchFacts(p);
    expect(valuesOf(warmFacts)).toEqual(valuesOf(facts));
    const warm = gitlab.seen(warmFrom);
    expect(warm.sort()).toEqual(EVERY_SCAN.map(path => `304 ${path}`).sort());
    expect(
      gitlab.requests
        .slice(warmFrom)
        .every(r => r.ifNoneMatch?.startsWith('W/')),
    ).toBe(true);
    expect(logger.debug).toHaveBeenLastCalledWith(
      `GitLab facts of ${gitlab.host}/${PATH}: 7 requests, 7 answered 304 Not Modified; 6 answers given from memory`,
      expect.objectContaining({ requests: 7, notModified: 7, remembered: 6 }),
    );
    for (const name of SETTINGS_FACT_NAMES) {
      const fact = warmFacts[name];
      expect(fact).toMatchObject({
        available: true,
        readAt: expect.any(String),
      });
      const readAt = Date.parse((fact as { readAt: string }).readAt);
      expect(readAt).toBeLessThanOrEqual(firstRead);
      expect(readAt).toBeGreaterThan(firstRead - 60_000);
    }
    for (const name of [
      'gitlab.project',
      'gitlab.defaultBranchRules',
      'gitlab.vulnerabilities',
    ] as const) {
      expect(warmFacts[name]).not.toHaveProperty('readAt');
    }

    // Past six hours everything is asked again (a setting changed shows):
    // 13 requests, all 304s, and the facts are read now again.
    const later = Date.now() + PAST_SIX_HOURS;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      const againFrom = gitlab.requests.length;
      expect(await fetchFacts(p)).toEqual(facts);
      expect(gitlab.seen(againFrom).sort()).toEqual(
        [...EVERY_SCAN, ...SETTINGS].map(path => `304 ${path}`).sort(),
      );
      expect(logger.debug).toHaveBeenLastCalledWith(
        `GitLab facts of ${gitlab.host}/${PATH}: 13 requests, 13 answered 304 Not Modified`,
        expect.objectContaining({ requests: 13, notModified: 13 }),
      );
    } finally {
      clock.mockRestore();
    }
  });

  it('re-reads a project with new activity with one counted request', async () => {
    serve();
    const p = provider();
    const first = await fetchFacts(p);
    // New activity changes last_activity_at (and so the project's ETag) only.
    gitlab.routes.set(ENCODED, {
      body: projectBody(PATH, { last_activity_at: '2025-05-31T09:00:00Z' }),
    });
    const from = gitlab.requests.length;
    const facts = await fetchFacts(p);
    expect(facts['gitlab.project']).toMatchObject({
      value: { lastActivityAt: '2025-05-31T09:00:00Z' },
    });
    expect(valuesOf(facts)['gitlab.members']).toEqual(
      valuesOf(first)['gitlab.members'],
    );
    // Within the goal of 8 requests for a changed project, 1 counted.
    expect(gitlab.seen(from).sort()).toEqual(
      EVERY_SCAN.map(path => `${path === ENCODED ? 200 : 304} ${path}`).sort(),
    );
    expect(logger.debug).toHaveBeenLastCalledWith(
      `GitLab facts of ${gitlab.host}/${PATH}: 7 requests, 6 answered 304 Not Modified; 6 answers given from memory`,
      expect.objectContaining({ requests: 7, notModified: 6, remembered: 6 }),
    );
  });

  it('asks everything at every scan with settingsMaxAgeMs 0', async () => {
    serve();
    const p = provider({ token: 'glpat-test' }, { settingsMaxAgeMs: 0 });
    const first = await fetchFacts(p);
    const from = gitlab.requests.length;
    expect(await fetchFacts(p)).toEqual(first);
    expect(gitlab.seen(from).sort()).toEqual(
      [...EVERY_SCAN, ...SETTINGS].map(path => `304 ${path}`).sort(),
    );
  });

  it('remembers the 404s of a lower tier for six hours, never a 403', async () => {
    serve();
    // GitLab Free: no approvals, push rule or vulnerabilities (404, no
    // ETag). A token that may not read the webhooks (403).
    gitlab.routes.set(`${ENCODED}/approvals`, refusals.notFound);
    gitlab.routes.set(`${ENCODED}/push_rule`, refusals.notFound);
    gitlab.routes.set(
      `${ENCODED}/vulnerabilities?per_page=100`,
      refusals.notFound,
    );
    gitlab.routes.set(`${ENCODED}/hooks?per_page=100`, refusals.forbidden);
    const p = provider();
    const from = gitlab.requests.length;
    const facts = await fetchFacts(p);
    expect(
      gitlab
        .seen(from)
        .filter(r => !r.startsWith('200 '))
        .sort(),
    ).toEqual(
      [
        `403 ${ENCODED}/hooks?per_page=100`,
        `404 ${ENCODED}/approvals`,
        `404 ${ENCODED}/push_rule`,
        `404 ${ENCODED}/vulnerabilities?per_page=100`,
      ].sort(),
    );
    expect(facts['gitlab.vulnerabilities']).toMatchObject({
      available: false,
      permission: expect.stringContaining('GitLab Ultimate'),
    });

    // Unchanged: the 404s come from memory with the same reasons; the 403
    // is asked again; the rest are 304s or settings from memory.
    const warmFrom = gitlab.requests.length;
    const warmFacts = await fetchFacts(p);
    expect(valuesOf(warmFacts)).toEqual(valuesOf(facts));
    expect(gitlab.seen(warmFrom).sort()).toEqual(
      [
        `304 ${ENCODED}`,
        `304 ${ENCODED}/protected_branches?per_page=100`,
        `403 ${ENCODED}/hooks?per_page=100`,
      ].sort(),
    );
    expect(logger.debug).toHaveBeenLastCalledWith(
      expect.stringContaining(
        ': 3 requests, 2 answered 304 Not Modified; 8 answers given from memory',
      ),
      expect.objectContaining({ requests: 3, notModified: 2, remembered: 8 }),
    );

    // Past six hours the 404s are asked again (an upgrade shows).
    const later = Date.now() + PAST_SIX_HOURS;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      gitlab.routes.set(
        `${ENCODED}/vulnerabilities?per_page=100`,
        readableProject(PATH, gitlab.apiBaseUrl).get(
          `${ENCODED}/vulnerabilities?per_page=100`,
        )!,
      );
      const againFrom = gitlab.requests.length;
      const again = await fetchFacts(p);
      expect(again['gitlab.vulnerabilities']).toEqual({
        available: true,
        value: { open: 3, by: { high: 2, critical: 1 } },
      });
      expect(gitlab.seen(againFrom).filter(r => !r.startsWith('304 '))).toEqual(
        expect.arrayContaining([
          `403 ${ENCODED}/hooks?per_page=100`,
          `404 ${ENCODED}/approvals`,
          `404 ${ENCODED}/push_rule`,
          `200 ${ENCODED}/vulnerabilities?per_page=100`,
        ]),
      );
    } finally {
      clock.mockRestore();
    }
  });

  it('remembers a push rule answered null without an ETag, and never with rememberWithoutEtagMs 0', async () => {
    serve('g/nopush');
    const p = `/projects/${encodeURIComponent('g/nopush')}`;
    gitlab.routes.set(`${p}/push_rule`, { body: null, noEtag: true });
    for (const [remember, second] of [
      [undefined, []],
      [0, [`200 ${p}/push_rule`]],
    ] as const) {
      const prov = provider(
        { token: 'glpat-test' },
        { rememberWithoutEtagMs: remember },
      );
      const first = await fetchFacts(prov, subject('g/nopush'), [
        'gitlab.defaultBranchRules',
      ]);
      expect(first['gitlab.defaultBranchRules']).toMatchObject({
        available: true,
        value: { requiredSignatures: false },
      });
      const from = gitlab.requests.length;
      const again = await fetchFacts(prov, subject('g/nopush'), [
        'gitlab.defaultBranchRules',
      ]);
      expect(again).toEqual(first);
      expect(gitlab.seen(from).filter(r => r.includes('push_rule'))).toEqual(
        second,
      );
    }
  });

  it('asks only for the facts requested', async () => {
    serve();
    const from = gitlab.requests.length;
    await fetchFacts(provider(), subject(), ['gitlab.jobTokenScope']);
    expect(gitlab.seen(from)).toEqual([`200 ${ENCODED}/job_token_scope`]);
  });

  it('names the scope, role or tier that is missing, and never guesses', async () => {
    serve();
    // GitLab Free: no approval settings, rules, push rules or vulnerabilities.
    gitlab.routes.set(`${ENCODED}/approvals`, refusals.notFound);
    gitlab.routes.set(
      `${ENCODED}/approval_rules?per_page=100`,
      refusals.notFound,
    );
    gitlab.routes.set(`${ENCODED}/push_rule`, refusals.notFound);
    gitlab.routes.set(
      `${ENCODED}/vulnerabilities?per_page=100`,
      refusals.forbidden,
    );
    // A Developer's token: no hooks, variables, job token scope.
    gitlab.routes.set(`${ENCODED}/hooks?per_page=100`, refusals.forbidden);
    gitlab.routes.set(
      `${ENCODED}/variables?per_page=100`,
      refusals.insufficientScope,
    );
    gitlab.routes.set(`${ENCODED}/job_token_scope`, refusals.unauthorized);

    const facts = await fetchFacts(provider());
    const rules = facts['gitlab.defaultBranchRules'];
    expect(rules).toMatchObject({
      available: true,
      value: {
        requiredApprovals: 0,
        requiredSignatures: false,
        pullRequestRequired: true,
        sources: ['project', 'protected-branch:main', 'protected-branch:ma*'],
        unread: [
          {
            part: 'approvals',
            reason:
              'GitLab answered 404 for the approval settings: a feature of GitLab Premium, or the credentials cannot see it ("404 Not found")',
            permission:
              'GitLab Premium, and the Developer role and a token with the read_api scope',
          },
          {
            part: 'pushRule',
            reason:
              'GitLab answered 404 for the push rule: a feature of GitLab Premium, or the credentials cannot see it ("404 Not found")',
            permission:
              'GitLab Premium, and the Maintainer role and a token with the read_api scope',
          },
        ],
      },
    });
    // The approval settings were not read: not reported, not guessed.
    expect(rules).not.toMatchObject({
      value: { authorCanApprove: expect.anything() },
    });
    expect(facts['gitlab.webhooks']).toEqual({
      available: false,
      reason: 'GitLab refused to show the webhooks (403 ("403 Forbidden"))',
      permission: 'the Maintainer role and a token with the read_api scope',
    });
    expect(facts['gitlab.variables']).toEqual({
      available: false,
      reason:
        'the token may not read the CI/CD variables (403 ("insufficient_scope: The request requires higher privileges than provided by the access token."))',
      permission: 'a token with the read_api scope',
    });
    expect(facts['gitlab.jobTokenScope']).toEqual({
      available: false,
      reason:
        'GitLab rejected the token when reading the CI/CD job token scope (401 ("401 Unauthorized"))',
      permission: 'a token with the read_api scope',
    });
    expect(facts['gitlab.vulnerabilities']).toEqual({
      available: false,
      reason:
        'GitLab refused to show the vulnerabilities (403 ("403 Forbidden"))',
      permission:
        'GitLab Ultimate, and the Developer role and a token with the read_api scope',
    });
    expect(facts['gitlab.members']).toMatchObject({ available: true });
    expect(facts['gitlab.project']).toMatchObject({ available: true });
  });

  it('makes every fact unavailable when the project is not visible', async () => {
    gitlab.routes.set(ENCODED, {
      status: 404,
      body: { message: '404 Project Not Found' },
    });
    const facts = await fetchFacts(provider(), subject(), [
      'gitlab.project',
      'gitlab.defaultBranchRules',
    ]);
    for (const name of [
      'gitlab.project',
      'gitlab.defaultBranchRules',
    ] as const) {
      expect(facts[name]).toEqual({
        available: false,
        reason: `the project ${PATH} is not visible with the configured GitLab token (404)`,
        permission: `membership of ${PATH} and a token with the read_api scope`,
      });
    }
  });

  it('does not take missing merge settings for "off"', async () => {
    // What GitLab shows of a public project to a token that is no member.
    const {
      only_allow_merge_if_pipeline_succeeds,
      only_allow_merge_if_all_discussions_are_resolved,
      merge_method,
      ...visible
    } = projectBody(PATH);
    gitlab.routes.set(ENCODED, { body: visible });
    const facts = await fetchFacts(provider(), subject(), [
      'gitlab.project',
      'gitlab.defaultBranchRules',
    ]);
    expect(facts['gitlab.project']).toMatchObject({
      available: false,
      reason: expect.stringContaining('shows them to project members'),
    });
    expect(facts['gitlab.defaultBranchRules']).toMatchObject({
      available: false,
    });
  });

  it('reports an unprotected default branch, and a wildcard protection', async () => {
    serve('g/unprotected');
    const p = `/projects/${encodeURIComponent('g/unprotected')}`;
    gitlab.routes.set(`${p}/protected_branches?per_page=100`, {
      body: [],
    });
    gitlab.routes.set(`${p}/push_rule`, { body: null });
    const facts = await fetchFacts(provider(), subject('g/unprotected'), [
      'gitlab.defaultBranchRules',
    ]);
    expect(facts['gitlab.defaultBranchRules']).toEqual({
      available: true,
      value: {
        branch: 'main',
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
        authorCanApprove: true,
        committersCanApprove: true,
        approversOverridable: true,
      },
    });

    gitlab.routes.set(`${p}/protected_branches?per_page=100`, {
      body: [
        {
          id: 7,
          name: '*',
          push_access_levels: [
            {
              id: 1,
              access_level: 30,
              access_level_description: 'Developers + Maintainers',
            },
          ],
          merge_access_levels: [
            {
              id: 2,
              access_level: 30,
              access_level_description: 'Developers + Maintainers',
            },
          ],
          allow_force_push: true,
          code_owner_approval_required: false,
        },
      ],
    });
    const wild = await fetchFacts(provider(), subject('g/unprotected'), [
      'gitlab.defaultBranchRules',
    ]);
    expect(wild['gitlab.defaultBranchRules']).toMatchObject({
      available: true,
      value: {
        // The security rule targets the protected branch "main", which is
        // not one here; All Members targets every branch.
        sources: ['project', 'protected-branch:*', 'approval-rule:All Members'],
        // Developers push directly: no merge request is required.
        pullRequestRequired: false,
        allowForcePushes: true,
        allowDeletions: false,
        bypassActors: [{ actorType: 'PushAccess:Developers + Maintainers' }],
      },
    });
    expect(protects('release/*', 'release/1.0/hotfix')).toBe(true);
    expect(protects('*-stable', 'main')).toBe(false);
    expect(protects('ma.n', 'main')).toBe(false);
  });

  it('makes no request without a token for the host', async () => {
    const spy = jest.spyOn(global, 'fetch');
    const from = gitlab.requests.length;
    const facts = await fetchFacts(provider({}));
    expect(Object.keys(facts).sort()).toEqual([...ALL].sort());
    for (const fact of Object.values(facts)) {
      expect(fact).toEqual({
        available: false,
        reason: `no GitLab credentials are configured for ${gitlab.host}`,
        permission: `a token with the read_api scope for ${gitlab.host} (integrations.gitlab)`,
      });
    }
    // gitlab.com by project slug, no token: no request either.
    const dotcom = createGitlabFactProvider({
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      logger,
    });
    const slugFacts = await dotcom.fetch(
      {
        annotations: { 'gitlab.com/project-slug': 'group/sub/project' },
        source: { type: 'dir', target: '/tmp/project' },
      },
      { facts: ALL, signal: new AbortController().signal },
    );
    expect(slugFacts['gitlab.project']).toMatchObject({
      reason: 'no GitLab credentials are configured for gitlab.com',
    });
    expect(gitlab.requests.length).toBe(from);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('waits out a short 429 once, and reports a long one as a delay', async () => {
    serve('g/busy');
    const p = `/projects/${encodeURIComponent('g/busy')}`;
    let limited = 1;
    gitlab.routes.set(`${p}/job_token_scope`, () =>
      limited-- > 0
        ? {
            status: 429,
            text: 'Retry later\n',
            headers: { 'content-type': 'text/plain', 'retry-after': '1' },
          }
        : { body: { inbound_enabled: false, outbound_enabled: false } },
    );
    const prov = provider(
      { token: 'glpat-test' },
      { maxRateLimitWaitMs: 3000 },
    );
    const started = Date.now();
    const short = await fetchFacts(prov, subject('g/busy'), [
      'gitlab.jobTokenScope',
    ]);
    expect(short['gitlab.jobTokenScope']).toEqual({
      available: true,
      value: { inboundEnabled: false, outboundEnabled: false },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(logger.info).toHaveBeenCalledTimes(1);

    // A long Retry-After: the facts still to read are delayed.
    gitlab.routes.set(p, {
      status: 429,
      text: 'Retry later\n',
      headers: { 'content-type': 'text/plain', 'retry-after': '3600' },
    });
    const from = gitlab.requests.length;
    const long = await fetchFacts(prov, subject('g/busy'), [
      'gitlab.project',
      'gitlab.defaultBranchRules',
    ]);
    for (const name of [
      'gitlab.project',
      'gitlab.defaultBranchRules',
    ] as const) {
      expect(long[name]).toEqual({
        available: false,
        reason: expect.stringMatching(
          /^facts delayed: GitLab rate limit until \d{4}-\d\d-\d\dT/,
        ),
        delayed: true,
      });
    }
    expect(gitlab.seen(from)).toEqual([`429 ${p}`]);
    // The pause is shared: another project on the host asks nothing.
    serve('g/other');
    const asked = gitlab.requests.length;
    const other = await fetchFacts(prov, subject('g/other'), [
      'gitlab.members',
    ]);
    expect(other['gitlab.members']).toMatchObject({
      reason: expect.stringContaining('facts delayed'),
    });
    expect(gitlab.requests.length).toBe(asked);
    expect(logger.info).toHaveBeenCalledTimes(2);
  });

  it('pauses when the last request of the window is spent, until RateLimit-Reset', async () => {
    serve('g/last');
    const p = `/projects/${encodeURIComponent('g/last')}`;
    const reset = Math.floor(Date.now() / 1000) + 1800;
    gitlab.routes.set(p, {
      body: projectBody('g/last'),
      headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) },
    });
    const from = gitlab.requests.length;
    const facts = await fetchFacts(provider(), subject('g/last'), [
      'gitlab.project',
      'gitlab.defaultBranchRules',
    ]);
    expect(facts['gitlab.project']).toMatchObject({ available: true });
    expect(facts['gitlab.defaultBranchRules']).toEqual({
      available: false,
      reason: `facts delayed: GitLab rate limit until ${new Date(
        reset * 1000,
      ).toISOString()}`,
      delayed: true,
    });
    expect(gitlab.seen(from)).toEqual([`200 ${p}`]);
  });

  it('bounds what a hostile server can make it read or where it sends the token', async () => {
    serve('g/hostile');
    const p = `/projects/${encodeURIComponent('g/hostile')}`;
    // A huge answer.
    gitlab.routes.set(`${p}/variables?per_page=100`, {
      text: `[${'{"key":"A","value":"x"},'.repeat(20_000)}{"key":"B"}]`,
    });
    // A next page on another host: the token must not follow.
    gitlab.routes.set(`${p}/hooks?per_page=100`, {
      body: [],
      headers: { link: '<http://169.254.169.254/api/v4/steal>; rel="next"' },
    });
    // Endless pages.
    let page = 1;
    gitlab.routes.set(`${p}/members/all?per_page=100`, () => ({
      body: [
        { id: 1, username: 'raymond_smith', access_level: 50, state: 'active' },
      ],
      headers: { 'x-next-page': String(++page) },
    }));
    for (let i = 2; i < 50; i++) {
      gitlab.routes.set(`${p}/members/all?per_page=100&page=${i}`, () => ({
        body: [
          { id: i, username: `user${i}`, access_level: 40, state: 'active' },
        ],
        headers: { 'x-next-page': String(i + 1) },
      }));
    }
    const prov = provider(
      { token: 'glpat-test' },
      { maxResponseBytes: 100_000, maxPages: 3 },
    );
    const from = gitlab.requests.length;
    const facts = await fetchFacts(prov, subject('g/hostile'), [
      'gitlab.variables',
      'gitlab.webhooks',
      'gitlab.members',
    ]);
    expect(facts['gitlab.variables']).toEqual({
      available: false,
      reason: `gitlab.variables of g/hostile: GitLab's answer to /api/v4${p}/variables is larger than 100000 bytes`,
    });
    expect(facts['gitlab.webhooks']).toMatchObject({
      available: false,
      reason: expect.stringContaining('not followed'),
    });
    expect(facts['gitlab.members']).toEqual({
      available: true,
      value: { owners: ['raymond_smith'], maintainers: ['user2', 'user3'] },
    });
    expect(gitlab.seen(from).filter(r => r.includes('members'))).toHaveLength(
      3,
    );
  });

  it('reads a self-managed GitLab under a relative URL through its own apiBaseUrl', async () => {
    const selfManaged = new FakeGitlab('/gitlab');
    await selfManaged.start();
    try {
      selfManaged.serve(
        readableProject('infra/deploy', selfManaged.apiBaseUrl),
      );
      const integrations = ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: {
            gitlab: [
              {
                host: selfManaged.host,
                baseUrl: selfManaged.baseUrl,
                apiBaseUrl: selfManaged.apiBaseUrl,
                token: 'glpat-self',
              },
            ],
          },
        }),
      );
      const prov = createGitlabFactProvider({ integrations, logger });
      const s: FactSubject = {
        source: {
          type: 'url',
          target: `${selfManaged.baseUrl}/infra/deploy/-/blob/main/.gitlab-ci.yml`,
        },
      };
      const facts = await fetchFacts(prov, s, [
        'gitlab.project',
        'gitlab.members',
      ]);
      expect(facts['gitlab.project']).toMatchObject({ available: true });
      expect(facts['gitlab.members']).toMatchObject({ available: true });
      expect(selfManaged.seen().sort()).toEqual(
        [
          `200 /projects/${encodeURIComponent('infra/deploy')}`,
          `200 /projects/${encodeURIComponent(
            'infra/deploy',
          )}/members/all?per_page=100`,
          `200 /projects/${encodeURIComponent(
            'infra/deploy',
          )}/members/all?id=${encodeURIComponent(
            'infra/deploy',
          )}&page=2&per_page=100`,
        ].sort(),
      );
      expect(
        selfManaged.requests.every(
          r => r.authorization === 'Bearer glpat-self',
        ),
      ).toBe(true);
    } finally {
      await selfManaged.stop();
    }
  });
});
