import { isReference } from './rules';

/**
 * @internal
 * The offsets of the credentials of URLs, command-line options and headers
 * in a text (not those of the secret rules).
 */
export function credentialSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const find of PATTERNS) find(text, spans);
  return spans;
}

type Finder = (text: string, spans: Array<[number, number]>) => void;

/**
 * A value that stands for a secret (a variable, a template) or is redacted
 * already, not one. A value cut short by an ellipsis is still a value.
 */
function isPlaceholderValue(value: string): boolean {
  if (value.includes('[REDACTED') || value.startsWith('…')) return true;
  const v = value.endsWith('…') ? value.slice(0, -1) : value;
  return !v || isReference(v) || /^(?:\$|%[A-Za-z_]|<|\{\{|#\{|\*{3})/.test(v);
}

/** Push the span of group `g` of every match of `re` that holds a literal. */
function byGroup(re: RegExp, g: number, minLength = 3): Finder {
  return (text, spans) => {
    // `d`: the offsets of the group itself.
    const r = new RegExp(re.source, `${re.flags}d`);
    for (let m = r.exec(text); m; m = r.exec(text)) {
      const value = m[g];
      if (!value || value.length < minLength || isPlaceholderValue(value))
        continue;
      spans.push(m.indices![g]!);
    }
  };
}

const LOGIN_CONTEXT_RE =
  /\blogin\b|(?:^|\s)(?:-u|--username|--user)[\s=]|sshpass|mysql|mariadb|mongo|psql|twine|\bftp\b/i;

const PATTERNS: Finder[] = [
  // scheme://user:password@host
  byGroup(
    /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s:@/?#'"`<>]{0,200}:([^\s@/?#'"`<>]{1,300})@/gi,
    1,
    1,
  ),
  // scheme://token@host: a user name as long as a token.
  (text, spans) => {
    const re = /\b[a-z][a-z0-9+.-]{0,20}:\/\/([^\s:@/?#'"`<>]{16,300})@/gi;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const v = m[1];
      if (isPlaceholderValue(v) || !/[0-9]/.test(v) || !/[A-Za-z]/.test(v))
        continue;
      const at = m.index + m[0].length - 1 - v.length;
      spans.push([at, at + v.length]);
    }
  },
  // curl -u user:password, --user user:password, --user=user:password
  byGroup(
    /(?<![\w-])(?:-u|--user)(?:[ \t]{1,10}|=)["']?[^\s:"']{1,200}:([^\s"']{1,300})/g,
    1,
    1,
  ),
  // --password value, --password=value and other secret-valued options
  byGroup(
    /(?<![\w-])--(?:password|passwd|pass|token|api-key|apikey|secret|client-secret|auth-token|access-token)(?:[ \t]{1,10}|=)["']?([^\s"'-][^\s"']{0,299})/gi,
    1,
  ),
  // -p password (and -pPASSWORD for mysql) on a line that logs in
  (text, spans) => {
    const re = /[^\n]{1,4000}/g;
    for (let line = re.exec(text); line; line = re.exec(text)) {
      if (!LOGIN_CONTEXT_RE.test(line[0])) continue;
      const mysql = /mysql|mariadb/i.test(line[0]);
      const p =
        /(?<![\w-])-p(?:([ \t]{1,10})["']?([^\s"'-][^\s"']{0,299})|([^\s"'-][^\s"']{0,299}))/g;
      for (let m = p.exec(line[0]); m; m = p.exec(line[0])) {
        const value = m[2] ?? (mysql ? m[3] : undefined);
        if (
          !value ||
          isPlaceholderValue(value) ||
          /^\d{1,5}(?::\d{1,5})?$/.test(value)
        )
          continue;
        const at = line.index + m.index + m[0].length - value.length;
        spans.push([at, at + value.length]);
      }
    }
  },
  // Authorization: Bearer|Basic|token VALUE
  byGroup(
    /\b(?:proxy-)?authorization["']?[ \t]{0,3}[:=][ \t]{0,3}["']?(?:(?:bearer|basic|token|bot|digest|apikey|key)[ \t]{1,5})?([^\s"',;]{1,1000})/gi,
    1,
  ),
  // PRIVATE-TOKEN: value, X-API-Key: value…
  byGroup(
    /\b(?:private-token|job-token|deploy-token|x-api-key|x-auth-token|x-access-token|api-key|apikey)["']?[ \t]{0,3}:[ \t]{0,3}["']?([^\s"',;]{1,1000})/gi,
    1,
  ),
  // A text cut short inside a URL's userinfo: scheme://user:pass…
  byGroup(
    /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s:@/?#'"`<>]{0,200}:([^\s@/?#'"`<>]{1,300}…)$/gi,
    1,
    2,
  ),
  // Bearer VALUE anywhere
  byGroup(/\bbearer[ \t]{1,5}([A-Za-z0-9._~+/=-]{8,1000})/gi, 1),
];
