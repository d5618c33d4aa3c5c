import { redactSecret } from './redact';
import { credentialSpans } from './credentialSpans';
import { findSecrets } from './scanSecrets';

/**
 * Redaction by pattern, for any text that may quote a file: the secret rules
 * (provider formats, private keys, connection strings, the generic rule) and
 * the credentials of command lines and URLs that no rule reports on their
 * own: `scheme://user:password@`, `curl -u user:password`, `-p password`
 * after a login, `--password[=]value`, `--token value`, and the values of
 * `Authorization:` and token headers.
 *
 * Every expression is bounded, so the time is linear in the text.
 */
export function redactCredentials(text: string): string {
  if (!text) return text;
  const spans = credentialSpans(text);
  for (const m of findSecrets(text)) spans.push([m.secretStart, m.end]);
  if (!spans.length) return text;
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let pos = 0;
  for (let i = 0; i < spans.length; i++) {
    let [start, end] = spans[i];
    if (end <= pos) continue;
    start = Math.max(start, pos);
    // Merge overlapping spans into one.
    while (i + 1 < spans.length && spans[i + 1][0] < end) {
      end = Math.max(end, spans[++i][1]);
    }
    out += text.slice(pos, start) + redactSecret(text.slice(start, end));
    pos = end;
  }
  return out + text.slice(pos);
}
