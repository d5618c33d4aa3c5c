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
 * CPU time of `run` on a quarter of `size` and on all of it (the faster of
 * two runs each). The tests expect
 * the second within 12x the first (linear is 4x, quadratic 16x); 500 ms more
 * keep a loaded machine's noise on short runs out. Absolute figures:
 * `node bench/run.js hostile`.
 */
function quarterAndWhole(
  run: (size: number) => void,
  size: number,
): { small: number; large: number } {
  run(1000); // warm up
  // The faster of two runs each: a collection or a busy neighbour landing
  // in one run does not decide the ratio.
  const best = (n: number) =>
    Math.min(
      time(() => run(n)),
      time(() => run(n)),
    );
  const small = best(Math.floor(size / 4));
  const large = best(size);
  return { small, large };
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
      // One long line. Quadratic expressions took minutes here.
      const line = quarterAndWhole(size => ALL(fill(seed, size)), MiB);
      expect(line.large).toBeLessThan(12 * line.small + 500);
      // The same run cut into lines, source-code style.
      const lines = quarterAndWhole(
        size => ALL(fill(`${seed}\n`, size), true),
        MiB / 4,
      );
      expect(lines.large).toBeLessThan(12 * lines.small + 500);
    },
  );

  it.each(otherKeywords)('stays linear on runs of %s', (_name, seed) => {
    const { small, large } = quarterAndWhole(
      size => ALL(fill(seed, size)),
      MiB / 4,
    );
    expect(large).toBeLessThan(12 * small + 500);
  });

  it('stays linear on an .npmrc token of a megabyte of `${`', () => {
    const { small, large } = quarterAndWhole(
      size =>
        scanText(`//registry.npmjs.org/:_authToken=${'${'.repeat(size)}\n`),
      MiB / 2,
    );
    expect(large).toBeLessThan(12 * small + 500);
  });

  it('stays linear on repeated private key headers', () => {
    const { small, large } = quarterAndWhole(
      size =>
        scanText(
          `-----BEGIN RSA PRIVATE KEY-----\n${'-----BEGIN RSA PRIVATE KEY-----\nMIIE'.repeat(
            Math.ceil(size / 36),
          )}`,
        ),
      MiB,
    );
    expect(large).toBeLessThan(12 * small + 500);
  });
});
