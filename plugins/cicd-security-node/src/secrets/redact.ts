import { createHash } from 'crypto';

/**
 * A secret as it may be shown: at most its first 4 characters (fewer for
 * short values) followed by the number of characters withheld, e.g.
 * `AKIA…[REDACTED 16 chars]`. The full value never leaves the scanner.
 */
export function redactSecret(secret: string): string {
  const shown = secret.length >= 16 ? 4 : secret.length >= 10 ? 2 : 0;
  return `${secret.slice(0, shown)}…[REDACTED ${secret.length - shown} chars]`;
}

/** A short, stable digest of a secret: the fingerprint material of its findings. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/** Snippets are at most this long (plus an ellipsis). */
export const MAX_SNIPPET = 200;

/**
 * A copy of a string that shares no memory with the string it was cut from.
 * V8 keeps the whole parent of a `slice` alive: a 40-character snippet cut
 * from a 1 MiB line would otherwise pin the megabyte.
 */
export function flatCopy(s: string): string {
  return s.length === 0 ? '' : (JSON.parse(JSON.stringify(s)) as string);
}

/** Trim and cap a snippet, and copy it out of the text it was cut from. */
export function capSnippet(s: string): string {
  let out = s.trim();
  if (out.length > MAX_SNIPPET) out = `${out.slice(0, MAX_SNIPPET)}…`;
  return flatCopy(out);
}

/**
 * One source line with every occurrence of the secret (or of the part of a
 * multi-line secret that sits on this line) replaced by its redacted form,
 * trimmed and capped in length.
 */
export function redactLine(
  line: string,
  secret: string,
  partOnLine?: string,
): string {
  let out = line;
  const redacted = redactSecret(secret);
  for (const part of [secret, partOnLine]) {
    if (part && part.length >= 4) out = out.split(part).join(redacted);
  }
  return capSnippet(out);
}

/** Shortest known secret (or part of one) that redaction looks for. */
const MIN_KNOWN = 4;
/** Shortest start of a known secret removed where a cut text ends. */
const MIN_EDGE = 6;

/**
 * Known secret values, indexed by their first 4 characters so that a text is
 * searched for all of them in one pass.
 */
export class KnownSecrets {
  readonly #byHead = new Map<string, string[]>();

  constructor(values: Iterable<string>) {
    for (const v of values) {
      if (v.length < MIN_KNOWN) continue;
      const head = v.slice(0, MIN_KNOWN);
      const list = this.#byHead.get(head);
      if (!list) this.#byHead.set(head, [v]);
      else if (!list.includes(v)) list.push(v);
    }
    for (const list of this.#byHead.values())
      list.sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.#byHead.size === 0;
  }

  /**
   * The text with every occurrence of a known secret replaced by its
   * redacted form, and the start of one cut off where the text ends
   * (`…ghp_a1B2c3…`).
   */
  redact(text: string): string {
    if (this.empty || text.length < MIN_KNOWN) return text;
    const cut = text.endsWith('…') ? text.length - 1 : text.length;
    let out = '';
    let pos = 0;
    for (let i = 0; i + MIN_KNOWN <= cut; i++) {
      const list = this.#byHead.get(text.substr(i, MIN_KNOWN));
      if (!list) continue;
      for (const s of list) {
        let end = -1;
        if (text.startsWith(s, i)) end = i + s.length;
        else if (
          cut - i >= MIN_EDGE &&
          cut - i < s.length &&
          s.startsWith(text.slice(i, cut))
        ) {
          end = cut;
        }
        if (end < 0) continue;
        out += text.slice(pos, i) + redactSecret(s);
        pos = end;
        i = end - 1;
        break;
      }
    }
    return pos === 0 ? text : out + text.slice(pos);
  }
}

/** Replace every occurrence of the given secrets in a text by their redacted form. */
export function redactKnown(text: string, secrets: Iterable<string>): string {
  return new KnownSecrets(secrets).redact(text);
}
