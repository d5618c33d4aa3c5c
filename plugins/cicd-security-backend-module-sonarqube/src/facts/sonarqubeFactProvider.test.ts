import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  FactProvider,
  FactSubject,
  validateFact,
} from '@cicd-security/plugin-cicd-security-node';
import { FakeSonarqube, readableProject } from '../testing/fakeSonarqube';
import { readSonarqubeInstances, SonarqubeInstance } from './instances';
import {
  createSonarqubeFactProvider,
  SONARQUBE_PERMISSION,
} from './sonarqubeFactProvider';

const KEY = 'acme_payments';
const GATE = `/api/qualitygates/project_status?projectKey=${KEY}`;

describe('the SonarQube fact provider', () => {
  const sonar = new FakeSonarqube();

  beforeAll(() => sonar.start());
  afterAll(() => sonar.stop());
  beforeEach(() => sonar.routes.clear());

  const instance = (
    overrides: Partial<SonarqubeInstance> = {},
  ): SonarqubeInstance => ({
    name: 'default',
    baseUrl: sonar.baseUrl,
    token: sonar.token,
    ...overrides,
  });

  function provider(
    instances: SonarqubeInstance[] = [instance()],
    requestTimeoutMs?: number,
  ): FactProvider {
    return createSonarqubeFactProvider({
      instances,
      logger: mockServices.logger.mock(),
      requestTimeoutMs,
    });
  }

  const subject = (annotation?: string): FactSubject => ({
    entityRef: 'component:default/payments',
    annotations: annotation ? { 'sonarqube.org/project-key': annotation } : {},
    source: { type: 'url', target: 'https://github.com/acme/payments' },
  });

  async function read(p: FactProvider, annotation: string) {
    const facts = await p.fetch(subject(annotation), {
      facts: ['sonarqube.qualityGate'],
      signal: new AbortController().signal,
    });
    const fact = facts['sonarqube.qualityGate']!;
    if (fact.available) {
      // What the provider gives is what the fact declares.
      expect(validateFact('sonarqube.qualityGate', fact, 'sonarqube')).toEqual(
        fact,
      );
    }
    return fact;
  }

  function serve(key = KEY, status?: 'OK' | 'WARN' | 'ERROR' | 'NONE') {
    for (const [path, answer] of readableProject(key, status)) {
      sonar.routes.set(path, answer);
    }
  }

  it('applies only to components with the annotation', () => {
    const p = provider();
    expect(p.appliesTo!(subject(KEY))).toBe(true);
    expect(p.appliesTo!(subject())).toBe(false);
    expect(p.appliesTo!(subject('  '))).toBe(false);
  });

  it('reads the quality gate, the issue counts and the hotspots with the Bearer token', async () => {
    serve();
    const from = sonar.requests.length;
    expect(await read(provider(), KEY)).toEqual({
      available: true,
      value: {
        projectKey: KEY,
        status: 'ERROR',
        conditions: [
          {
            metricKey: 'new_coverage',
            status: 'ERROR',
            comparator: 'LT',
            errorThreshold: '80',
            actualValue: '12.5',
          },
          {
            metricKey: 'new_duplicated_lines_density',
            status: 'OK',
            comparator: 'GT',
            errorThreshold: '3',
            actualValue: '0.0',
          },
          {
            metricKey: 'new_security_rating',
            status: 'ERROR',
            comparator: 'GT',
            errorThreshold: '1',
            actualValue: '4',
          },
        ],
        url: `${sonar.baseUrl}/dashboard?id=${KEY}`,
        openIssues: {
          CODE_SMELL: 40,
          BUG: 3,
          VULNERABILITY: 2,
          SECURITY_HOTSPOT: 1,
        },
      },
    });
    expect(sonar.seen(from).sort()).toEqual([
      `200 /api/hotspots/search?projectKey=${KEY}&status=TO_REVIEW&ps=1`,
      `200 /api/issues/search?componentKeys=${KEY}&resolved=false&facets=types&ps=1`,
      `200 ${GATE}`,
    ]);
    expect(
      sonar.requests
        .slice(from)
        .every(r => r.authorization === `Bearer ${sonar.token}`),
    ).toBe(true);
  });

  it('gives NONE as it is, and leaves the counts out when SonarQube refuses them', async () => {
    sonar.routes.set(GATE, {
      body: { projectStatus: { status: 'NONE', conditions: [] } },
    });
    // An older server without the hotspots API, and issues refused.
    sonar.routes.set(
      `/api/issues/search?componentKeys=${KEY}&resolved=false&facets=types&ps=1`,
      { status: 403, body: { errors: [{ msg: 'Insufficient privileges' }] } },
    );
    expect(await read(provider(), KEY)).toEqual({
      available: true,
      value: {
        projectKey: KEY,
        status: 'NONE',
        conditions: [],
        url: `${sonar.baseUrl}/dashboard?id=${KEY}`,
      },
    });
  });

  it('picks the instance the annotation names, and links to its external URL', async () => {
    serve('team:payments');
    const p = provider([
      instance({ name: 'default', baseUrl: 'http://127.0.0.1:9' }),
      instance({
        name: 'cloud',
        externalBaseUrl: 'https://sonarcloud.io',
      }),
    ]);
    const fact = await read(p, 'cloud/team:payments');
    expect(fact).toMatchObject({
      available: true,
      value: {
        projectKey: 'team:payments',
        status: 'ERROR',
        url: 'https://sonarcloud.io/dashboard?id=team%3Apayments',
      },
    });
    expect(await read(p, 'other/team:payments')).toEqual({
      available: false,
      reason:
        "no SonarQube instance named 'other' is configured (cicdSecurity.sonarqube.instances)",
    });
  });

  it('uses the only instance for a key without an instance name', async () => {
    serve();
    const p = provider([instance({ name: 'sonarcloud' })]);
    expect(await read(p, KEY)).toMatchObject({ available: true });
  });

  it('names the permission on 401 and 403, and makes no other request', async () => {
    serve();
    const from = sonar.requests.length;
    expect(await read(provider([instance({ token: 'expired' })]), KEY)).toEqual(
      {
        available: false,
        reason: `SonarQube (default) answered 401 to GET ${GATE} (the token is missing, expired or revoked)`,
        permission: SONARQUBE_PERMISSION,
      },
    );
    expect(sonar.seen(from)).toEqual([`401 ${GATE}`]);

    sonar.routes.set(GATE, {
      status: 403,
      body: { errors: [{ msg: 'Insufficient privileges' }] },
    });
    expect(await read(provider(), KEY)).toEqual({
      available: false,
      reason: `SonarQube (default) answered 403 to GET ${GATE}: Insufficient privileges`,
      permission: SONARQUBE_PERMISSION,
    });
  });

  it('says a project that does not exist is not found', async () => {
    sonar.routes.set(GATE, {
      status: 404,
      body: { errors: [{ msg: `Project '${KEY}' not found` }] },
    });
    expect(await read(provider(), KEY)).toEqual({
      available: false,
      reason: `SonarQube (default) answered 404 to GET ${GATE}: Project '${KEY}' not found (no project '${KEY}' on ${sonar.baseUrl}: check the annotation sonarqube.org/project-key, or that the token may see the project)`,
    });
  });

  it('delays the fact on 429, server errors and timeouts', async () => {
    sonar.routes.set(GATE, {
      status: 429,
      headers: { 'retry-after': '30' },
      body: { errors: [{ msg: 'Too many requests' }] },
    });
    expect(await read(provider(), KEY)).toEqual({
      available: false,
      reason: `SonarQube (default) answered 429 to GET ${GATE}: Too many requests`,
      delayed: true,
    });
    sonar.routes.set(GATE, { status: 503 });
    expect(await read(provider(), KEY)).toMatchObject({ delayed: true });

    sonar.routes.set(GATE, { body: {}, delayMs: 2_000 });
    const started = Date.now();
    expect(await read(provider(undefined, 100), KEY)).toEqual({
      available: false,
      reason: `SonarQube (default) gave no answer to GET ${GATE} within 100 ms`,
      delayed: true,
    });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('refuses an answer without a quality gate status', async () => {
    sonar.routes.set(GATE, { body: { projectStatus: { status: 'GREEN' } } });
    expect(await read(provider(), KEY)).toEqual({
      available: false,
      reason: `SonarQube (default) answered GET ${GATE} without a projectStatus.status`,
    });
  });

  it('never puts the token in a reason', async () => {
    sonar.routes.set(GATE, { status: 500, body: 'oops' });
    const fact = await read(provider(), KEY);
    expect(JSON.stringify(fact)).not.toContain(sonar.token);
  });
});

describe('readSonarqubeInstances', () => {
  const read = (sonarqube?: unknown) =>
    readSonarqubeInstances(
      new ConfigReader(sonarqube ? { cicdSecurity: { sonarqube } } : {}),
    );

  it('is empty without configuration: the module stays off', () => {
    expect(read()).toEqual([]);
    expect(read({ requestTimeoutMs: 5000 })).toEqual([]);
  });

  it('reads a single instance as default and named instances', () => {
    expect(
      read({
        baseUrl: 'https://sonar.example.com/',
        token: 't1',
        instances: [
          { name: 'cloud', baseUrl: 'https://sonarcloud.io', token: 't2' },
        ],
      }),
    ).toEqual([
      { name: 'default', baseUrl: 'https://sonar.example.com', token: 't1' },
      { name: 'cloud', baseUrl: 'https://sonarcloud.io', token: 't2' },
    ]);
  });

  it('refuses a base URL without a token and duplicate names', () => {
    expect(() => read({ baseUrl: 'https://sonar.example.com' })).toThrow(
      /token/,
    );
    expect(() =>
      read({
        instances: [
          { name: 'a', baseUrl: 'https://a', token: 't' },
          { name: 'a', baseUrl: 'https://b', token: 't' },
        ],
      }),
    ).toThrow(/used twice/);
  });
});
