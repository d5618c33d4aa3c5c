import { builtinChecks } from '../checks';
import { CheckRegistry, runScan } from '../engine';
import { buildSarif } from '../report';
import { InMemorySnapshot } from '../snapshot';
import { SECRET_RULES } from './rules';
import { scanSnapshotSecrets } from './scanSecrets';
import {
  leakedSecrets,
  plantedRepository,
  plantedSecrets,
} from './testing/plantedSecrets';

describe('no secret anywhere: the engine', () => {
  it('plants a secret for every rule, where the detector finds it', () => {
    const files = plantedRepository();
    const found = new Set(
      scanSnapshotSecrets(new InMemorySnapshot(files)).matches.map(
        m => m.ruleId,
      ),
    );
    for (const rule of SECRET_RULES)
      expect([rule.id, found.has(rule.id)]).toEqual([rule.id, true]);
    expect(found.has('generic-secret')).toBe(true);
    expect(plantedSecrets().length).toBeGreaterThan(SECRET_RULES.length);
  });

  it('puts no planted secret in any part of the scan result', async () => {
    const result = await runScan(
      new InMemorySnapshot(plantedRepository()),
      new CheckRegistry(builtinChecks),
    );
    // Every file parses, so the checks see the lines…
    expect(result.problems.filter(p => p.kind === 'parse-error')).toEqual([]);
    // …and lines with secrets are reported by other checks too.
    const reporters = new Set(
      result.checks.filter(c => c.findings.length).map(c => c.checkId),
    );
    for (const id of [
      'hardcoded-secrets',
      'download-and-execute',
      'tls-verification-disabled',
      'insecure-transport',
      'docker-add-without-checksum',
      'script-injection',
    ]) {
      expect([id, reporters.has(id)]).toEqual([id, true]);
    }
    expect(leakedSecrets(JSON.stringify(result))).toEqual([]);
    const sarif = buildSarif({
      version: '0',
      docsBase: 'https://example.com/docs',
      checks: builtinChecks,
      targets: [{ target: '.', kind: 'directory', result }],
    });
    expect(leakedSecrets(JSON.stringify(sarif))).toEqual([]);
  });
});
