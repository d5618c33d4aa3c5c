import { builtinChecks } from '../checks';
import { InMemorySnapshot } from '../snapshot';
import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';
import { LONG_RUN_CHARS, LONG_RUN_KINDS } from '../testing/longRuns';

/*
 * Long runs of one character placed where each file kind's parsers and
 * checks look (see ../testing/longRuns): every scan completes with no check
 * ending in `error`. Their CPU time, and how it grows with the run's length,
 * is measured by `node bench/run.js hostile`.
 *
 * Long form: CICD_LONG_RUN_CHARS=200000.
 */
const N = Number(process.env.CICD_LONG_RUN_CHARS ?? 30_000);

const registry = new CheckRegistry(builtinChecks);

describe('long runs of one character', () => {
  it.each(Object.keys(LONG_RUN_KINDS))(
    '%s scans with every check reaching a verdict',
    async file => {
      const broken: string[] = [];
      for (const c of LONG_RUN_CHARS) {
        const run = c.repeat(Math.ceil(N / c.length));
        const snapshot = new InMemorySnapshot({
          [file]: LONG_RUN_KINDS[file](run),
        });
        const result = await runScan(snapshot, registry);
        for (const r of result.checks.filter(x => x.status === 'error')) {
          broken.push(`${JSON.stringify(c)}: ${r.checkId}: ${r.reason}`);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});
