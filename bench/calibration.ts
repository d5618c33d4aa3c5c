/*
 * Agreement with a peer scanner on its own fixture corpus (poutine):
 * recall and precision per check at file level, and line-level matches.
 *
 *   node bench/run.js calibration
 */
import {
  builtinChecks,
  CheckRegistry,
} from '@cicd-security/plugin-cicd-security-node';
import {
  compareWithPeer,
  corpusDir,
} from '../plugins/cicd-security-node/src/testing/calibration';

async function main() {
  const dir = corpusDir('poutine');
  if (!dir) {
    console.log(
      'SKIPPED: the poutine corpus (../shared/corpus/poutine) is not present',
    );
    return;
  }
  const rows = await compareWithPeer(dir, new CheckRegistry(builtinChecks));
  const pct = (x: number | null) =>
    x === null ? '  n/a' : `${(x * 100).toFixed(0).padStart(4)}%`;
  console.log(
    `${'check'.padEnd(32)} exp  rep  match  recall  precision  lines`,
  );
  let e = 0;
  let m = 0;
  for (const r of rows) {
    e += r.expected;
    m += r.matched;
    console.log(
      `${r.checkId.padEnd(32)} ${String(r.expected).padStart(3)}  ${String(
        r.reported,
      ).padStart(3)}  ${String(r.matched).padStart(5)}  ${pct(
        r.recall,
      )}    ${pct(r.precision)}    ${r.lineMatched}/${r.linesExpected}`,
    );
    if (r.missed.length)
      console.log(`${' '.repeat(34)}missed: ${r.missed.join(', ')}`);
    if (r.extra.length)
      console.log(`${' '.repeat(34)}extra:  ${r.extra.join(', ')}`);
  }
  console.log(`overall file-level recall ${m}/${e} = ${pct(e ? m / e : null)}`);
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
