import { RepoSnapshot } from '../snapshot';
import { shannonEntropy } from './entropy';
import { redactLine, redactSecret, secretHash } from './redact';
import {
  GENERIC_KEYWORDS,
  GENERIC_SECRET_NAME_RE,
  GENERIC_THRESHOLDS,
  isPlaceholder,
  looksLikeExample,
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
  /** The value looks like a documentation example (reported all the same). */
  example: boolean;
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
  lineText(l: number): string {
    const end =
      l + 1 < this.starts.length ? this.starts[l + 1] - 1 : this.text.length;
    return this.text.slice(this.starts[l], end).replace(/\r$/, '');
  }
}

interface RawMatch {
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
  const rules = options.rules ?? SECRET_RULES;
  const found = keywordsIn(text, prefilterFor(rules));
  const raw: RawMatch[] = [];
  for (const rule of rules) {
    if (!rule.keywords.some(k => found.has(k))) continue;
    const re = new RegExp(rule.regex.source, rule.regex.flags);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const secret = m.groups?.secret ?? m[0];
      if (rule.validate && !rule.validate(secret, m)) continue;
      const secretStart = m.index + m[0].indexOf(secret);
      raw.push({
        rule,
        start: rule.locateAtMatch ? m.index : secretStart,
        end: secretStart + secret.length,
        secretStart,
        secret,
      });
    }
  }
  if (options.generic !== false && GENERIC_KEYWORDS.some(k => found.has(k))) {
    raw.push(...genericMatches(text, options.genericQuotedOnly ?? false));
  }
  return toMatches(text, dedupe(raw));
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
    if (nextLineEnd(text, nameEnd) - nameStart > MAX_LINE) continue;
    const value = assignedValue(text, nameStart, nameEnd, quotedOnly);
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
  quotedOnly: boolean,
): { value: string; start: number } | undefined {
  const lineEnd = nextLineEnd(text, nameEnd);
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
    const lineStart = text.lastIndexOf('\n', nameStart - 1) + 1;
    const head = text.slice(lineStart, nameStart);
    if (/^\s*(?:ENV|ARG)\s+$/i.test(head)) op = /^[ \t]+/.exec(rest);
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
  const unquoted = /^[^\s"'`,;]+/.exec(after);
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

/** Drop matches that overlap an earlier (more specific) one. */
function dedupe(raw: RawMatch[]): RawMatch[] {
  const kept: RawMatch[] = [];
  for (const m of raw) {
    if (kept.some(k => m.secretStart < k.end && k.secretStart < m.end))
      continue;
    kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function toMatches(text: string, raw: RawMatch[]): SecretMatch[] {
  if (!raw.length) return [];
  const index = new LineIndex(text);
  return raw.map(m => {
    const start = index.pos(m.start);
    const end = index.pos(m.end);
    const l = start.line - 1;
    const lineText = index.lineText(l);
    const lineStart = index.starts[l];
    const partFrom = Math.max(m.secretStart, lineStart) - lineStart;
    const partTo =
      Math.min(m.secretStart + m.secret.length, lineStart + lineText.length) -
      lineStart;
    const part =
      partTo > partFrom ? lineText.slice(partFrom, partTo) : undefined;
    return {
      ruleId: m.rule.id,
      title: m.rule.title,
      kind: m.rule.kind,
      severity: m.rule.severity,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      snippet: redactLine(lineText, m.secret, part),
      redacted: redactSecret(m.secret),
      hash: secretHash(m.secret),
      example: looksLikeExample(m.secret),
      name: m.name,
    };
  });
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
 * and script files; never lockfiles, minified or vendored code, or the
 * product's own check guides.
 */
export function isSecretScanPath(path: string): boolean {
  if (SKIP_DIR_RE.test(path) || SKIP_FILE_RE.test(path)) return false;
  if (path.startsWith('docs/checks/')) return false;
  return NAMED_FILE_RE.test(path) || EXTENSION_RE.test(path);
}

export interface FileSecretMatch extends SecretMatch {
  file: string;
}

/**
 * Scan every eligible file of a snapshot (memoised per snapshot). Files the
 * snapshot cannot read as text (binary, too large) are skipped.
 */
export function scanSnapshotSecrets(snapshot: RepoSnapshot): {
  files: number;
  matches: FileSecretMatch[];
} {
  return snapshot.memo('secrets:scan', () => {
    const matches: FileSecretMatch[] = [];
    let files = 0;
    for (const file of snapshot.files()) {
      if (!isSecretScanPath(file)) continue;
      const text = snapshot.read(file);
      if (text === undefined) continue;
      files++;
      const quoted = CODE_RE.test(file) && !/(?:^|\/)Jenkinsfile/.test(file);
      for (const m of scanText(text, { genericQuotedOnly: quoted })) {
        matches.push({ ...m, file });
      }
    }
    return { files, matches };
  });
}
