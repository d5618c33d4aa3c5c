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

/**
 * CPU time on the whole input stays within 12x the time on a quarter of it
 * (linear is 4x, quadratic 16x); the 500 ms keeps a loaded machine's noise on
 * short runs out. Absolute figures: `node bench/run.js hostile`.
 */
function expectLinear(run: (size: number) => void, size: number) {
  run(1000); // warm up
  const tSmall = time(() => run(Math.floor(size / 4)));
  const tLarge = time(() => run(size));
  expect(tLarge).toBeLessThan(12 * tSmall + 500);
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
      // Quadratic expressions took minutes here.
      expect(tLarge).toBeLessThan(12 * tSmall + 500);
      // The same run cut into lines, source-code style.
      expectLinear(size => ALL(fill(`${seed}\n`, size), true), MiB / 4);
    },
  );

  it.each(otherKeywords)('stays linear on runs of %s', (_name, seed) => {
    expectLinear(size => ALL(fill(seed, size)), MiB / 4);
  });

  it('stays linear on an .npmrc token of a megabyte of `${`', () => {
    expectLinear(
      size =>
        scanText(`//registry.npmjs.org/:_authToken=${'${'.repeat(size)}\n`),
      MiB / 2,
    );
  });

  it('stays linear on repeated private key headers', () => {
    expectLinear(
      size =>
        scanText(
          `-----BEGIN RSA PRIVATE KEY-----\n${'-----BEGIN RSA PRIVATE KEY-----\nMIIE'.repeat(
            Math.ceil(size / 36),
          )}`,
        ),
      MiB,
    );
  });
});
