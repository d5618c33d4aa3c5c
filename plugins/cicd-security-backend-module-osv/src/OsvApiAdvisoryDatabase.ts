import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AdvisoryDatabase,
  indexOsvRecords,
  InventoryPackage,
  isVersionEcosystem,
  lookupPackage,
  normalisePackageName,
  OsvRecord,
  PackageLookup,
  parseOsvRecord,
} from '@cicd-security/plugin-cicd-security-node';
import { createHash } from 'crypto';
import { OsvApiClient, OsvApiError } from './api/OsvApiClient';
import { OsvCache, OsvQueryKey, OsvVulnRef } from './cache/OsvCache';

/** Parsed records kept in memory, so that a cached record is parsed once. */
const MAX_PARSED_RECORDS = 20_000;

/** The cache key of a package version: the same for names the ecosystem treats as one. */
export function packageKey(
  ecosystem: string,
  name: string,
  version: string,
): string {
  const normalised = isVersionEcosystem(ecosystem)
    ? normalisePackageName(ecosystem, name)
    : name;
  return createHash('sha256')
    .update(`${ecosystem}\u0000${normalised}\u0000${version}`)
    .digest('hex');
}

/** Of two modification times, whether `a` is older than `b`. */
function olderThan(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isNaN(ta) || Number.isNaN(tb) ? a !== b : ta < tb;
}

type Loaded = { record: OsvRecord } | { problem: string };

export interface OsvApiAdvisoryDatabaseOptions {
  client: OsvApiClient;
  cache: OsvCache;
  /** How long a package version's answer is reused. */
  ttlMs: number;
  logger?: Pick<LoggerService, 'warn' | 'debug'>;
  /** Tests replace the clock. */
  now?: () => Date;
}

/**
 * Known vulnerabilities of package versions from the OSV API, with a
 * shared cache: each distinct package version is asked once per TTL (for
 * every component and, with a database cache, every replica), and a record
 * is fetched again only when the API lists it with a later modification
 * time. The API only says which records to read: each record is evaluated
 * here with the engine's matching (`lookupPackage`), which gives the fixed
 * version and the severity, and drops what does not match. Concurrent
 * lookups of one package version or record in this process share one
 * request. A request that fails after its retries makes the lookup throw,
 * naming the request.
 */
export class OsvApiAdvisoryDatabase implements AdvisoryDatabase {
  readonly description: string;
  readonly #inflightQueries = new Map<string, Promise<OsvVulnRef[]>>();
  readonly #inflightRecords = new Map<string, Promise<Loaded>>();
  /** Parsed records by id, with their modification time. */
  readonly #parsed = new Map<string, { modified: string; loaded: Loaded }>();
  readonly #now: () => Date;
  /** Answers served from the cache, for logs, tests and the benchmark. */
  readonly stats = { cachedPackages: 0, cachedRecords: 0 };

  constructor(private readonly options: OsvApiAdvisoryDatabaseOptions) {
    this.#now = options.now ?? (() => new Date());
    const hours = options.ttlMs / 3_600_000;
    this.description = `the OSV API at ${
      options.client.baseUrl
    } (answers kept ${Number.isInteger(hours) ? hours : hours.toFixed(1)} h)`;
  }

  async lookup(
    packages: readonly InventoryPackage[],
  ): Promise<PackageLookup[]> {
    const queries = new Map<string, OsvQueryKey>();
    const keyOf = packages.map(pkg => {
      if (!pkg.exact) return undefined;
      const key = packageKey(pkg.ecosystem, pkg.name, pkg.version);
      if (!queries.has(key)) {
        queries.set(key, {
          key,
          ecosystem: pkg.ecosystem,
          name: pkg.name,
          version: pkg.version,
        });
      }
      return key;
    });
    const vulns = await this.#vulnsOf([...queries.values()]);

    const wanted = new Map<string, string>();
    for (const list of vulns.values()) {
      for (const v of list) {
        const known = wanted.get(v.id);
        if (known === undefined || olderThan(known, v.modified)) {
          wanted.set(v.id, v.modified);
        }
      }
    }
    const loaded = await this.#records(wanted);
    const index = indexOsvRecords(
      [...loaded.values()].flatMap(l => ('record' in l ? [l.record] : [])),
    );
    return packages.map((pkg, i) => {
      const result = lookupPackage(index, pkg);
      const key = keyOf[i];
      if (result.status !== 'checked' || key === undefined) return result;
      // Records listed but not readable are said, never dropped silently.
      const unreadable = (vulns.get(key) ?? []).flatMap(v => {
        const l = loaded.get(v.id);
        return l && 'problem' in l ? [{ id: v.id, detail: l.problem }] : [];
      });
      return unreadable.length
        ? { ...result, unparseable: [...result.unparseable, ...unreadable] }
        : result;
    });
  }

  /**
   * Every record about a package, whatever the version (OSV's query without
   * a version), cached like a package version: for known-vulnerable-actions,
   * which reads GitHub Actions' moving tags itself.
   */
  async recordsFor(ecosystem: string, name: string): Promise<OsvRecord[]> {
    const key = packageKey(ecosystem, name, '');
    const vulns = await this.#vulnsOf([{ key, ecosystem, name, version: '' }]);
    const wanted = new Map<string, string>();
    for (const v of vulns.get(key) ?? []) wanted.set(v.id, v.modified);
    const loaded = await this.#records(wanted);
    return [...loaded.values()].flatMap(l => ('record' in l ? [l.record] : []));
  }

  /** The vulnerabilities listed for each package version: cache, else the API. */
  async #vulnsOf(queries: OsvQueryKey[]): Promise<Map<string, OsvVulnRef[]>> {
    const result = new Map<string, OsvVulnRef[]>();
    const waits: Array<Promise<void>> = [];
    const mine: OsvQueryKey[] = [];
    const settle = new Map<
      string,
      { resolve: (v: OsvVulnRef[]) => void; reject: (e: unknown) => void }
    >();
    // Claim the keys no other lookup of this process is asking, before any await.
    for (const q of queries) {
      const pending = this.#inflightQueries.get(q.key);
      if (pending) {
        waits.push(pending.then(v => void result.set(q.key, v)));
        continue;
      }
      const promise = new Promise<OsvVulnRef[]>((resolve, reject) =>
        settle.set(q.key, { resolve, reject }),
      );
      promise.catch(() => {}); // rejections are handled by whoever awaits it
      this.#inflightQueries.set(q.key, promise);
      mine.push(q);
    }
    try {
      if (mine.length) {
        const since = new Date(this.#now().getTime() - this.options.ttlMs);
        const cached = await this.options.cache.getQueries(
          mine.map(q => q.key),
          since,
        );
        this.stats.cachedPackages += cached.size;
        const missing = mine.filter(q => !cached.has(q.key));
        for (const [key, list] of cached) {
          result.set(key, list);
          settle.get(key)!.resolve(list);
        }
        if (missing.length) {
          const at = this.#now();
          const answers = await this.options.client.queryBatch(missing);
          const entries = missing.map((q, i) => ({ ...q, vulns: answers[i] }));
          await this.options.cache.putQueries(entries, at);
          for (const e of entries) {
            result.set(e.key, e.vulns);
            settle.get(e.key)!.resolve(e.vulns);
          }
        }
      }
    } catch (e) {
      for (const s of settle.values()) s.reject(e);
      throw e;
    } finally {
      for (const key of settle.keys()) this.#inflightQueries.delete(key);
    }
    await Promise.all(waits);
    return result;
  }

  /** The records of these ids, at least as recent as the times given. */
  async #records(wanted: Map<string, string>): Promise<Map<string, Loaded>> {
    const result = new Map<string, Loaded>();
    const waits: Array<Promise<void>> = [];
    const mine: Array<[string, string]> = [];
    for (const [id, modified] of wanted) {
      const parsed = this.#parsed.get(id);
      if (parsed && !olderThan(parsed.modified, modified)) {
        result.set(id, parsed.loaded);
        continue;
      }
      const pending = this.#inflightRecords.get(id);
      if (pending) {
        waits.push(pending.then(l => void result.set(id, l)));
        continue;
      }
      mine.push([id, modified]);
    }
    if (mine.length) {
      const load = this.#load(mine);
      for (const [id] of mine) {
        const one = load.then(m => m.get(id)!);
        one.catch(() => {});
        this.#inflightRecords.set(id, one);
      }
      try {
        for (const [id, l] of await load) result.set(id, l);
      } finally {
        for (const [id] of mine) this.#inflightRecords.delete(id);
      }
    }
    await Promise.all(waits);
    return result;
  }

  /** Records from the cache when recent enough, else from the API (then cached). */
  async #load(ids: Array<[string, string]>): Promise<Map<string, Loaded>> {
    const result = new Map<string, Loaded>();
    const cached = await this.options.cache.getRecords(ids.map(([id]) => id));
    const fetch: Array<[string, string]> = [];
    for (const [id, modified] of ids) {
      const c = cached.get(id);
      if (c && !olderThan(c.modified, modified)) {
        const loaded = readRecord(id, c.json, 'cached');
        if ('record' in loaded) {
          this.stats.cachedRecords++;
          this.#remember(id, c.modified, loaded);
          result.set(id, loaded);
          continue;
        }
      }
      fetch.push([id, modified]);
    }
    const fetched = await Promise.all(
      fetch.map(async ([id]) => {
        const json = await this.options.client.getVuln(id);
        return { id, json };
      }),
    );
    const toCache = [];
    const at = this.#now();
    for (const { id, json } of fetched) {
      if (json === undefined) {
        result.set(id, { problem: 'the OSV API has no record of it (404)' });
        continue;
      }
      const loaded = readRecord(id, json, 'from the OSV API');
      result.set(id, loaded);
      if ('record' in loaded) {
        this.#remember(id, loaded.record.modified, loaded);
        toCache.push({ id, modified: loaded.record.modified, json });
      } else {
        this.options.logger?.warn(`OSV record ${id}: ${loaded.problem}`);
      }
    }
    if (toCache.length) await this.options.cache.putRecords(toCache, at);
    return result;
  }

  #remember(id: string, modified: string, loaded: Loaded): void {
    if (this.#parsed.size >= MAX_PARSED_RECORDS && !this.#parsed.has(id)) {
      // Oldest first: Map keeps insertion order.
      this.#parsed.delete(this.#parsed.keys().next().value!);
    }
    this.#parsed.delete(id);
    this.#parsed.set(id, { modified, loaded });
  }
}

function readRecord(id: string, json: string, where: string): Loaded {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { problem: `the record ${where} is not valid JSON` };
  }
  const parsed = parseOsvRecord(value);
  if ('error' in parsed) {
    return {
      problem: `the record ${where} is not an OSV record: ${parsed.error.slice(
        0,
        200,
      )}`,
    };
  }
  if (parsed.record.id !== id) {
    return {
      problem: `the record ${where} is about ${parsed.record.id.slice(0, 100)}`,
    };
  }
  return parsed;
}

export { OsvApiError };
