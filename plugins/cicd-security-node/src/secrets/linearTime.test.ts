import { scanText } from './scanSecrets';
import {
  adversarialSeeds,
  fill,
  otherKeywordSeeds,
  scanWithEveryRule,
} from '../testing/hostileSecretSeeds';

/**
 * Hostile inputs for every rule (long runs of each rule's keywords and of the
 * characters the expressions key on). These tests assert what the inputs must
 * yield: the scan ends, and its output stays bounded. Their speed (linear in
 * the size of the input: CPU time at a quarter and at the whole size) is
 * measured outside the test runner, where parallel suites and the collector
 * cannot make a ratio flaky: `node --expose-gc bench/run.js hostile --only
 * secret-rules`, which `scripts/test-all.sh` runs and which exits 1 above 10x.
 */
describe('secret rules on hostile input', () => {
  const MiB = 1024 * 1024;

  it.each(adversarialSeeds())(
    'scans a megabyte-long run of %s with bounded output',
    (_name, seed) => {
      // One long line. Quadratic expressions took minutes here.
      expect(scanWithEveryRule(fill(seed, MiB))).toBeLessThanOrEqual(100);
      // The same run cut into lines, source-code style.
      expect(
        scanWithEveryRule(fill(`${seed}\n`, MiB / 4), true),
      ).toBeLessThanOrEqual(100);
    },
  );

  it.each(otherKeywordSeeds())(
    'scans a long run of %s with bounded output',
    (_name, seed) => {
      expect(scanWithEveryRule(fill(seed, MiB / 4))).toBeLessThanOrEqual(100);
    },
  );

  it('reports an .npmrc token of a megabyte of `${` once, redacted and short', () => {
    const found = scanText(
      `//registry.npmjs.org/:_authToken=${'${'.repeat(MiB / 2)}\n`,
    );
    expect(found).toHaveLength(1);
    expect(found[0].redacted.length).toBeLessThan(200);
    expect(found[0].snippet.length).toBeLessThan(400);
  });

  it('keeps the findings of repeated private key headers bounded and redacted', () => {
    const found = scanText(
      `-----BEGIN RSA PRIVATE KEY-----\n${'-----BEGIN RSA PRIVATE KEY-----\nMIIE'.repeat(
        Math.ceil(MiB / 36),
      )}`,
      { maxMatches: 100 },
    );
    expect(found.length).toBeLessThanOrEqual(100);
    expect(found.every(f => f.redacted.length < 200)).toBe(true);
  });
});
