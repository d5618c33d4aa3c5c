import {
  CheckResult,
  Finding,
  ScanProblem,
} from '@cicd-security/plugin-cicd-security-common';
import { RepoSnapshot } from '../snapshot';
import { redactCredentials } from '../secrets/credentials';
import { capSnippet, flatCopy, KnownSecrets } from '../secrets/redact';
import { knownSecrets } from '../secrets/scanSecrets';

/** Messages, fixes and reasons longer than this are cut. */
const MAX_TEXT = 4000;
/** Text redacted around the point a long snippet is cut at. */
const SNIPPET_CONTEXT = 1000;
/** Known secret values searched for in every text, across all files. */
const MAX_KNOWN = 20_000;

/**
 * The one redaction pass of the runner: every text a check reports (the
 * message, snippet, suggested fix and replacement of each finding, the
 * reason of each check, suppression reasons) and every scan problem loses
 *
 * - every value the secret detector found anywhere in the repository
 *   (memoised with the snapshot's secret scan, kept in memory only), also
 *   where a text ends in the middle of one;
 * - provider-format tokens, private keys, connection-string passwords and
 *   generic secrets found in the text itself;
 * - URL userinfo, `-u user:pass`, `-p pass` after a login, `--password pass`,
 *   and `Authorization:` and token header values.
 *
 * Snippets are capped at 200 characters (cut around the finding's column on
 * long lines) and every text is copied, so that none keeps a file alive.
 * Edits the results in place.
 */
export function redactFindings(
  checks: CheckResult[],
  snapshot: RepoSnapshot,
  problems: ScanProblem[] = [],
): void {
  const values: string[] = [];
  for (const set of knownSecrets(snapshot).values()) {
    for (const v of set) {
      if (values.length >= MAX_KNOWN) break;
      values.push(v);
    }
  }
  const known = new KnownSecrets(values);
  const clean = (text: string) => redactCredentials(known.redact(text));
  const cleanText = (text: string) => {
    if (text.length <= MAX_TEXT) return flatCopy(clean(text));
    // Redact more than is kept, so no secret is cut before it is seen.
    const redacted = clean(text.slice(0, MAX_TEXT + SNIPPET_CONTEXT));
    return flatCopy(`${redacted.slice(0, MAX_TEXT)}…`);
  };
  for (const check of checks) {
    if (check.reason !== undefined) check.reason = cleanText(check.reason);
    for (const f of check.findings) redactFinding(f, clean, cleanText);
  }
  for (const p of problems) p.message = cleanText(p.message);
}

function redactFinding(
  f: Finding,
  clean: (text: string) => string,
  cleanText: (text: string) => string,
) {
  f.message = cleanText(f.message);
  if (f.snippet !== undefined) f.snippet = cleanSnippet(f, clean);
  if (f.suggestedFix) {
    const { description, replacement, ...rest } = f.suggestedFix;
    f.suggestedFix = {
      ...rest,
      description: cleanText(description),
      ...(replacement !== undefined
        ? { replacement: cleanText(replacement) }
        : {}),
    };
  }
  if (f.suppressed?.reason !== undefined) {
    f.suppressed = { ...f.suppressed, reason: cleanText(f.suppressed.reason) };
  }
}

/**
 * A snippet of at most 200 characters. A longer one is redacted in a wide
 * window around the finding's column and then cut to 200 characters inside
 * it, so a secret is never cut before it is redacted.
 */
function cleanSnippet(f: Finding, clean: (text: string) => string): string {
  const snippet = f.snippet!;
  if (snippet.length <= 2 * SNIPPET_CONTEXT) return capSnippet(clean(snippet));
  const at = Math.min(
    Math.max(0, (f.column ?? 1) - 1 - (f.column && f.column > 150 ? 80 : 0)),
    snippet.length - 1,
  );
  const from = Math.max(0, at - SNIPPET_CONTEXT);
  const redacted = clean(
    snippet.slice(from, Math.min(snippet.length, at + SNIPPET_CONTEXT)),
  );
  // Where the finding sits in the redacted window, roughly.
  const offset = Math.round(
    ((at - from) /
      Math.max(1, Math.min(snippet.length, at + SNIPPET_CONTEXT) - from)) *
      redacted.length,
  );
  return capSnippet(`${from + offset > 0 ? '…' : ''}${redacted.slice(offset)}`);
}
