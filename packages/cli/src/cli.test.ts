import fs from 'fs';
import os from 'os';
import path from 'path';
import '@microsoft/jest-sarif';
import { runCli } from './testing/runCli';
import { virtualPath } from './targets';

const run = runCli;

function repo(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-cli-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const RISKY = `name: triage
on:
  issues:
    types: [opened]
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "\${{ github.event.issue.title }}"
`;

describe('cicd-security scan', () => {
  const dir = repo({
    '.github/workflows/triage.yml': RISKY,
    'README.md': '# x\n',
  });

  it('fails the gate on high findings and lists them in the table', async () => {
    const { code, stdout } = await run('scan', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('.github/workflows/triage.yml:10');
    expect(stdout).toContain('unpinned-actions');
    expect(stdout).toContain('gate: failed');
    expect(stdout).not.toContain('\x1b['); // no colour when not a TTY
  });

  it('passes with --fail-on none and no minimum score', async () => {
    const { code } = await run('scan', dir, '--fail-on', 'none');
    expect(code).toBe(0);
  });

  it('applies --min-score', async () => {
    expect(
      (await run('scan', dir, '--fail-on', 'none', '--min-score', '10')).code,
    ).toBe(1);
    expect(
      (await run('scan', dir, '--fail-on', 'none', '--min-score', '0')).code,
    ).toBe(0);
  });

  it('writes valid SARIF 2.1.0 with rules, regions and fingerprints', async () => {
    const out = path.join(dir, '..', `${path.basename(dir)}.sarif`);
    const { code } = await run(
      'scan',
      dir,
      '--format',
      'sarif',
      '--output',
      out,
      '--fail-on',
      'none',
    );
    expect(code).toBe(0);
    const sarif = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(sarif).toBeValidSarifLog();
    const run0 = sarif.runs[0];
    const ruleIds = run0.tool.driver.rules.map((r: any) => r.id);
    expect(ruleIds).toContain('script-injection');
    for (const rule of run0.tool.driver.rules) {
      expect(rule.helpUri).toMatch(
        /plugins\/cicd-security-node\/guides\/[a-z-]+\.md$/,
      );
      expect(rule.help.text).toBeTruthy();
    }
    const injection = run0.results.find(
      (r: any) => r.ruleId === 'script-injection',
    );
    expect(injection.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: '.github/workflows/triage.yml' },
      region: { startLine: 10, startColumn: 20 },
    });
    expect(injection.partialFingerprints['cicdSecurityFingerprint/v1']).toMatch(
      /^[0-9a-f]{32}$/,
    );
  });

  it('shows one problem that two checks report once, naming both, in every format', async () => {
    const orb = repo({
      '.circleci/config.yml':
        'version: 2.1\norbs:\n  node: circleci/node@5\njobs:\n  build:\n    machine: true\n    steps:\n      - run: make\n',
    });
    const table = await run(
      'scan',
      orb,
      '--checks',
      'unpinned-ci-plugins,unpinned-shared-pipeline-code',
    );
    const at = table.stdout
      .split('\n')
      .filter(l => l.includes('.circleci/config.yml:3'));
    expect(at).toHaveLength(1);
    expect(at[0]).toContain('unpinned-shared-pipeline-code');
    expect(table.stdout).toContain(
      'also reported by unpinned-ci-plugins (the same problem, counted once)',
    );
    expect(table.stdout).not.toContain('suppressed finding(s) not shown');
    const out = path.join(orb, '..', `${path.basename(orb)}.sarif`);
    await run(
      'scan',
      orb,
      '--checks',
      'unpinned-ci-plugins,unpinned-shared-pipeline-code',
      '--format',
      'sarif',
      '--output',
      out,
    );
    const results = JSON.parse(fs.readFileSync(out, 'utf8')).runs[0].results;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      ruleId: 'unpinned-shared-pipeline-code',
      properties: { alsoReportedBy: ['unpinned-ci-plugins'] },
    });
    expect(results[0].message.text).toContain(
      '(also reported by unpinned-ci-plugins)',
    );
    const md = await run(
      'scan',
      orb,
      '--checks',
      'unpinned-ci-plugins,unpinned-shared-pipeline-code',
      '--format',
      'markdown',
    );
    expect(
      md.stdout.split('\n').filter(l => l.includes('.circleci/config.yml:3')),
    ).toEqual([
      expect.stringMatching(
        /unpinned-shared-pipeline-code\]\(.*\), \[unpinned-ci-plugins\]/,
      ),
    ]);
  });

  it('emits JSON and Markdown', async () => {
    const json = JSON.parse(
      (await run('scan', dir, '-f', 'json', '--fail-on', 'none')).stdout,
    );
    expect(json.targets[0].checks.length).toBeGreaterThan(5);
    const md = (await run('scan', dir, '-f', 'markdown', '--fail-on', 'none'))
      .stdout;
    expect(md).toMatch(/\| critical \| \[script-injection\]/);
  });

  it('runs only selected checks and rejects unknown ones with exit code 2', async () => {
    const json = JSON.parse(
      (
        await run(
          'scan',
          dir,
          '-f',
          'json',
          '--checks',
          'unpinned-actions',
          '--fail-on',
          'none',
        )
      ).stdout,
    );
    expect(json.targets[0].checks.map((c: any) => c.checkId)).toEqual([
      'unpinned-actions',
    ]);
    const bad = await run('scan', dir, '--checks', 'no-such-check');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown check id 'no-such-check'/);
  });

  it('scans a single file as what it is, wherever it lives, reporting its own path', async () => {
    const file = path.join(dir, 'elsewhere.yml');
    fs.writeFileSync(file, RISKY);
    const json = JSON.parse(
      (await run('scan', file, '-f', 'json', '--fail-on', 'none')).stdout,
    );
    expect(json.targets[0].recognisedAs).toBe(
      '.github/workflows/elsewhere.yml',
    );
    const files = json.targets[0].checks.flatMap((c: any) =>
      c.findings.map((f: any) => f.file),
    );
    expect(files).toContain(file);
  });

  it('exits 2 with a clear message on unreadable input and bad options', async () => {
    const missing = await run('scan', path.join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or directory/);
    expect((await run('scan', dir, '--format', 'xml')).code).toBe(2);
    expect((await run('scan', dir, '--min-score', 'eleven')).code).toBe(2);
    expect((await run('scan', dir, '--fail-on', 'severe')).code).toBe(2);
  });

  it('honours a --config file with waivers and scoring, and rejects an invalid one', async () => {
    const cfg = path.join(dir, '..', `${path.basename(dir)}-cfg.yaml`);
    fs.writeFileSync(
      cfg,
      'disable: [script-injection, unpinned-actions, persisted-checkout-credentials, excessive-token-permissions]\nscoring:\n  gradeBands: { A: 9.5 }\n',
    );
    const json = JSON.parse(
      (
        await run(
          'scan',
          dir,
          '-f',
          'json',
          '--config',
          cfg,
          '--fail-on',
          'none',
        )
      ).stdout,
    );
    const inj = json.targets[0].checks.find(
      (c: any) => c.checkId === 'script-injection',
    );
    expect(inj.status).toBe('not-applicable');
    fs.writeFileSync(cfg, 'scoring:\n  gradeBands: { A: 3, B: 8 }\n');
    const bad = await run('scan', dir, '--config', cfg);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/gradeBands/);
  });
});

describe('secrets in reports', () => {
  // Fake, documentation-style values: they must never appear in any output.
  const AWS = 'AKIAZZZZFAKE0TEST123';
  const GHP = `ghp_${'A1b2C3d4E5'.repeat(3)}x9Z8y7`;
  const dir = repo({
    '.github/workflows/deploy.yml': `on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    env:\n      AWS_ACCESS_KEY_ID: ${AWS}\n      GH_TOKEN: ${GHP}\n    steps:\n      - run: ./deploy.sh\n`,
  });

  it.each(['table', 'json', 'sarif', 'markdown'])(
    'are redacted in %s output',
    async format => {
      const { stdout } = await run(
        'scan',
        dir,
        '-f',
        format,
        '--fail-on',
        'none',
      );
      expect(stdout).toMatch(/hardcoded-secrets/);
      expect(stdout).not.toContain(AWS);
      expect(stdout).not.toContain(GHP);
      expect(stdout).not.toContain(GHP.slice(4, 20));
    },
  );
});

describe('cicd-security --list-checks and explain', () => {
  it('lists the checks', async () => {
    const { code, stdout } = await run('--list-checks');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^unpinned-actions\s+high/m);
  });

  it('explains a check from its guide page', async () => {
    const { code, stdout } = await run(
      'explain',
      'persisted-checkout-credentials',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('## Why it matters');
    expect((await run('explain', 'nope')).code).toBe(2);
  });

  it('lists the frameworks a check maps to, from the mappings', async () => {
    const { code, stdout } = await run('explain', 'build-provenance');
    expect(code).toBe(0);
    const section = stdout.slice(stdout.indexOf('\n## Frameworks\n'));
    expect(section).toBe(
      [
        '',
        '## Frameworks',
        '',
        '- OWASP Top 10 CI/CD Security Risks 2022',
        '  - CICD-SEC-9: Improper Artifact Integrity Validation <https://owasp.org/www-project-top-10-ci-cd-security-risks/CICD-SEC-09-Improper-Artifact-Integrity-Validation>',
        '- OpenSSF Scorecard v5',
        '  - Signed-Releases: Releases are signed <https://github.com/ossf/scorecard/blob/main/docs/checks.md#signed-releases>',
        '- OpenSSF OSPS Baseline 2025-10-10',
        '  - OSPS-BR-06.01: Releases are signed or listed in a signed manifest with hashes',
        '- SLSA Build Track v1.0',
        '  - Build-L1-Provenance: Build L1: provenance exists, showing how the artifact was built <https://slsa.dev/spec/v1.0/levels#build-l1>',
        '  - Build-L2-Signed-Provenance: Build L2: provenance is authentic, signed by the build platform <https://slsa.dev/spec/v1.0/requirements#provenance-authentic>',
        '- NIST Secure Software Development Framework (SP 800-218) 1.1',
        '  - PS.2: Provide a mechanism for verifying software release integrity',
        '  - PS.3: Archive and protect each software release',
        '',
      ].join('\n'),
    );
    // Peer scanners' rules follow the compliance frameworks.
    expect((await run('explain', 'unpinned-actions')).stdout).toMatch(
      /- NIST [^\n]*\n {2}- PW\.4: [^\n]*\n- zizmor\n {2}- unpinned-uses\n/,
    );
  });
});

describe('virtualPath', () => {
  it.each([
    ['x/action.yml', '', 'action.yml'],
    [
      'ci/build.yml',
      'on: push\njobs:\n  a: {}\n',
      '.github/workflows/build.yml',
    ],
    [
      'ci/gitlab.yml',
      'stages: [test]\ntest:\n  script: [make]\n',
      '.gitlab-ci.yml',
    ],
    ['a/Dockerfile.prod', '', 'Dockerfile'],
    ['Jenkinsfile.release', '', 'Jenkinsfile'],
    ['x/azure-pipelines-ci.yml', '', 'azure-pipelines-ci.yml'],
    ['x/thing.yml', 'runs:\n  using: composite\n', 'action.yml'],
  ])('%s → %s', (file, head, expected) => {
    expect(virtualPath(file, head)).toBe(expected);
  });
});

describe('a check that errors', () => {
  const clean = repo({
    '.github/workflows/ci.yml':
      'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
  });
  const { builtinChecks } = jest.requireActual(
    '@cicd-security/plugin-cicd-security-node',
  );
  const check = builtinChecks.find(
    (c: { id: string }) => c.id === 'hardcoded-secrets',
  );

  afterEach(() => jest.restoreAllMocks());

  it('fails the gate (the check could not verify the repository) and names the check', async () => {
    jest.spyOn(check, 'run').mockImplementation(() => {
      throw new Error('boom');
    });
    const { code, stdout } = await run('scan', clean, '--fail-on', 'critical');
    expect(code).toBe(1);
    expect(stdout).toMatch(/hardcoded-secrets.*could not (run|verify)/);
    // Only --fail-on none lets it pass (the score still counts it as 0).
    const none = await run('scan', clean, '--fail-on', 'none');
    expect(none.code).toBe(0);
  });

  it('passes the same repository when the check runs', async () => {
    const { code } = await run('scan', clean, '--fail-on', 'critical');
    expect(code).toBe(0);
  });
});
