import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { Fact, FactName } from '../facts';
import { memoise, RepoSnapshot } from './RepoSnapshot';

/** A view of a snapshot without the files a predicate excludes. */
export class FilteredSnapshot implements RepoSnapshot {
  readonly #inner: RepoSnapshot;
  readonly #files: readonly string[];
  readonly #memo = new Map<string, unknown>();

  constructor(inner: RepoSnapshot, keep: (path: string) => boolean) {
    this.#inner = inner;
    this.#files = inner.files().filter(keep);
  }

  get label() {
    return this.#inner.label;
  }
  get revision() {
    return this.#inner.revision;
  }
  get defaultBranch() {
    return this.#inner.defaultBranch;
  }
  get problems(): ScanProblem[] {
    return this.#inner.problems;
  }
  files() {
    return this.#files;
  }
  exists(path: string) {
    return this.#files.includes(path);
  }
  read(path: string) {
    return this.exists(path) ? this.#inner.read(path) : undefined;
  }
  readLarge(path: string, maxBytes: number) {
    return this.exists(path)
      ? this.#inner.readLarge?.(path, maxBytes)
      : undefined;
  }
  fact(name: FactName): Fact<any> {
    return this.#inner.fact(name);
  }
  memo<T>(key: string, build: () => T): T {
    return memoise(this.#memo, key, build);
  }
}
