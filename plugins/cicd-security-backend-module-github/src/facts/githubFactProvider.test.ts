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
  dependabotAlert,
  FakeGithub,
  forbidden,
  graphqlRepository,
  notFound,
  readableRepository,
  repositoryBody,
} from '../testing/fakeGithub';
import { createGithubFactProvider, GITHUB_FACTS } from './githubFactProvider';
import { graphqlUrl } from './GithubClient';
import { neededPermission } from './permissions';

const ALL: FactName[] = [...GITHUB_FACTS];
/** The provider's clock in these tests: when the facts were read. */
const NOW = new Date('2025-06-01T12:00:00Z');

/** The open Dependabot alerts of the fake repository, as the fact keeps them. */
const djangoAlerts = [
  [2, 'high'],
  [1, 'medium'],
  [3, 'high'],
].map(([number, severity]) => ({
  number,
  ghsaId: 'GHSA-rf4j-j272-fj86',
  cveId: 'CVE-2018-6188',
  package: 'django',
  ecosystem: 'PyPI',
  manifestPath: 'path/to/requirements.txt',
  severity,
  vulnerableRange: '>= 2.0.0, < 2.0.2',
  patchedVersion: '2.0.2',
  url: `https://github.com/octo-org/hello-world/security/dependabot/${number}`,
}));

/** The facts without when they were read: what the checks see. */
function valuesOf(facts: Partial<Record<string, Fact>>) {
  return Object.fromEntries(
    Object.entries(facts).map(([name, f]) => [
      name,
      f && f.available ? { available: true, value: f.value } : f,
    ]),
  );
}

describe('the GitHub fact provider', () => {
  const github = new FakeGithub();
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeAll(() => github.start());
  afterAll(() => github.stop());
  beforeEach(() => {
    github.routes.clear();
    logger = mockServices.logger.mock();
  });

  function provider(
    integration: Record<string, unknown> = { token: 'test' },
    options: { maxRateLimitWaitMs?: number; graphql?: boolean } = {},
  ): FactProvider {
    const integrations = ScmIntegrations.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            {
              host: github.host,
              apiBaseUrl: github.apiBaseUrl,
              ...integration,
            },
          ],
        },
      }),
    );
    return createGithubFactProvider({
      integrations,
      logger,
      now: () => NOW,
      ...options,
    });
  }

  const subject = (name: string): FactSubject => ({
    entityRef: `component:default/${name}`,
    source: {
      type: 'url',
      target: `https://${github.host}/octo-org/${name}/tree/main/services/api`,
    },
  });

  async function fetchFacts(
    p: FactProvider,
    name: string,
    facts: FactName[] = ALL,
  ) {
    const got = await p.fetch(subject(name), {
      facts,
      signal: new AbortController().signal,
    });
    // Every value must be what the contract declares.
    for (const [fact, value] of Object.entries(got)) {
      if (value?.available) {
        expect(validateFact(fact as FactName, value, 'github')).toEqual(value);
      }
    }
    return got;
  }

  function serve(name: string) {
    for (const [path, answer] of readableRepository(name, github.apiBaseUrl)) {
      github.routes.set(path, answer);
    }
  }

  it('applies to repositories on a configured GitHub host or with a project slug', () => {
    const p = provider();
    expect(p.appliesTo!(subject('hello-world'))).toBe(true);
    expect(
      p.appliesTo!({
        source: { type: 'url', target: 'https://gitlab.com/a/b' },
      }),
    ).toBe(false);
    expect(
      p.appliesTo!({
        annotations: { 'github.com/project-slug': 'octo-org/hello-world' },
        source: { type: 'dir', target: '/tmp/x' },
      }),
    ).toBe(true);
  });

  it('reads every fact, then re-reads an unchanged repository with 304s only', async () => {
    serve('hello-world');
    const p = provider();
    const from = github.requests.length;
    const facts = await fetchFacts(p, 'hello-world');

    expect(facts).toEqual({
      'github.repository': {
        available: true,
        value: {
          archived: false,
          default_branch: 'main',
          visibility: 'public',
          private: false,
          pushed_at: '2011-01-26T19:06:43Z',
          asOf: '2025-06-01T12:00:00.000Z',
        },
      },
      'github.securityAndAnalysis': {
        available: true,
        value: {
          advanced_security: { status: 'enabled' },
          secret_scanning: { status: 'enabled' },
          secret_scanning_push_protection: { status: 'disabled' },
          secret_scanning_non_provider_patterns: { status: 'disabled' },
        },
      },
      'github.vulnerabilityAlerts': { available: true, value: true },
      'github.automatedSecurityFixes': {
        available: true,
        value: { enabled: true, paused: false },
      },
      'github.defaultBranchRules': {
        available: true,
        value: {
          branch: 'main',
          sources: ['ruleset:super cool ruleset', 'ruleset:#7', 'classic'],
          pullRequestRequired: true,
          requiredApprovals: 2,
          dismissStaleReviews: true,
          requireCodeOwnerReview: true,
          requireLastPushApproval: true,
          requiredStatusChecks: ['build', 'continuous-integration/travis-ci'],
          strictStatusChecks: true,
          requiredSignatures: false,
          requiredLinearHistory: true,
          // The ruleset blocks force pushes although classic allows them.
          allowForcePushes: false,
          allowDeletions: false,
          enforceAdmins: true,
          bypassActors: [
            {
              actorType: 'Team',
              actorId: 234,
              bypassMode: 'always',
              ruleset: 'super cool ruleset',
            },
          ],
          // Ruleset 7 answered 404: its rules count, its bypass list is unknown.
          unreadBypassLists: ['#7'],
        },
      },
      'github.actionsPermissions': {
        available: true,
        value: {
          enabled: true,
          allowed_actions: 'selected',
          sha_pinning_required: true,
        },
      },
      'github.workflowTokenDefaults': {
        available: true,
        value: {
          default_workflow_permissions: 'read',
          can_approve_pull_request_reviews: true,
        },
      },
      'github.webhooks': {
        available: true,
        value: [
          {
            id: 12345678,
            active: true,
            url: 'https://example.com/webhook',
            insecureSsl: false,
            hasSecret: false,
          },
          {
            id: 12345679,
            active: false,
            url: 'https://ci.example.com/hook',
            insecureSsl: true,
            hasSecret: true,
          },
        ],
      },
      'github.deployKeys': {
        available: true,
        value: [
          {
            id: 1,
            title: 'octocat@octomac',
            readOnly: true,
            createdAt: '2014-12-10T15:53:42Z',
            lastUsed: '2022-01-10T15:53:42Z',
          },
        ],
      },
      'github.privateVulnerabilityReporting': { available: true, value: true },
      'github.collaborators': {
        available: true,
        value: { admins: ['octocat'], outside: ['hubot'] },
      },
      'github.environments': {
        available: true,
        value: [
          {
            name: 'staging',
            protection_rules: [
              { type: 'wait_timer', wait_timer: 30 },
              {
                type: 'required_reviewers',
                prevent_self_review: false,
                reviewers: 1,
              },
              { type: 'branch_policy' },
            ],
            deployment_branch_policy: {
              protected_branches: false,
              custom_branch_policies: true,
            },
          },
        ],
      },
      'github.dependabotAlerts': {
        available: true,
        value: { open: 3, by: { high: 2, medium: 1 }, alerts: djangoAlerts },
      },
      'github.codeScanningAlerts': {
        available: true,
        value: { open: 1, by: { high: 1 } },
      },
      'github.secretScanningAlerts': {
        available: true,
        value: { open: 1, by: { adafruit_io_key: 1 } },
      },
      'github.actionsSecrets': {
        available: true,
        value: {
          asOf: '2025-06-01T12:00:00.000Z',
          total: 2,
          secrets: [
            { name: 'GH_TOKEN', updatedAt: '2020-01-10T14:59:22Z' },
            { name: 'GIST_ID', updatedAt: '2020-01-11T11:59:22Z' },
          ],
        },
      },
    });
    expect(JSON.stringify(facts)).not.toMatch(/hunter2|s3cr3t|aio_X|ssh-rsa/);

    // Cold: one request per endpoint, 20 for a repository with two rulesets
    // and two pages of Dependabot alerts.
    const cold = github.seen(from);
    expect(cold).toHaveLength(20);
    expect(
      cold.every(r => /^20[04] /.test(r) || r.includes('rulesets/7')),
    ).toBe(true);
    expect(github.requests.slice(from).every(r => r.authorization)).toBe(true);
    expect(logger.debug).toHaveBeenCalledWith(
      `GitHub facts of ${github.host}/octo-org/hello-world: 20 requests, 0 answered 304 Not Modified`,
      expect.objectContaining({ requests: 20, notModified: 0 }),
    );

    // Warm and unchanged: the same values. The repository, its branch rules
    // and the alerts are asked again (8 requests, all 304s: no rate limit
    // spent); the settings that change rarely come from memory for six
    // hours, saying when they were read; so do the answers without ETag
    // (the 204 of vulnerability-alerts, the 404 of the unreadable ruleset).
    const firstRead = Date.now();
    const warmFrom = github.requests.length;
    const warmFacts = await fetchFacts(p, 'hello-world');
    expect(valuesOf(warmFacts)).toEqual(valuesOf(facts));
    const warm = github.seen(warmFrom);
    expect(warm.sort()).toEqual(
      [
        '304 /repos/octo-org/hello-world',
        '304 /repos/octo-org/hello-world/branches/main/protection',
        '304 /repos/octo-org/hello-world/code-scanning/alerts?state=open&per_page=100',
        '304 /repos/octo-org/hello-world/dependabot/alerts?state=open&per_page=100',
        '304 /repos/octo-org/hello-world/dependabot/alerts?state=open&per_page=100&after=Y3Vyc29yOnYyOpK',
        '304 /repos/octo-org/hello-world/rules/branches/main?per_page=100',
        '304 /repos/octo-org/hello-world/rulesets/42',
        '304 /repos/octo-org/hello-world/secret-scanning/alerts?state=open&per_page=100',
      ].sort(),
    );
    expect(logger.debug).toHaveBeenLastCalledWith(
      expect.stringMatching(
        /: 8 requests, 8 answered 304 Not Modified; \d+ answers without ETag given from memory$/,
      ),
      expect.objectContaining({ requests: 8, notModified: 8 }),
    );
    const webhooks = warmFacts['github.webhooks'];
    expect(webhooks?.available && webhooks.readAt).toBeTruthy();
    expect(
      Date.parse((webhooks as { readAt: string }).readAt),
    ).toBeLessThanOrEqual(firstRead);
    expect(warmFacts['github.dependabotAlerts']).not.toHaveProperty('readAt');

    // Past six hours everything is asked again (a setting switched off
    // shows): 18 304s and the two answers without ETag.
    const later = Date.now() + 6 * 60 * 60 * 1000 + 1000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      const againFrom = github.requests.length;
      expect(await fetchFacts(p, 'hello-world')).toEqual(facts);
      const again = github.seen(againFrom);
      expect(again).toHaveLength(20);
      expect(again.filter(r => !r.startsWith('304 '))).toEqual([
        '204 /repos/octo-org/hello-world/vulnerability-alerts',
        '404 /repos/octo-org/hello-world/rulesets/7',
      ]);
    } finally {
      clock.mockRestore();
    }
  });

  it('re-reads a repository that was pushed to with one counted request', async () => {
    serve('hello-world');
    const p = provider();
    await fetchFacts(p, 'hello-world');
    // A push changes pushed_at (and so the repository answer's ETag) only.
    const pushed = {
      ...repositoryBody('hello-world'),
      pushed_at: '2025-05-31T09:00:00Z',
    };
    github.routes.set('/repos/octo-org/hello-world', { body: pushed });
    const from = github.requests.length;
    const facts = await fetchFacts(p, 'hello-world');
    expect(facts['github.repository']).toMatchObject({
      value: { pushed_at: '2025-05-31T09:00:00Z' },
    });
    const seen = github.seen(from);
    expect(seen.filter(r => !r.startsWith('304 '))).toEqual([
      '200 /repos/octo-org/hello-world',
    ]);
    // Within the goal of 8 requests for a changed repository, 1 counted.
    expect(seen).toHaveLength(8);
  });

  it('reads the same facts with one GraphQL query in place of five REST requests', async () => {
    serve('hello-world');
    const rest = await fetchFacts(provider(), 'hello-world');
    const p = provider({ token: 'test' }, { graphql: true });
    const from = github.requests.length;
    expect(await fetchFacts(p, 'hello-world')).toEqual(rest);

    // Cold: the query and 15 REST requests (security_and_analysis, the
    // branch rules and what GraphQL does not have), not 20.
    const cold = github.seen(from);
    expect(cold).toHaveLength(16);
    expect(cold.filter(r => r.includes('graphql'))).toEqual([
      '200 POST /api/graphql',
    ]);
    expect(
      cold.filter(r => /vulnerability-alerts|dependabot|collaborators/.test(r)),
    ).toEqual([]);
    const query = github.requests.find(r => r.graphql)!.graphql!;
    expect(query.variables).toEqual({ owner: 'octo-org', name: 'hello-world' });
    for (const field of [
      'hasVulnerabilityAlertsEnabled',
      'vulnerabilityAlerts(states: [OPEN], first: 100)',
      'number vulnerableManifestPath',
      'securityAdvisory { ghsaId identifiers { type value } severity }',
      'package { ecosystem name } vulnerableVersionRange firstPatchedVersion { identifier }',
      'collaborators(affiliation: OUTSIDE, first: 100)',
      'defaultBranchRef { name }',
    ]) {
      expect(query.query).toContain(field);
    }
    expect(logger.debug).toHaveBeenCalledWith(
      `GitHub facts of ${github.host}/octo-org/hello-world: 16 requests, 0 answered 304 Not Modified, 1 GraphQL`,
      expect.objectContaining({ requests: 16, notModified: 0, graphql: 1 }),
    );

    // Warm and unchanged: 14 304s; the query is asked again (GraphQL has no
    // conditional requests); the ruleset that answered 404 is remembered.
    const warmFrom = github.requests.length;
    expect(valuesOf(await fetchFacts(p, 'hello-world'))).toEqual(
      valuesOf(rest),
    );
    const warm = github.seen(warmFrom);
    expect(warm).toHaveLength(7);
    expect(warm.filter(r => r.startsWith('304 '))).toHaveLength(6);
    expect(warm.filter(r => !r.startsWith('304 ')).sort()).toEqual([
      '200 POST /api/graphql',
    ]);

    // No query when no fact it reads is asked (and this setting was read
    // moments ago: it comes from memory, without any request).
    const fewFrom = github.requests.length;
    const few = await fetchFacts(p, 'hello-world', [
      'github.workflowTokenDefaults',
    ]);
    expect(few['github.workflowTokenDefaults']).toMatchObject({
      available: true,
      readAt: expect.any(String),
    });
    expect(github.seen(fewFrom)).toEqual([]);
  });

  it('makes only the facts of the fields GraphQL refused unavailable', async () => {
    serve('partial');
    const repository = graphqlRepository();
    github.routes.set('GRAPHQL octo-org/partial', {
      body: {
        data: {
          repository: {
            ...repository,
            hasVulnerabilityAlertsEnabled: null,
            vulnerabilityAlerts: null,
            outsideCollaborators: null,
          },
        },
        errors: [
          {
            type: 'INSUFFICIENT_SCOPES',
            path: ['repository', 'hasVulnerabilityAlertsEnabled'],
            locations: [{ line: 5, column: 5 }],
            message:
              "Your token has not been granted the required scopes to execute this query. The 'hasVulnerabilityAlertsEnabled' field requires one of the following scopes: ['repo'], but your token has only been granted the: ['read:org'] scopes.",
          },
          {
            type: 'FORBIDDEN',
            path: ['repository', 'vulnerabilityAlerts'],
            extensions: { saml_failure: false },
            locations: [{ line: 6, column: 5 }],
            message: 'Resource not accessible by integration',
          },
          {
            type: 'FORBIDDEN',
            path: ['repository', 'outsideCollaborators'],
            extensions: { saml_failure: false },
            locations: [{ line: 8, column: 5 }],
            message: 'Must have push access to view repository collaborators.',
          },
        ],
      },
    });
    const p = provider({ token: 'test' }, { graphql: true });
    const from = github.requests.length;
    const facts = await fetchFacts(p, 'partial', [
      'github.repository',
      'github.vulnerabilityAlerts',
      'github.dependabotAlerts',
      'github.collaborators',
    ]);
    expect(facts['github.repository']).toMatchObject({
      available: true,
      value: { default_branch: 'main', visibility: 'public' },
    });
    expect(facts['github.vulnerabilityAlerts']).toEqual({
      available: false,
      reason: expect.stringContaining(
        'GitHub refused to show whether Dependabot alerts are enabled (GraphQL INSUFFICIENT_SCOPES',
      ),
      permission: 'the token scope repo',
    });
    expect(facts['github.dependabotAlerts']).toEqual({
      available: false,
      reason:
        'GitHub refused to show the Dependabot alerts (GraphQL FORBIDDEN ("Resource not accessible by integration"))',
      permission:
        'the token scope security_events (or the fine-grained token permission Dependabot alerts: read)',
    });
    expect(facts['github.collaborators']).toEqual({
      available: false,
      reason:
        'GitHub refused to show the outside collaborators (GraphQL FORBIDDEN ("Must have push access to view repository collaborators."))',
      permission:
        'the token scope repo (or the fine-grained token permission Metadata: read)',
    });
    // A refusal is an answer: REST is not asked the same.
    expect(github.seen(from)).toEqual(['200 POST /api/graphql']);
  });

  it('reads through REST what the GraphQL answer leaves out', async () => {
    serve('paged');
    const repository = graphqlRepository();
    const alerts = repository.vulnerabilityAlerts as Record<string, unknown>;
    github.routes.set('GRAPHQL octo-org/paged', {
      body: {
        data: {
          repository: {
            ...repository,
            // More than a page of alerts: REST counts them, page by page.
            vulnerabilityAlerts: {
              ...alerts,
              totalCount: 150,
              pageInfo: { hasNextPage: true, endCursor: 'Y3Vyc29yOnYy' },
            },
          },
        },
      },
    });
    const p = provider({ token: 'test' }, { graphql: true });
    const from = github.requests.length;
    const facts = await fetchFacts(p, 'paged', ['github.dependabotAlerts']);
    expect(facts['github.dependabotAlerts']).toEqual({
      available: true,
      value: { open: 3, by: { high: 2, medium: 1 }, alerts: djangoAlerts },
    });
    expect(github.seen(from)).toEqual([
      '200 POST /api/graphql',
      '200 /repos/octo-org/paged/dependabot/alerts?state=open&per_page=100',
      '200 /repos/octo-org/paged/dependabot/alerts?state=open&per_page=100&after=Y3Vyc29yOnYyOpK',
    ]);

    // "Off" said to a caller known not to be an administrator is not
    // believed (as REST's 404); the alerts are then asked of REST.
    github.routes.set('GRAPHQL octo-org/paged', {
      body: {
        data: {
          repository: {
            ...repository,
            viewerPermission: 'WRITE',
            hasVulnerabilityAlertsEnabled: false,
          },
        },
      },
    });
    const notAdmin = await fetchFacts(
      provider({ token: 'test' }, { graphql: true }),
      'paged',
      ['github.vulnerabilityAlerts', 'github.dependabotAlerts'],
    );
    expect(notAdmin['github.vulnerabilityAlerts']).toEqual({
      available: false,
      reason: expect.stringContaining('only to administrators'),
      permission:
        'the token scope repo and admin rights on the repository (or the fine-grained token permission Administration: read)',
    });
    expect(notAdmin['github.dependabotAlerts']).toMatchObject({
      available: true,
    });

    // A server without a field of the query (validation error, no data).
    github.routes.set('GRAPHQL octo-org/paged', {
      body: {
        errors: [
          {
            path: ['query', 'repository', 'hasVulnerabilityAlertsEnabled'],
            extensions: {
              code: 'undefinedField',
              typeName: 'Repository',
              fieldName: 'hasVulnerabilityAlertsEnabled',
            },
            locations: [{ line: 4, column: 5 }],
            message:
              "Field 'hasVulnerabilityAlertsEnabled' doesn't exist on type 'Repository'",
          },
        ],
      },
    });
    const old = await fetchFacts(
      provider({ token: 'test' }, { graphql: true }),
      'paged',
      ['github.repository', 'github.vulnerabilityAlerts'],
    );
    expect(old['github.repository']).toMatchObject({ available: true });
    expect(old['github.vulnerabilityAlerts']).toEqual({
      available: true,
      value: true,
    });
  });

  it('asks only for the facts requested', async () => {
    serve('hello-world');
    const from = github.requests.length;
    const facts = await fetchFacts(provider(), 'hello-world', [
      'github.workflowTokenDefaults',
    ]);
    expect(Object.keys(facts)).toEqual(['github.workflowTokenDefaults']);
    expect(github.seen(from)).toEqual([
      '200 /repos/octo-org/hello-world/actions/permissions/workflow',
    ]);
  });

  it('keeps each open Dependabot alert with its ecosystem in OSV words, through REST and GraphQL', async () => {
    serve('eco');
    const path =
      '/repos/octo-org/eco/dependabot/alerts?state=open&per_page=100';
    const django = dependabotAlert(2, 'high');
    const critical = dependabotAlert(7, 'critical');
    const cargo = {
      ...critical,
      dependency: {
        package: { ecosystem: 'rust', name: 'openssl' },
        manifest_path: 'Cargo.lock',
        scope: 'runtime',
      },
      security_advisory: {
        ...critical.security_advisory,
        ghsa_id: 'GHSA-test-ossl-0001',
        cve_id: null,
      },
      security_vulnerability: {
        ...critical.security_vulnerability,
        package: { ecosystem: 'rust', name: 'openssl' },
        vulnerable_version_range: '< 0.10.70',
        first_patched_version: null,
      },
      html_url: 'https://github.com/octo-org/eco/security/dependabot/7',
    };
    github.routes.set(path, { body: [cargo] });
    const opensslAlert = {
      number: 7,
      ghsaId: 'GHSA-test-ossl-0001',
      package: 'openssl',
      ecosystem: 'crates.io',
      manifestPath: 'Cargo.lock',
      severity: 'critical',
      vulnerableRange: '< 0.10.70',
      url: 'https://github.com/octo-org/eco/security/dependabot/7',
    };
    const rest = await fetchFacts(provider(), 'eco', [
      'github.dependabotAlerts',
    ]);
    expect(rest['github.dependabotAlerts']).toEqual({
      available: true,
      value: { open: 1, by: { critical: 1 }, alerts: [opensslAlert] },
    });

    // An alert without its manifest: the counts alone, not a list that
    // misses one.
    const { manifest_path: _, ...noManifest } = django.dependency;
    github.routes.set(path, {
      body: [cargo, { ...django, dependency: noManifest }],
    });
    const counts = await fetchFacts(provider(), 'eco', [
      'github.dependabotAlerts',
    ]);
    expect(counts['github.dependabotAlerts']).toEqual({
      available: true,
      value: { open: 2, by: { critical: 1, high: 1 } },
    });

    // GraphQL: the same alert; its link is the repository's url and number.
    const repository = graphqlRepository();
    github.routes.set('GRAPHQL octo-org/eco', {
      body: {
        data: {
          repository: {
            ...repository,
            url: 'https://github.com/octo-org/eco',
            vulnerabilityAlerts: {
              totalCount: 1,
              pageInfo: { hasNextPage: false, endCursor: 'Y3Vyc29y' },
              nodes: [
                {
                  number: 7,
                  vulnerableManifestPath: 'Cargo.lock',
                  securityAdvisory: {
                    ghsaId: 'GHSA-test-ossl-0001',
                    identifiers: [
                      { type: 'GHSA', value: 'GHSA-test-ossl-0001' },
                    ],
                    severity: 'CRITICAL',
                  },
                  securityVulnerability: {
                    package: { ecosystem: 'RUST', name: 'openssl' },
                    vulnerableVersionRange: '< 0.10.70',
                    firstPatchedVersion: null,
                    severity: 'CRITICAL',
                  },
                },
              ],
            },
          },
        },
      },
    });
    const from = github.requests.length;
    const graphql = await fetchFacts(
      provider({ token: 'test' }, { graphql: true }),
      'eco',
      ['github.dependabotAlerts'],
    );
    expect(graphql['github.dependabotAlerts']).toEqual(
      rest['github.dependabotAlerts'],
    );
    expect(github.seen(from)).toEqual(['200 POST /api/graphql']);
  });

  it('says which permission is missing, and what is off or not visible', async () => {
    const r = '/repos/octo-org/locked';
    serve('locked');
    github.routes.set(r, { body: repositoryBody('locked', false) });
    for (const path of [
      `${r}/automated-security-fixes`,
      `${r}/actions/permissions`,
      `${r}/actions/permissions/workflow`,
      `${r}/keys?per_page=100`,
      `${r}/private-vulnerability-reporting`,
    ]) {
      github.routes.set(path, forbidden('administration=read'));
    }
    github.routes.set(
      `${r}/hooks?per_page=100`,
      forbidden('repository_hooks=read'),
    );
    github.routes.set(`${r}/vulnerability-alerts`, {
      status: 404,
      body: notFound,
    });
    github.routes.set(`${r}/branches/main/protection`, {
      status: 404,
      body: notFound,
    });
    github.routes.set(`${r}/dependabot/alerts?state=open&per_page=100`, {
      status: 403,
      body: { message: 'Dependabot alerts are disabled for this repository.' },
    });
    github.routes.set(`${r}/code-scanning/alerts?state=open&per_page=100`, {
      status: 403,
      body: {
        message:
          'Advanced Security must be enabled for this repository to use code scanning.',
      },
    });
    github.routes.set(`${r}/secret-scanning/alerts?state=open&per_page=100`, {
      status: 404,
      body: { message: 'Secret scanning is disabled on this repository.' },
    });
    // A 403 that names no permission: the documented one is named.
    github.routes.set(`${r}/actions/secrets?per_page=100`, {
      status: 403,
      body: { message: 'Resource not accessible by personal access token' },
    });
    github.routes.set(`${r}/environments?per_page=100`, {
      status: 403,
      headers: {
        'x-accepted-github-permissions': 'actions=read; environments=read',
      },
      body: { message: 'Resource not accessible by integration' },
    });

    const facts = await fetchFacts(provider(), 'locked');
    const admin = 'the fine-grained token permission Administration: read';
    expect(facts['github.repository']).toMatchObject({ available: true });
    expect(facts['github.collaborators']).toMatchObject({ available: true });
    expect(facts['github.securityAndAnalysis']).toEqual({
      available: false,
      reason: expect.stringContaining('only to administrators'),
      permission:
        'the token scope repo and admin rights on the repository (or the fine-grained token permission Administration: read)',
    });
    // 404 from an administrator-only endpoint to a non-administrator: not "off".
    expect(facts['github.vulnerabilityAlerts']).toMatchObject({
      available: false,
      reason: expect.stringContaining('only to administrators'),
    });
    for (const name of [
      'github.automatedSecurityFixes',
      'github.actionsPermissions',
      'github.workflowTokenDefaults',
      'github.deployKeys',
      'github.privateVulnerabilityReporting',
    ] as const) {
      expect(facts[name]).toEqual({
        available: false,
        reason: expect.stringContaining(
          '403 ("Resource not accessible by integration")',
        ),
        permission: admin,
      });
    }
    expect(facts['github.webhooks']).toMatchObject({
      permission: 'the fine-grained token permission Webhooks: read',
    });
    expect(facts['github.environments']).toMatchObject({
      permission:
        'the fine-grained token permission Actions: read or Environments: read',
    });
    expect(facts['github.defaultBranchRules']).toEqual({
      available: false,
      reason:
        'GitHub answered 404 for the classic branch protection of main: the credentials cannot see it ("Not Found")',
      permission:
        'the token scope repo and admin rights on the repository (or the fine-grained token permission Administration: read)',
    });
    expect(facts['github.dependabotAlerts']).toEqual({
      available: false,
      reason:
        'the Dependabot alerts cannot be read: GitHub says ("Dependabot alerts are disabled for this repository.")',
    });
    expect(facts['github.codeScanningAlerts']).toMatchObject({
      available: false,
      reason: expect.stringContaining('higher GitHub plan'),
      permission: expect.stringContaining('GitHub Advanced Security'),
    });
    expect(facts['github.secretScanningAlerts']).toMatchObject({
      available: false,
      reason: expect.stringContaining('Secret scanning is disabled'),
    });
    expect(facts['github.actionsSecrets']).toEqual({
      available: false,
      reason:
        'GitHub refused to show the repository secrets (403 ("Resource not accessible by personal access token"))',
      permission:
        'the token scope repo (or the fine-grained token permission Secrets: read)',
    });
  });

  it('reads every page of the repository secrets, names and dates only', async () => {
    serve('many');
    const path = '/repos/octo-org/many/actions/secrets?per_page=100';
    const secret = (name: string) => ({
      name,
      created_at: '2023-01-01T00:00:00Z',
      updated_at: '2024-02-03T04:05:06Z',
      value: 'never-returned-but-never-kept',
    });
    github.routes.set(path, {
      body: { total_count: 3, secrets: [secret('A'), secret('B')] },
      headers: {
        link: `<${github.apiBaseUrl}${path}&page=2>; rel="next", <${github.apiBaseUrl}${path}&page=2>; rel="last"`,
      },
    });
    github.routes.set(`${path}&page=2`, {
      body: { total_count: 3, secrets: [secret('C')] },
    });
    const from = github.requests.length;
    const facts = await fetchFacts(provider(), 'many', [
      'github.actionsSecrets',
    ]);
    expect(facts['github.actionsSecrets']).toEqual({
      available: true,
      value: {
        asOf: NOW.toISOString(),
        total: 3,
        secrets: ['A', 'B', 'C'].map(name => ({
          name,
          updatedAt: '2024-02-03T04:05:06Z',
        })),
      },
    });
    expect(JSON.stringify(facts)).not.toContain('never-returned');
    expect(github.seen(from)).toEqual([`200 ${path}`, `200 ${path}&page=2`]);
  });

  it('names the Secrets permission for the repository secrets', async () => {
    serve('sealed');
    github.routes.set(
      '/repos/octo-org/sealed/actions/secrets?per_page=100',
      forbidden('secrets=read'),
    );
    const facts = await fetchFacts(provider(), 'sealed', [
      'github.actionsSecrets',
    ]);
    expect(facts['github.actionsSecrets']).toEqual({
      available: false,
      reason:
        'GitHub refused to show the repository secrets (403 ("Resource not accessible by integration"))',
      permission: 'the fine-grained token permission Secrets: read',
    });
    expect(
      neededPermission(
        undefined,
        { app: 'secrets=read', scope: 'repo' },
        'app',
      ),
    ).toBe('the GitHub App permission Secrets: read');
  });

  it('names the GitHub App permission for App credentials', async () => {
    const headers = new Headers({
      'x-accepted-github-permissions': 'administration=read',
    });
    expect(
      neededPermission(headers, { app: 'metadata=read', scope: 'repo' }, 'app'),
    ).toBe('the GitHub App permission Administration: read');
    expect(
      neededPermission(
        new Headers({ 'x-accepted-oauth-scopes': 'repo, security_events' }),
        { app: 'security_events=read', scope: 'security_events' },
        'token',
      ),
    ).toBe('the token scope repo or security_events');
  });

  it('makes no request without credentials for the host', async () => {
    const spy = jest.spyOn(global, 'fetch');
    const from = github.requests.length;
    const facts = await fetchFacts(provider({}), 'hello-world');
    expect(Object.keys(facts).sort()).toEqual([...ALL].sort());
    for (const fact of Object.values(facts)) {
      expect(fact).toEqual({
        available: false,
        reason: `no GitHub credentials are configured for ${github.host}`,
        permission: `a GitHub App installation or token for ${github.host} (integrations.github)`,
      });
    }
    // github.com by project slug, no token: no request either.
    const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
    const dotcom = createGithubFactProvider({ integrations, logger });
    const slugFacts = await dotcom.fetch(
      {
        annotations: { 'github.com/project-slug': 'octo-org/hello-world' },
        source: { type: 'dir', target: '/tmp/hello-world' },
      },
      { facts: ALL, signal: new AbortController().signal },
    );
    expect(slugFacts['github.repository']).toMatchObject({
      reason: 'no GitHub credentials are configured for github.com',
    });
    expect(github.requests.length).toBe(from);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('waits out a short secondary rate limit once, and reports a long one as a delay', async () => {
    serve('busy');
    const r = '/repos/octo-org/busy';
    let limited = 1;
    github.routes.set(`${r}/actions/permissions/workflow`, () =>
      limited-- > 0
        ? {
            status: 403,
            headers: { 'retry-after': '1' },
            body: {
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            },
          }
        : {
            body: {
              default_workflow_permissions: 'write',
              can_approve_pull_request_reviews: false,
            },
          },
    );
    const p = provider({ token: 'test' }, { maxRateLimitWaitMs: 3000 });
    const started = Date.now();
    const short = await fetchFacts(p, 'busy', ['github.workflowTokenDefaults']);
    expect(short['github.workflowTokenDefaults']).toMatchObject({
      available: true,
      value: { default_workflow_permissions: 'write' },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info.mock.calls[0][0]).toMatch(/secondary rate limit/);

    // 429 with a long retry-after: the facts still to read are delayed.
    github.routes.set(r, {
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { message: 'API rate limit exceeded' },
    });
    const from = github.requests.length;
    const delayed = [
      'github.repository',
      'github.vulnerabilityAlerts',
      'github.defaultBranchRules',
    ] as const;
    const long = await fetchFacts(p, 'busy', [...delayed]);
    for (const name of delayed) {
      expect(long[name]).toEqual({
        available: false,
        reason: expect.stringMatching(
          /^facts delayed: GitHub rate limit until \d{4}-\d\d-\d\dT/,
        ),
        delayed: true,
      });
    }
    expect(logger.info).toHaveBeenCalledTimes(2);
    // The pause is shared: another repository asks nothing until it ends.
    const asked = github.requests.length;
    expect(github.seen(from)).toEqual(['429 /repos/octo-org/busy']);
    serve('other');
    const other = await fetchFacts(p, 'other', ['github.repository']);
    expect(other['github.repository']).toMatchObject({
      reason: expect.stringContaining('facts delayed'),
    });
    expect(github.requests.length).toBe(asked);
    expect(logger.info).toHaveBeenCalledTimes(2);
  });

  it('pauses GraphQL at its primary limit, and REST goes on', async () => {
    serve('spent');
    const reset = Math.floor(Date.now() / 1000) + 1800;
    github.routes.set('GRAPHQL octo-org/spent', {
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-resource': 'graphql',
      },
      body: {
        errors: [
          {
            type: 'RATE_LIMITED',
            message: 'API rate limit already exceeded for user ID 1.',
          },
        ],
      },
    });
    const p = provider({ token: 'test' }, { graphql: true });
    const asked: FactName[] = [
      'github.repository',
      'github.defaultBranchRules',
      'github.workflowTokenDefaults',
    ];
    const from = github.requests.length;
    const facts = await fetchFacts(p, 'spent', asked);
    expect(facts['github.repository']).toEqual({
      available: false,
      reason: `facts delayed: GitHub rate limit until ${new Date(
        reset * 1000,
      ).toISOString()}`,
      delayed: true,
    });
    expect(facts['github.defaultBranchRules']).toMatchObject({
      available: true,
    });
    expect(facts['github.workflowTokenDefaults']).toMatchObject({
      available: true,
    });
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info.mock.calls[0][0]).toMatch(/primary rate limit/);
    // The next scan does not ask GraphQL until the reset.
    const again = github.requests.length;
    await fetchFacts(p, 'spent', asked);
    expect(github.requests.slice(from).filter(r => r.graphql).length).toBe(1);
    expect(github.seen(again)).not.toContain('200 POST /api/graphql');
  });

  it('waits out a short secondary rate limit on the GraphQL query too', async () => {
    serve('crowded');
    let limited = 1;
    const ok = { body: { data: { repository: graphqlRepository() } } };
    github.routes.set('GRAPHQL octo-org/crowded', () =>
      limited-- > 0
        ? {
            status: 403,
            headers: { 'retry-after': '1' },
            body: {
              documentation_url:
                'https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api#secondary-rate-limits',
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            },
          }
        : ok,
    );
    const p = provider(
      { token: 'test' },
      { graphql: true, maxRateLimitWaitMs: 3000 },
    );
    const from = github.requests.length;
    const facts = await fetchFacts(p, 'crowded', ['github.collaborators']);
    expect(facts['github.collaborators']).toEqual({
      available: true,
      value: { admins: ['octocat'], outside: ['hubot'] },
    });
    expect(github.seen(from)).toEqual([
      '403 POST /api/graphql',
      '200 POST /api/graphql',
    ]);
    expect(logger.info.mock.calls[0][0]).toMatch(/secondary rate limit/);
  });

  it('asks GraphQL where @octokit/graphql does', () => {
    expect(graphqlUrl('https://api.github.com')).toBe(
      'https://api.github.com/graphql',
    );
    expect(graphqlUrl('https://ghe.example.com/api/v3/')).toBe(
      'https://ghe.example.com/api/graphql',
    );
  });

  it('pauses at the primary limit until its reset', async () => {
    serve('last');
    const r = '/repos/octo-org/last';
    const reset = Math.floor(Date.now() / 1000) + 1800;
    github.routes.set(r, {
      body: repositoryBody('last'),
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
      },
    });
    const p = provider();
    const from = github.requests.length;
    const facts = await fetchFacts(p, 'last', [
      'github.repository',
      'github.defaultBranchRules',
    ]);
    expect(facts['github.repository']).toMatchObject({ available: true });
    expect(facts['github.defaultBranchRules']).toEqual({
      available: false,
      reason: `facts delayed: GitHub rate limit until ${new Date(
        reset * 1000,
      ).toISOString()}`,
      delayed: true,
    });
    expect(github.seen(from)).toEqual(['200 /repos/octo-org/last']);
    expect(logger.info).toHaveBeenCalledTimes(1);
  });
});
