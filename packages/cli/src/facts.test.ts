import fs from 'fs';
import os from 'os';
import path from 'path';
import { runCli } from './testing/runCli';

function tempDir(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-cli-facts-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const CHECK = 'dependency-alerts-enabled';

async function statusOf(args: string[]) {
  const { code, stdout, stderr } = await runCli(
    'scan',
    ...args,
    '--checks',
    CHECK,
    '--fail-on',
    'none',
    '--format',
    'json',
  );
  if (code !== 0) throw new Error(`exit ${code}: ${stderr}`);
  const report = JSON.parse(stdout);
  return report.targets[0].checks.find(
    (c: { checkId: string }) => c.checkId === CHECK,
  );
}

describe('cicd-security scan --facts', () => {
  const repo = tempDir({ 'README.md': '# x\n' });
  const facts = (doc: unknown) => {
    const file = path.join(tempDir({}), 'facts.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
  };

  it('runs API-sourced checks on the facts of the file', async () => {
    expect((await statusOf([repo])).status).toBe('inconclusive');
    const off = await statusOf([
      repo,
      '--facts',
      facts({ facts: { 'github.vulnerabilityAlerts': false } }),
    ]);
    expect(off.status).toBe('fail');
    expect(off.findings[0].message).toBe(
      'Dependabot alerts are disabled for the repository',
    );
    const on = await statusOf([
      repo,
      '--facts',
      facts({
        facts: {
          'github.vulnerabilityAlerts': true,
          'github.automatedSecurityFixes': { enabled: true, paused: false },
        },
      }),
    ]);
    expect(on.status).toBe('pass');
  });

  it('says which permission was missing when the file records it', async () => {
    const result = await statusOf([
      repo,
      '--facts',
      facts({
        unavailable: {
          'github.vulnerabilityAlerts': {
            reason: '403 from the GitHub API',
            permission: 'Administration: read',
          },
        },
      }),
    ]);
    expect(result.status).toBe('inconclusive');
    expect(result.reason).toContain('403 from the GitHub API');
  });

  it('refuses unknown facts and wrong types with exit code 2', async () => {
    const { code, stderr } = await runCli(
      'scan',
      repo,
      '--facts',
      facts({
        facts: { 'github.vulnerabilityAlert': true, 'github.environments': 1 },
      }),
    );
    expect(code).toBe(2);
    expect(stderr).toContain("unknown fact 'github.vulnerabilityAlert'");
    expect(stderr).toContain('invalid github.environments');
    const missing = await runCli('scan', repo, '--facts', '/no/such/file.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read facts /no/such/file.json');
  });
});
