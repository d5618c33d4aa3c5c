import type { CheckResult, CheckStatus } from '../types';
import { estimateSlsaBuildLevel } from './slsa';

const result = (
  checkId: string,
  status: CheckStatus,
  extra: Partial<CheckResult> = {},
): CheckResult => ({
  checkId,
  title: checkId,
  category: 'compliance',
  severity: 'medium',
  status,
  findings: [],
  ...extra,
});

describe('estimateSlsaBuildLevel', () => {
  it('is 0 when nothing is published from CI', () => {
    const estimate = estimateSlsaBuildLevel([
      result('build-provenance', 'not-applicable', {
        reason: 'no pipeline publishes packages, images or releases',
      }),
    ]);
    expect(estimate).toEqual({
      level: 0,
      basis: [
        'build-provenance does not apply: no pipeline publishes packages, images or releases',
      ],
      missingForNext: [
        {
          requirement:
            'Provenance exists: publish packages, images or releases from a CI pipeline that generates provenance',
          checkIds: ['build-provenance'],
        },
      ],
    });
  });

  it('is 0 when a publishing pipeline has no provenance, waived or not', () => {
    const failing = result('build-provenance', 'fail', {
      score: 5,
      findings: [
        {
          checkId: 'build-provenance',
          severity: 'medium',
          message: 'this workflow pushes an image without provenance',
          file: '.github/workflows/release.yml',
          line: 40,
          fingerprint: 'f1',
        },
      ],
    });
    expect(estimateSlsaBuildLevel([failing])).toMatchObject({
      level: 0,
      basis: ['some publishing pipelines produce no provenance or signature'],
      missingForNext: [{ checkIds: ['build-provenance'] }],
    });
    const waived = estimateSlsaBuildLevel([
      {
        ...failing,
        waiver: {
          id: 'w1',
          reason: 'legacy image',
          expiresAt: '2027-01-01T00:00:00.000Z',
          createdBy: 'user:default/bob',
        },
      },
    ]);
    expect(waived.level).toBe(0);
    expect(waived.basis[0]).toContain(
      'waived, which does not create provenance',
    );
    expect(estimateSlsaBuildLevel([]).basis).toEqual([
      'build-provenance did not run',
    ]);
    expect(
      estimateSlsaBuildLevel([
        result('build-provenance', 'inconclusive', {
          reason: 'CI files unreadable',
        }),
      ]).basis,
    ).toEqual(['build-provenance is inconclusive: CI files unreadable']);
  });

  it('is 2 with signed provenance, listing the isolation gaps for 3', () => {
    const estimate = estimateSlsaBuildLevel([
      result('build-provenance', 'pass', { score: 10 }),
      result('cache-poisoning', 'fail', { score: 0 }),
      result('self-hosted-runner-on-prs', 'pass', { score: 10 }),
      result('jenkins-controller-builds', 'not-applicable'),
    ]);
    expect(estimate.level).toBe(2);
    expect(estimate.basis).toHaveLength(2);
    expect(estimate.missingForNext).toEqual([
      {
        requirement:
          'Isolated builds: no cache, runner or controller shared with untrusted builds',
        checkIds: ['cache-poisoning'],
      },
      expect.objectContaining({ checkIds: [] }),
    ]);
    expect(estimate.missingForNext[1].requirement).toMatch(
      /^Unforgeable provenance/,
    );
  });

  it('stays at 2 with isolated builds: unforgeable provenance needs a human to confirm', () => {
    const estimate = estimateSlsaBuildLevel([
      result('build-provenance', 'pass', { score: 10 }),
      result('cache-poisoning', 'pass', { score: 10 }),
      result('self-hosted-runner-on-prs', 'not-applicable'),
      result('jenkins-controller-builds', 'not-applicable'),
    ]);
    expect(estimate.level).toBe(2);
    expect(estimate.basis[2]).toBe(
      'the isolation checks (cache-poisoning, self-hosted-runner-on-prs, jenkins-controller-builds) pass or do not apply',
    );
    expect(estimate.missingForNext).toHaveLength(1);
    expect(estimate.missingForNext[0].requirement).toMatch(
      /confirm it by hand/,
    );
  });
});
