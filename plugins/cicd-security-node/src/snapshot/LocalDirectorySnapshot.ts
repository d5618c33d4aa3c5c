import fs from 'fs';
import path from 'path';
import { BaseSnapshot, SnapshotOptions } from './RepoSnapshot';

/** Directories never worth reading for CI/CD security. */
const IGNORED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Open flag that keeps a FIFO from blocking `open` (0 where unsupported). */
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
/** Open flag that refuses a symbolic link as the last component (0 where unsupported). */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
/** Upper bound on files walked in one repository, so a huge tree cannot stall a scan. */
const DEFAULT_MAX_FILES = 50_000;

export interface LocalDirectorySnapshotOptions extends SnapshotOptions {
  maxFiles?: number;
}

/**
 * A snapshot over a local directory. Files are listed eagerly and read lazily.
 * Symbolic links are followed only when they resolve inside the directory.
 */
export class LocalDirectorySnapshot extends BaseSnapshot {
  readonly #root: string;
  readonly #paths: string[] = [];
  readonly #sizes = new Map<string, number>();
  /** Listed paths that were symbolic links (resolved inside the root). */
  readonly #links = new Set<string>();

  private constructor(root: string, options: LocalDirectorySnapshotOptions) {
    super(root, options);
    this.#root = root;
  }

  static create(
    dir: string,
    options: LocalDirectorySnapshotOptions = {},
  ): LocalDirectorySnapshot {
    const root = fs.realpathSync.native(dir);
    if (!fs.statSync(root).isDirectory()) {
      throw new Error(`${dir} is not a directory`);
    }
    const snapshot = new LocalDirectorySnapshot(root, options);
    snapshot.#walk(options.maxFiles ?? DEFAULT_MAX_FILES);
    return snapshot;
  }

  #walk(maxFiles: number) {
    const stack: string[] = [''];
    while (stack.length) {
      const rel = stack.pop()!;
      const abs = path.join(this.#root, rel);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(abs, { withFileTypes: true });
      } catch (e) {
        this.skip(rel || '.', `unreadable directory: ${(e as Error).message}`);
        continue;
      }
      for (const entry of entries) {
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!IGNORED_DIRS.has(entry.name)) stack.push(childRel);
          continue;
        }
        let size: number | undefined;
        if (entry.isSymbolicLink()) {
          const target = this.#resolveInside(childRel);
          if (!target) {
            this.skip(
              childRel,
              'symbolic link pointing outside the repository',
            );
            continue;
          }
          let stat: fs.Stats;
          try {
            stat = fs.statSync(target);
          } catch (e) {
            this.skip(childRel, `unreadable: ${(e as Error).message}`);
            continue;
          }
          if (stat.isDirectory()) {
            this.skip(childRel, 'symbolic link to a directory (not followed)');
            continue;
          }
          if (!stat.isFile()) {
            // A FIFO, socket or device: reading it could block forever.
            this.skip(
              childRel,
              'symbolic link to something that is not a regular file (not read)',
            );
            continue;
          }
          size = stat.size;
        } else if (!entry.isFile()) {
          continue;
        }
        if (this.#paths.length >= maxFiles) {
          this.skip(
            childRel,
            `repository has more than ${maxFiles} files; the rest were not read`,
          );
          return;
        }
        this.#paths.push(childRel);
        if (size !== undefined) {
          this.#sizes.set(childRel, size);
          this.#links.add(childRel);
        }
      }
    }
    this.#paths.sort();
  }

  /** An fd of a listed regular file, or undefined when a link now stands in its place. */
  #openNoFollow(p: string): number | undefined {
    try {
      return fs.openSync(
        path.join(this.#root, p),
        fs.constants.O_RDONLY | NONBLOCK | NOFOLLOW,
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
      throw e;
    }
  }

  #resolveInside(rel: string): string | undefined {
    try {
      // One realpath(3) call, not one lstat per path component.
      const real = fs.realpathSync.native(path.join(this.#root, rel));
      const inside = path.relative(this.#root, real);
      if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
      return real;
    } catch {
      return undefined;
    }
  }

  files() {
    return this.#paths;
  }

  exists(p: string) {
    return this.#set().has(p);
  }

  #pathSet?: Set<string>;
  #set() {
    if (!this.#pathSet) this.#pathSet = new Set(this.#paths);
    return this.#pathSet;
  }

  /**
   * Known without a system call only for links (stat'ed while listing);
   * otherwise undefined: a read stops one byte past the cap anyway, so a
   * separate stat per file would only cost time.
   */
  protected sizeOf(p: string) {
    return this.#sizes.get(p);
  }

  /**
   * Read a listed file without ever blocking: the file may have changed
   * since it was listed (a FIFO in its place would block a plain read
   * forever, a link may now point elsewhere). Opens without blocking, then
   * reads only a regular file inside the root, at most one byte past the
   * size cap. A file listed as a regular file is opened without following a
   * link in its place (one system call, no path resolution); a listed link,
   * or a file that became one, is resolved and read only inside the root.
   * (Directories were listed as real directories, never followed links.)
   */
  protected readBytes(p: string, maxBytes = this.maxFileBytes) {
    let fd: number | undefined;
    try {
      fd = this.#links.has(p) || !NOFOLLOW ? undefined : this.#openNoFollow(p);
      if (fd === undefined) {
        const real = this.#resolveInside(p);
        if (!real) {
          this.skip(p, 'no longer inside the repository (not read)');
          return undefined;
        }
        fd = fs.openSync(real, fs.constants.O_RDONLY | NONBLOCK);
      }
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) {
        this.skip(p, 'not a regular file (not read)');
        return undefined;
      }
      const limit = Math.min(stat.size, maxBytes + 1);
      // Filled by the reads below; only the bytes read are returned.
      const buffer = Buffer.allocUnsafe(limit);
      let read = 0;
      while (read < limit) {
        const n = fs.readSync(fd, buffer, read, limit - read, read);
        if (n === 0) break;
        read += n;
      }
      return read === limit ? buffer : buffer.subarray(0, read);
    } catch (e) {
      this.skip(p, `unreadable: ${(e as Error).message}`);
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}
