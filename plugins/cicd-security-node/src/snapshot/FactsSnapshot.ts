import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { Fact, FactName } from '../facts';
import { RepoSnapshot } from './RepoSnapshot';

/**
 * A snapshot with facts gathered apart from its files (the backend reads
 * the files first, then asks the fact providers). Facts given here win over
 * the inner snapshot's; everything else, memo included, is the inner one's.
 */
export class FactsSnapshot implements RepoSnapshot {
  readonly #inner: RepoSnapshot;
  readonly #facts: Partial<Record<string, Fact>>;

  constructor(inner: RepoSnapshot, facts: Partial<Record<FactName, Fact>>) {
    this.#inner = inner;
    this.#facts = facts;
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
    return this.#inner.files();
  }
  exists(path: string) {
    return this.#inner.exists(path);
  }
  read(path: string) {
    return this.#inner.read(path);
  }
  readLarge(path: string, maxBytes: number) {
    return this.#inner.readLarge?.(path, maxBytes);
  }
  fact(name: FactName): Fact<any> {
    return this.#facts[name] ?? this.#inner.fact(name);
  }
  memo<T>(key: string, build: () => T): T {
    return this.#inner.memo(key, build);
  }
}
