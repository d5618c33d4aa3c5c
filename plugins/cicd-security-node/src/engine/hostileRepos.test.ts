import { builtinChecks } from '../checks';
import { InMemorySnapshot } from '../snapshot';
import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';

/**
 * Repositories built to crash, stall or blind the engine: each must scan in
 * bounded time and memory, with every check reaching a verdict.
 */
describe('hostile repositories', () => {
  const registry = new CheckRegistry(builtinChecks);
  // A fake AWS key, built at run time so the project's own scan ignores it.
  const AWS_KEY = `AKIA${'IOSFODNN7'}EXAMPLE`;

  it('a junk workflow with 200,000 parse problems disables no check', async () => {
    const junk = ']\n'.repeat(200_000);
    const snapshot = new InMemorySnapshot({
      '.github/workflows/junk.yml': junk,
      '.github/workflows/ok.yml':
        'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some/action@v1\n',
      'deploy.sh': `export AWS_ACCESS_KEY_ID=${AWS_KEY}\n`,
    });
    const started = Date.now();
    const result = await runScan(snapshot, registry);
    const elapsed = Date.now() - started;
    expect(
      result.checks
        .filter(c => c.status === 'error')
        .map(c => `${c.checkId}: ${c.reason}`),
    ).toEqual([]);
    // The critical finding is reported.
    expect(result.counts.criticalFindings).toBeGreaterThan(0);
    // Problems of the junk file are capped: the first 100 and one note.
    const junkProblems = result.problems.filter(
      p => p.file === '.github/workflows/junk.yml',
    );
    expect(junkProblems.length).toBeLessThanOrEqual(101);
    expect(junkProblems[junkProblems.length - 1].message).toMatch(
      /and \d+ more problems/,
    );
    // Generous: parsing the junk file once takes well under this.
    expect(elapsed).toBeLessThan(15_000);
  });

  it('a parser failure is memoised: it is built once and rethrown', () => {
    const snapshot = new InMemorySnapshot({});
    let builds = 0;
    const build = () => {
      builds++;
      throw new Error('boom');
    };
    expect(() => snapshot.memo('k', build)).toThrow('boom');
    expect(() => snapshot.memo('k', build)).toThrow('boom');
    expect(builds).toBe(1);
  });
});
