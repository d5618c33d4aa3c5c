import { scanText } from './scanSecrets';
import {
  isPlaceholder,
  isReference,
  looksLikeExample,
  SECRET_RULES,
} from './rules';
import { redactCredentials } from './credentials';

/**
 * Hostile inputs for every rule: long runs of each rule's keywords and of the
 * characters the expressions key on. Scans run on the backend's event loop,
 * so each must stay linear in the size of its input.
 */
function adversarialSeeds(): Array<[string, string]> {
  const seeds: Array<[string, string]> = [
    ['${', '${'],
    ['{{', '{{'],
    ['$(', '$('],
    ['BEGIN', '-----BEGIN PRIVATE KEY-----'],
    ['BEGIN RSA', '-----BEGIN RSA PRIVATE KEY-----\n'],
    ['dashes', '-'],
    ['quotes', '"'],
    ['single quotes', "'"],
    ['equals', '='],
    ['colons', ':'],
    ['base64', 'Ab1+/'],
    ['alnum', 'a1'],
    ['authToken', ':_authToken='],
    ['authToken ${', ':_authToken=${'],
    ['url userinfo', 'https://u:'],
    ['postgres', 'postgres://'],
    ['jdbc', 'jdbc:mysql://a:'],
    ['jwt', 'eyJ'],
    ['jwt dots', 'eyJabcdefghijk.'],
    ['password=', 'password='],
    ['password', 'password'],
    ['token: "', 'token: "'],
    ['<password>', '<password>'],
    ['aws secret', 'aws_secret_access_key='],
    ['curl -u', 'curl -u a:'],
    ['-p', 'login -p '],
    ['--password', '--password='],
    ['Authorization', 'Authorization: Bearer '],
    ['bearer', 'bearer '],
    ['ENV', 'ENV password '],
  ];
  for (const rule of SECRET_RULES) {
    const k = rule.keywords[0];
    seeds.push([`${rule.id} ${k}`, k]);
    seeds.push([`${rule.id} ${k}+alnum`, `${k}${'A1b2C3d4'.repeat(8)}`]);
  }
  return seeds;
}

/** The other keywords of each rule. */
const otherKeywords = SECRET_RULES.flatMap(r =>
  r.keywords.slice(1).map(k => [`${r.id} ${k}`, k] as [string, string]),
);

function fill(seed: string, size: number) {
  return seed.repeat(Math.ceil(size / seed.length)).slice(0, size);
}

/** CPU milliseconds of `fn` (other processes on the machine do not count). */
function time(fn: () => void): number {
  const cpu = process.cpuUsage();
  fn();
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000;
}

const ALL = (text: string, quoted = false) => {
  scanText(text, { genericQuotedOnly: quoted, maxMatches: 100 });
  isReference(text);
  isPlaceholder(text);
  looksLikeExample(text);
  redactCredentials(text);
};

describe('secret rules on hostile input', () => {
  const MiB = 1024 * 1024;

  it.each(adversarialSeeds())(
    'runs every rule in linear time on runs of %s',
    (_name, seed) => {
      // One long line: 4x the input may take at most ~12x the time (linear
      // is 4x, quadratic 16x).
      const small = fill(seed, MiB / 4);
      const large = fill(seed, MiB);
      ALL(small.slice(0, 1000)); // warm up
      const tSmall = time(() => ALL(small));
      const tLarge = time(() => ALL(large));
      // A generous budget on a loaded 2-core machine; quadratic
      // expressions took minutes here.
      expect(tLarge).toBeLessThan(6000);
      expect(tLarge).toBeLessThan(12 * tSmall + 500);
      // The same run cut into lines, source-code style.
      const lines = fill(`${seed}\n`, MiB / 4);
      expect(time(() => ALL(lines, true))).toBeLessThan(4000);
    },
  );

  it.each(otherKeywords)('stays fast on runs of %s', (_name, seed) => {
    expect(time(() => ALL(fill(seed, MiB / 4)))).toBeLessThan(4000);
  });

  it('keeps the .npmrc token of a megabyte of `${` fast', () => {
    const text = `//registry.npmjs.org/:_authToken=${'${'.repeat(MiB / 2)}\n`;
    expect(time(() => scanText(text))).toBeLessThan(5000);
  });

  it('keeps repeated private key headers fast', () => {
    const text = `-----BEGIN RSA PRIVATE KEY-----\n${'-----BEGIN RSA PRIVATE KEY-----\nMIIE'.repeat(
      MiB / 36,
    )}`;
    expect(time(() => scanText(text))).toBeLessThan(5000);
  });
});
