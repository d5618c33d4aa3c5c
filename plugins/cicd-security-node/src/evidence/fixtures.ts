import type { Scorecard } from '@cicd-security/plugin-cicd-security-common';
/** A stored-looking scorecard for tests. */
export function evidenceTestScorecard(
  overrides: Partial<Scorecard> = {},
): Scorecard {
  return {
    entityRef: 'component:default/payments-api',
    kind: 'Component',
    namespace: 'default',
    name: 'payments-api',
    title: 'Payments API',
    owner: 'group:default/payments',
    state: 'ok',
    score: 6.5,
    grade: 'C',
    categories: [],
    counts: {
      passed: 1,
      failed: 1,
      warned: 0,
      notApplicable: 0,
      inconclusive: 0,
      errored: 0,
      findings: 2,
      suppressedFindings: 1,
      criticalFindings: 0,
    },
    scannedAt: '2026-11-20T10:00:00.000Z',
    revision: '0123456789abcdef0123456789abcdef01234567',
    sourceLocation: 'https://github.com/acme/payments-api',
    problems: [],
    checks: [
      {
        checkId: 'unpinned-actions',
        title: 'Actions pinned to a commit SHA',
        category: 'third-party-software',
        severity: 'high',
        status: 'fail',
        score: 3,
        findings: [
          {
            checkId: 'unpinned-actions',
            severity: 'high',
            message:
              'actions/checkout@v4 is not pinned <script>alert(1)</script>',
            file: '.github/workflows/ci.yml',
            line: 12,
            column: 15,
            fingerprint: 'fp-b',
          },
          {
            checkId: 'unpinned-actions',
            severity: 'high',
            message: 'actions/setup-node@v4 is not pinned',
            file: '.github/workflows/ci.yml',
            line: 9,
            column: 15,
            fingerprint: 'fp-a',
            suppressed: {
              kind: 'config',
              reason: 'vendor action, reviewed',
              expires: '2027-01-31',
            },
          },
        ],
        waiver: {
          id: 'w-1',
          reason: 'migration to SHA pins planned for Q1',
          expiresAt: '2027-02-01T00:00:00.000Z',
          createdBy: 'user:default/alice',
        },
      },
      {
        checkId: 'branch-protection',
        title: 'Default branch protected',
        category: 'access-control',
        severity: 'medium',
        status: 'pass',
        score: 10,
        findings: [],
      },
    ],
    ...overrides,
  } as Scorecard;
}
