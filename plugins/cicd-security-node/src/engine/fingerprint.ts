import { createHash } from 'crypto';

/**
 * A fingerprint that stays the same while the offending code stays the same,
 * even when lines move: check id + file + normalised key + occurrence index.
 */
export function fingerprint(
  checkId: string,
  file: string | undefined,
  key: string,
  occurrence: number,
): string {
  const normalised = key.replace(/\s+/g, ' ').trim();
  return createHash('sha256')
    .update(`${checkId}\0${file ?? ''}\0${normalised}\0${occurrence}`)
    .digest('hex')
    .slice(0, 32);
}
