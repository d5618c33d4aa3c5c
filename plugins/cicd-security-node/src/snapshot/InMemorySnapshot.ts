import { BaseSnapshot, SnapshotOptions } from './RepoSnapshot';

/** A snapshot over files held in memory (tests, single-file scans, SCM trees). */
export class InMemorySnapshot extends BaseSnapshot {
  readonly #files: Map<string, Buffer>;
  readonly #paths: string[];

  constructor(
    files: Record<string, string | Buffer>,
    options: SnapshotOptions & { label?: string } = {},
  ) {
    super(options.label ?? 'memory', options);
    this.#files = new Map(
      Object.entries(files).map(([p, c]) => [
        normalise(p),
        typeof c === 'string' ? Buffer.from(c, 'utf8') : c,
      ]),
    );
    this.#paths = [...this.#files.keys()].sort();
  }

  files() {
    return this.#paths;
  }

  exists(path: string) {
    return this.#files.has(path);
  }

  protected readBytes(path: string) {
    return this.#files.get(path);
  }

  protected sizeOf(path: string) {
    return this.#files.get(path)?.length;
  }
}

function normalise(p: string) {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}
