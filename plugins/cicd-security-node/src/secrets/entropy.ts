/**
 * Shannon entropy of a string in bits per character: 0 for `aaaa`, about 4
 * for random hex, about 6 for random base64. The generic secret rule uses it to
 * tell random-looking values from words and identifiers.
 */
export function shannonEntropy(value: string): number {
  if (!value) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...value].length;
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
