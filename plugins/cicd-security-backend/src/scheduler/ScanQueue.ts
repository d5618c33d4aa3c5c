import { Semaphore } from './Semaphore';

/** Where an entity is in this replica's scans. */
export type QueuedScanStatus = 'queued' | 'scanning';

/**
 * The scans of one backend replica: the concurrency limit
 * (`cicdSecurity.concurrency`) that scheduled and on-demand scans share,
 * and which entities are queued or being scanned, so that an entity is
 * never queued twice nor scanned by two tasks at once.
 */
export class ScanQueue {
  readonly limiter: Semaphore;
  readonly #status = new Map<string, QueuedScanStatus>();

  constructor(concurrency: number) {
    this.limiter = new Semaphore(concurrency);
  }

  /** Whether the entity is queued or being scanned here, and how. */
  statusOf(entityRef: string): QueuedScanStatus | undefined {
    return this.#status.get(key(entityRef));
  }

  /**
   * Queue a scan of the entity unless one is already queued or running.
   * `scan` runs when a slot of the concurrency limit is free; its errors are
   * given to `onError`. Returns the entity's status and whether this call
   * queued it.
   */
  enqueue(
    entityRef: string,
    scan: () => Promise<unknown>,
    onError: (e: unknown) => void,
  ): { status: QueuedScanStatus; added: boolean } {
    const existing = this.statusOf(entityRef);
    if (existing) return { status: existing, added: false };
    const k = key(entityRef);
    this.#status.set(k, 'queued');
    this.limiter
      .run(async () => {
        this.#status.set(k, 'scanning');
        await scan();
      })
      .catch(onError)
      .finally(() => this.#status.delete(k));
    // A free slot starts the scan at once (synchronously).
    return { status: this.#status.get(k) ?? 'scanning', added: true };
  }

  /**
   * Mark the entity as being scanned by the caller (a scheduled task that
   * already holds a slot). False when it is queued or scanned already.
   */
  begin(entityRef: string): boolean {
    const k = key(entityRef);
    if (this.#status.has(k)) return false;
    this.#status.set(k, 'scanning');
    return true;
  }

  /** The scan started with {@link ScanQueue.begin} ended. */
  end(entityRef: string): void {
    this.#status.delete(key(entityRef));
  }

  /** Entities queued or being scanned. */
  get size(): number {
    return this.#status.size;
  }
}

function key(entityRef: string): string {
  return entityRef.toLocaleLowerCase('en-US');
}
