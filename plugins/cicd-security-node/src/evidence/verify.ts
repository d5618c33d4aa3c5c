import { canonicalJson, sha256Hex } from './canonicalJson';

export interface EvidenceVerification {
  valid: boolean;
  /** The digest the document states. */
  stated?: string;
  /** The SHA-256 of the canonical JSON of its `content`. */
  computed?: string;
  /** Why the document cannot be verified, when it cannot. */
  problem?: string;
}

/**
 * Re-computes an evidence document's digest: the SHA-256 (hex) of the
 * canonical JSON (RFC 8785: keys sorted, no whitespace) of `content`, and
 * compares it with `integrity.digest`.
 */
export function verifyEvidence(doc: unknown): EvidenceVerification {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return { valid: false, problem: 'not a JSON object' };
  }
  const { content, integrity } = doc as {
    content?: unknown;
    integrity?: { algorithm?: unknown; digest?: unknown };
  };
  if (content === undefined) return { valid: false, problem: 'no content' };
  if (!integrity || integrity.algorithm !== 'sha256') {
    return { valid: false, problem: 'no sha256 integrity digest' };
  }
  const stated = typeof integrity.digest === 'string' ? integrity.digest : '';
  const computed = sha256Hex(canonicalJson(content));
  return { valid: stated.toLowerCase() === computed, stated, computed };
}
