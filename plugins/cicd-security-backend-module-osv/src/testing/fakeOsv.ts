import http from 'http';
import { AddressInfo } from 'net';

/** An OSV record as the fake serves it (any JSON the test writes). */
export type FakeOsvRecord = {
  id: string;
  modified: string;
  affected?: Array<{
    package?: { ecosystem: string; name: string; purl?: string };
    versions?: string[];
    ranges?: unknown[];
    [field: string]: unknown;
  }>;
  [field: string]: unknown;
};

/** A fault the fake answers once instead of the normal answer. */
export interface FakeOsvFault {
  /** `querybatch` or `vulns` (any id), or an exact path (`/v1/vulns/GHSA-…`). */
  match: 'querybatch' | 'vulns' | string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Waits before answering (a slow answer; the client may time out first). */
  delayMs?: number;
  /** Closes the connection without an answer. */
  hangUp?: boolean;
}

export interface FakeOsvRequest {
  method: string;
  path: string;
  status: number;
  /** The querybatch queries, as sent. */
  queries?: Array<{
    package?: { ecosystem?: string; name?: string };
    version?: string;
    page_token?: string;
  }>;
}

/**
 * The OSV API (https://google.github.io/osv.dev/api/) on 127.0.0.1, over
 * the records it is given: `POST /v1/querybatch` lists `{ id, modified }`
 * of the records that name the package (like the real API it lists ids
 * only; unlike it, it lists every record about the package whatever the
 * version, so the client's own matching must drop those that do not
 * apply), `pageSize` vulnerabilities per result with a `next_page_token`,
 * and `GET /v1/vulns/{id}` answers the record. Faults (429 with
 * Retry-After, 500, slow answers, hang-ups) are answered once each, in
 * order, by the requests they match.
 */
export class FakeOsv {
  readonly records = new Map<string, FakeOsvRecord>();
  readonly requests: FakeOsvRequest[] = [];
  readonly faults: FakeOsvFault[] = [];
  /** Vulnerabilities per result and page; more get a next_page_token. */
  pageSize = Infinity;
  /** Waits before every answer. */
  delayMs = 0;
  /** Requests being answered now, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;
  #server?: http.Server;
  readonly #sockets = new Set<import('net').Socket>();
  port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  add(...records: FakeOsvRecord[]): this {
    for (const r of records) this.records.set(r.id, r);
    return this;
  }

  async start(): Promise<void> {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        this.#answer(req, res, Buffer.concat(chunks).toString('utf8')).catch(
          e => {
            res.statusCode = 500;
            res.end(String(e));
          },
        );
      });
    });
    this.#server.on('connection', s => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.#server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>(resolve => this.#server?.close(() => resolve()));
  }

  /** Waits until no request is being answered (slow answers a client gave up on included). */
  async idle(): Promise<void> {
    while (this.inFlight > 0) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.length = 0;
    this.pageSize = Infinity;
    this.delayMs = 0;
    this.maxInFlight = 0;
  }

  /** `ecosystem name@version` of every first-page query sent. */
  queried(): string[] {
    return this.requests.flatMap(r =>
      (r.queries ?? [])
        .filter(q => q.page_token === undefined)
        .map(q => `${q.package?.ecosystem} ${q.package?.name}@${q.version}`),
    );
  }

  /** Paths of the `GET /v1/vulns/{id}` requests. */
  vulnFetches(): string[] {
    return this.requests
      .filter(r => r.path.startsWith('/v1/vulns/'))
      .map(r => decodeURIComponent(r.path.slice('/v1/vulns/'.length)));
  }

  async #answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
  ): Promise<void> {
    const path = req.url ?? '';
    const method = req.method ?? 'GET';
    const seen: FakeOsvRequest = { method, path, status: 0 };
    this.requests.push(seen);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.#respond(req, res, body, seen);
    } finally {
      this.inFlight--;
    }
  }

  async #respond(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    seen: FakeOsvRequest,
  ): Promise<void> {
    const path = seen.path;
    const method = seen.method;
    const kind =
      method === 'POST' && path === '/v1/querybatch'
        ? 'querybatch'
        : method === 'GET' && path.startsWith('/v1/vulns/')
        ? 'vulns'
        : 'other';
    if (kind === 'querybatch') {
      try {
        seen.queries = JSON.parse(body).queries;
      } catch {
        // answered 400 below
      }
    }
    const i = this.faults.findIndex(f => f.match === kind || f.match === path);
    const fault = i >= 0 ? this.faults.splice(i, 1)[0] : undefined;
    const delay = fault?.delayMs ?? this.delayMs;
    if (delay) await new Promise(resolve => setTimeout(resolve, delay));
    if (fault?.hangUp) {
      seen.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      this.#send(res, seen, fault.status, fault.body ?? '', {
        ...fault.headers,
      });
    } else if (kind === 'querybatch') {
      this.#querybatch(res, seen);
    } else if (kind === 'vulns') {
      const record = this.records.get(
        decodeURIComponent(path.slice('/v1/vulns/'.length)),
      );
      if (record) this.#json(res, seen, 200, record);
      else this.#json(res, seen, 404, { code: 5, message: 'Bug not found.' });
    } else {
      this.#json(res, seen, 404, { code: 5, message: 'Not Found' });
    }
  }

  #querybatch(res: http.ServerResponse, seen: FakeOsvRequest): void {
    const queries = seen.queries;
    if (!Array.isArray(queries)) {
      this.#json(res, seen, 400, { code: 3, message: 'Invalid request body' });
      return;
    }
    if (queries.length > 1000) {
      this.#json(res, seen, 400, { code: 3, message: 'Too many queries.' });
      return;
    }
    const results = queries.map(q => {
      const all = [...this.records.values()]
        .filter(r =>
          (r.affected ?? []).some(
            a =>
              a.package?.ecosystem === q.package?.ecosystem &&
              sameName(a.package!.ecosystem, a.package!.name, q.package?.name),
          ),
        )
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map(r => ({ id: r.id, modified: r.modified }));
      const offset = q.page_token
        ? Number(Buffer.from(q.page_token, 'base64').toString('utf8'))
        : 0;
      const page = all.slice(offset, offset + this.pageSize);
      const more = offset + page.length < all.length;
      // OSV answers `{}` for a query without vulnerabilities.
      return {
        ...(page.length && { vulns: page }),
        ...(more && {
          next_page_token: Buffer.from(String(offset + page.length)).toString(
            'base64',
          ),
        }),
      };
    });
    this.#json(res, seen, 200, { results });
  }

  #json(
    res: http.ServerResponse,
    seen: FakeOsvRequest,
    status: number,
    value: unknown,
  ): void {
    this.#send(res, seen, status, JSON.stringify(value), {
      'content-type': 'application/json',
    });
  }

  #send(
    res: http.ServerResponse,
    seen: FakeOsvRequest,
    status: number,
    body: string,
    headers: Record<string, string>,
  ): void {
    seen.status = status;
    res.writeHead(status, headers);
    res.end(body);
  }
}

/** Names as OSV compares them: PyPI names normalised as PEP 503 says. */
function sameName(ecosystem: string, a: string, b: string | undefined) {
  const norm = (n: string) =>
    ecosystem === 'PyPI' ? n.toLowerCase().replace(/[-_.]+/g, '-') : n;
  return b !== undefined && norm(a) === norm(b);
}

/**
 * Records written for the tests in the OSV format, in the shape osv.dev
 * serves them (GHSA records with database_specific.severity, a PyPI record
 * with a CVSS vector, an ECOSYSTEM range with last_affected). The ids and
 * vulnerabilities are invented.
 */
export const TEST_RECORDS: FakeOsvRecord[] = [
  {
    schema_version: '1.6.0',
    id: 'GHSA-t3st-lp01-0001',
    modified: '2026-01-10T08:14:22.431Z',
    published: '2026-01-09T21:00:00Z',
    aliases: ['CVE-2099-1001'],
    summary: 'Prototype pollution in left-pad',
    details:
      'left-pad before 1.3.1 lets a crafted padding string pollute Object.prototype.',
    affected: [
      {
        package: {
          ecosystem: 'npm',
          name: 'left-pad',
          purl: 'pkg:npm/left-pad',
        },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [{ introduced: '0' }, { fixed: '1.3.1' }],
          },
        ],
        database_specific: {
          source:
            'https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/2026/01/GHSA-t3st-lp01-0001/GHSA-t3st-lp01-0001.json',
        },
      },
    ],
    references: [
      {
        type: 'ADVISORY',
        url: 'https://nvd.nist.gov/vuln/detail/CVE-2099-1001',
      },
      { type: 'PACKAGE', url: 'https://github.com/left-pad/left-pad' },
    ],
    database_specific: {
      cwe_ids: ['CWE-1321'],
      severity: 'HIGH',
      github_reviewed: true,
      github_reviewed_at: '2026-01-09T21:00:00Z',
      nvd_published_at: null,
    },
  },
  {
    schema_version: '1.6.0',
    id: 'GHSA-t3st-mm02-0002',
    modified: '2026-02-02T10:00:00Z',
    published: '2026-02-01T10:00:00Z',
    aliases: ['CVE-2099-2002'],
    summary: 'Command injection in minimist-like argument parser',
    affected: [
      {
        package: {
          ecosystem: 'npm',
          name: 'minimist',
          purl: 'pkg:npm/minimist',
        },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [{ introduced: '1.0.0' }, { fixed: '1.2.6' }],
          },
        ],
      },
    ],
    references: [
      {
        type: 'ADVISORY',
        url: 'https://github.com/advisories/GHSA-t3st-mm02-0002',
      },
    ],
    database_specific: { severity: 'CRITICAL', github_reviewed: true },
  },
  {
    schema_version: '1.6.0',
    id: 'PYSEC-2099-7',
    modified: '2026-01-20T00:00:00Z',
    published: '2026-01-19T00:00:00Z',
    aliases: ['CVE-2099-7007'],
    details: 'Header injection in requests when following redirects.',
    severity: [
      {
        type: 'CVSS_V3',
        score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
      },
    ],
    affected: [
      {
        package: {
          ecosystem: 'PyPI',
          name: 'requests',
          purl: 'pkg:pypi/requests',
        },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [{ introduced: '2.0' }, { last_affected: '2.31.0' }],
          },
        ],
        versions: ['2.30.0', '2.31.0'],
      },
    ],
    references: [{ type: 'WEB', url: 'https://example.org/requests-advisory' }],
  },
];
