/**
 * The secret rules: provider token formats in the style of gitleaks and the
 * secretlint presets, private keys, credentials in connection strings, and a
 * generic rule for high-entropy values assigned to secret-like names.
 *
 * Every rule names cheap keywords; the scanner only runs a rule's regular
 * expression on text containing one of them. The expressions avoid nested
 * quantifiers and bound every repetition, so that their time stays linear
 * in the input however hostile it is (secrets/linearTime.test.ts runs each
 * on megabytes of adversarial text).
 */

export type SecretRuleKind =
  /** A provider-issued token recognised by its format. */
  | 'provider'
  /** A PEM private key block. */
  | 'private-key'
  /** The password of a connection string. */
  | 'connection-string'
  /** A JSON Web Token. */
  | 'jwt'
  /** A random-looking value assigned to a secret-like name. */
  | 'generic';

export interface SecretRule {
  /** Stable id, e.g. `aws-access-key-id`. */
  id: string;
  /** What the secret is, for messages: "AWS access key ID". */
  title: string;
  kind: SecretRuleKind;
  severity: 'critical' | 'high';
  /** Lower-case keywords; at least one must occur (case-insensitively) for the rule to run. */
  keywords: string[];
  /**
   * Global regular expression. The secret is the named group `secret`
   * (or the whole match when there is none).
   */
  regex: RegExp;
  /** Point the finding at the start of the whole match instead of the secret. */
  locateAtMatch?: boolean;
  /** Extra test on the secret; false drops the match. */
  validate?(secret: string, match: RegExpExecArray): boolean;
}

/**
 * Values that stand for a secret rather than being one: references, templates,
 * masks. Every alternative is anchored at both ends and has one way to match,
 * so the test is linear in the length of the value.
 */
const REFERENCE_RE =
  /^(?:\$\{\{[^\n]*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%|<[^>]*>|\{\{[^\n]*\}\}|#\{[^\n]*\}#?|@Microsoft\.KeyVault\([^\n]*)$/;

/** True when a value is a variable reference, a template or a mask, not a literal secret. */
export function isReference(value: string): boolean {
  const v = value.trim();
  if (!v) return true;
  if (REFERENCE_RE.test(v)) return true;
  // A value built from references only, e.g. `${USER}:${PASS}`.
  if (/\$\{|\$\(|\{\{/.test(v) && onlyReferences(v)) return true;
  if (/^(?:\*+|x+|X+|\.+|-+)$/.test(v)) return true;
  // Already redacted, e.g. `npm_…[REDACTED 36 chars]`.
  if (v.includes('…') || v.includes('[REDACTED')) return true;
  return false;
}

/**
 * True when a value is made of `${…}`, `$(…)`, `{{…}}` and the separators
 * `:@/._-` only. A hand-written scan: each character is looked at a bounded
 * number of times (a global `replace` restarted an unbounded `[^}]*` at every
 * `${`, quadratic on `${${${…`).
 */
function onlyReferences(v: string): boolean {
  let i = 0;
  while (i < v.length) {
    const c = v[i];
    if (':@/._-'.includes(c)) {
      i++;
      continue;
    }
    let close: string;
    let from: number;
    if (c === '$' && v[i + 1] === '{') {
      close = '}';
      from = i + 2;
    } else if (c === '$' && v[i + 1] === '(') {
      close = ')';
      from = i + 2;
    } else if (c === '{' && v[i + 1] === '{') {
      close = '}}';
      from = i + 2;
    } else {
      return false;
    }
    const end = v.indexOf(close, from);
    if (end < 0) return false;
    if (close === '}}' && v.slice(from, end).includes('}')) return false;
    i = end + close.length;
  }
  return true;
}

/**
 * Words that mark a value as an example rather than a real secret. Used only to
 * drop values of the generic rule; provider-format keys are still reported.
 */
const PLACEHOLDER_WORD_RE =
  /example|dummy|placeholder|changeme|change[_-]me|replace[_-]?me|sample|fake|your[_-]|redacted|xxxx|\*\*\*|test|secret[_-]?here|todo|insert[_-]|\.\.\./i;

export function isPlaceholder(value: string): boolean {
  return isReference(value) || PLACEHOLDER_WORD_RE.test(value);
}

/**
 * Values published in vendors' documentation as examples, with what they are.
 * Findings on them are still reported, at low severity, saying so.
 */
const KNOWN_EXAMPLE_VALUES = new Map([
  ['AKIAIOSFODNN7EXAMPLE', "AWS's documented example access key ID"],
  [
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    "AWS's documented example secret access key",
  ],
  [
    'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
    "AWS's documented example secret access key",
  ],
  [
    'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
    "Azurite's published development storage key",
  ],
]);

/** Words that, inside a value, say it is a stand-in rather than a secret. */
const EXAMPLE_WORDS = [
  'example',
  'sample',
  'dummy',
  'placeholder',
  'fake',
  'changeme',
  'notreal',
];

/**
 * Expected number of chance occurrences of one spelling of a word in a random
 * value, below which a single occurrence is taken as deliberate (about 62
 * letters and digits per character).
 */
const CHANCE_LIMIT = 1e-5;

/**
 * Runs of filler characters that random values do not contain (each
 * alternative is a literal run: linear time).
 */
const FILLER_RE = /x{8}|X{8}|0{8}/;

/**
 * Why a secret value looks like a documentation example, or undefined when it
 * does not. The decision is about the value alone, never about the text around
 * it (a real key next to the word "example" in a comment stays a real key):
 * - a value vendors publish as an example (AWS's `AKIAIOSFODNN7EXAMPLE`…);
 * - a placeholder word inside the value (`example`, `sample`, `dummy`,
 *   `placeholder`, `fake`, `changeme`, `notreal`), written in one case
 *   (`example`, `EXAMPLE` or `Example`, not `eXaMpLe`), and only where it
 *   cannot be chance: a short word in a long value (`fake` in a private
 *   key's body) must occur twice;
 * - a run of filler (`xxxxxxxx`, `XXXXXXXX`, `00000000`) or `1234567890`.
 */
export function exampleReason(secret: string): string | undefined {
  const known = KNOWN_EXAMPLE_VALUES.get(secret);
  if (known) return known;
  for (const word of EXAMPLE_WORDS) {
    const spellings = [
      word,
      word.toUpperCase(),
      word[0].toUpperCase() + word.slice(1),
    ];
    const positions = Math.max(0, secret.length - word.length + 1);
    const chance = (positions * spellings.length) / 62 ** word.length;
    const needed = chance < CHANCE_LIMIT ? 1 : 2;
    let count = 0;
    for (const spelling of spellings) {
      for (
        let i = secret.indexOf(spelling);
        i !== -1 && count < needed;
        i = secret.indexOf(spelling, i + spelling.length)
      ) {
        count++;
      }
    }
    if (count >= needed) return `the value contains the word "${word}"`;
  }
  if (FILLER_RE.test(secret))
    return 'the value contains a run of filler characters';
  if (secret.includes('1234567890'))
    return 'the value contains the sequence 1234567890';
  return undefined;
}

/** True when a secret looks like a documentation example value (see {@link exampleReason}). */
export function looksLikeExample(secret: string): boolean {
  return exampleReason(secret) !== undefined;
}

const BOUNDARY_AFTER = '(?![A-Za-z0-9_-])';

/** Common development passwords of local test services, not reported in connection strings. */
export const TRIVIAL_PASSWORDS = new Set([
  'password',
  'pass',
  'passwd',
  'postgres',
  'root',
  'admin',
  'guest',
  'secret',
  'test',
  'mysql',
  'redis',
  'mongo',
  'user',
  'example',
  'changeme',
  'pwd',
]);

function strongEnough(secret: string) {
  return new Set(secret).size >= 4;
}

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'gcp-service-account-key',
    title: 'GCP service account private key',
    kind: 'private-key',
    severity: 'critical',
    keywords: ['"private_key"'],
    regex:
      /"private_key"\s{0,10}:\s{0,10}"(?<secret>-----BEGIN[ A-Z]{0,40}PRIVATE KEY-----[^"]{32,16384})"/g,
  },
  {
    id: 'private-key',
    title: 'Private key',
    kind: 'private-key',
    severity: 'critical',
    keywords: ['private key'],
    regex:
      /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----(?<secret>(?:[A-Za-z0-9+/=\s\\:,]|-(?!----)){32,16384})-----END[ A-Z0-9_-]{0,40}PRIVATE KEY/g,
    locateAtMatch: true,
    validate: body => {
      const b64 = body.replace(/\\n|\s|Proc-Type:[^\n]*|DEK-Info:[^\n]*/g, '');
      return b64.length >= 32 && strongEnough(b64) && !/^\.+$/.test(b64);
    },
  },
  {
    id: 'aws-access-key-id',
    title: 'AWS access key ID',
    kind: 'provider',
    severity: 'critical',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    regex:
      /(?<![A-Za-z0-9])(?<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g,
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    kind: 'provider',
    severity: 'critical',
    keywords: ['aws'],
    regex:
      /aws[\w.-]{0,20}secret[\w.-]{0,20}["']?\s{0,3}(?:=|:|=>|:=)\s{0,5}["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    validate: s => /[0-9]/.test(s) || /[/+]/.test(s),
  },
  {
    id: 'gcp-api-key',
    title: 'Google API key',
    kind: 'provider',
    severity: 'critical',
    keywords: ['aiza'],
    regex: new RegExp(`(?<secret>AIza[0-9A-Za-z_-]{35})${BOUNDARY_AFTER}`, 'g'),
  },
  {
    id: 'azure-storage-key',
    title: 'Azure storage account key',
    kind: 'provider',
    severity: 'critical',
    keywords: ['accountkey='],
    regex: /AccountKey=(?<secret>[A-Za-z0-9+/]{40,100}={0,2})/gi,
  },
  {
    id: 'github-token',
    title: 'GitHub token',
    kind: 'provider',
    severity: 'critical',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    regex:
      /(?<![A-Za-z0-9_])(?<secret>gh[pousr]_[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])/g,
  },
  {
    id: 'github-fine-grained-token',
    title: 'GitHub fine-grained personal access token',
    kind: 'provider',
    severity: 'critical',
    keywords: ['github_pat_'],
    regex: /(?<secret>github_pat_[A-Za-z0-9_]{40,255})/g,
  },
  {
    id: 'gitlab-token',
    title: 'GitLab token',
    kind: 'provider',
    severity: 'critical',
    keywords: ['glpat-', 'glptt-', 'glrt-', 'gldt-', 'glcbt-'],
    regex: new RegExp(
      `(?<secret>(?:glpat|glptt|glrt|gldt|glcbt)-[0-9A-Za-z_.-]{20,100})${BOUNDARY_AFTER}`,
      'g',
    ),
  },
  {
    id: 'slack-token',
    title: 'Slack token',
    kind: 'provider',
    severity: 'critical',
    keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-', 'xapp-'],
    regex: /(?<secret>(?:xox[baprs]|xapp)-[0-9A-Za-z-]{10,250})/g,
    validate: s => /[0-9]/.test(s),
  },
  {
    id: 'slack-webhook',
    title: 'Slack webhook URL',
    kind: 'provider',
    severity: 'critical',
    keywords: ['hooks.slack.com'],
    regex:
      /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?<secret>[A-Za-z0-9+/]{40,80})/g,
  },
  {
    id: 'discord-webhook',
    title: 'Discord webhook URL',
    kind: 'provider',
    severity: 'critical',
    keywords: ['/api/webhooks/'],
    regex:
      /discord(?:app)?\.com\/api\/webhooks\/(?<secret>[0-9]{5,30}\/[A-Za-z0-9_-]{40,100})/g,
  },
  {
    id: 'teams-webhook',
    title: 'Microsoft Teams webhook URL',
    kind: 'provider',
    severity: 'critical',
    keywords: ['webhook.office.com'],
    regex:
      /webhook\.office\.com\/webhookb2\/(?<secret>[A-Za-z0-9@-]{20,100}\/IncomingWebhook\/[A-Za-z0-9]{20,64}\/[A-Za-z0-9-]{20,64})/g,
  },
  {
    id: 'npm-token',
    title: 'npm access token',
    kind: 'provider',
    severity: 'critical',
    keywords: ['npm_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])/g,
  },
  {
    id: 'npmrc-auth-token',
    title: 'npm registry credential in .npmrc',
    kind: 'provider',
    severity: 'critical',
    keywords: [':_authtoken', ':_auth', ':_password'],
    regex:
      /:_(?:authToken|auth|password)\s{0,5}=\s{0,5}["']?(?<secret>[^\s"'\\]{8,512})/gi,
    validate: s => !isReference(s),
  },
  {
    id: 'pypi-token',
    title: 'PyPI upload token',
    kind: 'provider',
    severity: 'critical',
    keywords: ['pypi-ageichlwas5vcmc'],
    regex: /(?<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000})/g,
  },
  {
    id: 'dockerhub-token',
    title: 'Docker Hub personal access token',
    kind: 'provider',
    severity: 'critical',
    keywords: ['dckr_pat_', 'dckr_oat_'],
    regex: new RegExp(
      `(?<secret>dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,60})${BOUNDARY_AFTER}`,
      'g',
    ),
  },
  {
    id: 'stripe-key',
    title: 'Stripe live secret key',
    kind: 'provider',
    severity: 'critical',
    keywords: ['sk_live_', 'rk_live_', 'sk_prod_', 'rk_prod_'],
    regex: /(?<secret>[sr]k_(?:live|prod)_[A-Za-z0-9]{10,99})(?![A-Za-z0-9])/g,
  },
  {
    id: 'twilio-api-key',
    title: 'Twilio API key',
    kind: 'provider',
    severity: 'critical',
    keywords: ['sk'],
    regex: /(?<![A-Za-z0-9])(?<secret>SK[0-9a-fA-F]{32})(?![A-Za-z0-9])/g,
  },
  {
    id: 'sendgrid-api-key',
    title: 'SendGrid API key',
    kind: 'provider',
    severity: 'critical',
    keywords: ['sg.'],
    regex:
      /(?<![A-Za-z0-9])(?<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'connection-string-password',
    title: 'Password in a connection string',
    kind: 'connection-string',
    severity: 'critical',
    keywords: ['://'],
    regex:
      /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|amqps?|rediss?|mssql|sqlserver|jdbc:[a-z]{1,20})(?:\+[a-z0-9]{1,20})?:\/\/(?<user>[^\s:@/'"`]{0,100}):(?<secret>[^\s@/'"`]{1,200})@/g,
    validate: (secret, m) =>
      !isReference(secret) &&
      !/^\$/.test(secret) &&
      !TRIVIAL_PASSWORDS.has(secret.toLowerCase()) &&
      secret !== m.groups?.user,
  },
  {
    id: 'jwt',
    title: 'JSON Web Token',
    kind: 'jwt',
    severity: 'high',
    keywords: ['eyj'],
    regex:
      /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{10,4096}\.eyJ[A-Za-z0-9_-]{10,8192}\.[A-Za-z0-9_-]{10,2048})/g,
  },
];

/** Names that make the generic rule look at the assigned value. */
export const GENERIC_SECRET_NAME_RE =
  /passwd|password|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret/gi;

export const GENERIC_KEYWORDS = [
  'passw',
  'secret',
  'token',
  'api_key',
  'api-key',
  'apikey',
  'access_key',
  'access-key',
  'accesskey',
  'private_key',
  'private-key',
  'privatekey',
];

/**
 * Thresholds of the generic rule. A value assigned to a password-like name is
 * reported from 8 characters and 2.5 bits/char; other secret-like names need
 * 12 characters and 3.5 bits/char, so that words and identifiers stay quiet.
 */
export const GENERIC_THRESHOLDS = {
  password: { minLength: 8, minEntropy: 2.5 },
  other: { minLength: 12, minEntropy: 3.5 },
} as const;
