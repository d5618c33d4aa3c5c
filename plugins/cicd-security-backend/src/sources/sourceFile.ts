import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  KnownSecrets,
  LocalDirectorySnapshot,
  redactCredentials,
  redactSecret,
  RepoSnapshot,
  scanText,
} from '@cicd-security/plugin-cicd-security-node';
import { treatmentOf } from './boundedTree';
import { ResolvedSource } from './resolveSource';

/** Longest path accepted, in characters. */
const MAX_PATH_LENGTH = 1024;

/** One file of an entity's local source, as the source view shows it. */
export interface SourceFile {
  /** The path inside the repository, e.g. `.github/workflows/ci.yml`. */
  path: string;
  /** The text, with every secret found in it redacted (lines kept). */
  content: string;
  /** Size of the file on disk, in bytes. */
  size: number;
  /** How many secrets or credentials were redacted. */
  redactions: number;
  /** The entity's source location, e.g. `dir:../repos/payments-api`. */
  sourceLocation: string;
}

/**
 * Why a path cannot name a file of a repository, or undefined when it can:
 * a relative path of `/`-separated segments, none empty, `.` or `..`.
 */
export function invalidSourcePath(filePath: string): string | undefined {
  if (!filePath) return 'the path is empty';
  if (filePath.length > MAX_PATH_LENGTH) {
    return `the path is longer than ${MAX_PATH_LENGTH} characters`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(filePath)) {
    return 'the path contains control characters';
  }
  if (filePath.includes('\\')) {
    return 'the path must use / as separator, not \\';
  }
  if (filePath.startsWith('/') || /^[a-zA-Z]:/.test(filePath)) {
    return 'the path must be relative to the repository root';
  }
  if (filePath.endsWith('/')) return 'the path names a directory, not a file';
  const segments = filePath.split('/');
  if (segments.some(s => s === '..')) return 'the path must not contain ..';
  if (segments.some(s => s === '' || s === '.')) {
    return 'the path must not contain empty or . segments';
  }
  return undefined;
}

/**
 * Read one file of an entity's source for the source view, through the same
 * reader as a scan of a `dir:` source ({@link LocalDirectorySnapshot}: the
 * file must be listed in the snapshot, so inside the directory, symbolic
 * links only when they resolve inside it, never `.git` or `node_modules`;
 * opened without blocking and read up to `maxFileBytes`), with every secret
 * redacted ({@link redactSourceText}).
 *
 * Throws `InputError` (400) for a path that cannot name a file, a directory,
 * a binary or too large file; `NotFoundError` (404) when the file is not in
 * the source or the entity has no readable source; `ConflictError` (409) for
 * a `url:` source, whose SCM shows its files.
 */
export function readSourceFile(
  source: ResolvedSource,
  filePath: string,
  options: { maxFileBytes: number },
): SourceFile {
  const invalid = invalidSourcePath(filePath);
  if (invalid) throw new InputError(`Invalid path '${filePath}': ${invalid}`);
  if (source.type === 'url') {
    throw new ConflictError(
      `The source is ${source.location}: its files are shown by its SCM, not by the portal`,
    );
  }
  if (source.type !== 'local') {
    throw new NotFoundError(`No readable source: ${source.reason}`);
  }
  const snapshot = LocalDirectorySnapshot.create(source.path, {
    maxFileBytes: options.maxFileBytes,
  });
  return {
    ...readSnapshotFile(snapshot, filePath),
    sourceLocation: source.location,
  };
}

/** The redacted text of one listed file of a snapshot (errors as {@link readSourceFile}). */
export function readSnapshotFile(
  snapshot: RepoSnapshot,
  filePath: string,
): Omit<SourceFile, 'sourceLocation'> {
  if (!snapshot.exists(filePath) || treatmentOf(filePath) === 'drop') {
    const prefix = `${filePath}/`;
    if (snapshot.files().some(f => f.startsWith(prefix))) {
      throw new InputError(
        `Invalid path '${filePath}': the path names a directory, not a file`,
      );
    }
    throw new NotFoundError(`No file '${filePath}' in the source`);
  }
  if (treatmentOf(filePath) === 'list') {
    throw new InputError(
      `'${filePath}' cannot be shown: binary or vendored file`,
    );
  }
  const before = snapshot.problems.length;
  const text = snapshot.read(filePath);
  if (text === undefined) {
    const why = snapshot.problems
      .slice(before)
      .filter(p => p.file === filePath)
      .map(p => p.message)
      .join('; ');
    throw new InputError(
      `'${filePath}' cannot be shown: ${why || 'not readable'}`,
    );
  }
  const { text: content, redactions } = redactSourceText(text);
  return {
    path: filePath,
    content,
    size: Buffer.byteLength(text, 'utf8'),
    redactions,
  };
}

/**
 * A file's text with every secret redacted, line for line (the text keeps
 * its lines, so line numbers still match the findings):
 *
 * - every secret the secret detector finds in the text (all rules and the
 *   generic one, quoted or not), and every other occurrence of those values;
 *   a secret over several lines (a private key) is redacted on each of its
 *   lines;
 * - then, line by line, the generic redaction of the runner
 *   (`redactCredentials`: provider tokens, URL userinfo, `-p password`,
 *   `Authorization:` headers…).
 */
export function redactSourceText(text: string): {
  text: string;
  redactions: number;
} {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  const offset = (line: number, column: number) =>
    Math.min(text.length, (starts[line - 1] ?? text.length) + column - 1);
  const spans = scanText(text)
    .map(m => [offset(m.line, m.column), offset(m.endLine, m.endColumn)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const values = new Set<string>();
  let out = '';
  let pos = 0;
  let redactions = 0;
  for (let i = 0; i < spans.length; i++) {
    let [start, end] = spans[i];
    if (end <= pos) continue;
    start = Math.max(start, pos);
    while (i + 1 < spans.length && spans[i + 1][0] < end) {
      end = Math.max(end, spans[++i][1]);
    }
    const secret = text.slice(start, end);
    values.add(secret);
    out += text.slice(pos, start) + redactAcrossLines(secret, values);
    pos = end;
    redactions++;
  }
  out += text.slice(pos);
  const known = new KnownSecrets(values);
  const lines = out.split('\n').map(line => {
    const cleaned = redactCredentials(known.redact(line));
    if (cleaned !== line) redactions++;
    return cleaned;
  });
  return { text: lines.join('\n'), redactions };
}

/**
 * The redacted form of a secret that may span lines: the first line shows
 * the usual `abcd…[REDACTED n chars]`, the following lines only the count,
 * and the line breaks stay. Each line's part is remembered, so that other
 * occurrences are redacted too.
 */
function redactAcrossLines(secret: string, values: Set<string>): string {
  const parts = secret.split('\n');
  if (parts.length === 1) return redactSecret(secret);
  return parts
    .map((part, i) => {
      const trimmed = part.replace(/\r$/, '');
      const cr = trimmed.length < part.length ? '\r' : '';
      if (trimmed.trim().length >= 8) values.add(trimmed.trim());
      if (!trimmed) return part;
      return `${
        i === 0 ? redactSecret(trimmed) : `…[REDACTED ${trimmed.length} chars]`
      }${cr}`;
    })
    .join('\n');
}
