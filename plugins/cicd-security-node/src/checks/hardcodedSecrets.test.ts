import { hardcodedSecrets } from './hardcodedSecrets';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';
import { scanText, shannonEntropy, redactSecret } from '../secrets';

const GHP = `ghp_${'EXAMPLE'.repeat(6).slice(0, 36)}`;
const NPM = `npm_${'EXAMPLE'.repeat(6).slice(0, 36)}`;

/** Every literal secret of the fail fixture: none may appear in any output field. */
const RAW_SECRETS = [
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  GHP,
  NPM,
  'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
  '9fK2pQ7xLm4Rz8Wv',
  'Zq8!mW3#vL6pR',
  'Tr0ub4dor&3xyz',
  'q8Zr2Lm5Xp9Tw3Vb7Ny1',
  'Zx9Lq2Wr7Tp4',
  'squ_3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a',
  'FAKEKEYFORTESTSONLYDONOTUSE',
];

describe('hardcoded-secrets', () => {
  describeCheckFixtures(hardcodedSecrets);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(hardcodedSecrets, 'fail');
    expect(summarise(outcome, hardcodedSecrets)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".env:2:19 low AWS access key ID AKIA…[REDACTED 16 chars] is hardcoded in .env; it looks like a documentation example value (AWS's documented example access key ID), so it is reported at low severity: confirm it is not a real credential",
          ".env:4:23 low AWS secret access key wJal…[REDACTED 36 chars] is hardcoded in .env; it looks like a documentation example value (AWS's documented example secret access key), so it is reported at low severity: confirm it is not a real credential",
          ".github/workflows/deploy.yml:8:17 low GitHub token ghp_…[REDACTED 36 chars] is hardcoded in .github/workflows/deploy.yml; it looks like a documentation example value (the value contains the word "example"), so it is reported at low severity: confirm it is not a real credential",
          ".github/workflows/deploy.yml:17:59 low Slack webhook URL T000…[REDACTED 40 chars] is hardcoded in .github/workflows/deploy.yml; it looks like a documentation example value (the value contains a run of filler characters), so it is reported at low severity: confirm it is not a real credential",
          ".gitlab-ci.yml:3:33 critical Password in a connection string Zx…[REDACTED 10 chars] is hardcoded in .gitlab-ci.yml; revoke it if it is real and read it from the CI secret store instead",
          ".npmrc:2:34 low npm access token npm_…[REDACTED 36 chars] is hardcoded in .npmrc; it looks like a documentation example value (the value contains the word "example"), so it is reported at low severity: confirm it is not a real credential",
          "Dockerfile:3:13 high Secret-like value 9fK2…[REDACTED 12 chars] assigned to API_KEY is hardcoded in Dockerfile; revoke it if it is real and read it from the CI secret store instead",
          "Dockerfile:7:17 high Secret-like value Zq…[REDACTED 11 chars] assigned to DB_PASSWORD is hardcoded in Dockerfile; revoke it if it is real and read it from the CI secret store instead",
          "Jenkinsfile:5:20 high Secret-like value squ_…[REDACTED 40 chars] assigned to SONAR_TOKEN is hardcoded in Jenkinsfile; revoke it if it is real and read it from the CI secret store instead",
          "config/app.properties:2:13 high Secret-like value Tr…[REDACTED 12 chars] assigned to db.password is hardcoded in config/app.properties; revoke it if it is real and read it from the CI secret store instead",
          "deploy/id_rsa:2:1 low Private key 
      MII…[REDACTED 132 chars] is hardcoded in deploy/id_rsa; it looks like a documentation example value (the value contains the word "fake"), so it is reported at low severity: confirm it is not a real credential",
          "scripts/notify.py:6:18 high Secret-like value q8Zr…[REDACTED 16 chars] assigned to client_secret is hardcoded in scripts/notify.py; revoke it if it is real and read it from the CI secret store instead",
        ],
        "reason": "6 hardcoded secrets in 5 file(s), and 6 documentation example values reported at low severity",
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('reports exactly the marked secrets, precisely located, and scores 0', async () => {
    const { outcome, marks } = await runOnFixture(hardcodedSecrets, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.score).toBe(0);
    // + the .npmrc token, whose `//registry…` line cannot carry a marker
    expect(outcome.findings).toHaveLength(marks.notOk.length + 1);
    expect(outcome.findings.filter(f => f.file === '.npmrc')).toMatchObject([
      {
        line: 2,
        column: 34,
        snippet: '//registry.npmjs.org/:_authToken=npm_…[REDACTED 36 chars]',
      },
    ]);
    const aws = outcome.findings.find(f =>
      f.message.startsWith('AWS access key ID'),
    );
    expect(aws).toMatchObject({
      file: '.env',
      line: 2,
      column: 19,
      endColumn: 39,
      severity: 'low',
      snippet: 'AWS_ACCESS_KEY_ID=AKIA…[REDACTED 16 chars]',
    });
    expect(aws!.message).toContain(
      "looks like a documentation example value (AWS's documented example access key ID), so it is reported at low severity",
    );
    expect(aws!.suggestedFix!.description).toMatch(
      /^Confirm the value is not a real credential/,
    );
    const key = outcome.findings.find(f => f.file === 'deploy/id_rsa');
    expect(key).toMatchObject({
      line: 2,
      column: 1,
      snippet: '-----BEGIN RSA PRIVATE KEY-----',
    });
    const generic = outcome.findings.find(f => f.file === 'Dockerfile');
    expect(generic).toMatchObject({ line: 3, column: 13, severity: 'high' });
    expect(generic!.message).toContain('assigned to API_KEY');
  });

  it('never puts a secret in any field of a finding', async () => {
    const { outcome } = await runOnFixture(hardcodedSecrets, 'fail');
    const json = JSON.stringify(outcome);
    for (const secret of RAW_SECRETS) expect(json).not.toContain(secret);
  });

  it('fingerprints on a hash of the secret, not the secret', async () => {
    const { outcome } = await runOnFixture(hardcodedSecrets, 'fail');
    if (outcome.status !== 'fail') throw new Error();
    for (const f of outcome.findings)
      expect(f.fingerprintKey).toMatch(/^[a-z-]+:[0-9a-f]{16}$/);
  });

  it('scores 10 - 2.5 per finding when only generic (high) secrets are found', async () => {
    const out = await hardcodedSecrets.run(
      new InMemorySnapshot({ 'app.env': 'API_SECRET=Hj4Kp9Wq2Zx7Lm3Nb8Vc\n' }),
    );
    expect(out).toMatchObject({ status: 'fail', score: 7.5 });
  });
});

describe('hardcoded-secrets on documentation example values', () => {
  it('reports documented example values at low severity, with the reason, and only warns', async () => {
    const { outcome } = await runOnFixture(
      hardcodedSecrets,
      'warn-documentation-example',
    );
    expect(summarise(outcome, hardcodedSecrets)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".env.sample:3:29 low Password in a connection string exam…[REDACTED 21 chars] is hardcoded in .env.sample; it looks like a documentation example value (the value contains the word "example"), so it is reported at low severity: confirm it is not a real credential",
          ".env.sample:5:48 low Slack webhook URL T000…[REDACTED 40 chars] is hardcoded in .env.sample; it looks like a documentation example value (the value contains a run of filler characters), so it is reported at low severity: confirm it is not a real credential",
          ".github/workflows/deploy.yml:8:26 low AWS access key ID AKIA…[REDACTED 16 chars] is hardcoded in .github/workflows/deploy.yml; it looks like a documentation example value (AWS's documented example access key ID), so it is reported at low severity: confirm it is not a real credential",
          ".github/workflows/deploy.yml:9:30 low AWS secret access key wJal…[REDACTED 36 chars] is hardcoded in .github/workflows/deploy.yml; it looks like a documentation example value (AWS's documented example secret access key), so it is reported at low severity: confirm it is not a real credential",
        ],
        "reason": "4 documentation example values in 2 file(s), reported at low severity; no real-looking secret",
        "score": 9,
        "status": "warn",
      }
    `);
    if (outcome.status !== 'warn') throw new Error(outcome.status);
    for (const f of outcome.findings) {
      expect(f.severity).toBe('low');
      expect(f.suggestedFix!.description).toMatch(
        /^Confirm the value is not a real credential/,
      );
    }
  });

  it('keeps a real-looking key critical whatever the words around it', async () => {
    const { outcome } = await runOnFixture(
      hardcodedSecrets,
      'fail-near-example-word',
    );
    expect(summarise(outcome, hardcodedSecrets)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".env.example:3:12 critical Stripe live secret key sk_l…[REDACTED 28 chars] is hardcoded in .env.example; revoke it if it is real and read it from the CI secret store instead",
          ".github/workflows/deploy.yml:8:26 critical AWS access key ID AKIA…[REDACTED 16 chars] is hardcoded in .github/workflows/deploy.yml; revoke it if it is real and read it from the CI secret store instead",
          ".github/workflows/deploy.yml:9:38 critical AWS secret access key Vt3J…[REDACTED 36 chars] is hardcoded in .github/workflows/deploy.yml; revoke it if it is real and read it from the CI secret store instead",
        ],
        "reason": "3 hardcoded secrets in 2 file(s)",
        "score": 0,
        "status": "fail",
      }
    `);
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    for (const f of outcome.findings) expect(f.severity).toBe('critical');
  });

  it.each([
    ['warn-documentation-example', ['AKIAIOSFODNN7EXAMPLE', 'XXXXXXXXXXXX']],
    [
      'fail-near-example-word',
      ['AKIAQ7LZ3KWN4RT5HYVB', 'Vt3Jq8Lw2Rp5Ns9Xk4Bd7Gh1M', 'uBCMzdHjxeT1HluQ'],
    ],
  ])('never puts a secret of %s in any field', async (fixture, secrets) => {
    const { outcome } = await runOnFixture(hardcodedSecrets, fixture);
    const json = JSON.stringify(outcome);
    for (const secret of secrets) expect(json).not.toContain(secret);
  });

  const AWS_EXAMPLE = 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE';
  const REAL_SHAPED = 'AWS_ACCESS_KEY_ID=AKIAQ7LZ3KWN4RT5HYVB';
  const GENERIC = 'API_SECRET=Hj4Kp9Wq2Zx7Lm3Nb8Vc';

  it.each([
    ['one documented example value', [AWS_EXAMPLE], 'warn', 9.8],
    [
      'twenty example values (a quarter each, never below 5)',
      Array.from(
        { length: 20 },
        (_, i) => `K${i}=AKIAEXAMPLEQQQQQQQQ${'ABCDEFGHIJKLMNOPQRST'[i]}`,
      ),
      'warn',
      5,
    ],
    [
      'an example and a real-looking key',
      [AWS_EXAMPLE, REAL_SHAPED],
      'fail',
      0,
    ],
    ['an example and a generic secret', [AWS_EXAMPLE, GENERIC], 'fail', 7.3],
  ])('scores %s', async (_, lines, status, score) => {
    const out = await hardcodedSecrets.run(
      new InMemorySnapshot({ 'app.env': `${lines.join('\n')}\n` }),
    );
    expect(out).toMatchObject({ status, score });
  });
});

describe('secret rules', () => {
  it.each([
    ['aws-access-key-id', 'key = "ASIAY34FZKBOKMUTVV7A"'],
    ['gcp-api-key', `GOOGLE_KEY: AIzaSyD${'a1B2c3D4e5'.repeat(3)}EX`],
    [
      'azure-storage-key',
      `DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${'Ab1+'.repeat(
        22,
      )};`,
    ],
    ['github-token', `token: ghs_${'a1B2c3'.repeat(6)}`],
    [
      'github-fine-grained-token',
      `github_pat_11AAAAAAA0${'x1Y2z3'.repeat(12)}`,
    ],
    ['gitlab-token', 'GITLAB_TOKEN=glpat-EXAMPLEexample123456'],
    ['slack-token', 'xoxb-123456789012-1234567890123-EXAMPLEexampleEXAMPLE'],
    [
      'discord-webhook',
      `https://discord.com/api/webhooks/123456789012345678/${'EXAMPLE-abc_'.repeat(
        6,
      )}`,
    ],
    [
      'teams-webhook',
      `https://contoso.webhook.office.com/webhookb2/${'a1b2c3d4-'.repeat(
        4,
      )}x@${'e5f6'.repeat(5)}/IncomingWebhook/${'abcd1234'.repeat(
        4,
      )}/${'f0e1d2c3-'.repeat(4)}x`,
    ],
    ['pypi-token', `password = pypi-AgEIcHlwaS5vcmc${'EXAMPLE_'.repeat(8)}`],
    ['dockerhub-token', 'DOCKERHUB_TOKEN: dckr_pat_EXAMPLEexampleEXAMPLE12'],
    ['stripe-key', 'STRIPE=sk_live_EXAMPLE1234567890abcdef'],
    ['twilio-api-key', 'TWILIO_KEY=SK0123456789abcdef0123456789abcdef'],
    [
      'sendgrid-api-key',
      `SENDGRID=SG.${'EXAMPLEexamp'
        .slice(0, 11)
        .repeat(2)}.${'EXAMPLEexampleEXAMPLE'.repeat(3).slice(0, 43)}`,
    ],
    [
      'gcp-service-account-key',
      '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCEXAMPLEEXAMPLE\\n-----END PRIVATE KEY-----\\n"}',
    ],
    [
      'connection-string-password',
      'MONGO_URI=mongodb+srv://svc:Pa55-w0rd-9x@cluster0.example.net/db',
    ],
    ['connection-string-password', 'amqp://worker:Qw7e9Rt2@rabbit:5672'],
    [
      'connection-string-password',
      'DB_URL: mysql+pymysql://worker:Zk4-xample-9@warehouse/dw',
    ],
    [
      'jwt',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
  ])('%s matches %s', (ruleId, text) => {
    const found = scanText(text);
    expect(found.map(m => m.ruleId)).toEqual([ruleId]);
    const secret =
      /(?:svc|worker):([^@]+)@/.exec(text)?.[1] ?? text.slice(text.length - 12);
    expect(JSON.stringify(found)).not.toContain(secret);
  });

  it.each([
    'password: ${{ secrets.DB_PASSWORD }}',
    'PASSWORD=${DB_PASSWORD}',
    'PASSWORD=$DB_PASSWORD',
    'set PASSWORD=%DB_PASSWORD%',
    'token: $(TOKEN)',
    'api_key: <your-api-key>',
    'api_key: "xxxxxxxxxxxxxxxxxxxx"',
    'secret: "***"',
    'password: "example-password-1"',
    'token: dummy-token-value-abc',
    'client_secret: ""',
    'password: settings.database.password',
    'password: DB_PASSWORD',
    'postgres://postgres:postgres@localhost:5432/test',
    'postgres://user:${PGPASSWORD}@db/app',
    'token_url: https://auth.example.com/oauth/token',
    '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
    '//registry.npmjs.org/:_authToken=npm_…[REDACTED 36 chars]',
  ])('leaves %s alone', text => {
    expect(scanText(text)).toEqual([]);
  });

  it('computes Shannon entropy in bits per character', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('')).toBe(0);
  });

  it('redacts to the first characters and a count', () => {
    expect(redactSecret('AKIAIOSFODNN7EXAMPLE')).toBe(
      'AKIA…[REDACTED 16 chars]',
    );
    expect(redactSecret('short')).toBe('…[REDACTED 5 chars]');
  });

  it('finds nothing in 1 MB of CI-like text or in a hostile line', () => {
    const line =
      '      - run: echo "${{ secrets.TOKEN }}" && curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com/repos\n';
    const text = line.repeat(Math.ceil(1_000_000 / line.length));
    const hostile = `${'a'.repeat(200_000)}password${'b'.repeat(
      200_000,
    )}\n-----BEGIN PRIVATE KEY-----${'A'.repeat(100_000)}`;
    // Their scan time is measured by `node bench/run.js hostile`.
    expect(scanText(text)).toEqual([]);
    expect(scanText(hostile)).toEqual([]);
  });
});

describe('hardcoded-secrets on many secrets', () => {
  it('lists 100 secrets of a file and one finding for the rest', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const key = (i: number) =>
      `AKIA${Array.from(
        { length: 16 },
        (_, k) => alphabet[Math.floor(i / 32 ** k) % 32],
      ).join('')}`;
    const text = Array.from({ length: 130 }, (_, i) => `K${i}=${key(i)}`).join(
      '\n',
    );
    const out = await hardcodedSecrets.run(
      new InMemorySnapshot({ 'keys.env': text }),
    );
    if (out.status !== 'fail') throw new Error(out.status);
    expect(out.findings).toHaveLength(101);
    expect(out.findings[100]).toMatchObject({
      file: 'keys.env',
      severity: 'critical',
    });
    expect(out.findings[100].message).toMatch(
      /^30 more secrets in keys\.env were not listed/,
    );
    expect(out.reason).toBe('130 hardcoded secrets in 1 file(s)');
  });
});
