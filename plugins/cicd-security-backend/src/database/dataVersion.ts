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
 * store's writers, listed once where the store is built.
 */
export function bumpAfterWrites<T extends object>(
  target: T,
  methods: ReadonlyArray<keyof T & string>,
  version: DataVersion,
): void {
  for (const name of methods) {
    const write = (
      target[name] as unknown as (...a: unknown[]) => unknown
    ).bind(target);
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      value: async (...args: unknown[]) => {
        try {
          return await write(...args);
        } finally {
          version.bump();
        }
      },
    });
  }
}
