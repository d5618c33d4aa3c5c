import type { CheckResult, CheckStatus, Finding } from '../types';
import {
  aggregateCompliance,
  evaluateCompliance,
  openFindings,
} from './evaluate';

const finding = (
  checkId: string,
  line: number,
  extra: Partial<Finding> = {},
): Finding => ({
  checkId,
  severity: 'high',
  message: `problem on line ${line}`,
  file: '.github/workflows/release.yml',
  line,
  fingerprint: `${checkId}-${line}`,
  ...extra,
});

const result = (
  checkId: string,
  status: CheckStatus,
  extra: Partial<CheckResult> = {},
): CheckResult => ({
  checkId,
  title: checkId,
  category: 'access-control',
  severity: 'high',
  status,
  ...(status === 'pass' ? { score: 10 } : {}),
  ...(status === 'fail' ? { score: 3 } : {}),
  ...(status === 'warn' ? { score: 8 } : {}),
  ...(['not-applicable', 'inconclusive', 'error'].includes(status)
    ? { reason: `${checkId} is ${status}` }
    : {}),
  findings:
    status === 'fail' || status === 'warn'
      ? [finding(checkId, 12), finding(checkId, 30)]
      : [],
  ...extra,
});

const WAIVER = {
  id: 'w-17',
  reason: 'the release job moves to the shared release workflow in Q1',
  expiresAt: '2027-01-31T00:00:00.000Z',
  createdBy: 'user:default/alice',
};

/** A repository with branch protection but no review rules, a SAST job only on main, and so on. */
const payments: CheckResult[] = [
  result('default-branch-protected', 'pass'),
  result('force-push-blocked', 'pass'),
  result('review-required', 'fail'),
  result('review-rigour', 'inconclusive'),
  result('status-checks-required', 'pass'),
  result('protection-bypass', 'pass'),
  result('pipeline-codeowners', 'fail'),
  result('excessive-token-permissions', 'pass'),
  result('script-injection', 'fail', {
    findings: [
      finding('script-injection', 21),
      finding('script-injection', 44, {
        suppressed: { kind: 'inline', reason: 'input is an enum' },
      }),
    ],
  }),
  result('untrusted-checkout', 'not-applicable'),
  result('build-provenance', 'fail', { waiver: WAIVER }),
  result('sast-configured', 'pass'),
  result('sast-on-pull-requests', 'warn'),
  result('security-policy', 'pass'),
  result('license-present', 'pass'),
];

describe('evaluateCompliance', () => {
  it('reads each OpenSSF Scorecard check from its checks', () => {
    const view = evaluateCompliance('openssf-scorecard', payments);
    expect(view.framework).toEqual({
      id: 'openssf-scorecard',
      title: 'OpenSSF Scorecard',
      version: 'v5',
    });
    const byId = Object.fromEntries(view.controls.map(c => [c.controlId, c]));

    // Some protection checks pass, review-required and CODEOWNERS fail.
    expect(byId['Branch-Protection'].status).toBe('partially-met');
    expect(byId['Branch-Protection'].reason).toBe(
      '4 of 6 checks met; not met: pipeline-codeowners (fail), review-required (fail)',
    );
    // review-rigour is inconclusive: it does not count, review-required fails.
    expect(byId['Code-Review']).toMatchObject({
      status: 'not-met',
      reason: 'failing: review-required',
    });
    expect(byId['Code-Review'].evidence.map(e => e.status)).toEqual([
      'fail',
      'inconclusive',
    ]);
    // One open finding: the inline-suppressed one is not counted.
    expect(byId['Dangerous-Workflow']).toMatchObject({
      status: 'not-met',
      evidence: [
        {
          checkId: 'untrusted-checkout',
          status: 'not-applicable',
          findings: 0,
        },
        {
          checkId: 'script-injection',
          status: 'fail',
          findings: 1,
          severity: 'high',
        },
      ],
    });
    // A warning is half-way.
    expect(byId.SAST.status).toBe('partially-met');
    expect(byId['Security-Policy'].status).toBe('met');
    expect(byId['Security-Policy'].reason).toBeUndefined();
  });

  it('counts a waived check as met, and says so in the evidence and the reason', () => {
    const view = evaluateCompliance('openssf-scorecard', payments);
    const signed = view.controls.find(c => c.controlId === 'Signed-Releases')!;
    expect(signed.status).toBe('met');
    expect(signed.reason).toBe(
      'met with waivers; waived: build-provenance (until 2027-01-31)',
    );
    expect(signed.evidence).toEqual([
      {
        checkId: 'build-provenance',
        title: 'build-provenance',
        status: 'fail',
        severity: 'high',
        findings: 2,
        waiver: WAIVER,
      },
    ]);
  });

  it('does not assess controls without data, nor those no CI/CD data can assess', () => {
    const view = evaluateCompliance('openssf-scorecard', payments);
    const byId = Object.fromEntries(view.controls.map(c => [c.controlId, c]));
    expect(byId.Fuzzing).toMatchObject({
      status: 'not-assessed',
      evidence: [],
    });
    expect(byId.Fuzzing.reason).toMatch(/^not assessable from CI\/CD data: /);
    expect(byId.Webhooks).toMatchObject({
      status: 'not-assessed',
      reason: 'none of its checks ran',
    });
    const onlyNa = evaluateCompliance('openssf-scorecard', [
      result('webhook-secret', 'not-applicable'),
    ]);
    expect(onlyNa.controls.find(c => c.controlId === 'Webhooks')).toMatchObject(
      {
        status: 'not-assessed',
        reason: 'none of its checks applied or could conclude',
      },
    );
  });

  it('summarises every control of the framework once', () => {
    const view = evaluateCompliance('openssf-scorecard', payments);
    expect(view.controls).toHaveLength(20);
    expect(view.summary).toEqual({
      met: 4, // License, Security-Policy, Token-Permissions, Signed-Releases (waived)
      'not-met': 2, // Code-Review, Dangerous-Workflow
      'partially-met': 2, // Branch-Protection, SAST
      'not-assessed': 12,
    });
    expect(Object.values(view.summary).reduce((a, b) => a + b, 0)).toBe(
      view.controls.length,
    );
  });

  it('works for each framework', () => {
    const osps = evaluateCompliance('osps-baseline', payments);
    const byId = Object.fromEntries(osps.controls.map(c => [c.controlId, c]));
    expect(byId['OSPS-AC-03.01'].status).toBe('met');
    expect(byId['OSPS-QA-07.01'].status).toBe('not-met');
    expect(byId['OSPS-BR-01.02'].status).toBe('not-met');
    const owasp = evaluateCompliance('owasp-cicd-top10', payments);
    expect(owasp.controls.map(c => c.controlId)).toHaveLength(10);
    const ssdf = evaluateCompliance('nist-ssdf', payments);
    expect(ssdf.controls.find(c => c.controlId === 'PS.1')!.status).toBe(
      'partially-met',
    );
    expect(() => evaluateCompliance('iso-27001' as any, payments)).toThrow(
      /Unknown compliance framework 'iso-27001'/,
    );
  });
});

describe('openFindings', () => {
  it('counts unlisted findings in place of the entry that announces them', () => {
    expect(
      openFindings(
        result('unpinned-actions', 'fail', {
          findings: [
            finding('unpinned-actions', 1),
            finding('unpinned-actions', 2, { suppressed: { kind: 'config' } }),
            finding('unpinned-actions', 0, {
              message: 'and 250 more findings…',
            }),
          ],
          unlisted: { findings: 250, suppressed: 10, critical: 0 },
        }),
      ),
    ).toBe(1 + 240);
  });
});

describe('aggregateCompliance', () => {
  const billing: CheckResult[] = [
    result('default-branch-protected', 'pass'),
    result('force-push-blocked', 'pass'),
    result('review-required', 'pass'),
    result('status-checks-required', 'pass'),
    result('protection-bypass', 'pass'),
    result('pipeline-codeowners', 'pass'),
    result('script-injection', 'fail', {
      findings: [finding('script-injection', 9)],
    }),
    result('security-policy', 'pass'),
    result('license-present', 'fail'),
  ];
  const docsSite: CheckResult[] = [
    result('security-policy', 'pass'),
    result('license-present', 'fail'),
  ];

  const views = [payments, billing, docsSite].map(r =>
    evaluateCompliance('openssf-scorecard', r),
  );

  it('is met when met for all assessed entities, not met when for none, partial otherwise', () => {
    const team = aggregateCompliance(views);
    const byId = Object.fromEntries(team.controls.map(c => [c.controlId, c]));
    expect(byId['Security-Policy']).toMatchObject({
      status: 'met',
      reason: 'met for all 3 assessed components',
      entities: { met: 3, 'not-met': 0, 'partially-met': 0, 'not-assessed': 0 },
    });
    // payments partially, billing met, docs-site not assessed.
    expect(byId['Branch-Protection']).toMatchObject({
      status: 'partially-met',
      reason: 'met for 1 of 2 assessed components',
      entities: { met: 1, 'not-met': 0, 'partially-met': 1, 'not-assessed': 1 },
    });
    // payments met, billing and docs-site not met.
    expect(byId.License).toMatchObject({
      status: 'partially-met',
      entities: { met: 1, 'not-met': 2 },
    });
    expect(byId['Dangerous-Workflow']).toMatchObject({
      status: 'not-met',
      reason: 'not met for any of the 2 assessed components',
      entities: { 'not-met': 2, 'not-assessed': 1 },
    });
    // Evidence sums the open findings per check and keeps the worst status.
    expect(byId['Dangerous-Workflow'].evidence).toEqual([
      expect.objectContaining({
        checkId: 'untrusted-checkout',
        status: 'not-applicable',
      }),
      expect.objectContaining({
        checkId: 'script-injection',
        status: 'fail',
        findings: 2,
      }),
    ]);
    expect(byId.Fuzzing.status).toBe('not-assessed');
    expect(byId.Webhooks).toMatchObject({
      status: 'not-assessed',
      reason: 'no component had a check that applied',
    });
    expect(Object.values(team.summary).reduce((a, b) => a + b, 0)).toBe(20);
  });

  it('does not carry one entity\u2019s waiver into the aggregate', () => {
    const team = aggregateCompliance(views);
    const signed = team.controls.find(c => c.controlId === 'Signed-Releases')!;
    expect(signed.evidence[0].waiver).toBeUndefined();
    expect(signed.status).toBe('met');
  });

  it('refuses no views and views of different frameworks', () => {
    expect(() => aggregateCompliance([])).toThrow(/at least one view/);
    expect(() =>
      aggregateCompliance([
        views[0],
        evaluateCompliance('slsa-build', payments),
      ]),
    ).toThrow(/one framework; got 'openssf-scorecard' and 'slsa-build'/);
  });
});
