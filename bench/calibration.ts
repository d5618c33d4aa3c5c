/*
 * Agreement with a peer scanner on its own fixture corpus (poutine), per
 * finding: an expected entry matches one of our findings of the mapped check
 * in the same file within one line of it (entries without a line match at
 * file level, once); our findings count once per distinct file:line. The
 * file-level view is the secondary column.
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
  overallAgreement,
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
  const n = (x: number, w: number) => String(x).padStart(w);
  console.log(
    `${'check'.padEnd(
      30,
    )} exp  rep  match  recall  precision   files (match/exp, rep)`,
  );
  for (const r of rows) {
    const f = r.findings;
    console.log(
      `${r.checkId.padEnd(30)} ${n(f.expected, 3)}  ${n(f.reported, 3)}  ${n(
        f.matched,
        5,
      )}   ${pct(f.recall)}     ${pct(f.precision)}    ${r.matched}/${
        r.expected
      }, ${r.reported}`,
    );
    if (f.missed.length)
      console.log(`${' '.repeat(32)}missed: ${f.missed.join(', ')}`);
    if (f.extra.length)
      console.log(`${' '.repeat(32)}extra:  ${f.extra.join(', ')}`);
  }
  const all = overallAgreement(rows);
  console.log(
    `overall on the shared rules: recall ${all.matched}/${all.expected} =${pct(
      all.recall,
    )}, precision ${all.confirmed}/${all.reported} =${pct(all.precision)}`,
  );
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
