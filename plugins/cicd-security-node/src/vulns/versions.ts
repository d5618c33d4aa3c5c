import { parse as parseSemver, SemVer } from 'semver';
import { InventoryEcosystem } from '../parsers/lockfiles/model';

/**
 * Version ordering per package ecosystem, as each ecosystem defines it, for
 * evaluating OSV ranges.
 *
 * Every order here parses a version once into a comparable form and
 * compares parsed forms. Parsing never throws: a string that is not a
 * version of the ecosystem (or is longer than {@link MAX_VERSION_LENGTH})
 * parses to `undefined`, and the matcher reports it as "unparseable" rather
 * than guessing. All parsers are linear in the length of their input.
 */

/** Ecosystems with a version order, spelled as OSV spells them. */
export type VersionEcosystem = InventoryEcosystem | 'GitHub Actions';

export const VERSION_ECOSYSTEMS: readonly VersionEcosystem[] = [
  'npm',
  'PyPI',
  'Go',
  'crates.io',
  'RubyGems',
  'Packagist',
  'Maven',
  'NuGet',
  'GitHub Actions',
];

/** Longer strings are not versions of any ecosystem here. */
export const MAX_VERSION_LENGTH = 256;

/** A version ordering: parse once, then compare parsed forms. */
export interface VersionOrder<T = unknown> {
  /** OSV's name of the ordering (an ecosystem, or `SEMVER`). */
  readonly name: string;
  /** The comparable form of `version`, or `undefined` when it is not a version of this order. */
  parse(version: string): T | undefined;
  /** Negative, zero or positive; a total preorder on parsed versions. */
  compare(a: T, b: T): number;
}

/** Whether `ecosystem` is one that has an order here. */
export function isVersionEcosystem(
  ecosystem: string,
): ecosystem is VersionEcosystem {
  return (VERSION_ECOSYSTEMS as readonly string[]).includes(ecosystem);
}

/** The trimmed string, or undefined for non-strings, empty and over-long strings. */
function bounded(version: unknown): string | undefined {
  if (typeof version !== 'string') return undefined;
  if (version.length > MAX_VERSION_LENGTH + 64) return undefined;
  const s = version.trim();
  return s && s.length <= MAX_VERSION_LENGTH ? s : undefined;
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Strips leading zeros from a string of digits ('' for zero). */
function digits(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 48) i++;
  return s.slice(i);
}

/** Compares two digit strings without leading zeros, of any length, numerically. */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ordinal (code unit) string comparison. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const isDigits = (s: string) => /^[0-9]+$/.test(s);

// ---------------------------------------------------------------------------
// SemVer (npm, crates.io, Go, OSV `SEMVER` ranges)

function semverParse(s: string): SemVer | undefined {
  try {
    return parseSemver(s) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * npm's order (node-semver, strict mode): pre-releases before their release,
 * build metadata ignored. A leading `v` or `=` is accepted, as npm does.
 */
export const npmOrder: VersionOrder<SemVer> = {
  name: 'npm',
  parse: v => {
    const s = bounded(v);
    return s === undefined ? undefined : semverParse(s);
  },
  compare: (a, b) => a.compare(b),
};

/** Cargo's order is SemVer 2.0 precedence, the same as npm's. */
export const cratesOrder: VersionOrder<SemVer> = {
  ...npmOrder,
  name: 'crates.io',
};

/**
 * Go module versions: SemVer with a leading `v` (`v1.2.3`). Pseudo-versions
 * (`v0.0.0-20210101000000-abcdef123456`, `v1.2.4-0.2021…`) are pre-releases
 * and sort by their timestamp, as Go designed them to; `+incompatible` is
 * build metadata and is ignored. The `v` is optional here because OSV's Go
 * records spell bounds without it.
 */
export const goOrder: VersionOrder<SemVer> = {
  name: 'Go',
  parse: v => {
    const s = bounded(v);
    if (s === undefined || !/^v?[0-9]/.test(s)) return undefined;
    return semverParse(s.replace(/^v/, ''));
  },
  compare: (a, b) => a.compare(b),
};

/**
 * OSV `SEMVER` ranges: SemVer 2.0 precedence. Bounds have no `v`; an
 * installed Go version keeps its `v`, which is dropped before comparing.
 */
export const semverRangeOrder: VersionOrder<SemVer> = {
  name: 'SEMVER',
  parse: v => {
    const s = bounded(v);
    if (s === undefined || !/^v?[0-9]/.test(s)) return undefined;
    return semverParse(s.replace(/^v/, ''));
  },
  compare: (a, b) => a.compare(b),
};

/** SemVer 2.0 pre-release identifiers: numeric < alphanumeric, numbers numerically. */
function comparePrerelease(
  a: readonly string[],
  b: readonly string[],
  compareText: (x: string, y: string) => number = compareStrings,
): number {
  if (a.length === 0 || b.length === 0) {
    // a release sorts after its pre-releases
    return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  }
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    const xn = isDigits(x);
    const yn = isDigits(y);
    let c: number;
    if (xn && yn) c = compareDigits(digits(x), digits(y));
    else if (xn) c = -1;
    else if (yn) c = 1;
    else c = compareText(x, y);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

// ---------------------------------------------------------------------------
// GitHub Actions

export interface ActionsVersion {
  /** Major, minor, patch as digit strings without leading zeros. */
  release: [string, string, string];
  prerelease: string[];
  /**
   * The tag named fewer than three numbers (`v4`, `v4.1`): it is compared
   * as `4.0.0` / `4.1.0`, although such a moving tag usually points at the
   * newest release of its series.
   */
  partial: boolean;
}

const ACTIONS_RE =
  /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/i;

/**
 * GitHub Actions refs: semver-ish tags (`v4`, `v4.1`, `v4.1.2`, `v4.1.2-beta`).
 * Missing numbers count as 0 (`v4` = 4.0.0) for range checks only; the
 * parsed version says so with `partial`.
 */
export const actionsOrder: VersionOrder<ActionsVersion> = {
  name: 'GitHub Actions',
  parse: v => {
    const s = bounded(v);
    const m = s === undefined ? null : ACTIONS_RE.exec(s);
    if (!m) return undefined;
    return {
      release: [digits(m[1]), digits(m[2] ?? ''), digits(m[3] ?? '')],
      prerelease: m[4] ? m[4].split('.') : [],
      partial: m[3] === undefined,
    };
  },
  compare: (a, b) => {
    for (let i = 0; i < 3; i++) {
      const c = compareDigits(a.release[i], b.release[i]);
      if (c !== 0) return c;
    }
    return comparePrerelease(a.prerelease, b.prerelease);
  },
};

// ---------------------------------------------------------------------------
// NuGet

export interface NuGetVersion {
  /** Major, minor, patch, revision as digit strings without leading zeros. */
  release: [string, string, string, string];
  prerelease: string[];
}

const NUGET_RE =
  /^([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * NuGet: SemVer 2.0 with an optional fourth (revision) number, missing
 * numbers as 0 (`1.0` = `1.0.0.0`), leading zeros allowed (`1.01` = `1.1`),
 * pre-release labels compared case-insensitively, metadata ignored.
 */
export const nugetOrder: VersionOrder<NuGetVersion> = {
  name: 'NuGet',
  parse: v => {
    const s = bounded(v);
    const m = s === undefined ? null : NUGET_RE.exec(s);
    if (!m) return undefined;
    return {
      release: [
        digits(m[1]),
        digits(m[2] ?? ''),
        digits(m[3] ?? ''),
        digits(m[4] ?? ''),
      ],
      prerelease: m[5] ? m[5].split('.') : [],
    };
  },
  compare: (a, b) => {
    for (let i = 0; i < 4; i++) {
      const c = compareDigits(a.release[i], b.release[i]);
      if (c !== 0) return c;
    }
    return comparePrerelease(a.prerelease, b.prerelease, (x, y) =>
      compareStrings(x.toUpperCase(), y.toUpperCase()),
    );
  },
};

// ---------------------------------------------------------------------------
// PyPI (PEP 440)

export interface Pep440Version {
  epoch: string;
  /** Release numbers without trailing zeros (`1.0` and `1` are the same release). */
  release: string[];
  /** 0 = a, 1 = b, 2 = rc, with its number. */
  pre?: [number, string];
  post?: string;
  dev?: string;
  /** Local segments: digit strings (numbers) or lower-case words. */
  local?: string[];
}

// The PEP 440 version pattern (its appendix), anchored and case-insensitive.
const PEP440_RE =
  /^v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?(?:[-_.]?(dev)[-_.]?([0-9]+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

const PRE_RANK: Record<string, number> = {
  a: 0,
  alpha: 0,
  b: 1,
  beta: 1,
  c: 2,
  rc: 2,
  pre: 2,
  preview: 2,
};

/**
 * PyPI: PEP 440 with its normalisations (`1.0-rc1` = `1.0rc1` = `1.0.0RC1`,
 * `1.0-1` = `1.0.post1`, `1.0a` = `1.0a0`): epochs first, then the release,
 * then `.devN` < `aN` < `bN` < `rcN` < release < `.postN`, then local
 * versions (`+ubuntu1`) after the public version they extend.
 */
export const pypiOrder: VersionOrder<Pep440Version> = {
  name: 'PyPI',
  parse: v => {
    const s = bounded(v);
    const m = s === undefined ? null : PEP440_RE.exec(s);
    if (!m) return undefined;
    const release = m[2].split('.').map(digits);
    while (release.length > 0 && release[release.length - 1] === '')
      release.pop();
    const parsed: Pep440Version = { epoch: digits(m[1] ?? ''), release };
    if (m[3]) parsed.pre = [PRE_RANK[m[3].toLowerCase()], digits(m[4] ?? '')];
    if (m[5] !== undefined) parsed.post = digits(m[5]);
    else if (m[6]) parsed.post = digits(m[7] ?? '');
    if (m[8]) parsed.dev = digits(m[9] ?? '');
    if (m[10]) {
      parsed.local = m[10]
        .toLowerCase()
        .split(/[-_.]/)
        .map(p => (isDigits(p) ? digits(p) : p));
    }
    return parsed;
  },
  compare: comparePep440,
};

// Ranks standing in for packaging's ±infinity in its sort key.
const BELOW = -1;
const ABOVE = 1;

function comparePep440(a: Pep440Version, b: Pep440Version): number {
  let c = compareDigits(a.epoch, b.epoch);
  if (c !== 0) return c;
  const n = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    c = compareDigits(a.release[i] ?? '', b.release[i] ?? '');
    if (c !== 0) return c;
  }
  // A dev release of a final release (1.0.dev1) sorts before its pre-releases.
  const preRank = (v: Pep440Version) =>
    v.pre ? 0 : v.post === undefined && v.dev !== undefined ? BELOW : ABOVE;
  c = preRank(a) - preRank(b);
  if (c !== 0) return sign(c);
  if (a.pre && b.pre) {
    c = a.pre[0] - b.pre[0] || compareDigits(a.pre[1], b.pre[1]);
    if (c !== 0) return sign(c);
  }
  c = compareOptional(a.post, b.post, BELOW);
  if (c !== 0) return c;
  c = compareOptional(a.dev, b.dev, ABOVE);
  if (c !== 0) return c;
  if (!a.local || !b.local) {
    return a.local === b.local ? 0 : a.local ? 1 : -1;
  }
  const m = Math.min(a.local.length, b.local.length);
  for (let i = 0; i < m; i++) {
    const x = a.local[i];
    const y = b.local[i];
    const xn = x === '' || isDigits(x);
    const yn = y === '' || isDigits(y);
    // numbers sort after words
    if (xn && yn) c = compareDigits(x, y);
    else if (xn) c = 1;
    else if (yn) c = -1;
    else c = compareStrings(x, y);
    if (c !== 0) return c;
  }
  return sign(a.local.length - b.local.length);
}

/** Compares optional numbers, an absent one ranking `absent` (below or above all). */
function compareOptional(
  a: string | undefined,
  b: string | undefined,
  absent: number,
): number {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    return a === undefined ? absent : -absent;
  }
  return compareDigits(a, b);
}

// ---------------------------------------------------------------------------
// Maven (ComparableVersion)

/** An item of Maven's ComparableVersion: a number, a qualifier or a sub-list. */
export type MavenItem =
  | { kind: 'int'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'list'; items: MavenItem[] };

const MAVEN_QUALIFIERS = [
  'alpha',
  'beta',
  'milestone',
  'rc',
  'snapshot',
  '',
  'sp',
];
const MAVEN_ALIASES: Record<string, string> = {
  ga: '',
  final: '',
  release: '',
  cr: 'rc',
};
const MAVEN_RELEASE = String(MAVEN_QUALIFIERS.indexOf(''));

function mavenString(value: string, followedByDigit: boolean): MavenItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    v = v === 'a' ? 'alpha' : v === 'b' ? 'beta' : v === 'm' ? 'milestone' : v;
  }
  return { kind: 'string', value: MAVEN_ALIASES[v] ?? v };
}

/** Known qualifiers by rank, then any other word, alphabetically. */
function comparableQualifier(q: string): string {
  const i = MAVEN_QUALIFIERS.indexOf(q);
  return i === -1 ? `${MAVEN_QUALIFIERS.length}-${q}` : String(i);
}

function mavenIsNull(item: MavenItem): boolean {
  if (item.kind === 'int') return item.value === '';
  if (item.kind === 'string')
    return comparableQualifier(item.value) === MAVEN_RELEASE;
  return item.items.length === 0;
}

/** Removes trailing null items (0, "", "ga", "final", empty lists) from a list. */
function mavenNormalize(list: MavenItem[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i];
    if (mavenIsNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

function mavenParseItem(isDigit: boolean, buf: string): MavenItem {
  return isDigit
    ? { kind: 'int', value: digits(buf) }
    : mavenString(buf, false);
}

/** Maven's ComparableVersion parse: `.` within a list, `-` and digit/letter transitions open a sub-list. */
function mavenParse(version: string): MavenItem {
  const v = version.toLowerCase();
  const root: MavenItem[] = [];
  let list = root;
  const stack: MavenItem[][] = [root];
  let isDigit = false;
  let start = 0;
  const isDigitAt = (i: number) => {
    const c = v.charCodeAt(i);
    return c >= 48 && c <= 57;
  };
  const openList = () => {
    const next: MavenItem[] = [];
    list.push({ kind: 'list', items: next });
    list = next;
    stack.push(next);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '.') {
      list.push(
        i === start
          ? { kind: 'int', value: '' }
          : mavenParseItem(isDigit, v.slice(start, i)),
      );
      start = i + 1;
    } else if (c === '-') {
      list.push(
        i === start
          ? { kind: 'int', value: '' }
          : mavenParseItem(isDigit, v.slice(start, i)),
      );
      start = i + 1;
      openList();
    } else if (isDigitAt(i)) {
      if (!isDigit && i > start) {
        list.push(mavenString(v.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(mavenParseItem(true, v.slice(start, i)));
        start = i;
        openList();
      } else if (i === start && i > 0 && v[i - 1] === '.' && list.length > 0) {
        // `.qualifier` reads as `-qualifier` (1.foo = 1-foo, 1.0.0.RC1 < 1.0.0-RC2)
        openList();
      }
      isDigit = false;
    }
  }
  if (v.length > start) list.push(mavenParseItem(isDigit, v.slice(start)));
  while (stack.length > 0) mavenNormalize(stack.pop()!);
  return { kind: 'list', items: root };
}

/** ComparableVersion's `Item.compareTo`, with `undefined` for Java's null (padding). */
function mavenCompare(a: MavenItem, b: MavenItem | undefined): number {
  if (a.kind === 'int') {
    if (!b) return a.value === '' ? 0 : 1;
    if (b.kind === 'int') return compareDigits(a.value, b.value);
    return 1; // 1.1 > 1-sp, 1.1 > 1-1
  }
  if (a.kind === 'string') {
    if (!b)
      return sign(compareStrings(comparableQualifier(a.value), MAVEN_RELEASE));
    if (b.kind === 'int') return -1;
    if (b.kind === 'string')
      return compareStrings(
        comparableQualifier(a.value),
        comparableQualifier(b.value),
      );
    return -1; // 1.any < 1-1
  }
  if (!b) return a.items.length === 0 ? 0 : mavenCompare(a.items[0], undefined);
  if (b.kind === 'int') return -1; // 1-1 < 1.0.x
  if (b.kind === 'string') return 1; // 1-1 > 1-sp
  const n = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    const l = a.items[i];
    const r = b.items[i];
    const c =
      l === undefined
        ? r === undefined
          ? 0
          : -mavenCompare(r, l)
        : mavenCompare(l, r);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Maven: the order of `org.apache.maven.artifact.versioning.ComparableVersion`
 * (Maven 3): items split at `.`, `-` and digit/letter transitions (a
 * qualifier after a `.` counts as after a `-`, as the POM reference's
 * version order specification says: `1.foo` = `1-foo`); trailing
 * zeros and release qualifiers dropped; qualifiers ordered
 * alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp,
 * then other words alphabetically; `a1`/`b1`/`m1` are `alpha-1`/`beta-1`/
 * `milestone-1`; case-insensitive. Any non-empty string is a Maven version.
 */
export const mavenOrder: VersionOrder<MavenItem> = {
  name: 'Maven',
  parse: v => {
    const s = bounded(v);
    return s === undefined ? undefined : mavenParse(s);
  },
  compare: (a, b) => sign(mavenCompare(a, b)),
};

// ---------------------------------------------------------------------------
// RubyGems (Gem::Version)

const GEM_RE =
  /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Segments: digit strings (numbers, without leading zeros) or words. */
export interface GemVersion {
  segments: Array<{ n: string } | { s: string }>;
  prerelease: boolean;
}

/**
 * RubyGems: `Gem::Version`. A `-` reads as `.pre.`; segments are runs of
 * digits or letters; a version with a letter is a pre-release and sorts
 * before its release (`1.0.a` < `1.0`); trailing zeros are ignored
 * separately in the numeric and the pre-release part; words sort before
 * numbers and among themselves by bytes.
 */
export const rubygemsOrder: VersionOrder<GemVersion> = {
  name: 'RubyGems',
  parse: v => {
    const s = bounded(v);
    if (s === undefined || !GEM_RE.test(s)) return undefined;
    const text = s.replace(/-/g, '.pre.');
    const raw = text.match(/[0-9]+|[a-z]+/gi) ?? [];
    const all = raw.map(p => (isDigits(p) ? { n: digits(p) } : { s: p }));
    const firstWord = all.findIndex(p => 's' in p);
    const parts =
      firstWord === -1
        ? [all]
        : [all.slice(0, firstWord), all.slice(firstWord)];
    const segments = parts.flatMap(part => {
      let end = part.length;
      while (end > 0) {
        const last = part[end - 1];
        if ('n' in last && last.n === '') end--;
        else break;
      }
      return part.slice(0, end);
    });
    return { segments, prerelease: /[a-zA-Z]/.test(s) };
  },
  compare: (a, b) => {
    const n = Math.max(a.segments.length, b.segments.length);
    const zero = { n: '' };
    for (let i = 0; i < n; i++) {
      const l = a.segments[i] ?? zero;
      const r = b.segments[i] ?? zero;
      if ('n' in l && 'n' in r) {
        const c = compareDigits(l.n, r.n);
        if (c !== 0) return c;
      } else if ('s' in l && 's' in r) {
        const c = compareStrings(l.s, r.s);
        if (c !== 0) return c;
      } else {
        return 's' in l ? -1 : 1;
      }
    }
    return 0;
  },
};

// ---------------------------------------------------------------------------
// Packagist (Composer)

/** PHP's `version_compare` special forms, by prefix, in PHP's order. */
const PHP_FORMS: Array<[string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function phpForm(part: string): number {
  for (const [name, rank] of PHP_FORMS) {
    if (part.startsWith(name)) return rank;
  }
  return -1;
}

/**
 * Packagist: Composer's normalisation (a leading `v` dropped, `stable`
 * dropped, the release padded to four numbers, so `v1.2` = `1.2.0.0`),
 * then PHP's `version_compare`: parts split at `.`, `-`, `_`, `+` and
 * digit/letter transitions; dev < alpha = a < beta = b < RC < release <
 * patch = pl = p; other words below dev. Branch names (`dev-main`) are not
 * versions.
 */
export const packagistOrder: VersionOrder<string[]> = {
  name: 'Packagist',
  parse: v => {
    const s = bounded(v);
    if (s === undefined || !/^[vV]?[0-9][0-9A-Za-z._+-]*$/.test(s))
      return undefined;
    const text = s
      .replace(/^v/i, '')
      .toLowerCase()
      .replace(/([0-9])(?=[a-z])|([a-z])(?=[0-9])/g, '$1$2.');
    const parts = text
      .split(/[._+-]+/)
      .filter(p => p !== '' && p !== 'stable')
      .map(p => (isDigits(p) ? `#${digits(p)}` : p));
    let numbers = 0;
    while (numbers < parts.length && parts[numbers].startsWith('#')) numbers++;
    const padding = Array.from({ length: Math.max(0, 4 - numbers) }, () => '#');
    return [...parts.slice(0, numbers), ...padding, ...parts.slice(numbers)];
  },
  compare: (a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      const xn = x.startsWith('#');
      const yn = y.startsWith('#');
      let c: number;
      if (xn && yn) c = compareDigits(x.slice(1), y.slice(1));
      else c = sign((xn ? 4 : phpForm(x)) - (yn ? 4 : phpForm(y)));
      if (c !== 0) return c;
    }
    if (a.length === b.length) return 0;
    // PHP: a longer version is greater when its next part is a number,
    // otherwise its next part is compared with a number.
    const longer = a.length > b.length ? a : b;
    const next = longer[n];
    const c = next.startsWith('#') ? 1 : sign(phpForm(next) - 4);
    return a.length > b.length ? c : -c;
  },
};

// ---------------------------------------------------------------------------

const ORDERS: Record<VersionEcosystem, VersionOrder<unknown>> = {
  npm: npmOrder,
  PyPI: pypiOrder,
  Go: goOrder,
  'crates.io': cratesOrder,
  RubyGems: rubygemsOrder,
  Packagist: packagistOrder,
  Maven: mavenOrder,
  NuGet: nugetOrder,
  'GitHub Actions': actionsOrder,
};

/** The version order of an ecosystem. */
export function versionOrder(ecosystem: VersionEcosystem): VersionOrder {
  return ORDERS[ecosystem];
}

/** Whether `version` is a version of `ecosystem`. */
export function isValidVersion(
  ecosystem: VersionEcosystem,
  version: string,
): boolean {
  return ORDERS[ecosystem].parse(version) !== undefined;
}

/**
 * Compares two versions in an ecosystem's order; total for any strings.
 * Strings that are not versions of the ecosystem sort before all versions
 * and among themselves by code units; versions that the ecosystem holds
 * equal (`1.0` and `1.0.0` in PyPI) compare as 0.
 */
export function compareVersions(
  ecosystem: VersionEcosystem,
  a: string,
  b: string,
): number {
  const order = ORDERS[ecosystem];
  const x = order.parse(a);
  const y = order.parse(b);
  if (x === undefined || y === undefined) {
    if (x !== undefined) return 1;
    if (y !== undefined) return -1;
    return compareStrings(String(a), String(b));
  }
  return sign(order.compare(x, y));
}
