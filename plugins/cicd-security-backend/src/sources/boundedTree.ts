import {
  BaseSnapshot,
  isSecretScanPath,
  MAX_LARGE_FILE_BYTES,
  TreeResponse,
} from '@cicd-security/plugin-cicd-security-node';

/** Directories that are neither listed nor read. */
const DROPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Directories listed (checks see the files exist) but never read. */
const UNREAD_DIRS = new Set(['vendor', 'third_party']);
/**
 * Extensions of files listed but never read: images, media, fonts, archives
 * and compiled code. Checks still see them (e.g. committed binaries); their
 * content is never buffered.
 */
const UNREAD_EXTENSIONS = new Set([
  // images and media
  'png',
  'jpg',
  'jpeg',
  'gif',
  'bmp',
  'ico',
  'icns',
  'webp',
  'tif',
  'tiff',
  'psd',
  'mp3',
  'mp4',
  'm4a',
  'mov',
  'avi',
  'mkv',
  'wav',
  'ogg',
  'flac',
  'webm',
  'pdf',
  // fonts
  'ttf',
  'otf',
  'woff',
  'woff2',
  'eot',
  // archives and packages
  'zip',
  'tar',
  'gz',
  'tgz',
  'bz2',
  'xz',
  'zst',
  '7z',
  'rar',
  'jar',
  'war',
  'ear',
  'aar',
  'apk',
  'whl',
  'nupkg',
  'gem',
  'deb',
  'rpm',
  'msi',
  'dmg',
  'iso',
  'img',
  // compiled code
  'exe',
  'dll',
  'so',
  'dylib',
  'o',
  'a',
  'lib',
  'class',
  'pyc',
  'pyo',
  'wasm',
  'bin',
  'dex',
]);

/** Limits on what is read of one repository. */
export interface TreeLimits {
  /** Files larger than this are listed with their size, never read. */
  maxFileBytes: number;
  /** When the files that would be read add up to more, the scan ends. */
  maxTotalBytes: number;
}

/** The repository is over the byte budget: the scan of the entity ends. */
export class RepositoryTooLargeError extends Error {
  constructor(limit: number, detail: string) {
    super(
      `repository is larger than the ${formatBytes(
        limit,
      )} budget of cicdSecurity.sources.maxTotalBytes: ${detail}`,
    );
    this.name = 'RepositoryTooLargeError';
  }
}

/** What happens to one path of a repository tree. */
export type PathTreatment = 'drop' | 'list' | 'read';

/**
 * The largest file kept for a path: the per-file limit, or for text files the
 * secret detector reads (configuration, scripts, CI files) the size it scans
 * in windows. Such files still count towards the repository's byte budget,
 * and the snapshot's ordinary reads still skip them as too large.
 */
export function maxBytesFor(path: string, maxFileBytes: number): number {
  return isSecretScanPath(path)
    ? Math.max(maxFileBytes, MAX_LARGE_FILE_BYTES)
    : maxFileBytes;
}

/** Whether a path is dropped, listed without its content, or read. */
export function treatmentOf(path: string): PathTreatment {
  const parts = path.split('/');
  if (parts.some(p => DROPPED_DIRS.has(p) || p === '..')) return 'drop';
  if (parts.slice(0, -1).some(p => UNREAD_DIRS.has(p))) return 'list';
  const base = parts[parts.length - 1];
  const dot = base.lastIndexOf('.');
  if (dot > 0 && UNREAD_EXTENSIONS.has(base.slice(dot + 1).toLowerCase())) {
    return 'list';
  }
  return 'read';
}

/**
 * Reads one repository tree within limits: the `filter` given to
 * `UrlReaderService.readTree` keeps large files, ignored directories and
 * binaries out of memory (they are remembered with their size, so checks
 * still see that they exist), and counts the bytes kept; past the budget it
 * aborts the download through `signal`. The snapshot build counts again, for
 * readers that ignore the filter or give no sizes.
 */
export class BoundedTreeRead {
  readonly #limits: TreeLimits;
  #controller = new AbortController();
  #unread = new Map<string, number>();
  #kept = 0;
  #over?: string;

  constructor(limits: TreeLimits) {
    this.#limits = limits;
  }

  /** Options for `readTree` of one attempt (each attempt starts afresh). */
  readTreeOptions(): {
    filter: (path: string, info?: { size: number }) => boolean;
    signal: AbortSignal;
  } {
    this.#controller = new AbortController();
    this.#unread = new Map();
    this.#kept = 0;
    this.#over = undefined;
    return {
      filter: (path, info) => this.#filter(path, info),
      signal: this.#controller.signal,
    };
  }

  #filter(rawPath: string, info?: { size: number }): boolean {
    if (this.#over) return false;
    const path = normalise(rawPath);
    if (!path) return false;
    const treatment = treatmentOf(path);
    if (treatment === 'drop') return false;
    const size = info?.size;
    if (size === undefined) return treatment === 'read';
    if (
      treatment === 'list' ||
      size > maxBytesFor(path, this.#limits.maxFileBytes)
    ) {
      this.#unread.set(path, size);
      return false;
    }
    this.#kept += size;
    if (this.#kept > this.#limits.maxTotalBytes) {
      this.#over = `${formatBytes(this.#kept)} of files to read after ${path}`;
      this.#controller.abort();
      return false;
    }
    return true;
  }

  /**
   * The snapshot of the tree; throws {@link RepositoryTooLargeError} when the
   * budget was exceeded while reading.
   */
  async snapshot(
    tree: TreeResponse,
    options: { label: string; revision?: string },
  ): Promise<BoundedTreeSnapshot> {
    let files;
    try {
      files = await tree.files();
    } catch (e) {
      if (this.#over) this.#tooLarge();
      throw e;
    }
    if (this.#over) this.#tooLarge();
    const contents = new Map<string, Buffer | number>(this.#unread);
    let total = 0;
    for (const file of files) {
      const path = normalise(file.path);
      if (!path || contents.has(path)) continue;
      const treatment = treatmentOf(path);
      if (treatment === 'drop') continue;
      const content = await file.content();
      if (
        treatment === 'list' ||
        content.length > maxBytesFor(path, this.#limits.maxFileBytes)
      ) {
        contents.set(path, content.length);
        continue;
      }
      total += content.length;
      if (total > this.#limits.maxTotalBytes) {
        this.#over = `${formatBytes(total)} of files to read after ${path}`;
        this.#tooLarge();
      }
      contents.set(path, content);
    }
    return new BoundedTreeSnapshot(contents, {
      label: options.label,
      maxFileBytes: this.#limits.maxFileBytes,
      revision: options.revision ?? (tree.etag || undefined),
    });
  }

  /** The budget error, when the budget was exceeded while reading. */
  get error(): RepositoryTooLargeError | undefined {
    return this.#over
      ? new RepositoryTooLargeError(this.#limits.maxTotalBytes, this.#over)
      : undefined;
  }

  #tooLarge(): never {
    throw new RepositoryTooLargeError(this.#limits.maxTotalBytes, this.#over!);
  }
}

/**
 * A snapshot over a bounded tree read: files kept in memory are read, the
 * others are listed with their size and reported as skipped when a check
 * reads them.
 */
export class BoundedTreeSnapshot extends BaseSnapshot {
  readonly #files: Map<string, Buffer | number>;
  readonly #paths: string[];

  constructor(
    files: Map<string, Buffer | number>,
    options: { label: string; maxFileBytes: number; revision?: string },
  ) {
    super(options.label, options);
    this.#files = files;
    this.#paths = [...files.keys()].sort();
  }

  files() {
    return this.#paths;
  }

  exists(path: string) {
    return this.#files.has(path);
  }

  protected readBytes(path: string) {
    const content = this.#files.get(path);
    if (typeof content === 'number') {
      this.skip(path, `not read (${content} bytes): binary or vendored file`);
      return undefined;
    }
    return content;
  }

  protected sizeOf(path: string) {
    const content = this.#files.get(path);
    return typeof content === 'number' ? content : content?.length;
  }
}

/** Bytes in MiB (or bytes below 1 MiB), for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

function normalise(p: string) {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}
