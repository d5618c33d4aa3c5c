import { InMemorySnapshot } from '../snapshot';
import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';
import { createScorecardCheck, outcome } from '../checks/types';

/** A check that flags every line containing BAD. */
const badLines = createScorecardCheck({
  id: 'bad-lines',
  title: 'No BAD lines',
  description: 'test',
  category: 'compliance',
  severity: 'high',
  platforms: ['repository'],
  frameworks: [],
  run(snapshot) {
    const findings = snapshot
      .files()
      .flatMap(file =>
        (snapshot.read(file) ?? '')
          .split('\n')
          .flatMap((l, i) =>
            l.includes('BAD')
              ? [{ message: 'BAD line', file, line: i + 1, snippet: l }]
              : [],
          ),
      );
    return findings.length ? outcome.fail(0, findings) : outcome.pass();
  },
});
const registry = new CheckRegistry([badLines]);
const now = new Date('2026-06-01T00:00:00Z');

describe('suppression', () => {
  it('honours inline ignore comments on the line or the line above, keeping findings visible', async () => {
    const snap = new InMemorySnapshot({
      'a.sh':
        'BAD one # cicd-security: ignore[bad-lines] accepted risk\n# cicd-security: ignore[bad-lines]\nBAD two\nBAD three\n',
    });
    const r = await runScan(snap, registry, { now });
    const check = r.checks[0];
    expect(check.findings).toHaveLength(3);
    expect(check.findings.filter(f => f.suppressed)).toEqual([
      expect.objectContaining({
        line: 1,
        suppressed: { kind: 'inline', reason: 'accepted risk' },
      }),
      expect.objectContaining({
        line: 3,
        suppressed: { kind: 'inline', reason: undefined },
      }),
    ]);
    expect(check.status).toBe('fail');
    expect(r.counts).toMatchObject({ findings: 1, suppressedFindings: 2 });
  });

  it('an ignore for another check does not apply', async () => {
    const snap = new InMemorySnapshot({
      'a.sh': 'BAD # cicd-security: ignore[other-check]\n',
    });
    const r = await runScan(snap, registry, { now });
    expect(r.checks[0].findings[0].suppressed).toBeUndefined();
  });

  it('applies waivers until they expire, then reports the expiry', async () => {
    const files = (expires: string) => ({
      'x/a.sh': 'BAD\n',
      '.cicd-security.yaml': `waivers:\n  - check: bad-lines\n    path: "x/**"\n    reason: legacy job, tracked in SEC-12\n    expires: ${expires}\n`,
    });
    const live = await runScan(
      new InMemorySnapshot(files('2026-12-31')),
      registry,
      { now },
    );
    expect(live.checks[0]).toMatchObject({ status: 'pass', score: 10 });
    expect(live.checks[0].findings[0].suppressed).toEqual({
      kind: 'config',
      reason: 'legacy job, tracked in SEC-12',
      expires: '2026-12-31',
    });
    const expired = await runScan(
      new InMemorySnapshot(files('2026-01-31')),
      registry,
      { now },
    );
    expect(expired.checks[0]).toMatchObject({ status: 'fail', score: 0 });
    expect(expired.problems).toContainEqual(
      expect.objectContaining({
        kind: 'config',
        message: expect.stringMatching(/expired on 2026-01-31/),
      }),
    );
  });

  it('ignores paths and disables checks', async () => {
    const ignored = await runScan(
      new InMemorySnapshot({
        'vendor/a.sh': 'BAD\n',
        '.cicd-security.yaml': 'ignore:\n  paths: [vendor/]\n',
      }),
      registry,
      { now },
    );
    expect(ignored.checks[0].status).toBe('pass');
    const disabled = await runScan(
      new InMemorySnapshot({
        'a.sh': 'BAD\n',
        '.cicd-security.yaml': 'disable: [bad-lines]\n',
      }),
      registry,
      { now },
    );
    expect(disabled.checks[0]).toMatchObject({
      status: 'not-applicable',
      reason: 'disabled in .cicd-security.yaml',
    });
  });

  it('reports invalid waivers with their line and keeps the valid ones', async () => {
    const r = await runScan(
      new InMemorySnapshot({
        'a.sh': 'BAD\n',
        '.cicd-security.yaml':
          'waivers:\n  - check: bad-lines\n    reason: no expiry\n  - check: bad-lines\n    reason: ok\n    expires: 2027-01-01\n',
      }),
      registry,
      { now },
    );
    expect(r.problems).toContainEqual(
      expect.objectContaining({
        line: 2,
        message: 'waiver is missing expires',
      }),
    );
    expect(r.checks[0].status).toBe('pass');
  });

  it.each([
    ['Dec 31 2020', 'a date in words'],
    ['"2026-02-30"', 'a day that does not exist'],
    ['2099-6-1', 'no leading zeros'],
    ['"2099-12-31T00:00:00Z"', 'a timestamp'],
    ['20991231', 'a number'],
  ])(
    'rejects the expiry %s (%s) at its line: the waiver does not apply',
    async expires => {
      const r = await runScan(
        new InMemorySnapshot({
          'a.sh': 'BAD\n',
          '.cicd-security.yaml': `# waivers\nwaivers:\n  - check: bad-lines\n    reason: legacy\n    expires: ${expires}\n`,
        }),
        registry,
        { now },
      );
      expect(r.checks[0]).toMatchObject({ status: 'fail', score: 0 });
      expect(r.checks[0].findings[0].suppressed).toBeUndefined();
      expect(r.problems).toContainEqual(
        expect.objectContaining({
          file: '.cicd-security.yaml',
          line: 5,
          message: expect.stringMatching(/YYYY-MM-DD/),
        }),
      );
    },
  );

  it('compares expiries as dates: a waiver applies through its last day', async () => {
    const scan = (expires: string, day: string) =>
      runScan(
        new InMemorySnapshot({
          'a.sh': 'BAD\n',
          '.cicd-security.yaml': `waivers:\n  - check: bad-lines\n    reason: legacy\n    expires: ${expires}\n`,
        }),
        registry,
        { now: new Date(day) },
      );
    expect(
      (await scan('2026-03-01', '2026-03-01T23:59:00Z')).checks[0].status,
    ).toBe('pass');
    expect(
      (await scan('2026-03-01', '2026-03-02T00:00:00Z')).checks[0].status,
    ).toBe('fail');
    // A leap day is a valid date.
    expect(
      (await scan('2028-02-29', '2028-02-28T12:00:00Z')).checks[0].status,
    ).toBe('pass');
  });
});
