import fs from 'fs';
import os from 'os';
import path from 'path';
import { runCli } from './testing/runCli';

/** The demo's OSV records and one of its repositories (pins vulnerable Go modules). */
const ROOT = path.resolve(__dirname, '../../..');
const OSV = path.join(ROOT, 'examples/osv');
const REPO = path.join(ROOT, 'examples/repos/session-gateway');
const CHECK = 'open-vulnerable-dependencies';

describe('cicd-security scan --osv-dir', () => {
  it('finds the vulnerable versions a repository pins, offline, and gates the build on them', async () => {
    const { code, stdout } = await runCli(
      'scan',
      REPO,
      '--checks',
      CHECK,
      '--osv-dir',
      OSV,
      '--format',
      'json',
      '--fail-on',
      'high',
    );
    expect(code).toBe(1);
    const check = JSON.parse(stdout).targets[0].checks.find(
      (c: { checkId: string }) => c.checkId === CHECK,
    );
    expect(check.status).toBe('fail');
    expect(
      check.findings.map(
        (f: {
          message: string;
          file: string;
          line: number;
          severity: string;
        }) => [f.file, f.line, f.severity, f.message.split(':')[0]],
      ),
    ).toEqual([
      [
        'go.mod',
        6,
        'high',
        'github.com/golang-jwt/jwt/v5 v5.2.1 (Go) is affected by GHSA-mh63-6h87-95cp (CVE-2025-30204)',
      ],
      [
        'go.mod',
        7,
        'low',
        'github.com/redis/go-redis/v9 v9.7.0 (Go) is affected by GHSA-92cp-5422-2mw7 (CVE-2025-29923)',
      ],
    ]);
    expect(check.findings[0].message).toContain('fixed in v5.2.2');
  });

  it('is inconclusive without advisory data, and says how to give it', async () => {
    const { stdout } = await runCli(
      'scan',
      REPO,
      '--checks',
      CHECK,
      '--format',
      'json',
      '--fail-on',
      'none',
    );
    const check = JSON.parse(stdout).targets[0].checks[0];
    expect(check.status).toBe('inconclusive');
    expect(check.reason).toContain('--osv-dir');
  });

  it('refuses a directory with no readable record rather than passing everything', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-cli-osv-'));
    const { code, stderr } = await runCli('scan', REPO, '--osv-dir', empty);
    expect(code).toBe(2);
    expect(stderr).toContain('no OSV record could be read');
  });
});
