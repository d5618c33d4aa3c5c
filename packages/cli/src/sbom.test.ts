import fs from 'fs';
import os from 'os';
import path from 'path';
import { runCli } from './testing/runCli';

const ROOT = path.resolve(__dirname, '../../..');

describe('cicd-security sbom', () => {
  it('writes a CycloneDX SBOM of the pinned packages and actions, the same twice', async () => {
    const repo = path.join(ROOT, 'examples/repos/session-gateway');
    const first = await runCli('sbom', repo);
    expect(first.code).toBe(0);
    const bom = JSON.parse(first.stdout);
    expect(bom).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      metadata: { component: { name: 'session-gateway' } },
    });
    const purls = bom.components.map((c: { purl: string }) => c.purl);
    expect(purls).toEqual(
      expect.arrayContaining([
        'pkg:golang/github.com/golang-jwt/jwt/v5@v5.2.1',
        'pkg:golang/github.com/redis/go-redis/v9@v9.7.0',
      ]),
    );
    expect((await runCli('sbom', repo)).stdout).toBe(first.stdout);
  });

  it('writes to a file with --output, and refuses a single file', async () => {
    const out = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-sbom-')),
      'bom.json',
    );
    const repo = path.join(ROOT, 'examples/repos/payments-api');
    expect((await runCli('sbom', repo, '--output', out)).code).toBe(0);
    const bom = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(bom.components.map((c: { purl: string }) => c.purl)).toContain(
      'pkg:npm/helmet@6.2.0',
    );
    const file = await runCli('sbom', path.join(repo, 'package-lock.json'));
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('not a folder');
  });
});
