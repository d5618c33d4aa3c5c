import { RepoSnapshot } from '../snapshot';
import { shannonEntropy } from './entropy';
import { credentialSpans } from './credentialSpans';
import {
  capSnippet,
  flatCopy,
  MAX_SNIPPET,
  redactKnown,
  redactSecret,
  secretHash,
} from './redact';
import {
  GENERIC_KEYWORDS,
  GENERIC_SECRET_NAME_RE,
  GENERIC_THRESHOLDS,
  isPlaceholder,
  exampleReason,
  SECRET_RULES,
  SecretRule,
  SecretRuleKind,
  TRIVIAL_PASSWORDS,
} from './rules';

/**
 * One secret found in a text. It carries the redacted form and a hash, never
 * the value itself.
 */
export interface SecretMatch {
  ruleId: string;
  title: string;
  kind: SecretRuleKind;
  severity: 'critical' | 'high';
  /** 1-based position of the finding (the secret, or the key block's first line). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The source line with the secret redacted. */
  snippet: string;
  /** e.g. `AKIA…[REDACTED 16 chars]`. */
  redacted: string;
  /** SHA-256 prefix of the secret: stable fingerprint material. */
  hash: string;
  /** The value looks like a documentation example (reported all the same, at low severity by hardcoded-secrets). */
  example: boolean;
  /** Why it looks like one, e.g. "AWS's documented example access key ID". */
  exampleReason?: string;
  /** For the generic rule: the name the value is assigned to. */
  name?: string;
}

export interface ScanTextOptions {
  /**
   * Accept only quoted values for the generic rule (source code, where
   * `token = getToken()` is common).
   */
  genericQuotedOnly?: boolean;
  /** Rules to use; defaults to all. */
  rules?: readonly SecretRule[];
  /** Run the generic rule (default true). */
  generic?: boolean;
  /** Report at most this many matches (the first ones); default all. */
  maxMatches?: number;
}

/** Line starts of a text, for offset → line/column. */
class LineIndex {
  readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      this.starts.push(i + 1);
    }
  }
  /** 0-based line index of an offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  pos(offset: number) {
    const l = this.lineOf(offset);
    return { line: l + 1, column: offset - this.starts[l] + 1 };
  }
}

/** @internal A secret found in a text, at its offsets. */
export interface RawMatch {
  rule: Pick<SecretRule, 'id' | 'title' | 'kind' | 'severity'>;
  start: number;
  end: number;
  secretStart: number;
  secret: string;
  name?: string;
}

/**
 * Scan one text for secrets. Each rule runs only when one of its keywords
 * occurs; overlapping matches keep the most specific rule (rules are ordered
 * from specific to generic).
 */
export function scanText(
  text: string,
  options: ScanTextOptions = {},
): SecretMatch[] {
  const raw = findSecrets(text, options);
  return toMatches(text, raw, options.maxMatches ?? raw.length);
}

/**
 * @internal
 * The secrets of a text with their offsets, without overlaps, sorted by
 * position. The values are slices of the text: keep them in memory only.
 */
export function findSecrets(
  text: string,
  options: ScanTextOptions = {},
): RawMatch[] {
  const rules = options.rules ?? SECRET_RULES;
  const found = keywordsIn(text, prefilterFor(rules));
  const groups: RawMatch[][] = [];
  for (const rule of rules) {
    if (!rule.keywords.some(k => found.has(k))) continue;
    const group: RawMatch[] = [];
    const re = new RegExp(rule.regex.source, rule.regex.flags);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const secret = m.groups?.secret ?? m[0];
      if (rule.validate && !rule.validate(secret, m)) continue;
      const secretStart = m.index + m[0].indexOf(secret);
      group.push({
        rule,
        start: rule.locateAtMatch ? m.index : secretStart,
        end: secretStart + secret.length,
        secretStart,
        secret,
      });
    }
    groups.push(group);
  }
  if (options.generic !== false && GENERIC_KEYWORDS.some(k => found.has(k))) {
    groups.push(genericMatches(text, options.genericQuotedOnly ?? false));
  }
  return dedupe(groups);
}

/**
 * One case-insensitive pass that finds which keywords occur, instead of one
 * `includes` per keyword: longer keywords are tried first at each position,
 * the scan advances one character after a hit so overlapping keywords are
 * seen, and a hit also counts for every keyword contained in it. The result
 * is exactly the set `includes` would give, at about a third of the cost.
 */
interface Prefilter {
  re: RegExp;
  contained: Map<string, string[]>;
}

const prefilters = new WeakMap<readonly SecretRule[], Prefilter>();

/** @internal */
export function prefilterFor(rules: readonly SecretRule[]): Prefilter {
  let p = prefilters.get(rules);
  if (!p) {
    const words = [
      ...new Set([...rules.flatMap(r => r.keywords), ...GENERIC_KEYWORDS]),
    ].sort((a, b) => b.length - a.length);
    const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    p = {
      re: new RegExp(words.map(escape).join('|'), 'gi'),
      contained: new Map(words.map(w => [w, words.filter(o => w.includes(o))])),
    };
    prefilters.set(rules, p);
  }
  return p;
}

/** @internal */
export function keywordsIn(text: string, p: Prefilter): Set<string> {
  const found = new Set<string>();
  const re = new RegExp(p.re.source, p.re.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (const w of p.contained.get(m[0].toLowerCase()) ?? []) found.add(w);
    re.lastIndex = m.index + 1;
  }
  return found;
}

const GENERIC_RULE = {
  id: 'generic-secret',
  title: 'Secret-like value',
  kind: 'generic' as const,
  severity: 'high' as const,
};

const NAME_CHAR = /[A-Za-z0-9_.-]/;
const MAX_NAME = 80;
/** Longer lines are minified code or data, not configuration: the generic rule skips them. */
const MAX_LINE = 1000;

/**
 * The generic rule: a secret-like name (`DB_PASSWORD`, `client_secret`,
 * `<password>`) followed by an assignment of a literal, random-looking value.
 * Written as a scan around each keyword hit instead of one big expression,
 * which keeps it linear on long identifier runs.
 */
function genericMatches(text: string, quotedOnly: boolean): RawMatch[] {
  const out: RawMatch[] = [];
  const re = new RegExp(GENERIC_SECRET_NAME_RE.source, 'gi');
  // Hits come in order: the end of the current line is found once per line,
  // not once per hit (a long line full of `token` was quadratic).
  let lineEnd = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let nameStart = m.index;
    while (
      nameStart > 0 &&
      m.index - nameStart < MAX_NAME &&
      NAME_CHAR.test(text[nameStart - 1])
    ) {
      nameStart--;
    }
    let nameEnd = m.index + m[0].length;
    while (
      nameEnd < text.length &&
      nameEnd - m.index < MAX_NAME &&
      NAME_CHAR.test(text[nameEnd])
    ) {
      nameEnd++;
    }
    re.lastIndex = nameEnd;
    const name = text.slice(nameStart, nameEnd);
    if (nameEnd > lineEnd) lineEnd = nextLineEnd(text, nameEnd);
    if (lineEnd - nameStart > MAX_LINE) continue;
    const value = assignedValue(text, nameStart, nameEnd, lineEnd, quotedOnly);
    if (!value) continue;
    if (!isSecretLikeValue(name, value.value)) continue;
    out.push({
      rule: GENERIC_RULE,
      start: value.start,
      end: value.start + value.value.length,
      secretStart: value.start,
      secret: value.value,
      name,
    });
  }
  return out;
}

/** The literal assigned to the name ending at `nameEnd`, if the text assigns one. */
function assignedValue(
  text: string,
  nameStart: number,
  nameEnd: number,
  lineEnd: number,
  quotedOnly: boolean,
): { value: string; start: number } | undefined {
  const rest = text.slice(nameEnd, Math.min(lineEnd, nameEnd + 600));
  const before = text[nameStart - 1];
  // XML element: <password>value</password>
  if (before === '<' && rest.startsWith('>')) {
    const close = rest.indexOf('</');
    if (close <= 1) return undefined;
    const value = rest.slice(1, close).trim();
    return { value, start: nameEnd + 1 + rest.slice(1, close).indexOf(value) };
  }
  // name, optional closing quote, operator, optional opening quote, value.
  let op = /^["']?[ \t]{0,5}(?:=>|:=|\?=|\+=|=|:)(?![=:])[ \t]{0,5}/.exec(rest);
  if (!op) {
    // Dockerfile's legacy `ENV NAME value` form.
    // Looks back a bounded distance: a long line stays linear.
    const from = Math.max(0, nameStart - 40);
    const head = text.slice(from, nameStart);
    const env =
      from === 0
        ? /(?:^|\n)[ \t]*(?:ENV|ARG)[ \t]+$/i
        : /\n[ \t]*(?:ENV|ARG)[ \t]+$/i;
    if (env.test(head)) op = /^[ \t]+/.exec(rest);
    if (!op) return undefined;
  }
  const after = rest.slice(op[0].length);
  const offset = nameEnd + op[0].length;
  const q = after[0];
  if (q === '"' || q === "'" || q === '`') {
    const close = after.indexOf(q, 1);
    if (close < 0) return undefined;
    return { value: after.slice(1, close), start: offset + 1 };
  }
  if (quotedOnly) return undefined;
  // A backslash ends a value too: `\n` in an escaped, JSON-encoded text.
  const unquoted = /^[^\s"'`,;\\]+/.exec(after);
  if (!unquoted) return undefined;
  return { value: unquoted[0], start: offset };
}

function nextLineEnd(text: string, from: number) {
  const i = text.indexOf('\n', from);
  return i < 0 ? text.length : i;
}

/** Identifier-ish and code-ish values that are not literals of a secret. */
const NOT_A_LITERAL_RE = [
  /^(?:true|false|null|none|nil|undefined|yes|no|on|off|required|optional)$/i,
  /^[0-9.]+$/,
  /^[A-Z][A-Z0-9_]+$/, // a variable name: password: DB_PASSWORD
  /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/, // config.password, env.TOKEN, secrets.X
  /[()[\]{}]/, // calls, indexing, templates
  /^(?:https?|file|ftp):\/\/[^@]*$/, // a URL without credentials
  /^[./~]/, // a path
  /^[a-z]+(?:[-_.][a-z]+[0-9]{0,2})+$/, // kebab/snake identifiers: aws-credentials-prod
];

/** Does a generic assignment hold a literal that looks like a real secret? */
function isSecretLikeValue(name: string, value: string): boolean {
  if (isPlaceholder(value) || TRIVIAL_PASSWORDS.has(value.toLowerCase()))
    return false;
  if (NOT_A_LITERAL_RE.some(re => re.test(value))) return false;
  // Words (`PasswordResetRequired`, `X-Amz-Security-Token`), prose and values
  // that name what they stand for (`mysecretpassword`) are not secrets.
  if (/^[A-Za-z_-]+$/.test(value) || /\s/.test(value)) return false;
  if (/secret|passw|token/i.test(value)) return false;
  if (/\$\{|\$\(|\$[A-Za-z_]|%[A-Za-z_]+%/.test(value)) return false;
  const isPassword = /passw/i.test(name);
  const t = isPassword ? GENERIC_THRESHOLDS.password : GENERIC_THRESHOLDS.other;
  if (value.length < t.minLength) return false;
  if (shannonEntropy(value) < t.minEntropy) return false;
  // A name about a secret but not holding one: token_type, secret_name, token_url…
  if (
    /(?:type|name|file|path|url|uri|endpoint|id|arn|ref|header|expir\w*|length|prefix|env|var|field|key_?name)$/i.test(
      name,
    )
  ) {
    return false;
  }
  return true;
}

/**
 * Drop matches that overlap one of an earlier (more specific) rule. The
 * matches of one rule never overlap each other, so the kept ones are disjoint
 * intervals: each new match is checked with a binary search, in O(n log n)
 * (a pairwise check was quadratic on a file of thousands of keys).
 */
function dedupe(groups: RawMatch[][]): RawMatch[] {
  let kept: RawMatch[] = [];
  for (const group of groups) {
    const accepted: RawMatch[] = [];
    let lastEnd = -1;
    for (const m of [...group].sort((a, b) => a.secretStart - b.secretStart)) {
      if (m.secretStart < lastEnd || overlapsKept(kept, m)) continue;
      accepted.push(m);
      lastEnd = m.end;
    }
    if (accepted.length) kept = mergeSorted(kept, accepted);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** `kept` is sorted by secretStart, disjoint, hence also sorted by end. */
function overlapsKept(kept: RawMatch[], m: RawMatch): boolean {
  const i = firstEndingAfter(kept, m.secretStart);
  return i < kept.length && kept[i].secretStart < m.end;
}

/** Index of the first interval ending after `offset`. */
function firstEndingAfter(sorted: RawMatch[], offset: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function mergeSorted(a: RawMatch[], b: RawMatch[]): RawMatch[] {
  const out: RawMatch[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].secretStart <= b[j].secretStart))
      out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

/** Characters of context kept on each side of a secret on a long line. */
const CONTEXT = 80;
/** Characters on each side of that window searched for credentials. */
const WIDE = 400;

/**
 * The findings of the first `max` matches. Each snippet is its line, or on a
 * long line a window around the secret, with every secret of that window
 * redacted, trimmed, capped at 200 characters and copied out of the text.
 */
function toMatches(
  text: string,
  raw: RawMatch[],
  max: number,
  base: { line: number; column: number } = { line: 0, column: 0 },
): SecretMatch[] {
  if (!raw.length || max <= 0) return [];
  const index = new LineIndex(text);
  const bySecret = [...raw].sort((a, b) => a.secretStart - b.secretStart);
  return raw.slice(0, max).map(m => {
    const start = index.pos(m.start);
    const end = index.pos(m.end);
    const l = start.line - 1;
    const lineStart = index.starts[l];
    let lineEnd =
      l + 1 < index.starts.length ? index.starts[l + 1] - 1 : text.length;
    if (text[lineEnd - 1] === '\r') lineEnd--;
    let from = lineStart;
    let to = lineEnd;
    if (to - from > MAX_SNIPPET) {
      const partFrom = Math.min(Math.max(m.secretStart, lineStart), lineEnd);
      const partTo = Math.max(Math.min(m.end, lineEnd), partFrom);
      from = Math.max(lineStart, partFrom - CONTEXT);
      to = Math.min(lineEnd, Math.max(partTo, partFrom + 1) + CONTEXT);
    }
    // Every secret that reaches into the window, and every credential of a
    // URL, option or header found in a wider window (so that a keyword cut
    // off by the window still counts), by position…
    const spans: Array<{ start: number; end: number; secret: string }> = [];
    for (
      let i = firstEndingAfter(bySecret, from);
      i < bySecret.length && bySecret[i].secretStart < to;
      i++
    ) {
      const s = bySecret[i];
      spans.push({ start: s.secretStart, end: s.end, secret: s.secret });
    }
    const inWindow = spans.map(x => x.secret);
    const wideFrom = Math.max(lineStart, from - WIDE);
    const wide = text.slice(wideFrom, Math.min(lineEnd, to + WIDE));
    for (const [cs, ce] of credentialSpans(wide)) {
      if (wideFrom + ce > from && wideFrom + cs < to) {
        const secret = wide.slice(cs, ce);
        spans.push({ start: wideFrom + cs, end: wideFrom + ce, secret });
      }
    }
    spans.sort((x, y) => x.start - y.start);
    let snippet = '';
    let pos = from;
    for (const x of spans) {
      if (x.end <= pos) continue;
      snippet += text.slice(pos, Math.max(pos, x.start));
      snippet += redactSecret(x.secret);
      pos = Math.max(pos, x.end);
    }
    if (pos < to) snippet += text.slice(pos, to);
    // …and their other occurrences by value.
    snippet = redactKnown(snippet, inWindow);
    const line = start.line + base.line;
    return {
      ruleId: m.rule.id,
      title: m.rule.title,
      kind: m.rule.kind,
      severity: m.rule.severity,
      line,
      column: start.column + (start.line === 1 ? base.column : 0),
      endLine: end.line + base.line,
      endColumn: end.column + (end.line === 1 ? base.column : 0),
      snippet: capSnippet(
        `${from > lineStart ? '…' : ''}${snippet}${to < lineEnd ? '…' : ''}`,
      ),
      redacted: redactSecret(m.secret),
      hash: secretHash(m.secret),
      ...exampleFields(m.secret),
      name: m.name === undefined ? undefined : flatCopy(m.name),
    };
  });
}

function exampleFields(secret: string): {
  example: boolean;
  exampleReason?: string;
} {
  const reason = exampleReason(secret);
  return reason ? { example: true, exampleReason: reason } : { example: false };
}

const SKIP_DIR_RE =
  /(?:^|\/)(?:node_modules|vendor|third_party|third-party|bower_components|\.git|\.yarn|\.venv|venv|site-packages|\.terraform)\//;
const SKIP_FILE_RE =
  /(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Gemfile\.lock|Cargo\.lock|poetry\.lock|composer\.lock|Pipfile\.lock|go\.sum|[^/]+\.lock)$|\.min\.js$|\.map$/;
const NAMED_FILE_RE =
  /(?:^|\/)(?:(?:Docker|Container)file[^/]*|[^/]*\.dockerfile|Jenkinsfile[^/]*|\.env(?:\.[^/]*)?|[^/]+\.env|\.npmrc|\.pypirc|\.netrc|\.yarnrc(?:\.yml)?|settings\.xml|pom\.xml|id_(?:rsa|dsa|ecdsa|ed25519)|credentials)$/;
const EXTENSION_RE =
  /\.(?:ya?ml|json|toml|ini|cfg|conf|tf|tfvars|properties|sh|bash|zsh|ps1|py|js|cjs|mjs|ts|go|java|kt|kts|rb|groovy|gradle|xml|pem|key)$/i;
const CODE_RE = /\.(?:py|js|cjs|mjs|ts|go|java|kt|kts|rb|groovy|gradle)$/i;

/**
 * Whether a repository file is scanned for secrets: CI configurations,
 * Dockerfiles, environment and package-manager credential files, config
 * and script files; never lockfiles, minified or vendored code (Markdown,
 * such as the product's own check guides, is not read).
 */
export function isSecretScanPath(path: string): boolean {
  if (SKIP_DIR_RE.test(path) || SKIP_FILE_RE.test(path)) return false;
  return NAMED_FILE_RE.test(path) || EXTENSION_RE.test(path);
}

export interface FileSecretMatch extends SecretMatch {
  file: string;
}

/** Secrets reported per file; the others are counted in `omitted`. */
export const MAX_MATCHES_PER_FILE = 100;
/** Files above the snapshot's size cap are scanned up to this size… */
export const MAX_LARGE_FILE_BYTES = 16 * 1024 * 1024;
/** …in windows of this many bytes. */
export const LARGE_FILE_WINDOW_BYTES = 1024 * 1024;
/** …and at most this many bytes of such files per snapshot. */
export const MAX_LARGE_FILES_TOTAL_BYTES = 64 * 1024 * 1024;
/** Values kept in memory per file to redact the findings of other checks. */
const MAX_KNOWN_PER_FILE = 1000;

export interface SnapshotSecrets {
  /** Files scanned. */
  files: number;
  /** At most {@link MAX_MATCHES_PER_FILE} per file. */
  matches: FileSecretMatch[];
  /** Files with more secrets than were listed, and how many were left out. */
  omitted: Array<{ file: string; count: number }>;
}

interface SecretsMemo {
  result: SnapshotSecrets;
  /** The values themselves, per file: in memory only, for redaction. */
  known: Map<string, Set<string>>;
}

/**
 * Scan every eligible file of a snapshot (memoised per snapshot). Files the
 * snapshot cannot read as text because they are over its size cap are read
 * up to 16 MiB each (64 MiB in all) and scanned in 1 MiB windows; binary
 * files are skipped.
 */
export function scanSnapshotSecrets(snapshot: RepoSnapshot): SnapshotSecrets {
  return secretsMemo(snapshot).result;
}

/**
 * @internal
 * The secret values the scan of a snapshot found, per file, to redact them
 * wherever else they appear (the findings of other checks). Never output.
 */
export function knownSecrets(
  snapshot: RepoSnapshot,
): ReadonlyMap<string, ReadonlySet<string>> {
  return secretsMemo(snapshot).known;
}

function secretsMemo(snapshot: RepoSnapshot): SecretsMemo {
  return snapshot.memo('secrets:scan', () => {
    const result: SnapshotSecrets = { files: 0, matches: [], omitted: [] };
    const known = new Map<string, Set<string>>();
    let largeBytes = 0;
    for (const file of snapshot.files()) {
      if (!isSecretScanPath(file)) continue;
      const quoted = CODE_RE.test(file) && !/(?:^|\/)Jenkinsfile/.test(file);
      const options = { genericQuotedOnly: quoted };
      const text = snapshot.read(file);
      let scanned: { matches: SecretMatch[]; total: number } | undefined;
      const values = new Set<string>();
      const remember = (raw: RawMatch[]) => {
        for (const r of raw) {
          if (values.size >= MAX_KNOWN_PER_FILE) return;
          rememberSecret(values, r.secret);
        }
      };
      if (text !== undefined) {
        const raw = findSecrets(text, options);
        remember(raw);
        scanned = {
          matches: toMatches(text, raw, MAX_MATCHES_PER_FILE),
          total: raw.length,
        };
      } else {
        const bytes = snapshot.readLarge?.(file, MAX_LARGE_FILE_BYTES);
        if (bytes && largeBytes + bytes.length > MAX_LARGE_FILES_TOTAL_BYTES) {
          snapshot.problems.push({
            file,
            kind: 'skipped-file',
            message: `not scanned for secrets: large files of this repository add up to more than ${MAX_LARGE_FILES_TOTAL_BYTES} bytes`,
          });
        } else if (bytes) {
          largeBytes += bytes.length;
          scanned = scanLarge(bytes, options, remember);
        }
      }
      if (!scanned) continue;
      result.files++;
      for (const m of scanned.matches) result.matches.push({ ...m, file });
      if (scanned.total > scanned.matches.length) {
        result.omitted.push({
          file,
          count: scanned.total - scanned.matches.length,
        });
      }
      if (values.size) known.set(file, values);
    }
    return { result, known };
  });
}

/** Keep a flat copy of a secret, and of each line of a multi-line one. */
function rememberSecret(values: Set<string>, secret: string) {
  values.add(flatCopy(secret));
  if (/\n|\\n/.test(secret)) {
    for (const part of secret.split(/\\n|\r?\n/)) {
      const p = part.trim();
      if (p.length >= 8) values.add(flatCopy(p));
    }
  }
}

/**
 * Scan a file too large to be read as one text, in windows cut at line ends
 * (or, inside a very long line, anywhere but in a UTF-8 sequence). Each
 * window repeats the last line of the one before, so a secret on the seam is
 * seen whole; matches seen twice are counted once.
 */
function scanLarge(
  bytes: Buffer,
  options: ScanTextOptions,
  remember: (raw: RawMatch[]) => void,
): { matches: SecretMatch[]; total: number } {
  const matches: SecretMatch[] = [];
  const seen = new Set<string>();
  let total = 0;
  let start = 0;
  let line = 0; // lines before `start`
  let column = 0; // characters between the start of that line and `start`
  const decoder = new TextDecoder('utf-8');
  while (start < bytes.length) {
    let end = Math.min(bytes.length, start + LARGE_FILE_WINDOW_BYTES);
    if (end < bytes.length) {
      const nl = bytes.lastIndexOf(0x0a, end - 1);
      if (nl > start) end = nl + 1;
      else while (end > start + 1 && (bytes[end] & 0xc0) === 0x80) end--;
    }
    const text = decoder.decode(bytes.subarray(start, end));
    const raw = findSecrets(text, options);
    const index = new LineIndex(text);
    const fresh: RawMatch[] = [];
    for (const r of raw) {
      const pos = positionKey(index, r, line, column);
      if (seen.has(pos)) continue;
      seen.add(pos);
      fresh.push(r);
    }
    total += fresh.length;
    remember(fresh);
    if (matches.length < MAX_MATCHES_PER_FILE) {
      matches.push(
        ...toMatches(text, fresh, MAX_MATCHES_PER_FILE - matches.length, {
          line,
          column,
        }),
      );
    }
    if (end >= bytes.length) break;
    // The next window starts at the last line of this one (a line's worth of
    // overlap), or 4 KiB back inside a line longer than a window.
    const lastNl = bytes.lastIndexOf(0x0a, end - 2);
    let next = lastNl >= start ? lastNl + 1 : end - 4096;
    if (next <= start) next = end;
    while (next > start + 1 && (bytes[next] & 0xc0) === 0x80) next--;
    const skipped = bytes.subarray(start, next);
    const newlines = countNewlines(skipped);
    if (newlines > 0) {
      line += newlines;
      const afterNl = skipped.lastIndexOf(0x0a) + 1;
      column = decoder.decode(skipped.subarray(afterNl)).length;
    } else {
      column += decoder.decode(skipped).length;
    }
    start = next;
  }
  return { matches, total };
}

/** Absolute line and column of a secret found in a window. */
function positionKey(
  index: LineIndex,
  r: RawMatch,
  line: number,
  column: number,
): string {
  const p = index.pos(r.secretStart);
  return `${r.rule.id}:${p.line + line}:${
    p.column + (p.line === 1 ? column : 0)
  }`;
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1))
    n++;
  return n;
}
