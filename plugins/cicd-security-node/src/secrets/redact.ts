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

const MAX_SNIPPET = 200;

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
  out = out.trim();
  if (out.length > MAX_SNIPPET) out = `${out.slice(0, MAX_SNIPPET)}…`;
  return out;
}
