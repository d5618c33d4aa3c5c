/**
 * Hostile inputs for every secret rule: long runs of each rule's keywords and
 * of the characters the expressions key on. Scans run on the backend's event
 * loop, so each must stay linear in the size of its input. Shared by the
 * secret rules' hostile-input test (what the inputs must yield) and the
 * hostile-input benchmark (`node bench/run.js hostile --only secret-rules`),
 * which measures their CPU time at a quarter and at the whole size.
 */
import { scanText } from '../secrets/scanSecrets';
import {
  isPlaceholder,
  isReference,
  looksLikeExample,
  SECRET_RULES,
} from '../secrets/rules';
import { redactCredentials } from '../secrets/credentials';

/** [name, seed] for every character class and every rule's first keyword. */
export function adversarialSeeds(): Array<[string, string]> {
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

/** [name, seed] for the other keywords of each rule. */
export function otherKeywordSeeds(): Array<[string, string]> {
  return SECRET_RULES.flatMap(r =>
    r.keywords.slice(1).map(k => [`${r.id} ${k}`, k] as [string, string]),
  );
}

/** `seed` repeated to exactly `size` characters. */
export function fill(seed: string, size: number): string {
  return seed.repeat(Math.ceil(size / seed.length)).slice(0, size);
}

/** Every text function of the secret scanner, on `text`. */
export function scanWithEveryRule(text: string, quoted = false): number {
  const found = scanText(text, { genericQuotedOnly: quoted, maxMatches: 100 });
  isReference(text);
  isPlaceholder(text);
  looksLikeExample(text);
  redactCredentials(text);
  return found.length;
}
