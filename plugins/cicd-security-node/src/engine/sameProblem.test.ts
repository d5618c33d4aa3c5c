import { InMemorySnapshot } from '../snapshot';
import { builtinChecks } from '../checks';
import { createScorecardCheck, outcome } from '../checks/types';
import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';

const now = new Date('2026-06-01T00:00:00Z');
const registry = new CheckRegistry(builtinChecks);

/** A check that reports each `TOKEN` at its column, at a given severity. */
function tokenCheck(
  id: string,
  severity: 'critical' | 'high' | 'medium' | 'low',
  sameProblemAs?: string[],
) {
  return createScorecardCheck({
    id,
    title: id,
    description: 'test',
    category: 'compliance',
    severity,
    platforms: ['repository'],
    frameworks: [],
    sameProblemAs,
    run(snapshot) {
      const findings = snapshot.files().flatMap(file =>
        (snapshot.read(file) ?? '').split('\n').flatMap((l, i) => {
          const c = l.indexOf('TOKEN');
          return c < 0
            ? []
            : [
                {
                  message: `${id} at TOKEN`,
                  file,
                  line: i + 1,
                  column: c + 1,
                  endColumn: c + 6,
                  snippet: l,
                },
              ];
        }),
      );
      return findings.length ? outcome.fail(0, findings) : outcome.pass();
    },
  });
}

describe('one line, one problem', () => {
  it('shows one finding naming both checks when paired checks report the same token, and counts it once', async () => {
    const r = await runScan(
      new InMemorySnapshot({ 'a.txt': 'x TOKEN y\nno\n' }),
      new CheckRegistry([
        tokenCheck('check-a', 'medium'),
        tokenCheck('check-b', 'high', ['check-a']),
      ]),
      { now },
    );
    const [a, b] = r.checks;
    // The more severe report stays open and names the other.
    expect(b.findings[0].suppressed).toBeUndefined();
    expect(b.findings[0].alsoReportedBy).toEqual([
      {
        checkId: 'check-a',
        severity: 'medium',
        message: 'check-a at TOKEN',
        fingerprint: a.findings[0].fingerprint,
      },
    ]);
    expect(b.status).toBe('fail');
    // The other stays visible in its check, marked, and stops counting there.
    expect(a.findings[0].suppressed).toEqual({
      kind: 'duplicate',
      reason:
        'the same problem as check-b reports at this line: counted once, there',
      duplicateOf: {
        checkId: 'check-b',
        fingerprint: b.findings[0].fingerprint,
      },
    });
    expect(a.status).toBe('pass');
    expect(a.score).toBe(10);
    expect(a.reason).toBe('all 1 finding(s) are counted under check-b');
    expect(r.counts).toMatchObject({ findings: 1, suppressedFindings: 0 });
  });

  it('leaves checks that do not declare each other alone, and tokens that do not overlap', async () => {
    const unpaired = await runScan(
      new InMemorySnapshot({ 'a.txt': 'x TOKEN y\n' }),
      new CheckRegistry([
        tokenCheck('check-a', 'medium'),
        tokenCheck('check-b', 'high'),
      ]),
      { now },
    );
    expect(
      unpaired.checks.flatMap(c => c.findings).filter(f => f.suppressed),
    ).toEqual([]);
    const elsewhere = await runScan(
      new InMemorySnapshot({ 'a.txt': 'x TOKEN y\n' }),
      new CheckRegistry([
        tokenCheck('check-a', 'medium'),
        {
          ...tokenCheck('check-b', 'high', ['check-a']),
          run: () =>
            outcome.fail(0, [
              {
                message: 'b',
                file: 'a.txt',
                line: 1,
                column: 9,
                endColumn: 10,
              },
            ]),
        },
      ]),
      { now },
    );
    expect(
      elsewhere.checks.flatMap(c => c.findings).filter(f => f.suppressed),
    ).toEqual([]);
  });

  it('does not merge into a finding the repository suppressed', async () => {
    const r = await runScan(
      new InMemorySnapshot({
        'a.txt': 'x TOKEN y # cicd-security: ignore[check-b] accepted\n',
      }),
      new CheckRegistry([
        tokenCheck('check-a', 'medium'),
        tokenCheck('check-b', 'high', ['check-a']),
      ]),
      { now },
    );
    const [a, b] = r.checks;
    expect(b.findings[0].suppressed?.kind).toBe('inline');
    expect(a.findings[0].suppressed).toBeUndefined();
    expect(a.status).toBe('fail');
  });

  it('counts an unpinned orb once: unpinned-shared-pipeline-code, naming unpinned-ci-plugins', async () => {
    const r = await runScan(
      new InMemorySnapshot({
        '.circleci/config.yml':
          'version: 2.1\norbs:\n  node: circleci/node@5\njobs:\n  build:\n    docker:\n      - image: cimg/base:2024.01@sha256:0000000000000000000000000000000000000000000000000000000000000000\n    steps:\n      - run: make\n',
      }),
      registry,
      { now },
    );
    const shared = r.checks.find(
      c => c.checkId === 'unpinned-shared-pipeline-code',
    )!;
    const plugins = r.checks.find(c => c.checkId === 'unpinned-ci-plugins')!;
    expect(shared.findings[0]).toMatchObject({
      line: 3,
      alsoReportedBy: [{ checkId: 'unpinned-ci-plugins', severity: 'low' }],
    });
    expect(plugins.findings[0].suppressed).toMatchObject({
      kind: 'duplicate',
      duplicateOf: { checkId: 'unpinned-shared-pipeline-code' },
    });
    expect(plugins.status).toBe('pass');
  });

  it('counts an unpinned reusable workflow and a docker:// step once', async () => {
    const r = await runScan(
      new InMemorySnapshot({
        '.github/workflows/ci.yml': [
          'on: push',
          'permissions: {}',
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: docker://alpine:3.19',
          '  release:',
          '    uses: example-org/shared/.github/workflows/release.yml@main',
          '',
        ].join('\n'),
      }),
      registry,
      { now },
    );
    const open = r.checks
      .flatMap(c => c.findings)
      .filter(f => !f.suppressed && (f.line === 7 || f.line === 9));
    // One open finding per line, naming the other check.
    expect(open.map(f => [f.line, f.alsoReportedBy?.length])).toEqual(
      expect.arrayContaining([
        [7, 1],
        [9, 1],
      ]),
    );
    expect(new Set(open.map(f => f.line)).size).toBe(open.length);
  });

  it('keeps different problems on the same token apart (a floating checkout tag that also persists the token)', async () => {
    const r = await runScan(
      new InMemorySnapshot({
        '.github/workflows/ci.yml': [
          'on: push',
          'permissions: {}',
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '      - uses: actions/upload-artifact@v4',
          '        with: { path: . }',
          '',
        ].join('\n'),
      }),
      registry,
      { now },
    );
    const line7 = r.checks
      .flatMap(c => c.findings)
      .filter(f => f.line === 7 && f.file === '.github/workflows/ci.yml');
    expect(line7.map(f => f.checkId).sort()).toEqual(
      expect.arrayContaining(['persisted-checkout-credentials']),
    );
    expect(line7.filter(f => f.suppressed)).toEqual([]);
  });

  it('pairs only checks that exist', () => {
    const ids = new Set(builtinChecks.map(c => c.id));
    for (const c of builtinChecks) {
      for (const other of c.sameProblemAs ?? []) {
        expect(`${c.id} → ${other}: ${ids.has(other)}`).toBe(
          `${c.id} → ${other}: true`,
        );
      }
    }
  });
});
