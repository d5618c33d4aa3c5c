import { promises as fs } from 'fs';
import { join, relative, sep } from 'path';
import { InventoryPackage } from '../parsers/lockfiles/model';
import {
  affectedBy,
  ecosystemOf,
  normalisePackageName,
  RangeMatch,
  Severity,
  severityOf,
} from './match';
import { OsvRecord, parseOsvRecord } from './osvSchema';
import { VersionEcosystem } from './versions';

/**
 * OSV records read from a directory (one record per `.json` file, in
 * nested folders or not, as osv.dev's exports lay them out), indexed by
 * ecosystem and package name, and the advisories that affect a package of
 * an inventory.
 */

/** A file that was not read, or not read as an OSV record. */
export interface OsvProblem {
  /** Path relative to the directory read, with `/` separators. */
  file: string;
  message: string;
}

export interface ReadOsvOptions {
  /** Larger files are skipped with a problem (default 2 MiB). */
  maxFileBytes?: number;
  /** `.json` files read at most; the rest are skipped with one problem (default 200,000). */
  maxFiles?: number;
  /** Folder nesting followed at most (default 16). */
  maxDepth?: number;
}

export const DEFAULT_MAX_OSV_FILE_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_OSV_FILES = 200_000;
export const DEFAULT_MAX_OSV_DEPTH = 16;
/** Files read at once. */
const READ_CONCURRENCY = 32;

const keyOf = (ecosystem: VersionEcosystem, name: string) =>
  `${ecosystem}\u0000${normalisePackageName(ecosystem, name)}`;

/**
 * OSV records by ecosystem and normalised package name. A record about
 * several packages is found under each; of two records with one id, the
 * one modified last is kept. Records about no ecosystem with a version
 * order here are counted in `skipped` and not kept.
 */
export class OsvIndex {
  readonly #byId = new Map<string, { record: OsvRecord; keys: string[] }>();
  readonly #byKey = new Map<string, Set<string>>();
  /** Files and records that could not be read. */
  readonly problems: OsvProblem[] = [];
  /** Records about no supported ecosystem. */
  skipped = 0;

  /** Records kept. */
  get size(): number {
    return this.#byId.size;
  }

  add(record: OsvRecord): void {
    const keys = new Set<string>();
    for (const entry of record.affected ?? []) {
      const ecosystem = entry.package && ecosystemOf(entry.package.ecosystem);
      if (ecosystem) keys.add(keyOf(ecosystem, entry.package!.name));
    }
    if (keys.size === 0) {
      this.skipped++;
      return;
    }
    const old = this.#byId.get(record.id);
    if (old) {
      if (old.record.modified > record.modified) return;
      for (const key of old.keys) this.#byKey.get(key)?.delete(record.id);
    }
    this.#byId.set(record.id, { record, keys: [...keys] });
    for (const key of keys) {
      let ids = this.#byKey.get(key);
      if (!ids) this.#byKey.set(key, (ids = new Set()));
      ids.add(record.id);
    }
  }

  /** Records with an entry about the package, in id order. */
  recordsFor(ecosystem: VersionEcosystem, name: string): OsvRecord[] {
    const ids = this.#byKey.get(keyOf(ecosystem, name));
    if (!ids) return [];
    return [...ids].sort().map(id => this.#byId.get(id)!.record);
  }

  /** The record with this id. */
  get(id: string): OsvRecord | undefined {
    return this.#byId.get(id)?.record;
  }
}

/** An index of records already at hand (from an API, or tests). */
export function indexOsvRecords(records: Iterable<OsvRecord>): OsvIndex {
  const index = new OsvIndex();
  for (const record of records) index.add(record);
  return index;
}

/** Reads one file into the index, or notes why it could not be read. */
async function readRecordFile(
  index: OsvIndex,
  path: string,
  file: string,
  maxBytes: number,
): Promise<void> {
  let text: string;
  try {
    const handle = await fs.open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) {
        index.problems.push({
          file,
          message: `larger than ${maxBytes} bytes (${size}): not read`,
        });
        return;
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    index.problems.push({ file, message: `not readable: ${errorText(e)}` });
    return;
  }
  if (text.length > maxBytes) {
    index.problems.push({
      file,
      message: `larger than ${maxBytes} bytes: not read`,
    });
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    index.problems.push({ file, message: `not valid JSON: ${errorText(e)}` });
    return;
  }
  const parsed = parseOsvRecord(value);
  if ('error' in parsed) {
    index.problems.push({
      file,
      message: `not an OSV record: ${parsed.error.slice(0, 300)}`,
    });
    return;
  }
  index.add(parsed.record);
}

function errorText(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].slice(0, 300);
}

/**
 * Reads every `.json` file under `dir` (nested folders followed, symbolic
 * links not) as one OSV record. A file too large, not JSON or not an OSV
 * record becomes a problem naming the file; reading never throws for a
 * bad file. Files are read in path order, so which files fall beyond
 * `maxFiles` does not vary between runs.
 */
export async function readOsvDirectory(
  dir: string,
  options: ReadOsvOptions = {},
): Promise<OsvIndex> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_OSV_FILE_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_OSV_FILES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_OSV_DEPTH;
  const index = new OsvIndex();
  const display = (path: string) => relative(dir, path).split(sep).join('/');

  const files: string[] = [];
  let truncated = false;
  const walk = async (folder: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch (e) {
      index.problems.push({
        file: display(folder) || '.',
        message: `folder not readable: ${errorText(e)}`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (truncated) return;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (depth >= maxDepth) {
          index.problems.push({
            file: display(path),
            message: `nested deeper than ${maxDepth} folders: not read`,
          });
        } else {
          await walk(path, depth + 1);
        }
      } else if (entry.isFile() && entry.name.endsWith('.json')) {
        if (files.length >= maxFiles) {
          truncated = true;
          index.problems.push({
            file: display(path),
            message: `more than ${maxFiles} files: this one and the rest are not read`,
          });
          return;
        }
        files.push(path);
      }
    }
  };
  await walk(dir, 0);

  for (let i = 0; i < files.length; i += READ_CONCURRENCY) {
    await Promise.all(
      files
        .slice(i, i + READ_CONCURRENCY)
        .map(path => readRecordFile(index, path, display(path), maxBytes)),
    );
  }
  // Concurrent reads finish in any order; problems are listed by file.
  index.problems.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
  );
  return index;
}

/** An advisory that affects a package of the inventory. */
export interface AdvisoryMatch {
  id: string;
  /** Other ids of the vulnerability (CVE, GHSA, PYSEC, …), merged from duplicate records. */
  aliases: string[];
  summary: string;
  severity: Severity;
  /** The version to upgrade to; absent when no release fixes it. */
  fixed?: string;
  /** The advisory's page: its `ADVISORY` reference, else its osv.dev page. */
  url: string;
  /** Where in the record the version matched. */
  match: RangeMatch;
  /** Why the match is approximate, when it is (a moving GitHub Actions tag). */
  approximate?: string;
}

export type PackageLookup =
  /** The version is a range or a revision, not a release: nothing was matched. */
  | { status: 'not-pinned'; advisories: [] }
  | {
      status: 'checked';
      advisories: AdvisoryMatch[];
      /**
       * Records about the package that could not be evaluated (the version
       * or a range bound cannot be read), with why.
       */
      unparseable: Array<{ id: string; detail: string }>;
    };

const SEVERITY_RANK: Record<Severity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
};

/** A web address from a record, when it is http(s). */
function webUrl(url: string | undefined): string | undefined {
  return url && /^https?:\/\/[^\s]+$/i.test(url) && url.length <= 2048
    ? url
    : undefined;
}

/** The advisory page of a record: its ADVISORY reference, else its osv.dev page. */
export function advisoryUrl(record: OsvRecord): string {
  const advisory = (record.references ?? []).find(
    r => r.type === 'ADVISORY' && webUrl(r.url),
  );
  return (
    advisory?.url ??
    `https://osv.dev/vulnerability/${encodeURIComponent(record.id)}`
  );
}

/** A record's one-line summary (its summary, else the first line of its details, else its id). */
export function summaryOf(record: OsvRecord): string {
  const text =
    record.summary?.trim() ||
    record.details?.trim().split('\n')[0] ||
    record.id;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** GHSA records first (they carry a rating), then by id. */
function preferred(a: OsvRecord, b: OsvRecord): number {
  const ga = a.id.startsWith('GHSA-') ? 0 : 1;
  const gb = b.id.startsWith('GHSA-') ? 0 : 1;
  return ga - gb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Looks a package of an inventory up in the index. Only exact versions
 * are matched (`not-pinned` otherwise). Records that share an id or alias
 * (the GHSA and the PYSEC record of one CVE) are reported once, as the
 * GHSA record, with the aliases of both. Advisories come most severe first.
 */
export function lookupPackage(
  index: OsvIndex,
  pkg: InventoryPackage,
): PackageLookup {
  if (!pkg.exact) return { status: 'not-pinned', advisories: [] };
  const advisories: AdvisoryMatch[] = [];
  const unparseable: Array<{ id: string; detail: string }> = [];
  const seen = new Map<string, AdvisoryMatch>();
  const records = index.recordsFor(pkg.ecosystem, pkg.name).sort(preferred);
  for (const record of records) {
    const result = affectedBy(record, pkg.ecosystem, pkg.name, pkg.version);
    if (!result.affected) {
      if (result.reason === 'unparseable') {
        unparseable.push({ id: record.id, detail: result.detail ?? '' });
      }
      continue;
    }
    const names = [record.id, ...(record.aliases ?? [])];
    const same = names.map(n => seen.get(n)).find(Boolean);
    if (same) {
      for (const n of names) {
        if (n !== same.id && !same.aliases.includes(n)) same.aliases.push(n);
        seen.set(n, same);
      }
      continue;
    }
    const advisory: AdvisoryMatch = {
      id: record.id,
      aliases: [...new Set(record.aliases ?? [])].filter(a => a !== record.id),
      summary: summaryOf(record),
      severity: severityOf(record),
      ...(result.fixed !== undefined && { fixed: result.fixed }),
      url: advisoryUrl(record),
      match: result.match,
      ...(result.approximate && { approximate: result.approximate }),
    };
    advisories.push(advisory);
    for (const n of names) seen.set(n, advisory);
  }
  advisories.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { status: 'checked', advisories, unparseable };
}

/**
 * The advisories that affect a package of an inventory, most severe first;
 * none for a version that is not exact (see {@link lookupPackage} for why
 * nothing matched).
 */
export function findAdvisories(
  index: OsvIndex,
  pkg: InventoryPackage,
): AdvisoryMatch[] {
  return lookupPackage(index, pkg).advisories;
}
