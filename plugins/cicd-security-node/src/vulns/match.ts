import { normalisePythonName } from '../parsers/lockfiles/model';
import { eventOf, OsvEventKind, OsvRecord, OsvSeverity } from './osvSchema';
import {
  actionsOrder,
  isVersionEcosystem,
  semverRangeOrder,
  VersionEcosystem,
  VersionOrder,
  versionOrder,
} from './versions';

/**
 * Whether a package version is affected by an OSV record, following the
 * evaluation pseudo-code of the OSV format
 * (https://ossf.github.io/osv-schema/#evaluation), and how severe the
 * record is.
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** The part of a record that matched a version. */
export interface RangeMatch {
  /** Index of the entry in `record.affected`. */
  affected: number;
  /** Index of the range in the entry's `ranges`; absent for a `versions` match. */
  range?: number;
  /** `versions` when the version is listed in the entry's `versions`. */
  type: 'SEMVER' | 'ECOSYSTEM' | 'versions';
  /** The `introduced` event that opened the interval holding the version ("0" for all). */
  introduced?: string;
  /** The `fixed` event that closes that interval, when there is one. */
  fixed?: string;
  /** The `last_affected` event that closes that interval, when there is one. */
  lastAffected?: string;
}

export type NotAffectedReason =
  /** The record was withdrawn: it affects nothing. */
  | 'withdrawn'
  /** No entry of the record is about this package. */
  | 'other-package'
  /** The version is outside every range and list of the package. */
  | 'not-in-range'
  /**
   * The version, or a bound of a range that might hold it, cannot be read
   * in the ecosystem's order, so the record could not be evaluated fully.
   */
  | 'unparseable'
  /** The ecosystem has no version order here. */
  | 'unsupported-ecosystem';

export type AffectedResult =
  | {
      affected: true;
      match: RangeMatch;
      /**
       * The lowest `fixed` version above the installed one that no range or
       * list of the record holds: the version to upgrade to. Absent when
       * there is no such fix.
       */
      fixed?: string;
      /** Why the answer is an approximation, when it is (a moving Actions tag). */
      approximate?: string;
    }
  | { affected: false; reason: NotAffectedReason; detail?: string };

/** Fix candidates tried when looking for the version to upgrade to. */
const MAX_FIX_CANDIDATES = 64;

/**
 * A package name in the form the ecosystem compares names: PEP 503 for
 * PyPI; case-insensitive for NuGet, Packagist and GitHub Actions
 * (`owner/repo`); case-insensitive with `-` = `_` for crates.io (the
 * registry refuses names that differ only so); exact for npm (legacy
 * names have capitals), Go module paths, Maven and RubyGems.
 */
export function normalisePackageName(
  ecosystem: VersionEcosystem,
  name: string,
): string {
  switch (ecosystem) {
    case 'PyPI':
      return normalisePythonName(name);
    case 'NuGet':
    case 'Packagist':
    case 'GitHub Actions':
      return name.toLowerCase();
    case 'crates.io':
      return name.toLowerCase().replace(/_/g, '-');
    default:
      return name;
  }
}

/**
 * The ecosystem of an OSV `package.ecosystem`, when it has an order here.
 * Maven and Packagist may name a repository after a colon
 * (`Maven:https://maven.google.com`); it is ignored, since an inventory does
 * not say which repository a package came from.
 */
export function ecosystemOf(
  osvEcosystem: string,
): VersionEcosystem | undefined {
  if (isVersionEcosystem(osvEcosystem)) return osvEcosystem;
  const colon = osvEcosystem.indexOf(':');
  const base = colon === -1 ? '' : osvEcosystem.slice(0, colon);
  return base === 'Maven' || base === 'Packagist' ? base : undefined;
}

/** A parsed event bound; `min` is `introduced: "0"`, `max` a `limit` with `*`. */
type Bound = { at: 'min' } | { at: 'max' } | { at: 'version'; parsed: unknown };

interface PreparedEvent {
  kind: OsvEventKind;
  version: string;
  bound: Bound;
}

interface PreparedRange {
  affected: number;
  range: number;
  type: 'SEMVER' | 'ECOSYSTEM';
  order: VersionOrder;
  /** Sorted by version; equal versions keep the record's order. */
  events: PreparedEvent[];
  limits: PreparedEvent[];
}

function compareBound(order: VersionOrder, a: Bound, b: Bound): number {
  if (a.at !== 'version' || b.at !== 'version') {
    const rank = (x: Bound) => (x.at === 'min' ? -1 : x.at === 'max' ? 1 : 0);
    return rank(a) - rank(b);
  }
  return order.compare(a.parsed, b.parsed);
}

/** The range's events parsed and sorted, or the first bound that cannot be read. */
function prepareRange(
  order: VersionOrder,
  events: ReadonlyArray<Parameters<typeof eventOf>[0]>,
): { events: PreparedEvent[]; limits: PreparedEvent[] } | { bad: string } {
  const prepared: PreparedEvent[] = [];
  for (const event of events) {
    const { kind, version } = eventOf(event);
    let bound: Bound;
    if (kind === 'introduced' && version === '0') bound = { at: 'min' };
    else if (kind === 'limit' && version.includes('*')) bound = { at: 'max' };
    else {
      const parsed = order.parse(version);
      if (parsed === undefined) return { bad: version };
      bound = { at: 'version', parsed };
    }
    prepared.push({ kind, version, bound });
  }
  // Array.prototype.sort is stable: ties keep the record's order.
  prepared.sort((a, b) => compareBound(order, a.bound, b.bound));
  return {
    events: prepared,
    limits: prepared.filter(e => e.kind === 'limit'),
  };
}

/** `IncludedInRanges` for one range: the interval holding `v`, if any. */
function evaluateRange(
  range: PreparedRange,
  v: unknown,
): { introduced: string; closing?: PreparedEvent } | undefined {
  const at: Bound = { at: 'version', parsed: v };
  const cmp = (e: PreparedEvent) => compareBound(range.order, at, e.bound);
  // BeforeLimits: with no limit, an implicit "*" limit.
  if (range.limits.length > 0 && !range.limits.some(l => cmp(l) < 0)) {
    return undefined;
  }
  let vulnerable = false;
  let introduced: string | undefined;
  let opened = -1;
  for (let i = 0; i < range.events.length; i++) {
    const e = range.events[i];
    if (e.kind === 'introduced') {
      if (cmp(e) >= 0) {
        vulnerable = true;
        introduced = e.version;
        opened = i;
      }
    } else if (e.kind === 'fixed') {
      if (cmp(e) >= 0) vulnerable = false;
    } else if (e.kind === 'last_affected') {
      if (cmp(e) > 0) vulnerable = false;
    }
  }
  if (!vulnerable || introduced === undefined) return undefined;
  const closing = range.events
    .slice(opened + 1)
    .find(e => e.kind === 'fixed' || e.kind === 'last_affected');
  return { introduced, closing };
}

/** The installed version as a SEMVER range reads it. */
function semverInput(ecosystem: VersionEcosystem, version: string): string {
  if (ecosystem !== 'GitHub Actions') return version;
  const parsed = actionsOrder.parse(version);
  if (!parsed) return version;
  const [major, minor, patch] = parsed.release.map(n => n || '0');
  const pre = parsed.prerelease.length ? `-${parsed.prerelease.join('.')}` : '';
  return `${major}.${minor}.${patch}${pre}`;
}

interface PackageEntries {
  ranges: PreparedRange[];
  /** Entries' explicit `versions`, with their entry index. */
  versions: Array<{ affected: number; version: string }>;
  /** Bounds that could not be read, by range. */
  bad: string[];
}

function prepare(
  record: OsvRecord,
  ecosystem: VersionEcosystem,
  name: string,
): PackageEntries | undefined {
  const key = normalisePackageName(ecosystem, name);
  const entries: PackageEntries = { ranges: [], versions: [], bad: [] };
  let found = false;
  (record.affected ?? []).forEach((entry, affected) => {
    const pkg = entry.package;
    if (!pkg || ecosystemOf(pkg.ecosystem) !== ecosystem) return;
    if (normalisePackageName(ecosystem, pkg.name) !== key) return;
    found = true;
    for (const version of entry.versions ?? []) {
      entries.versions.push({ affected, version });
    }
    (entry.ranges ?? []).forEach((r, range) => {
      // GIT ranges need the repository's commit graph; other types are unknown.
      if (r.type !== 'SEMVER' && r.type !== 'ECOSYSTEM') return;
      const order =
        r.type === 'SEMVER' ? semverRangeOrder : versionOrder(ecosystem);
      const prepared = prepareRange(order, r.events);
      if ('bad' in prepared) {
        entries.bad.push(
          `affected[${affected}].ranges[${range}]: "${prepared.bad.slice(
            0,
            80,
          )}" is not a ${order.name} version`,
        );
        return;
      }
      entries.ranges.push({
        affected,
        range,
        type: r.type,
        order,
        ...prepared,
      });
    });
  });
  return found ? entries : undefined;
}

/** The installed version parsed in each order a range may use. */
function parsedInputs(ecosystem: VersionEcosystem, version: string) {
  return {
    SEMVER: semverRangeOrder.parse(semverInput(ecosystem, version)),
    ECOSYSTEM: versionOrder(ecosystem).parse(version),
  };
}

function listed(
  entries: PackageEntries,
  ecosystem: VersionEcosystem,
  version: string,
): number | undefined {
  const order = versionOrder(ecosystem);
  const v = order.parse(version);
  for (const item of entries.versions) {
    if (item.version === version) return item.affected;
    if (v === undefined) continue;
    const w = order.parse(item.version);
    if (w !== undefined && order.compare(v, w) === 0) return item.affected;
  }
  return undefined;
}

function firstMatch(
  entries: PackageEntries,
  ecosystem: VersionEcosystem,
  version: string,
): RangeMatch | undefined {
  const affected = listed(entries, ecosystem, version);
  if (affected !== undefined) return { affected, type: 'versions' };
  const inputs = parsedInputs(ecosystem, version);
  for (const range of entries.ranges) {
    const v = inputs[range.type];
    if (v === undefined) continue;
    const hit = evaluateRange(range, v);
    if (!hit) continue;
    return {
      affected: range.affected,
      range: range.range,
      type: range.type,
      introduced: hit.introduced,
      ...(hit.closing?.kind === 'fixed' && { fixed: hit.closing.version }),
      ...(hit.closing?.kind === 'last_affected' && {
        lastAffected: hit.closing.version,
      }),
    };
  }
  return undefined;
}

/**
 * The lowest `fixed` version above `version` at which the record no longer
 * affects the package. Candidates are compared in the order of the range
 * that matched. At most {@link MAX_FIX_CANDIDATES} are tried, the lowest
 * first: past them the target is left undetermined (undefined), rather than
 * naming a version that is still affected. The matched interval's own
 * `fixed` is in the {@link RangeMatch} either way.
 */
function upgradeTarget(
  entries: PackageEntries,
  ecosystem: VersionEcosystem,
  version: string,
  match: RangeMatch,
): string | undefined {
  const order =
    match.type === 'SEMVER' ? semverRangeOrder : versionOrder(ecosystem);
  const input =
    match.type === 'SEMVER' ? semverInput(ecosystem, version) : version;
  const v = order.parse(input);
  if (v === undefined) return undefined;
  const candidates: Array<{ version: string; parsed: unknown }> = [];
  for (const range of entries.ranges) {
    for (const e of range.events) {
      if (e.kind !== 'fixed') continue;
      const parsed = order.parse(e.version);
      if (parsed === undefined || order.compare(parsed, v) <= 0) continue;
      candidates.push({ version: e.version, parsed });
    }
  }
  candidates.sort((a, b) => order.compare(a.parsed, b.parsed));
  for (const c of candidates.slice(0, MAX_FIX_CANDIDATES)) {
    if (!firstMatch(entries, ecosystem, c.version)) return c.version;
  }
  return undefined;
}

/**
 * Whether `version` of the package `name` in `ecosystem` is affected by
 * `record`, following OSV's `IsVulnerable`: an entry for the package lists
 * the version in `versions`, or one of its `SEMVER` / `ECOSYSTEM` ranges
 * holds it (events sorted in the range type's order, `introduced: "0"`
 * first; `introduced` inclusive, `fixed` exclusive, `last_affected`
 * inclusive; versions at or above every `limit` are outside). `GIT` ranges
 * are skipped (they need the commit graph), withdrawn records affect
 * nothing. A version or bound that cannot be read gives
 * `reason: 'unparseable'` rather than a guess; a range with an unreadable
 * bound is skipped, and the others still count.
 *
 * A GitHub Actions tag naming fewer than three numbers (`v4`) is compared
 * as `4.0.0`; a match then carries `approximate`, since such a tag moves
 * with the newest release of its series.
 */
export function affectedBy(
  record: OsvRecord,
  ecosystem: string,
  name: string,
  version: string,
): AffectedResult {
  if (record.withdrawn !== undefined) {
    return { affected: false, reason: 'withdrawn', detail: record.withdrawn };
  }
  if (!isVersionEcosystem(ecosystem)) {
    return {
      affected: false,
      reason: 'unsupported-ecosystem',
      detail: ecosystem,
    };
  }
  const entries = prepare(record, ecosystem, name);
  if (!entries) return { affected: false, reason: 'other-package' };
  const match = firstMatch(entries, ecosystem, version);
  if (match) {
    const fixed = upgradeTarget(entries, ecosystem, version, match);
    const partial =
      ecosystem === 'GitHub Actions' && actionsOrder.parse(version)?.partial;
    return {
      affected: true,
      match,
      ...(fixed !== undefined && { fixed }),
      ...(partial && {
        approximate: `${version} names a moving tag; it was compared as ${semverInput(
          ecosystem,
          version,
        )}`,
      }),
    };
  }
  const inputs = parsedInputs(ecosystem, version);
  const unreadable = entries.ranges.some(r => inputs[r.type] === undefined);
  if (unreadable) {
    return {
      affected: false,
      reason: 'unparseable',
      detail: `"${version.slice(0, 80)}" is not a ${ecosystem} version`,
    };
  }
  if (entries.bad.length > 0) {
    return {
      affected: false,
      reason: 'unparseable',
      detail: entries.bad.join('; '),
    };
  }
  return { affected: false, reason: 'not-in-range' };
}

// ---------------------------------------------------------------------------
// Severity

/** CVSS qualitative rating of a base score (0 counts as low). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** The base metrics of a CVSS vector, or undefined when one is missing, repeated or unknown. */
function parseVector(
  vector: string,
  prefix: RegExp,
  metrics: Record<string, readonly string[]>,
): Record<string, string> | undefined {
  if (vector.length > 512) return undefined;
  const m = prefix.exec(vector.trim());
  if (!m) return undefined;
  const values: Record<string, string> = Object.create(null);
  for (const part of vector.trim().slice(m[0].length).split('/')) {
    const [key, value, ...rest] = part.split(':');
    if (value === undefined || rest.length > 0) return undefined;
    if (Object.prototype.hasOwnProperty.call(values, key)) return undefined;
    const allowed = Object.prototype.hasOwnProperty.call(metrics, key)
      ? metrics[key]
      : undefined;
    if (allowed && !allowed.includes(value)) return undefined;
    values[key] = value;
  }
  return Object.keys(metrics).every(k =>
    Object.prototype.hasOwnProperty.call(values, k),
  )
    ? values
    : undefined;
}

const CVSS3_METRICS = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'R'],
  S: ['U', 'C'],
  C: ['H', 'L', 'N'],
  I: ['H', 'L', 'N'],
  A: ['H', 'L', 'N'],
} as const;

/** CVSS v3.1 `Roundup`: the smallest one-decimal number ≥ x, free of float noise. */
function roundUp(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

/** The weight of a metric value (0 for a value the vector parser let through unlisted). */
const weight = (table: Record<string, number>, value: string) =>
  table[value] ?? 0;

function cvss3Score(m: Record<string, string>): number {
  const av = weight({ N: 0.85, A: 0.62, L: 0.55, P: 0.2 }, m.AV);
  const ac = weight({ L: 0.77, H: 0.44 }, m.AC);
  const changed = m.S === 'C';
  const pr = weight(
    { N: 0.85, L: changed ? 0.68 : 0.62, H: changed ? 0.5 : 0.27 },
    m.PR,
  );
  const ui = weight({ N: 0.85, R: 0.62 }, m.UI);
  const cia = (x: string) => weight({ H: 0.56, L: 0.22, N: 0 }, x);
  const iss = 1 - (1 - cia(m.C)) * (1 - cia(m.I)) * (1 - cia(m.A));
  const impact = changed
    ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15)
    : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return changed
    ? roundUp(Math.min(1.08 * (impact + exploitability), 10))
    : roundUp(Math.min(impact + exploitability, 10));
}

/**
 * The CVSS v3.x base score of a vector (`CVSS:3.1/AV:N/AC:L/…`), by the
 * v3.1 formula (also used for 3.0 vectors: the two differ only in
 * rounding); temporal and environmental metrics are ignored. Undefined
 * for a vector that is not a complete v3 base vector.
 */
export function cvss3BaseScore(vector: string): number | undefined {
  const m = parseVector(vector, /^CVSS:3\.[01]\//, CVSS3_METRICS);
  return m ? cvss3Score(m) : undefined;
}

const CVSS4_METRICS = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
} as const;

/**
 * A coarse rating of a CVSS v4.0 vector. The v4 score needs FIRST's
 * macro-vector tables; instead the vector is read as the nearest v3.1
 * vector and rated by the v3.1 formula: AV and PR as they are, AC:H when
 * AC:H or AT:P, UI:R when UI:P or UI:A, scope changed when a subsequent
 * system is impacted (SC/SI/SA), and each of C/I/A the higher of the
 * vulnerable and the subsequent system's impact. The rating can be one
 * band off the official one near a band's edge.
 */
export function cvss4Severity(vector: string): Severity | undefined {
  const m = parseVector(vector, /^CVSS:4\.0\//, CVSS4_METRICS);
  if (!m) return undefined;
  const higher = (a: string, b: string) =>
    a === 'H' || b === 'H' ? 'H' : a === 'L' || b === 'L' ? 'L' : 'N';
  const subsequent = m.SC !== 'N' || m.SI !== 'N' || m.SA !== 'N';
  return severityFromScore(
    cvss3Score({
      AV: m.AV,
      AC: m.AC === 'H' || m.AT === 'P' ? 'H' : 'L',
      PR: m.PR,
      UI: m.UI === 'N' ? 'N' : 'R',
      S: subsequent ? 'C' : 'U',
      C: higher(m.VC, m.SC),
      I: higher(m.VI, m.SI),
      A: higher(m.VA, m.SA),
    }),
  );
}

const WORDS = new Map<string, Severity>([
  ['critical', 'critical'],
  ['high', 'high'],
  ['moderate', 'medium'],
  ['medium', 'medium'],
  ['low', 'low'],
  // Ubuntu priorities
  ['negligible', 'low'],
]);

function fromSeverityList(list: readonly OsvSeverity[] | undefined) {
  const byType = (type: string) => list?.find(s => s.type === type)?.score;
  const v3 = byType('CVSS_V3');
  const score = v3 === undefined ? undefined : cvss3BaseScore(v3);
  if (score !== undefined) return severityFromScore(score);
  const v4 = byType('CVSS_V4');
  const rated = v4 === undefined ? undefined : cvss4Severity(v4);
  if (rated) return rated;
  const ubuntu = byType('Ubuntu');
  return ubuntu === undefined ? undefined : WORDS.get(ubuntu.toLowerCase());
}

/**
 * How severe a record is, from the first of: the database's own rating
 * (`database_specific.severity`, GHSA's LOW / MODERATE / HIGH / CRITICAL,
 * MODERATE read as medium); a CVSS v3.x vector's base score; a CVSS v4.0
 * vector, rated coarsely (see {@link cvss4Severity}); an Ubuntu priority;
 * the same in the `severity` of an `affected` entry. Medium when the record
 * gives none. CVSS v2 vectors are not read.
 */
export function severityOf(record: OsvRecord): Severity {
  const own = record.database_specific?.severity;
  if (typeof own === 'string') {
    const word = WORDS.get(own.toLowerCase());
    if (word) return word;
  }
  const top = fromSeverityList(record.severity);
  if (top) return top;
  for (const entry of record.affected ?? []) {
    const rated = fromSeverityList(entry.severity);
    if (rated) return rated;
  }
  return 'medium';
}
