import http from 'http';
import { AddressInfo } from 'net';

/** One answer of the fake SonarQube. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

export interface SeenRequest {
  /** Path and query, as sent. */
  path: string;
  status: number;
  authorization?: string;
}

/**
 * A SonarQube Web API on 127.0.0.1: answers the paths it was given (path
 * and query, exactly), and 404 `{ errors: [{ msg }] }` otherwise, as
 * SonarQube does. A token other than `token` gets a 401 with an empty body,
 * as SonarQube answers a bad token.
 */
export class FakeSonarqube {
  readonly routes = new Map<string, FakeAnswer>();
  readonly requests: SeenRequest[] = [];
  token = 'sonar-token';
  #server?: http.Server;
  #port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    this.#server = http.createServer((req, res) => {
      const path = req.url ?? '';
      let answer: FakeAnswer =
        req.headers.authorization === `Bearer ${this.token}`
          ? this.routes.get(path) ?? {
              status: 404,
              body: { errors: [{ msg: 'Unknown url' }] },
            }
          : { status: 401 };
      if (!req.headers.authorization) answer = { status: 401 };
      const status = answer.status ?? 200;
      this.requests.push({
        path,
        status,
        authorization: req.headers.authorization,
      });
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(status, {
          'content-type': 'application/json',
          ...answer.headers,
        });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    this.#port = (this.#server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise(resolve => this.#server?.close(resolve));
  }

  /** Requests since `from`, as `status path`. */
  seen(from = 0): string[] {
    return this.requests.slice(from).map(r => `${r.status} ${r.path}`);
  }
}

/** `GET /api/qualitygates/project_status` of a failing project (SonarQube 10.x). */
export function projectStatus(
  status: 'OK' | 'WARN' | 'ERROR' | 'NONE' = 'ERROR',
): unknown {
  if (status === 'NONE') {
    return {
      projectStatus: {
        status: 'NONE',
        conditions: [],
        ignoredConditions: false,
        caycStatus: 'non-compliant',
      },
    };
  }
  return {
    projectStatus: {
      status,
      conditions: [
        {
          status: status === 'OK' ? 'OK' : 'ERROR',
          metricKey: 'new_coverage',
          comparator: 'LT',
          errorThreshold: '80',
          actualValue: status === 'OK' ? '85.2' : '12.5',
        },
        {
          status: 'OK',
          metricKey: 'new_duplicated_lines_density',
          comparator: 'GT',
          errorThreshold: '3',
          actualValue: '0.0',
        },
        {
          status: status === 'OK' ? 'OK' : 'ERROR',
          metricKey: 'new_security_rating',
          comparator: 'GT',
          errorThreshold: '1',
          actualValue: status === 'OK' ? '1' : '4',
        },
      ],
      ignoredConditions: false,
      caycStatus: 'compliant',
      period: {
        mode: 'PREVIOUS_VERSION',
        date: '2025-05-02T09:34:13+0000',
        parameter: '1.4.0',
      },
    },
  };
}

/** `GET /api/issues/search?…&facets=types&ps=1`: one issue shown, counts in the facet. */
export function issuesSearch(projectKey: string): unknown {
  return {
    total: 45,
    p: 1,
    ps: 1,
    paging: { pageIndex: 1, pageSize: 1, total: 45 },
    effortTotal: 312,
    issues: [
      {
        key: 'AZXq0b1e2c3d4e5f6g7h',
        rule: 'typescript:S1854',
        severity: 'MAJOR',
        component: `${projectKey}:src/index.ts`,
        project: projectKey,
        line: 12,
        status: 'OPEN',
        message: 'Remove this useless assignment to variable "x".',
        type: 'CODE_SMELL',
        creationDate: '2025-05-01T10:00:00+0000',
      },
    ],
    components: [
      { key: projectKey, enabled: true, qualifier: 'TRK', name: projectKey },
    ],
    facets: [
      {
        property: 'types',
        values: [
          { val: 'CODE_SMELL', count: 40 },
          { val: 'BUG', count: 3 },
          { val: 'VULNERABILITY', count: 2 },
        ],
      },
    ],
  };
}

/** `GET /api/hotspots/search?projectKey=…&status=TO_REVIEW&ps=1`. */
export function hotspotsSearch(projectKey: string): unknown {
  return {
    paging: { pageIndex: 1, pageSize: 1, total: 1 },
    hotspots: [
      {
        key: 'AZXq1hotspot',
        component: `${projectKey}:src/db.ts`,
        project: projectKey,
        securityCategory: 'sql-injection',
        vulnerabilityProbability: 'HIGH',
        status: 'TO_REVIEW',
        line: 30,
        message:
          'Make sure using a dynamically formatted SQL query is safe here.',
      },
    ],
    components: [{ key: projectKey, qualifier: 'TRK', name: projectKey }],
  };
}

/** The three answers of a readable project. */
export function readableProject(
  projectKey: string,
  status: 'OK' | 'WARN' | 'ERROR' | 'NONE' = 'ERROR',
): Array<[string, FakeAnswer]> {
  const key = encodeURIComponent(projectKey);
  return [
    [
      `/api/qualitygates/project_status?projectKey=${key}`,
      { body: projectStatus(status) },
    ],
    [
      `/api/issues/search?componentKeys=${key}&resolved=false&facets=types&ps=1`,
      { body: issuesSearch(projectKey) },
    ],
    [
      `/api/hotspots/search?projectKey=${key}&status=TO_REVIEW&ps=1`,
      { body: hotspotsSearch(projectKey) },
    ],
  ];
}
