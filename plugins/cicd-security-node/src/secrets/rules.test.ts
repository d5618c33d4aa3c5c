import { exampleReason, looksLikeExample } from './rules';
import { scanText } from './scanSecrets';

describe('looksLikeExample', () => {
  it.each([
    ['AKIAIOSFODNN7EXAMPLE', "AWS's documented example access key ID"],
    [
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      "AWS's documented example secret access key",
    ],
    ['ghp_EXAMPLE00000000000000000000000000000', 'the word "example"'],
    ['npm_Example1234abcdEFGHijklMNOPqrstUVWX', 'the word "example"'],
    ['example-password-not-real', 'the word "example"'],
    ['sk_live_SAMPLEkeyForTheDocs', 'the word "sample"'],
    ['dckr_pat_dummyTokenForTheDocs', 'the word "dummy"'],
    ['glpat-PLACEHOLDER-token-123', 'the word "placeholder"'],
    ['xoxb-1111-FakeToken-abc', 'the word "fake"'],
    ['changeme-on-first-login', 'the word "changeme"'],
    ['T00000000/B00000000/abcdefgh', 'a run of filler characters'],
    ['SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'a run of filler characters'],
    ['AKIA1234567890ABCDEF', 'the sequence 1234567890'],
    // A short word in a long value counts when it repeats.
    [`MIIEpAIBAAKCAQEA${'FAKEKEYFORTESTSONLY'.repeat(6)}`, 'the word "fake"'],
  ])('%s is an example value (%s)', (value, reason) => {
    expect(looksLikeExample(value)).toBe(true);
    expect(exampleReason(value)).toContain(reason);
  });

  it.each([
    // Real-looking values of each shape.
    'AKIAQ7LZ3KWN4RT5HYVB',
    'Vt3Jq8Lw2Rp5Ns9Xk4Bd7Gh1Mz6Cf0Ya/e+TuWoQ',
    'ghp_9xQ2mL7vR4tZ8kW3nB6cY1pD5fH0jS2aE7uK',
    'sk_live_uBCMzdHjxeT1HluQPHOqbusc',
    // A placeholder word in mixed case is chance, not intent.
    'ghp_eXaMpLe9xQ2mL7vR4tZ8kW3nB6cY1pD5fH0j',
    // A short word once in a long random value is chance too.
    `MIIEpAIBAAKCAQEA${'q8Zr2Lm5Xp9Tw3Vb7Ny1'.repeat(
      10,
    )}fake${'Hj4Kp9Wq2Zx7Lm3Nb8Vc'.repeat(10)}`,
    // Seven filler characters are not a run.
    'AKIAXXXXXXXQ7LZ3KWN4',
  ])('%s is not an example value', value => {
    expect(looksLikeExample(value)).toBe(false);
    expect(exampleReason(value)).toBeUndefined();
  });
});

describe('example values are judged by the value, not by the text around it', () => {
  it.each([
    '# example: AWS_ACCESS_KEY_ID=AKIAQ7LZ3KWN4RT5HYVB',
    'AWS_ACCESS_KEY_ID=AKIAQ7LZ3KWN4RT5HYVB # example value, not a real key',
    'EXAMPLE_AWS_ACCESS_KEY_ID=AKIAQ7LZ3KWN4RT5HYVB',
    'sample:\n  fake: true\n  key: AKIAQ7LZ3KWN4RT5HYVB # placeholder',
  ])('a real-looking key stays a real secret in %j', text => {
    const found = scanText(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      ruleId: 'aws-access-key-id',
      example: false,
    });
    expect(found[0].exampleReason).toBeUndefined();
  });

  it.each([
    'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
    'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE # the real key of production',
  ])('a documented example value stays an example in %j', text => {
    const found = scanText(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      ruleId: 'aws-access-key-id',
      example: true,
      exampleReason: "AWS's documented example access key ID",
    });
  });
});
