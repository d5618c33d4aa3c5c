import { CheckResult } from '@cicd-security/plugin-cicd-security-common';
import {
  DEFAULT_SCORING,
  gradeFor,
  resolveScoringConfig,
  scoreOf,
  scoreResults,
} from './scoring';

function result(
  partial: Partial<CheckResult> & Pick<CheckResult, 'checkId'>,
): CheckResult {
  return {
    title: partial.checkId,
    category: 'access-control',
    severity: 'high',
    status: 'pass',
    score: 10,
    findings: [],
    ...partial,
  };
}

describe('scoreResults', () => {
  it('is null with no applicable check', () => {
    const s = scoreResults([
      result({ checkId: 'a', status: 'not-applicable', score: undefined }),
      result({ checkId: 'b', status: 'inconclusive', score: undefined }),
    ]);
    expect(s.score).toBeNull();
    expect(s.grade).toBeNull();
    expect(s.counts).toMatchObject({ notApplicable: 1, inconclusive: 1 });
  });

  it.each([
    // [description, results, expected category score]
    [
      'all pass',
      [
        { s: 10, sev: 'high' },
        { s: 10, sev: 'low' },
      ],
      10,
    ],
    [
      'severity-weighted mean',
      [
        { s: 0, sev: 'critical' },
        { s: 10, sev: 'low' },
      ],
      2,
    ],
    [
      'equal severities average',
      [
        { s: 4, sev: 'medium' },
        { s: 8, sev: 'medium' },
      ],
      6,
    ],
  ] as const)('category score: %s', (_d, rows, expected) => {
    const s = scoreResults(
      rows.map((r, i) =>
        result({
          checkId: `c${i}`,
          score: r.s,
          severity: r.sev,
          status: r.s === 10 ? 'pass' : 'fail',
        }),
      ),
    );
    const ac = s.categories.find(c => c.category === 'access-control')!;
    expect(ac.score).toBe(expected);
    expect(s.score).toBe(expected);
  });

  it('leaves out not-applicable and inconclusive checks instead of failing them', () => {
    const s = scoreResults([
      result({ checkId: 'a', score: 8, status: 'fail' }),
      result({ checkId: 'c', status: 'inconclusive', score: undefined }),
      result({ checkId: 'd', status: 'not-applicable', score: undefined }),
    ]);
    expect(s.score).toBe(8);
    expect(s.counts).toMatchObject({
      failed: 1,
      notApplicable: 1,
      inconclusive: 1,
    });
  });

  it('counts an errored check as 0 with its weight: it could not be verified', () => {
    const s = scoreResults([
      result({ checkId: 'a', score: 8, status: 'fail' }),
      result({
        checkId: 'b',
        status: 'error',
        score: undefined,
        reason: 'boom',
      }),
    ]);
    expect(s.score).toBe(4);
    expect(
      s.categories.find(c => c.category === 'access-control'),
    ).toMatchObject({
      score: 4,
      applicable: 2,
    });
    expect(s.counts).toMatchObject({ failed: 1, errored: 1 });
    expect(
      scoreOf(result({ checkId: 'b', status: 'error', score: undefined })),
    ).toBe(0);
    // An errored check alone still gives a score (0), not "no score".
    expect(
      scoreResults([
        result({ checkId: 'b', status: 'error', score: undefined }),
      ]).grade,
    ).toBe('F');
  });

  it('averages categories with their weights', () => {
    const results = [
      result({ checkId: 'a', category: 'access-control', score: 10 }),
      result({
        checkId: 'b',
        category: 'compliance',
        score: 0,
        status: 'fail',
      }),
    ];
    expect(scoreResults(results).score).toBe(5);
    const weighted = resolveScoringConfig({
      categoryWeights: { 'access-control': 3 },
    });
    expect(scoreResults(results, weighted).score).toBe(7.5);
  });

  it('uses per-check weights over severity weights', () => {
    const results = [
      result({ checkId: 'a', severity: 'critical', score: 0, status: 'fail' }),
      result({ checkId: 'b', severity: 'low', score: 10 }),
    ];
    const cfg = resolveScoringConfig({ checkWeights: { a: 2.5 } });
    expect(scoreResults(results, cfg).score).toBe(5);
  });

  it('counts findings, suppressed findings and critical findings', () => {
    const s = scoreResults([
      result({
        checkId: 'a',
        status: 'fail',
        score: 0,
        findings: [
          {
            checkId: 'a',
            severity: 'critical',
            message: 'x',
            fingerprint: '1',
          },
          {
            checkId: 'a',
            severity: 'critical',
            message: 'y',
            fingerprint: '2',
            suppressed: { kind: 'inline' },
          },
          { checkId: 'a', severity: 'low', message: 'z', fingerprint: '3' },
        ],
      }),
    ]);
    expect(s.counts).toMatchObject({
      findings: 2,
      suppressedFindings: 1,
      criticalFindings: 1,
    });
  });
});

describe('grades', () => {
  it.each([
    [10, 'A'],
    [9, 'A'],
    [8.9, 'B'],
    [7.5, 'B'],
    [6, 'C'],
    [4, 'D'],
    [3.9, 'F'],
    [0, 'F'],
  ] as const)('%s → %s', (score, grade) => {
    expect(gradeFor(score, DEFAULT_SCORING)).toBe(grade);
  });

  it('uses configured bands', () => {
    const cfg = resolveScoringConfig({ gradeBands: { A: 9.5 } });
    expect(gradeFor(9.2, cfg)).toBe('B');
  });

  it('rejects bands out of order and negative weights with a clear error', () => {
    expect(() => resolveScoringConfig({ gradeBands: { A: 5, B: 7 } })).toThrow(
      /gradeBands/,
    );
    expect(() =>
      resolveScoringConfig({ severityWeights: { high: -1 } }),
    ).toThrow(/severityWeights\.high/);
  });
});
