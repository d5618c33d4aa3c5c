import { builtinChecks } from '../checks';
import { compareWithPeer, corpusDir } from '../testing/calibration';
import { CheckRegistry } from './CheckRegistry';

/**
 * Agreement with poutine on its own fixture corpus (shared calibration data,
 * not part of a user's clone: skipped with a note when absent).
 * Print the table with `node bench/run.js calibration`.
 */
const dir = corpusDir('poutine');
const describeIfCorpus = dir ? describe : describe.skip;
if (!dir) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED calibration: ../shared/corpus/poutine is not present');
}

/** File-level recall we reach per check (the peer's expected findings we also report). */
const MIN_RECALL: Record<string, number> = {
  'ci-debug-logging': 1,
  'download-and-execute': 1,
  'excessive-token-permissions': 1,
  'known-vulnerable-actions': 1,
  'overexposed-secrets': 1,
  // The Tekton pipeline is a platform we do not read.
  'script-injection': 0.8,
  'self-hosted-runner-on-prs': 1,
  'unsound-pipeline-conditions': 1,
  // Azure fork builds with secrets need the fact `azure.forkBuildsExposeSecrets`;
  // Tekton is not read.
  'untrusted-checkout': 0.5,
};

describeIfCorpus('calibration against poutine', () => {
  it('reaches the agreed recall and precision per check', async () => {
    const rows = await compareWithPeer(dir!, new CheckRegistry(builtinChecks));
    const byId = Object.fromEntries(rows.map(r => [r.checkId, r]));
    for (const [id, min] of Object.entries(MIN_RECALL)) {
      expect({ id, recall: byId[id]?.recall }).toEqual({
        id,
        recall: expect.any(Number),
      });
      expect(byId[id].recall).toBeGreaterThanOrEqual(min);
    }
    // Where we report a file the peer also flags, we agree at line level for
    // these checks (ours points at the command inside the peer's step).
    expect(byId['download-and-execute'].lineMatched).toBe(
      byId['download-and-execute'].linesExpected,
    );
    // Deliberate differences, kept visible:
    // - excessive-token-permissions follows OpenSSF Scorecard (every workflow
    //   without a top-level permissions block), poutine only risky triggers;
    //   so every file poutine flags is ours, not the reverse.
    expect(byId['excessive-token-permissions'].precision).toBeLessThan(1);
    // - untrusted-checkout points at the checkout `ref:`, poutine at the
    //   build step that runs afterwards: no line-level agreement by design.
    expect(byId['untrusted-checkout'].lineMatched).toBe(0);
    // - script-injection also reports a composite action's inputs written
    //   into run: (medium: the caller chooses them), as zizmor does and
    //   poutine does not.
    expect(byId['script-injection'].extra).toEqual(['composite/action.yml']);
    // No false file-level findings for these checks.
    for (const id of [
      'ci-debug-logging',
      'known-vulnerable-actions',
      'self-hosted-runner-on-prs',
      'overexposed-secrets',
    ]) {
      expect({ id, precision: byId[id].precision }).toEqual({
        id,
        precision: 1,
      });
    }
    // - untrusted-actions: poutine flags actions whose Marketplace creator is
    //   not verified, which needs online data; offline we flag archived and
    //   typosquatted actions and owners outside a configured allow-list only.
    expect(byId['untrusted-actions'].recall).toBe(0);
    // - unsound-pipeline-conditions also reports workflows that do not parse
    //   or break the schema, which poutine leaves out.
    expect(byId['unsound-pipeline-conditions'].extra).toEqual(
      expect.arrayContaining(['.github/workflows/invalid-yaml.yml']),
    );
  });
});
