import { InMemorySnapshot } from '@cicd-security/plugin-cicd-security-node';
import { execFile, spawn } from 'child_process';
import fs from 'fs';

/**
 * Reading earlier revisions of a directory from its git repository, without
 * touching the work tree: commits are listed with `git log`, a revision's
 * files with `git ls-tree` and read with `git cat-file`, each a separate
 * `git` process with a timeout and a bound on its output. The repository is
 * treated as hostile: no hook, no external diff or text conversion, no
 * signature verification, no file system monitor, no replace objects, no
 * prompt; symbolic links and submodules are not followed; file sizes are
 * known from the tree before any byte is read.
 */

/** Longest wait for one `git` command, by default (ms). */
const DEFAULT_GIT_TIMEOUT_MS = 30_000;
/** Largest `git log` output read: enough for thousands of commits. */
const MAX_LOG_BYTES = 4 * 1024 * 1024;
/** Largest `git ls-tree` output read. */
const MAX_TREE_BYTES = 32 * 1024 * 1024;
/** Most files read from one revision (as many as a local scan lists). */
const MAX_FILES = 50_000;
/** Folders a scan never reads (as for local directories). */
const IGNORED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** Settings that make git ignore what a hostile repository configures. */
const SAFE_GIT_CONFIG = [
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'log.showSignature=false',
  '-c',
  'diff.external=',
  '-c',
  'core.pager=cat',
  '--no-replace-objects',
];

/** A minimal environment: no variable of the backend reaches git. */
function gitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    LC_ALL: 'C',
  };
}

/** Raised when git is not installed (or not on the PATH). */
export class GitMissingError extends Error {
  constructor() {
    super('git is not installed or not on the PATH');
    this.name = 'GitMissingError';
  }
}

/** Raised when a revision holds more than a scan may read. */
export class RevisionTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RevisionTooLargeError';
  }
}

export interface GitOptions {
  /** Longest wait for one git command (ms). */
  timeoutMs?: number;
  /** Stops the reads of a revision (the backfill's time budget). */
  signal?: AbortSignal;
}

/** Runs git in `cwd` with the safe settings; the output as a Buffer. */
export function runGit(
  cwd: string,
  args: string[],
  options: GitOptions & { maxBytes: number },
): Promise<Buffer> {
  // A missing directory would be reported as a missing git (both ENOENT).
  if (!fs.existsSync(cwd)) {
    return Promise.reject(new Error(`no such directory: ${cwd}`));
  }
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...SAFE_GIT_CONFIG, ...args],
      {
        cwd,
        encoding: 'buffer',
        maxBuffer: options.maxBytes,
        timeout: options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        signal: options.signal,
        windowsHide: true,
        env: gitEnv(),
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const e = error as NodeJS.ErrnoException & {
          killed?: boolean;
          code?: string | number;
        };
        if (e.code === 'ENOENT') {
          reject(new GitMissingError());
        } else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(
            new RevisionTooLargeError(
              `git ${args[0]} wrote more than ${options.maxBytes} bytes`,
            ),
          );
        } else if (e.killed || e.name === 'AbortError') {
          reject(
            new Error(
              `git ${args[0]} did not finish in time (${
                options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS
              } ms)`,
            ),
          );
        } else {
          const detail = String(stderr ?? '')
            .trim()
            .split('\n')[0]
            ?.slice(0, 300);
          reject(new Error(`git ${args[0]} failed: ${detail || e.message}`));
        }
      },
    );
  });
}

/** Whether git can be run at all. */
export async function gitAvailable(): Promise<boolean> {
  try {
    await runGit(process.cwd(), ['--version'], { maxBytes: 4096 });
    return true;
  } catch (e) {
    if (e instanceof GitMissingError) return false;
    return true;
  }
}

/** The git work tree holding `dir`, and the path of `dir` inside it. */
export interface GitLocation {
  /** Top of the work tree. */
  top: string;
  /** Path of the directory inside the work tree, with a trailing `/`, or ''. */
  prefix: string;
}

/** The work tree holding a directory, or undefined when it is in none. */
export async function findWorkTree(
  dir: string,
  options: GitOptions = {},
): Promise<GitLocation | undefined> {
  let out: string;
  try {
    out = (
      await runGit(dir, ['rev-parse', '--show-toplevel', '--show-prefix'], {
        ...options,
        maxBytes: 64 * 1024,
      })
    ).toString('utf8');
  } catch (e) {
    if (e instanceof GitMissingError) throw e;
    return undefined;
  }
  const [top, prefix = ''] = out.split('\n');
  if (!top) return undefined;
  return { top, prefix };
}

/** A commit to backfill. */
export interface Revision {
  sha: string;
  committedAt: Date;
}

/**
 * The commits that changed the directory within the window, newest first:
 * at most one per UTC day (the newest of the day), at most `max`.
 */
export async function listRevisions(
  location: GitLocation,
  options: GitOptions & { since: Date; max: number },
): Promise<Revision[]> {
  if (options.max <= 0) return [];
  const out = await runGit(
    location.top,
    [
      'log',
      '--no-textconv',
      '--no-ext-diff',
      '--format=%H %ct',
      `--since=${Math.floor(options.since.getTime() / 1000)}`,
      '--max-count=20000',
      'HEAD',
      '--',
      location.prefix ? `:(top,literal)${location.prefix}` : '.',
    ],
    { ...options, maxBytes: MAX_LOG_BYTES },
  );
  const days = new Set<string>();
  const revisions: Revision[] = [];
  for (const line of out.toString('utf8').split('\n')) {
    const match = /^([0-9a-f]{40,64}) (\d+)$/.exec(line.trim());
    if (!match) continue;
    const committedAt = new Date(Number(match[2]) * 1000);
    // Commit times come from the repository: one in the future or before
    // the window (a rewritten date) is not a point of this window's trend.
    if (committedAt.getTime() > Date.now()) continue;
    if (committedAt < options.since) continue;
    const day = committedAt.toISOString().slice(0, 10);
    if (days.has(day)) continue;
    days.add(day);
    revisions.push({ sha: match[1], committedAt });
    if (revisions.length >= options.max) break;
  }
  return revisions;
}

/** One file of a revision's tree. */
interface TreeFile {
  path: string;
  object: string;
  size: number;
}

/**
 * The files of the directory at a revision, as a snapshot the engine scans
 * like a local directory. Files over `maxFileBytes` are listed as skipped and
 * not read; a revision whose files to read add up to more than
 * `maxTotalBytes` is refused before any is read.
 */
export async function revisionSnapshot(
  location: GitLocation,
  revision: string,
  options: GitOptions & {
    maxFileBytes: number;
    maxTotalBytes: number;
    label: string;
  },
): Promise<{ snapshot: InMemorySnapshot; skipped: string[] }> {
  if (!/^[0-9a-f]{40,64}$/.test(revision)) {
    throw new Error(`Not a commit SHA: '${revision.slice(0, 80)}'`);
  }
  const out = await runGit(
    location.top,
    [
      'ls-tree',
      '-r',
      '-l',
      '-z',
      '--full-tree',
      revision,
      '--',
      ...(location.prefix ? [location.prefix] : []),
    ],
    { ...options, maxBytes: MAX_TREE_BYTES },
  );
  const toRead: TreeFile[] = [];
  const skipped: string[] = [];
  let total = 0;
  let count = 0;
  for (const entry of out.toString('utf8').split('\0')) {
    if (!entry) continue;
    // <mode> SP <type> SP <object> SP+ <size> TAB <path>
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, object, size] = entry.slice(0, tab).split(/ +/);
    const full = entry.slice(tab + 1);
    // Regular files only: no symbolic link, no submodule.
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) continue;
    if (!full.startsWith(location.prefix)) continue;
    const rel = full.slice(location.prefix.length);
    if (!rel || rel.split('/').some(part => IGNORED_DIRS.has(part))) continue;
    if (++count > MAX_FILES) {
      throw new RevisionTooLargeError(
        `more than ${MAX_FILES} files at ${revision.slice(0, 12)}`,
      );
    }
    const bytes = Number(size);
    if (!Number.isFinite(bytes) || bytes > options.maxFileBytes) {
      skipped.push(rel);
      continue;
    }
    total += bytes;
    if (total > options.maxTotalBytes) {
      throw new RevisionTooLargeError(
        `more than ${
          options.maxTotalBytes
        } bytes of files to read at ${revision.slice(0, 12)}`,
      );
    }
    toRead.push({ path: rel, object, size: bytes });
  }

  const files = await readBlobs(location.top, toRead, options);
  const snapshot = new InMemorySnapshot(files, {
    label: options.label,
    revision,
    maxFileBytes: options.maxFileBytes,
  });
  return { snapshot, skipped };
}

/**
 * The blobs of these files, read by one `git cat-file --batch`: each answer
 * must be a blob of the size the tree gave, and the output may not exceed
 * their sizes plus the headers, or the process is killed.
 */
function readBlobs(
  cwd: string,
  files: TreeFile[],
  options: GitOptions,
): Promise<Record<string, Buffer>> {
  if (files.length === 0) return Promise.resolve({});
  if (options.signal?.aborted) {
    return Promise.reject(new Error('git cat-file was stopped'));
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  // Header lines: "<object> blob <size>\n", and a newline after each blob.
  const maxBytes = files.reduce((n, f) => n + f.size + f.object.length + 32, 0);
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_GIT_CONFIG, 'cat-file', '--batch'], {
      cwd,
      env: gitEnv(),
      stdio: ['pipe', 'pipe', 'ignore'],
      windowsHide: true,
    });
    const out: Record<string, Buffer> = {};
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
      } else {
        resolve(out);
      }
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(`git cat-file did not finish in time (${timeoutMs} ms)`),
        ),
      timeoutMs,
    );
    const onAbort = () => finish(new Error('git cat-file was stopped'));
    options.signal?.addEventListener('abort', onAbort);
    child.on('error', e =>
      finish(
        (e as NodeJS.ErrnoException).code === 'ENOENT'
          ? new GitMissingError()
          : e,
      ),
    );

    // The whole answer fits in what the tree lists: one buffer, no copies.
    const buffer = Buffer.alloc(maxBytes);
    let received = 0;
    let position = 0;
    let index = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (received + chunk.length > maxBytes) {
        finish(
          new RevisionTooLargeError(
            `git cat-file wrote more than the ${maxBytes} bytes the tree lists`,
          ),
        );
        return;
      }
      chunk.copy(buffer, received);
      received += chunk.length;
      while (index < files.length) {
        const file = files[index];
        const eol = buffer.indexOf(0x0a, position);
        if (eol < 0 || eol >= received) return;
        const header = buffer.subarray(position, eol).toString('latin1');
        if (header !== `${file.object} blob ${file.size}`) {
          finish(
            new Error(
              `git cat-file answered '${header.slice(0, 120)}' for ${
                file.path
              }`,
            ),
          );
          return;
        }
        const end = eol + 1 + file.size;
        if (received < end + 1) return;
        out[file.path] = Buffer.from(buffer.subarray(eol + 1, end));
        position = end + 1;
        index++;
      }
    });
    child.on('close', code => {
      if (index === files.length) finish();
      else {
        finish(
          new Error(
            `git cat-file stopped after ${index} of ${files.length} files (exit ${code})`,
          ),
        );
      }
    });
    child.stdin.on('error', () => {
      // The process went away; 'close' says why.
    });
    child.stdin.write(files.map(f => `${f.object}\n`).join(''));
    child.stdin.end();
  });
}
