import {
  BaseSnapshot,
  DEFAULT_MAX_FILE_BYTES,
  SnapshotOptions,
} from './RepoSnapshot';

/** One file of a repository tree read from an SCM (shaped like Backstage's `ReadTreeResponseFile`). */
export interface TreeFile {
  path: string;
  content(): Promise<Buffer>;
}

/** A repository tree read from an SCM (shaped like Backstage's `ReadTreeResponse`). */
export interface TreeResponse {
  files(): Promise<TreeFile[]>;
  /** Commit SHA or other revision of the tree. */
  etag: string;
}

/** Directories never worth reading for CI/CD security. */
const IGNORED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Upper bound on files kept from one tree, as for local directories. */
const DEFAULT_MAX_FILES = 50_000;

export interface TreeSnapshotOptions extends SnapshotOptions {
  maxFiles?: number;
  label?: string;
}

/**
 * A snapshot over a tree read from an SCM (e.g. `UrlReaderService.readTree`).
 * Files over the size cap are listed but their content is dropped at once,
 * so a large binary in a repository cannot swell the memory of a scan. The
 * tree's etag is the snapshot's revision.
 */
export class TreeSnapshot extends BaseSnapshot {
  readonly #files = new Map<string, Buffer | number>();
  readonly #paths: string[];

  private constructor(
    files: Map<string, Buffer | number>,
    options: TreeSnapshotOptions,
  ) {
    super(options.label ?? 'tree', options);
    this.#files = files;
    this.#paths = [...files.keys()].sort();
  }

  static async fromTree(
    tree: TreeResponse,
    options: TreeSnapshotOptions = {},
  ): Promise<TreeSnapshot> {
    const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
    const files = new Map<string, Buffer | number>();
    const skipped: Array<[string, string]> = [];
    for (const file of await tree.files()) {
      const p = normalise(file.path);
      if (
        !p ||
        p.split('/').some(part => IGNORED_DIRS.has(part) || part === '..')
      ) {
        continue;
      }
      if (files.size >= maxFiles) {
        skipped.push([
          p,
          `repository has more than ${maxFiles} files; the rest were not read`,
        ]);
        break;
      }
      const content = await file.content();
      // Oversized files keep only their size, so read() reports them skipped.
      files.set(p, content.length > maxBytes ? content.length : content);
    }
    const snapshot = new TreeSnapshot(files, {
      ...options,
      revision: options.revision ?? (tree.etag || undefined),
    });
    for (const [p, message] of skipped) snapshot.skip(p, message);
    return snapshot;
  }

  files() {
    return this.#paths;
  }

  exists(path: string) {
    return this.#files.has(path);
  }

  protected readBytes(path: string) {
    const content = this.#files.get(path);
    return typeof content === 'number' ? undefined : content;
  }

  protected sizeOf(path: string) {
    const content = this.#files.get(path);
    return typeof content === 'number' ? content : content?.length;
  }
}

function normalise(p: string) {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}
