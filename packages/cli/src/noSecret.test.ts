import fs from 'fs';
import os from 'os';
import path from 'path';
// The planted secrets of the engine's no-secret-anywhere suite: test
// material, deliberately not part of the package's API.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  leakedSecrets,
  plantedRepository,
} from '@cicd-security/plugin-cicd-security-node/testing';
import { runCli } from './testing/runCli';

const run = runCli;

describe('no secret anywhere: the CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-cli-secrets-'));
  for (const [f, text] of Object.entries(plantedRepository())) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['table', 'json', 'sarif', 'markdown'])(
    'prints no planted secret in the %s report, on stdout or to a file',
    async format => {
      const out = await run(
        'scan',
        dir,
        '--format',
        format,
        '--fail-on',
        'none',
      );
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('hardcoded-secrets');
      expect(leakedSecrets(out.stdout)).toEqual([]);
      expect(leakedSecrets(out.stderr)).toEqual([]);

      const file = path.join(dir, `..`, `${path.basename(dir)}.${format}`);
      const toFile = await run(
        'scan',
        dir,
        '--format',
        format,
        '--output',
        file,
      );
      expect(toFile.code).toBe(1); // critical findings fail the gate
      const written = fs.readFileSync(file, 'utf8');
      fs.rmSync(file);
      expect(written).toContain('hardcoded-secrets');
      expect(leakedSecrets(written + toFile.stdout + toFile.stderr)).toEqual(
        [],
      );
    },
  );

  it('prints no planted secret when scanning each file alone', async () => {
    for (const f of Object.keys(plantedRepository())) {
      const out = await run(
        'scan',
        path.join(dir, f),
        '--format',
        'json',
        '--fail-on',
        'none',
      );
      expect([f, leakedSecrets(out.stdout + out.stderr)]).toEqual([f, []]);
    }
  });
});
