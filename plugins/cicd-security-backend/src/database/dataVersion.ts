/**
 * A counter of the writes to the plugin's tables in this process. Cached
 * aggregates remember the version they were computed at: while nothing has
 * been written they stay valid (up to a longer bound, for writes by other
 * instances), so an idle portal does not recompute the organisation's
 * figures every few seconds.
 */
export class DataVersion {
  #value = 0;

  get value(): number {
    return this.#value;
  }

  bump(): void {
    this.#value += 1;
  }
}

/**
 * Makes each named method of `target` bump `version` when it settles: the
 * store's writers, listed once where the store is built. `changed` tells,
 * for a method whose result says so, whether the call wrote anything; a
 * failed call always bumps (it may have written part).
 */
export function bumpAfterWrites<T extends object>(
  target: T,
  methods: ReadonlyArray<keyof T & string>,
  version: DataVersion,
  changed: Partial<Record<keyof T & string, (result: unknown) => boolean>> = {},
): void {
  for (const name of methods) {
    const write = (
      target[name] as unknown as (...a: unknown[]) => Promise<unknown>
    ).bind(target);
    const wrote = changed[name];
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      value: async (...args: unknown[]) => {
        let result: unknown;
        try {
          result = await write(...args);
        } catch (error) {
          version.bump();
          throw error;
        }
        if (!wrote || wrote(result)) version.bump();
        return result;
      },
    });
  }
}
