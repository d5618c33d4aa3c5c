import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { CicdSecurityFacts, Fact, FactName } from '../facts';

/**
 * The raw inputs of one scan: the repository's files and SCM facts.
 * Checks read a snapshot and nothing else; they never do I/O.
 */
export interface RepoSnapshot {
  /** Human label for the repository (a path or a URL). */
  readonly label: string;
  /** Commit SHA or content revision, when known. */
  readonly revision?: string;
  readonly defaultBranch?: string;
  /** Every readable file, repository-relative, POSIX separators, sorted. */
  files(): readonly string[];
  /** True when the file exists in the snapshot (readable or not). */
  exists(path: string): boolean;
  /**
   * The file's text, or undefined when missing, binary or too large. Text
   * that is not UTF-8 is decoded as Windows-1252, with a note.
   */
  read(path: string): string | undefined;
  /**
   * The raw bytes of a file over the size cap that `read` refuses, up to
   * `maxBytes`, for scanners that read large files in windows (secrets).
   * Undefined when missing, larger than `maxBytes`, binary or not kept.
   * Not cached.
   */
  readLarge?(path: string, maxBytes: number): Buffer | undefined;
  /**
   * A fact from outside the files (SCM settings, organisation declarations;
   * see `facts.ts`), or `unavailable` with the reason when no provider
   * supplied it.
   */
  fact<K extends FactName>(name: K): Fact<CicdSecurityFacts[K]>;
  /** Files skipped and parse problems, recorded with their reason. */
  readonly problems: ScanProblem[];
  /**
   * Memoise a derived model (parsed workflows, Dockerfiles…) so that each
   * is built once per snapshot however many checks use it. A build that
   * throws is not retried: the same error is thrown to every later caller.
   */
  memo<T>(key: string, build: () => T): T;
}

export interface SnapshotOptions {
  /** Files larger than this are skipped with a note. Default 1 MiB. */
  maxFileBytes?: number;
  revision?: string;
  defaultBranch?: string;
  facts?: Partial<Record<FactName, Fact>>;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/**
 * Windows-1252 characters of bytes 0x80-0x9f (the rest is Latin-1). Spelled
 * out because Node's TextDecoder decodes 'windows-1252' as plain Latin-1 in
 * some versions, turning quotes and the euro sign into control characters.
 * The five undefined bytes keep their C1 code points, as in WHATWG.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Text that is not UTF-8, decoded as Windows-1252 (which covers Latin-1). */
export function decodeWindows1252(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, c => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/** Shared behaviour of snapshots: memo, facts and the text decoding rules. */
export abstract class BaseSnapshot implements RepoSnapshot {
  readonly problems: ScanProblem[] = [];
  readonly revision?: string;
  readonly defaultBranch?: string;
  protected readonly maxFileBytes: number;
  readonly #memo = new Map<string, unknown>();
  readonly #facts: Partial<Record<string, Fact>>;
  readonly #texts = new Map<string, string | undefined>();

  protected constructor(readonly label: string, options: SnapshotOptions) {
    this.revision = options.revision;
    this.defaultBranch = options.defaultBranch;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.#facts = options.facts ?? {};
  }

  abstract files(): readonly string[];
  abstract exists(path: string): boolean;
  /**
   * Raw bytes of a file, or undefined when it cannot be read. Snapshots that
   * read lazily may stop one byte past `maxBytes` (default: the per-file
   * cap), which is enough to tell that the file is too large.
   */
  protected abstract readBytes(
    path: string,
    maxBytes?: number,
  ): Buffer | undefined;
  /** Size of a file without reading it, when cheap. */
  protected abstract sizeOf(path: string): number | undefined;

  read(path: string): string | undefined {
    if (this.#texts.has(path)) return this.#texts.get(path);
    const text = this.#decode(path);
    this.#texts.set(path, text);
    return text;
  }

  #decode(path: string): string | undefined {
    if (!this.exists(path)) return undefined;
    const size = this.sizeOf(path);
    if (size !== undefined && size > this.maxFileBytes) {
      this.skip(path, `larger than ${this.maxFileBytes} bytes (${size})`);
      return undefined;
    }
    const bytes = this.readBytes(path);
    if (!bytes) return undefined;
    if (bytes.length > this.maxFileBytes) {
      this.skip(
        path,
        `larger than ${this.maxFileBytes} bytes (${bytes.length})`,
      );
      return undefined;
    }
    const head = bytes.subarray(0, 8000);
    if (head.includes(0)) {
      this.skip(path, 'binary file');
      return undefined;
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: most likely Latin-1 or Windows-1252 (old Jenkinsfiles,
      // scripts saved on Windows). Every byte decodes, so nothing is left
      // unread; the note says the text may be off for other encodings.
      this.problems.push({
        file: path,
        kind: 'parse-error',
        message:
          'not valid UTF-8: decoded as Windows-1252 (Latin-1); characters may be wrong if the file uses another encoding',
      });
      return decodeWindows1252(bytes);
    }
  }

  readLarge(path: string, maxBytes: number): Buffer | undefined {
    if (!this.exists(path)) return undefined;
    const size = this.sizeOf(path);
    if (size !== undefined && size > maxBytes) return undefined;
    const bytes = this.readBytes(path, maxBytes);
    if (!bytes || bytes.length > maxBytes) return undefined;
    if (bytes.subarray(0, 8000).includes(0)) return undefined;
    return bytes;
  }

  protected skip(path: string, message: string) {
    this.problems.push({ file: path, kind: 'skipped-file', message });
  }

  fact(name: string): Fact<any> {
    return (
      this.#facts[name] ?? {
        available: false,
        reason: `no provider supplied ${name}`,
      }
    );
  }

  memo<T>(key: string, build: () => T): T {
    return memoise(this.#memo, key, build);
  }
}

/** A build that threw, kept so that it is rethrown instead of run again. */
class MemoFailure {
  constructor(readonly error: unknown) {}
}

/** `memo` of a snapshot over this map: failures are memoised too. */
export function memoise<T>(
  memo: Map<string, unknown>,
  key: string,
  build: () => T,
): T {
  if (!memo.has(key)) {
    try {
      memo.set(key, build());
    } catch (e) {
      memo.set(key, new MemoFailure(e));
    }
  }
  const value = memo.get(key);
  if (value instanceof MemoFailure) throw value.error;
  return value as T;
}
