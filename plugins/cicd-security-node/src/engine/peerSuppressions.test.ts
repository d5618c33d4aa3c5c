import fs from 'fs';
import path from 'path';
import { builtinChecks } from '../checks';
import { InMemorySnapshot } from '../snapshot';
import { CheckRegistry } from './CheckRegistry';
import { POUTINE_RULES, ZIZMOR_AUDITS } from './peerSuppressions';
import { runScan } from './runScan';

const registry = new CheckRegistry(builtinChecks).select({
  only: ['script-injection', 'unpinned-actions', 'untrusted-checkout'],
});
const now = new Date('2026-06-01T00:00:00Z');

const WORKFLOW = `on: issues
permissions: {}
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.issue.title }}" # zizmor: ignore[template-injection] titles are sanitised upstream
      - run: echo "\${{ github.event.issue.body }}" # zizmor: ignore[unpinned-uses]
      - uses: some/action@v1 # zizmor: ignore[unpinned-uses,template-injection]
  label:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.issue.title }}"
`;

function findingsOf(result: Awaited<ReturnType<typeof runScan>>, id: string) {
  return result.checks
    .find(c => c.checkId === id)!
    .findings.map(f => [f.line, f.suppressed?.reason ?? null]);
}

describe('suppressions written for other scanners', () => {
  it('every mapped check id exists', () => {
    const ids = new Set(builtinChecks.map(c => c.id));
    const mapped = [
      ...Object.values(ZIZMOR_AUDITS),
      ...Object.values(POUTINE_RULES),
    ].flat();
    expect(mapped.filter(id => !ids.has(id))).toEqual([]);
  });

  it("honours zizmor ignore comments on the finding's line, for the matching check only", async () => {
    const result = await runScan(
      new InMemorySnapshot({ '.github/workflows/triage.yml': WORKFLOW }),
      registry,
      { now },
    );
    expect(findingsOf(result, 'script-injection')).toEqual([
      [7, 'zizmor: ignore[template-injection]'],
      [8, null], // an ignore of another audit does not apply
      [13, null],
    ]);
    expect(findingsOf(result, 'unpinned-actions')).toEqual([
      [9, 'zizmor: ignore[unpinned-uses]'],
    ]);
  });

  it('honours poutine skip entries by rule, path and job, and reports malformed ones', async () => {
    const poutine = `skip:
  - rule: injection
    job: label
  - rule: [unknown_rule]
  - path: .github/workflows/other.yml
  - level: error
`;
    const result = await runScan(
      new InMemorySnapshot({
        '.github/workflows/triage.yml': WORKFLOW.replace(/ # zizmor.*$/gm, ''),
        '.github/workflows/other.yml': WORKFLOW.replace(/ # zizmor.*$/gm, ''),
        '.poutine.yml': poutine,
      }),
      registry,
      { now },
    );
    const injection = result.checks.find(
      c => c.checkId === 'script-injection',
    )!;
    const byFile = (file: string) =>
      injection.findings
        .filter(f => f.file === file)
        .map(f => [f.line, f.suppressed?.reason ?? null]);
    // Only the job named in the skip, in every file.
    expect(byFile('.github/workflows/triage.yml')).toEqual([
      [7, null],
      [8, null],
      [13, 'skipped in .poutine.yml:2 (poutine rule injection)'],
    ]);
    // A path entry covers every check's findings in that file.
    expect(byFile('.github/workflows/other.yml')).toEqual([
      [7, 'skipped in .poutine.yml:5'],
      [8, 'skipped in .poutine.yml:5'],
      [13, 'skipped in .poutine.yml:2 (poutine rule injection)'],
    ]);
    // A level-only entry would switch every check off: it applies to nothing.
    const unpinned = result.checks.find(c => c.checkId === 'unpinned-actions')!;
    expect(
      unpinned.findings
        .filter(f => f.file === '.github/workflows/triage.yml')
        .map(f => f.suppressed),
    ).toEqual([undefined]);
  });

  it('a broken .poutine.yml is a problem with a location, and suppresses nothing', async () => {
    const result = await runScan(
      new InMemorySnapshot({
        '.github/workflows/triage.yml': WORKFLOW.replace(/ # zizmor.*$/gm, ''),
        '.poutine.yml': 'skip: [rule: injection\n',
      }),
      registry,
      { now },
    );
    expect(result.problems).toEqual([
      expect.objectContaining({ file: '.poutine.yml', kind: 'parse-error' }),
    ]);
    const injection = result.checks.find(
      c => c.checkId === 'script-injection',
    )!;
    expect(injection.findings.every(f => !f.suppressed)).toBe(true);
  });
});

describe('a hostile .poutine.yml', () => {
  it('drops an entry whose paths are past the glob bounds instead of letting it cover every file', async () => {
    const result = await runScan(
      new InMemorySnapshot({
        '.github/workflows/triage.yml': WORKFLOW.replace(/ # zizmor.*$/gm, ''),
        '.poutine.yml': `skip:\n  - rule: injection\n    path: ['${'*'.repeat(
          300,
        )}']\n`,
      }),
      registry,
      { now },
    );
    expect(result.problems).toEqual([
      expect.objectContaining({ file: '.poutine.yml', line: 2 }),
    ]);
    const injection = result.checks.find(
      c => c.checkId === 'script-injection',
    )!;
    expect(injection.findings.every(f => !f.suppressed)).toBe(true);
  });
});

describe('the documentation of peer suppressions', () => {
  const doc = path.resolve(__dirname, '../../../../docs/PEER-SUPPRESSIONS.md');
  it('lists every mapping of the data', () => {
    const text = fs.readFileSync(doc, 'utf8');
    for (const [table, mapping] of [
      ['zizmor', ZIZMOR_AUDITS],
      ['poutine', POUTINE_RULES],
    ] as const) {
      for (const [peer, ours] of Object.entries(mapping)) {
        const row = text.split('\n').find(l => l.startsWith(`| \`${peer}\` |`));
        expect({ table, peer, documented: row !== undefined }).toEqual({
          table,
          peer,
          documented: true,
        });
        for (const id of ours) expect(row).toContain(`[${id}]`);
      }
    }
  });
});
