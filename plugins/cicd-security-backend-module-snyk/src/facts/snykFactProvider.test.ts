import http from 'http';
import { mockServices } from '@backstage/backend-test-utils';
import {
  CicdSecurityFacts,
  Fact,
  FactProvider,
  FactSubject,
  validateFact,
} from '@cicd-security/plugin-cicd-security-node';
import { error, FakeSnyk, vulnerability } from '../testing/fakeSnyk';
import { SNYK_PERMISSION } from './SnykClient';
import { createSnykFactProvider } from './snykFactProvider';

const ORG = '361fd3c0-41d4-4ea4-ba77-09bb17890967';
const TARGET = '508d2263-ea8a-4e42-bc9d-844de21f4172';
const NPM_PROJECT = '7439e322-f9c1-4c42-8367-002b33b9d946';
const PIP_PROJECT = 'db066cb9-b373-46da-b918-b49b541e0d63';
const OLD_PROJECT = '4737fc9c-3894-40ba-9dc5-aa8ae658c9f6';
const VERSION = '2024-10-15';

const uuid = (n: number) =>
  `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('the Snyk fact provider', () => {
  const snyk = new FakeSnyk();

  beforeAll(() => snyk.start());
  afterAll(() => snyk.stop());
  beforeEach(() => {
    snyk.overrides.clear();
    snyk.projects.clear();
    snyk.issues.clear();
    snyk.projects.set(ORG, [
      {
        id: NPM_PROJECT,
        targetId: TARGET,
        name: 'acme/payments:package.json',
        type: 'npm',
      },
      {
        id: PIP_PROJECT,
        targetId: TARGET,
        name: 'acme/payments:requirements.txt',
        type: 'pip',
      },
      {
        id: OLD_PROJECT,
        targetId: TARGET,
        name: 'acme/payments:old/package.json',
        type: 'npm',
        status: 'inactive',
      },
    ]);
    snyk.issues.set(NPM_PROJECT, [
      vulnerability({
        id: uuid(1),
        key: 'SNYK-JS-LODASH-567746',
        title: 'Prototype Pollution',
        severity: 'high',
        packageName: 'lodash',
        version: '4.17.15',
        orgId: ORG,
        projectId: NPM_PROJECT,
        cve: 'CVE-2020-8203',
        ghsa: 'GHSA-p6mc-m468-83gw',
        upgradeTo: '4.17.19',
      }),
      vulnerability({
        id: uuid(2),
        key: 'SNYK-JS-MINIMIST-559764',
        title: 'Prototype Pollution',
        severity: 'info',
        packageName: 'minimist',
        version: '1.2.0',
        orgId: ORG,
        projectId: NPM_PROJECT,
      }),
      // Not a vulnerable package: left out.
      vulnerability({
        id: uuid(3),
        key: 'snyk:lic:npm:left-pad:WTFPL',
        title: 'WTFPL license',
        severity: 'medium',
        packageName: 'left-pad',
        version: '1.3.0',
        orgId: ORG,
        projectId: NPM_PROJECT,
        type: 'license',
      }),
      // Ignored in Snyk: left out.
      vulnerability({
        id: uuid(4),
        key: 'SNYK-JS-AXIOS-1038255',
        title: 'Server-Side Request Forgery',
        severity: 'medium',
        packageName: 'axios',
        version: '0.19.2',
        orgId: ORG,
        projectId: NPM_PROJECT,
        ignored: true,
      }),
    ]);
    snyk.issues.set(PIP_PROJECT, [
      vulnerability({
        id: uuid(5),
        key: 'SNYK-PYTHON-JINJA2-6150717',
        title: 'Cross-site Scripting (XSS)',
        severity: 'medium',
        packageName: 'jinja2',
        version: '3.1.2',
        orgId: ORG,
        projectId: PIP_PROJECT,
        cve: 'CVE-2024-22195',
        upgradeTo: '3.1.3',
      }),
    ]);
  });

  function provider(
    overrides: Partial<Parameters<typeof createSnykFactProvider>[0]> = {},
  ): FactProvider {
    return createSnykFactProvider({
      token: snyk.token,
      apiBaseUrl: snyk.apiBaseUrl,
      logger: mockServices.logger.mock(),
      ...overrides,
    });
  }

  const subject = (annotations: Record<string, string>): FactSubject => ({
    entityRef: 'component:default/payments',
    annotations,
    source: { type: 'url', target: 'https://github.com/acme/payments' },
  });

  async function read(
    p: FactProvider,
    annotations: Record<string, string>,
  ): Promise<Fact<CicdSecurityFacts['snyk.issues']>> {
    const facts = await p.fetch(subject(annotations), {
      facts: ['snyk.issues'],
      signal: new AbortController().signal,
    });
    const fact = facts['snyk.issues'] as Fact<CicdSecurityFacts['snyk.issues']>;
    if (fact.available) {
      expect(validateFact('snyk.issues', fact, 'snyk')).toEqual(fact);
    }
    return fact;
  }

  const byTarget = {
    'snyk.io/org-id': ORG,
    'snyk.io/target-id': TARGET,
  };

  it('applies to components with an organization and a target or projects', () => {
    const p = provider();
    expect(p.appliesTo!(subject(byTarget))).toBe(true);
    expect(
      p.appliesTo!(
        subject({
          'snyk.io/org-id': ORG,
          'snyk.io/project-ids': `${NPM_PROJECT}, ${PIP_PROJECT}`,
        }),
      ),
    ).toBe(true);
    expect(p.appliesTo!(subject({ 'snyk.io/org-id': ORG }))).toBe(false);
    expect(p.appliesTo!(subject({ 'snyk.io/target-id': TARGET }))).toBe(false);
  });

  it("reads the open issues of the target's active projects", async () => {
    const from = snyk.requests.length;
    const fact = await read(provider(), byTarget);
    expect(fact).toEqual({
      available: true,
      value: {
        projects: [
          { id: NPM_PROJECT, name: 'acme/payments:package.json' },
          { id: PIP_PROJECT, name: 'acme/payments:requirements.txt' },
        ],
        issues: [
          {
            id: 'SNYK-JS-LODASH-567746',
            title: 'Prototype Pollution',
            severity: 'high',
            packageName: 'lodash',
            version: '4.17.15',
            ecosystem: 'npm',
            fixedIn: ['4.17.19'],
            cves: ['CVE-2020-8203'],
            ghsas: ['GHSA-p6mc-m468-83gw'],
            url: 'https://security.snyk.io/vuln/SNYK-JS-LODASH-567746',
            project: 'acme/payments:package.json',
          },
          {
            id: 'SNYK-JS-MINIMIST-559764',
            title: 'Prototype Pollution',
            // Snyk's info level
            severity: 'low',
            packageName: 'minimist',
            version: '1.2.0',
            ecosystem: 'npm',
            url: 'https://security.snyk.io/vuln/SNYK-JS-MINIMIST-559764',
            project: 'acme/payments:package.json',
          },
          {
            id: 'SNYK-PYTHON-JINJA2-6150717',
            title: 'Cross-site Scripting (XSS)',
            severity: 'medium',
            packageName: 'jinja2',
            version: '3.1.2',
            ecosystem: 'PyPI',
            fixedIn: ['3.1.3'],
            cves: ['CVE-2024-22195'],
            url: 'https://security.snyk.io/vuln/SNYK-PYTHON-JINJA2-6150717',
            project: 'acme/payments:requirements.txt',
          },
        ],
      },
    });
    expect(snyk.seen(from)).toEqual([
      `200 /rest/orgs/${ORG}/projects?target_id=${TARGET}&version=${VERSION}&limit=100`,
      `200 /rest/orgs/${ORG}/issues?scan_item.id=${NPM_PROJECT}&scan_item.type=project&status=open&version=${VERSION}&limit=100`,
      `200 /rest/orgs/${ORG}/issues?scan_item.id=${PIP_PROJECT}&scan_item.type=project&status=open&version=${VERSION}&limit=100`,
    ]);
    expect(
      snyk.requests
        .slice(from)
        .every(r => r.authorization === `token ${snyk.token}`),
    ).toBe(true);
  });

  it('reads the listed projects, less the excluded ones', async () => {
    const from = snyk.requests.length;
    const fact = await read(provider({ version: '2025-01-01' }), {
      'snyk.io/org-id': ORG,
      'snyk.io/project-ids': `${NPM_PROJECT},${PIP_PROJECT}`,
      'snyk.io/exclude-project-ids': NPM_PROJECT,
    });
    expect(fact).toMatchObject({
      available: true,
      value: {
        projects: [{ id: PIP_PROJECT }],
        issues: [{ id: 'SNYK-PYTHON-JINJA2-6150717' }],
      },
    });
    expect(snyk.seen(from)[0]).toBe(
      `200 /rest/orgs/${ORG}/projects?ids=${NPM_PROJECT}%2C${PIP_PROJECT}&version=2025-01-01&limit=100`,
    );
  });

  it('follows links.next, and says when the page limit stopped it', async () => {
    snyk.issues.set(
      PIP_PROJECT,
      Array.from({ length: 230 }, (_, i) =>
        vulnerability({
          id: uuid(100 + i),
          key: `SNYK-PYTHON-PKG${i}-1`,
          title: 'Denial of Service (DoS)',
          severity: 'low',
          packageName: `pkg${i}`,
          version: '1.0.0',
          orgId: ORG,
          projectId: PIP_PROJECT,
        }),
      ),
    );
    const subjectAnnotations = {
      'snyk.io/org-id': ORG,
      'snyk.io/project-ids': PIP_PROJECT,
    };
    let from = snyk.requests.length;
    const all = await read(provider(), subjectAnnotations);
    expect(all.available && all.value.issues).toHaveLength(230);
    expect(all.available && all.value.truncated).toBeUndefined();
    expect(snyk.seen(from)).toEqual([
      `200 /rest/orgs/${ORG}/projects?ids=${PIP_PROJECT}&version=${VERSION}&limit=100`,
      `200 /rest/orgs/${ORG}/issues?scan_item.id=${PIP_PROJECT}&scan_item.type=project&status=open&version=${VERSION}&limit=100`,
      `200 /rest/orgs/${ORG}/issues?scan_item.id=${PIP_PROJECT}&scan_item.type=project&status=open&version=${VERSION}&limit=100&starting_after=${uuid(
        199,
      )}`,
      `200 /rest/orgs/${ORG}/issues?scan_item.id=${PIP_PROJECT}&scan_item.type=project&status=open&version=${VERSION}&limit=100&starting_after=${uuid(
        299,
      )}`,
    ]);

    from = snyk.requests.length;
    const some = await read(provider({ maxPages: 2 }), subjectAnnotations);
    expect(some.available && some.value.issues).toHaveLength(200);
    expect(some.available && some.value.truncated).toBe(true);
    expect(snyk.seen(from)).toHaveLength(3);
  });

  it('names the permission on 401 and 403', async () => {
    expect(await read(provider({ token: 'revoked' }), byTarget)).toEqual({
      available: false,
      reason: `Snyk answered 401 to GET /rest/orgs/${ORG}/projects: Authentication credentials not recognized, or user access is not provisioned.`,
      permission: SNYK_PERMISSION,
    });
    snyk.overrides.set(
      `/rest/orgs/${ORG}/issues`,
      error(403, 'Forbidden', 'You do not have the required permissions.'),
    );
    expect(await read(provider(), byTarget)).toEqual({
      available: false,
      reason: `Snyk answered 403 to GET /rest/orgs/${ORG}/issues: You do not have the required permissions.`,
      permission: SNYK_PERMISSION,
    });
  });

  it('says an unknown organization is not found', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    expect(
      await read(provider(), { ...byTarget, 'snyk.io/org-id': other }),
    ).toEqual({
      available: false,
      reason: `Snyk answered 404 to GET /rest/orgs/${other}/projects: Org not found`,
    });
  });

  it('delays the fact on 429 with Retry-After, and on server errors', async () => {
    snyk.overrides.set(`/rest/orgs/${ORG}/issues`, {
      ...error(429, 'Too Many Requests', 'Too many requests, try again later'),
      headers: { 'retry-after': '42' },
    });
    expect(await read(provider(), byTarget)).toEqual({
      available: false,
      reason: `Snyk answered 429 to GET /rest/orgs/${ORG}/issues: Too many requests, try again later (rate limit; retry after 42 s)`,
      delayed: true,
    });
    snyk.overrides.set(`/rest/orgs/${ORG}/issues`, { status: 502 });
    expect(await read(provider(), byTarget)).toMatchObject({ delayed: true });
  });

  it('never follows a next page to another host', async () => {
    snyk.overrides.set(`/rest/orgs/${ORG}/projects`, {
      status: 200,
      body: {
        jsonapi: { version: '1.0' },
        data: [],
        links: { next: 'https://evil.example.com/rest/orgs/x/projects' },
      },
    });
    expect(await read(provider(), byTarget)).toMatchObject({
      available: false,
      reason: expect.stringContaining('not followed'),
    });
  });

  it('refuses names where Snyk ids are needed, without a request', async () => {
    const from = snyk.requests.length;
    expect(
      await read(provider(), {
        'snyk.io/org-id': ORG,
        'snyk.io/target-id': 'acme/payments',
      }),
    ).toEqual({
      available: false,
      reason:
        "the annotation snyk.io/target-id holds 'acme/payments', not a Snyk id (a UUID): target and organization names are not looked up",
    });
    expect(snyk.seen(from)).toEqual([]);
  });

  it('bounds each request in time', async () => {
    // A server that never answers.
    const server = http.createServer(() => undefined);
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const started = Date.now();
    const fact = await read(
      provider({
        apiBaseUrl: `http://127.0.0.1:${port}`,
        requestTimeoutMs: 100,
      }),
      byTarget,
    );
    server.closeAllConnections();
    server.close();
    expect(fact).toEqual({
      available: false,
      reason: `Snyk gave no answer to GET /rest/orgs/${ORG}/projects within 100 ms`,
      delayed: true,
    });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
