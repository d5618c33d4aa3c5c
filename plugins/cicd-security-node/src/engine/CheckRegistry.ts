import { CheckMetadata } from '@cicd-security/plugin-cicd-security-common';
import { ScorecardCheck } from '../checks/types';

const ID_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The set of checks a scan runs. Ids are unique; duplicates throw. */
export class CheckRegistry {
  readonly #checks = new Map<string, ScorecardCheck>();

  constructor(checks: Iterable<ScorecardCheck> = []) {
    for (const c of checks) this.add(c);
  }

  add(...checks: Array<ScorecardCheck | ScorecardCheck[]>): this {
    for (const check of checks.flat()) {
      if (!ID_RE.test(check.id)) {
        throw new Error(`Check id '${check.id}' must be kebab-case`);
      }
      if (this.#checks.has(check.id)) {
        throw new Error(`Duplicate check id '${check.id}'`);
      }
      this.#checks.set(check.id, check);
    }
    return this;
  }

  get(id: string): ScorecardCheck | undefined {
    return this.#checks.get(id);
  }

  list(): ScorecardCheck[] {
    return [...this.#checks.values()];
  }

  ids(): string[] {
    return [...this.#checks.keys()];
  }

  /** Metadata only (no functions), for the API and the CLI. */
  metadata(): CheckMetadata[] {
    return this.list().map(({ run: _run, ...meta }) => meta);
  }

  /** A registry restricted to some ids, or without some ids. Unknown ids throw. */
  select(options: { only?: string[]; skip?: string[] }): CheckRegistry {
    for (const id of [...(options.only ?? []), ...(options.skip ?? [])]) {
      if (!this.#checks.has(id)) throw new Error(`Unknown check id '${id}'`);
    }
    return new CheckRegistry(
      this.list().filter(
        c =>
          (!options.only || options.only.includes(c.id)) &&
          !(options.skip ?? []).includes(c.id),
      ),
    );
  }

  /**
   * A version string of the check set, so stored results can tell whether
   * they came from the same checks.
   */
  version(engineVersion: string): string {
    return `${engineVersion}:${this.ids().sort().join(',')}`;
  }
}
