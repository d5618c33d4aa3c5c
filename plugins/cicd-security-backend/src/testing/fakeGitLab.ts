import http from 'http';
import { AddressInfo, Socket } from 'net';
import { gitlabArchive } from './gitlabArchive';

/*
 * A fake GitLab at the HTTP layer serving many projects `group/<name>`, for
 * Backstage's real GitLab UrlReader (readTree makes three calls: project,
 * commits, archive; see src/sources/scmHttp.test.ts). Each project can be
 * made to fail in the ways a real SCM does: a status (5xx, 429 with
 * Retry-After), a request that never answers, an archive cut short (a
 * truncated .tar.gz, or a connection reset in the middle of the body).
 */

export const FAKE_GITLAB_TOKEN = 'test-token-not-secret';

export type Endpoint = 'project' | 'commits' | 'archive';

export type Fault =
  /** Answer this status (with these headers) to every request to `endpoint`. */
  | {
      type: 'status';
      endpoint: Endpoint;
      status: number;
      headers?: Record<string, string>;
    }
  /** Never answer requests to `endpoint`. */
  | { type: 'hang'; endpoint: Endpoint }
  /** Send the archive's headers and half of its body, then nothing more. */
  | { type: 'stall-body' }
  /** A complete HTTP answer whose .tar.gz body is cut at `fraction` of its length. */
  | { type: 'truncated-archive'; fraction: number }
  /** Announce the full archive length, send part of it, then reset the connection. */
  | { type: 'reset-archive'; fraction: number };

export interface Project {
  sha: string;
  files: Record<string, string>;
  fault?: Fault;
}

export class FakeGitLab {
  readonly projects = new Map<string, Project>();
  /** Requests seen, as `<endpoint> <project>`. */
  readonly requests: string[] = [];
  #server?: http.Server;
  readonly #sockets = new Set<Socket>();
  port = 0;

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The `url:` source location of a project. */
  sourceUrl(name: string) {
    return `${this.origin}/group/${name}/-/tree/main/`;
  }

  count(name: string, endpoint?: Endpoint): number {
    return this.requests.filter(r =>
      endpoint ? r === `${endpoint} ${name}` : r.endsWith(` ${name}`),
    ).length;
  }

  async start() {
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.on('connection', socket => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>(resolve =>
      this.#server!.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.#server!.address() as AddressInfo).port;
  }

  async stop() {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>(resolve => this.#server?.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '', this.origin);
    const match = url.pathname.match(
      /^\/api\/v4\/projects\/group%2F([^/]+)(?:\/repository\/(commits|archive))?$/,
    );
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${FAKE_GITLAB_TOKEN}`) {
      json(401, { message: '401 Unauthorized' });
      return;
    }
    const name = match?.[1];
    const project = name ? this.projects.get(name) : undefined;
    if (!match || !name || !project) {
      json(404, { message: '404 Project Not Found' });
      return;
    }
    const endpoint = (match[2] ?? 'project') as Endpoint;
    this.requests.push(`${endpoint} ${name}`);
    const fault = project.fault;
    if (fault?.type === 'status' && fault.endpoint === endpoint) {
      res.writeHead(fault.status, {
        'Content-Type': 'application/json',
        ...fault.headers,
      });
      res.end(JSON.stringify({ message: `${fault.status} failure` }));
      return;
    }
    if (fault?.type === 'hang' && fault.endpoint === endpoint) return;

    switch (endpoint) {
      case 'project':
        json(200, {
          id: 1,
          name,
          path: name,
          path_with_namespace: `group/${name}`,
          default_branch: 'main',
          web_url: `${this.origin}/group/${name}`,
          archived: false,
          empty_repo: false,
        });
        return;
      case 'commits':
        json(200, [
          {
            id: project.sha,
            short_id: project.sha.slice(0, 8),
            title: 'Update',
            committed_date: '2024-06-01T10:00:00.000+00:00',
          },
        ]);
        return;
      default: {
        const body = gitlabArchive(name, project.files, project.sha);
        const headers = {
          'Content-Type': 'application/octet-stream',
          'Content-Disposition': `attachment; filename="${name}-main-${project.sha}.tar.gz"`,
        };
        if (fault?.type === 'truncated-archive') {
          const cut = body.subarray(
            0,
            Math.floor(body.length * fault.fraction),
          );
          res.writeHead(200, { ...headers, 'Content-Length': cut.length });
          res.end(cut);
          return;
        }
        if (fault?.type === 'reset-archive' || fault?.type === 'stall-body') {
          res.writeHead(200, { ...headers, 'Content-Length': body.length });
          const fraction = fault.type === 'stall-body' ? 0.5 : fault.fraction;
          res.write(body.subarray(0, Math.floor(body.length * fraction)));
          if (fault.type === 'reset-archive') {
            setTimeout(() => req.socket.destroy(), 20);
          }
          return;
        }
        res.writeHead(200, { ...headers, 'Content-Length': body.length });
        res.end(body);
      }
    }
  }
}
