import { execFile, execFileSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';

/*
 * A private PostgreSQL cluster that a test owns: it starts it on a free
 * loopback port in a temporary directory, and may stop and start it to
 * simulate an outage, without disturbing the cluster other tests share.
 * Needs Debian's postgresql package (initdb, pg_ctl); as root the cluster
 * runs as the postgres user, as scripts/pg-start.sh does.
 */

export interface PrivatePostgres {
  /** postgresql://postgres@127.0.0.1:<port> */
  url: string;
  port: number;
  /** Stop the server: `immediate` is a crash, `fast` a clean shutdown. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  /** Stop it and delete its directory. */
  destroy(): void;
}

/** The bin directory of the newest installed PostgreSQL, or undefined. */
export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs
    .readdirSync(base)
    .filter(v => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL (initdb) is not installed');
  const root = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-faults-pg-'));
  fs.chmodSync(dir, 0o755);
  if (root) execFileSync('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  const run = (command: string) =>
    root
      ? execFileSync('su', ['postgres', '-s', '/bin/bash', '-c', command], {
          stdio: 'pipe',
        })
      : execFileSync('/bin/bash', ['-c', command], { stdio: 'pipe' });
  run(`${bin}/initdb -D ${data} -A trust -U postgres >/dev/null`);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  /** Asynchronous, so that the process goes on while the server stops. */
  const runAsync = (command: string) =>
    new Promise<void>((resolve, reject) => {
      const [file, args] = root
        ? ['su', ['postgres', '-s', '/bin/bash', '-c', command]]
        : ['/bin/bash', ['-c', command]];
      execFile(file, args as string[], error =>
        error ? reject(error) : resolve(),
      );
    });
  const startCommand = `${bin}/pg_ctl -D ${data} -l ${dir}/log -o '${options}' -w start`;
  const stopCommand = (mode: string) =>
    `${bin}/pg_ctl -D ${data} -m ${mode} -w stop`;
  run(startCommand);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    port,
    start: () => runAsync(startCommand),
    stop: (mode = 'fast') => runAsync(stopCommand(mode)),
    destroy() {
      try {
        run(stopCommand('immediate'));
      } catch {
        // Already stopped.
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
