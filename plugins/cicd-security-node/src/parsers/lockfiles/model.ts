import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { LineIndex } from '../text/lineIndex';

/** Ecosystems, spelled as OSV spells them. */
export type InventoryEcosystem =
  | 'npm'
  | 'PyPI'
  | 'Go'
  | 'crates.io'
  | 'RubyGems'
  | 'Packagist'
  | 'Maven'
  | 'NuGet'
  | 'GitHub Actions';

/** One package a repository depends on, as a lockfile or manifest records it. */
export interface InventoryPackage {
  ecosystem: InventoryEcosystem;
  /**
   * As the ecosystem spells it: npm scoped names, Maven `group:artifact`, Go
   * module path, GitHub Actions `owner/repo` (as the `uses:` writes it).
   */
  name: string;
  /**
   * The exact resolved version as the file spells it (Go's and some
   * Composer versions keep their `v`); for a manifest that only declares a
   * range, the declared spec (empty when none) with `exact: false`. Git
   * revisions, branches and unresolved properties are not exact either.
   * A GitHub Actions ref as written: exact only for a full commit SHA or a
   * three-number tag (`v1.2.3`), see `isExactActionRef`.
   */
  version: string;
  exact: boolean;
  /** A direct dependency of the project (true), transitive (false) or unknown. */
  direct: boolean | undefined;
  /** Only needed to develop or test the project, when the file says so. */
  dev?: boolean;
  /** Repository path of the lockfile or manifest. */
  file: string;
  /** 1-based line where the package's entry starts (best effort). */
  line: number;
}

/** Every package the lockfiles and manifests of a repository list. */
export interface PackageInventory {
  packages: InventoryPackage[];
  /** The lockfiles and manifests read, in path order. */
  files: string[];
  /** Files that could not be read completely, with a location. */
  problems: ScanProblem[];
}

/** Packages kept per file; the rest of a larger file is left out with a problem. */
export const MAX_PACKAGES_PER_FILE = 50_000;
/** Nesting followed in nested lockfiles (npm v1 `dependencies`). */
export const MAX_NESTING = 64;
/** Lockfiles larger than the snapshot's read cap are read up to this size. */
export const MAX_LOCKFILE_BYTES = 32 * 1024 * 1024;

/** A package as a format parser reports it (the file is added by the collector). */
export type ParsedPackage = Omit<InventoryPackage, 'file'> & {
  /** Another file than the collector's: a file it includes (`-r other.txt`). */
  file?: string;
};

/**
 * Gathers the packages and problems of one file: caps the package count,
 * notes the truncation once.
 */
export class FileCollector {
  readonly packages: InventoryPackage[] = [];
  readonly problems: ScanProblem[] = [];
  /** Files read besides the collector's own (includes). */
  readonly included: string[] = [];
  #truncated = false;

  constructor(readonly file: string, readonly max = MAX_PACKAGES_PER_FILE) {}

  /** False once the cap is reached: the parser should stop. */
  add(pkg: ParsedPackage): boolean {
    if (this.packages.length >= this.max) {
      if (!this.#truncated) {
        this.#truncated = true;
        this.problems.push({
          file: this.file,
          line: pkg.line,
          column: 1,
          kind: 'parse-error',
          message: `more than ${this.max} packages: the rest of the file is not listed`,
        });
      }
      return false;
    }
    this.packages.push({ ...pkg, file: pkg.file ?? this.file });
    return true;
  }

  get full(): boolean {
    return this.#truncated;
  }

  problem(message: string, line = 1, column = 1) {
    this.problems.push({
      file: this.file,
      line,
      column,
      kind: 'parse-error',
      message,
    });
  }
}

/**
 * Finds the lines of entries in a text whose entries appear in the order
 * they are visited (JSON and TOML lockfiles): each search starts where the
 * previous match ended. Searches that miss cost a scan of the rest of the
 * text, so the characters scanned in total are bounded (a few times the
 * text's length); past that, every entry gets the cursor's line.
 */
export class LineCursor {
  readonly lines: LineIndex;
  #pos = 0;
  #budget: number;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
    this.#budget = 4 * text.length + 4096;
  }

  /** Line of the next occurrence of `needle`, or of the cursor when there is none. */
  line(needle: string): number {
    const at = this.find(needle);
    return this.lines.pos(at === -1 ? this.#pos : at).line;
  }

  /** Line of the first of `needles` found after the cursor, tried in order. */
  lineOfAny(...needles: string[]): number {
    for (const needle of needles) {
      const at = this.find(needle);
      if (at !== -1) return this.lines.pos(at).line;
    }
    return this.lines.pos(this.#pos).line;
  }

  /** Offset of the next occurrence of `needle` (the cursor moves past it), or -1. */
  find(needle: string): number {
    if (!needle || this.#budget <= 0) return -1;
    const i = this.text.indexOf(needle, this.#pos);
    if (i === -1) {
      this.#budget -= this.text.length - this.#pos;
      return -1;
    }
    this.#budget -= i - this.#pos + needle.length;
    this.#pos = i + needle.length;
    return i;
  }
}

/** A JSON-style message for an exception thrown by a parser. */
export function errorMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0];
}

/** Own enumerable string-keyed entries of a plain object; nothing for anything else. */
export function entriesOf(value: unknown): Array<[string, unknown]> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>);
}

/** The object, when `value` is a plain object. */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `JSON.parse` with the position of a syntax error as a line and column. */
export function parseJson(
  text: string,
  collector: FileCollector,
): unknown | undefined {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = errorMessage(e);
    const m = /position (\d+)/.exec(message);
    const at = m
      ? new LineIndex(text).pos(Number(m[1]))
      : { line: 1, column: 1 };
    collector.problem(`not valid JSON: ${message}`, at.line, at.column);
    return undefined;
  }
}

/** Directory of a repository path ('' at the root). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/** A path in `dir` ('' for the root). */
export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** Last segment of a repository path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** PEP 503 normal form of a Python package name, for comparisons. */
export function normalisePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
