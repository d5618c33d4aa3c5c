import {
  CategoryScore,
  CHECK_CATEGORIES,
  CheckDetailResponse,
  CheckWithStats,
  CheckCategory,
  Grade,
  OverviewResponse,
  ScoreStats,
  Scorecard,
  ScorecardHistoryPoint,
  TeamAggregate,
  ScorecardSummary,
  TeamSummary,
  Waiver,
} from '@cicd-security/plugin-cicd-security-common';
import { Entity } from '@backstage/catalog-model';

/** Sample data shared by the tests of this package. */

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'backstage.io/source-location':
        'url:https://github.com/example-org/payments-api/tree/main/',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
};

export const entityWithoutSource: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'legacy-tool', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
};

const categories: CategoryScore[] = CHECK_CATEGORIES.map((c, i) => ({
  category: c.id,
  score: i === 6 ? null : 10 - i,
  applicable: i === 6 ? 0 : 2,
  failing: i === 0 ? 1 : 0,
}));

export const summary: ScorecardSummary = {
  entityRef: 'component:default/payments-api',
  kind: 'component',
  namespace: 'default',
  name: 'payments-api',
  title: 'Payments API',
  owner: 'group:default/team-payments',
  state: 'ok',
  score: 6.4,
  grade: 'C',
  categories,
  counts: {
    passed: 5,
    failed: 2,
    warned: 1,
    notApplicable: 3,
    inconclusive: 0,
    errored: 0,
    findings: 3,
    suppressedFindings: 0,
    criticalFindings: 1,
  },
  scannedAt: '2025-01-02T03:04:05.000Z',
  revision: '0123456789abcdef0123456789abcdef01234567',
  sourceLocation: 'url:https://github.com/example-org/payments-api/tree/main/',
  system: 'system:default/payments',
  type: 'service',
  lifecycle: 'production',
};

export const scorecard: Scorecard = {
  ...summary,
  checks: [
    {
      checkId: 'persisted-checkout-credentials',
      title: 'Checkout does not persist credentials',
      category: 'secrets-management',
      severity: 'medium',
      status: 'pass',
      score: 10,
      findings: [],
    },
    {
      checkId: 'unpinned-actions',
      title: 'Actions are pinned to a full commit SHA',
      category: 'third-party-software',
      severity: 'high',
      status: 'fail',
      score: 3,
      findings: [
        {
          checkId: 'unpinned-actions',
          severity: 'high',
          message: 'actions/setup-node@v4 is pinned to a tag, not a commit SHA',
          file: '.github/workflows/ci.yml',
          line: 12,
          column: 15,
          snippet: '      - uses: actions/setup-node@v4',
          fingerprint: 'fp-1',
          suggestedFix: {
            description: 'Pin the action to the commit of the tag',
            replacement:
              '      - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af # v4',
          },
        },
      ],
    },
    {
      checkId: 'hardcoded-secrets',
      title: 'No secrets in pipeline files',
      category: 'secrets-management',
      severity: 'critical',
      status: 'fail',
      score: 0,
      findings: [
        {
          checkId: 'hardcoded-secrets',
          severity: 'critical',
          message: 'AWS access key id in env AWS_ACCESS_KEY_ID',
          file: '.github/workflows/deploy.yml',
          line: 8,
          column: 26,
          snippet: '  AWS_ACCESS_KEY_ID: AKIA************MPLE',
          fingerprint: 'fp-2',
        },
      ],
    },
    {
      checkId: 'dependency-update-tool',
      title: 'A dependency update tool is configured',
      category: 'vulnerability-scanning',
      severity: 'low',
      status: 'warn',
      score: 7,
      findings: [
        {
          checkId: 'dependency-update-tool',
          severity: 'low',
          message: 'Dependabot does not cover github-actions',
          file: '.github/dependabot.yml',
          line: 3,
          column: 3,
          fingerprint: 'fp-3',
        },
      ],
    },
    {
      checkId: 'gitlab-protected-variables',
      title: 'GitLab variables are protected',
      category: 'secrets-management',
      severity: 'high',
      status: 'not-applicable',
      reason: 'No GitLab CI configuration',
      findings: [],
    },
  ],
  scmUrl: 'https://github.com/example-org/payments-api/tree/main/',
  problems: [
    {
      file: '.github/workflows/broken.yml',
      line: 4,
      column: 1,
      kind: 'parse-error',
      message: 'Nested mappings are not allowed in compact mappings',
    },
    {
      file: 'assets/big.bin',
      kind: 'skipped-file',
      message: 'Binary file',
    },
  ],
};

export const teamSummaries: TeamSummary[] = [
  {
    owner: 'group:default/team-payments',
    components: 3,
    scanned: 2,
    averageScore: 7.1,
    grades: { A: 1, B: 0, C: 1, D: 0, F: 0 },
  },
];

export const checkDetail: CheckDetailResponse = {
  id: 'unpinned-actions',
  title: 'Actions are pinned to a full commit SHA',
  description: 'Tags can be moved; a commit SHA cannot.',
  category: 'third-party-software',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [{ framework: 'owasp-cicd-top10', control: 'CICD-SEC-3' }],
  docsPath: 'plugins/cicd-security-node/guides/unpinned-actions.md',
  passRate: 0.25,
  failing: 3,
  openFailing: 2,
  waivedFailing: 1,
  suppressedFindings: 4,
  applicable: 4,
  inconclusive: 0,
  guide:
    '# Actions are pinned to a full commit SHA\n\n## Why it matters\n\nA tag can be moved to malicious code.\n',
  failingEntities: [
    {
      entityRef: 'component:default/payments-api',
      title: 'Payments API',
      owner: 'group:default/team-payments',
      score: 6.4,
      findings: 1,
    },
  ],
};

/** A waived check and a check with an inline-suppressed finding. */
export const scorecardWithWaivers: Scorecard = {
  ...scorecard,
  checks: [
    ...scorecard.checks,
    {
      checkId: 'script-injection',
      title: 'No untrusted input in run scripts',
      category: 'code-quality',
      severity: 'high',
      status: 'fail',
      score: 0,
      waiver: {
        id: 'w-1',
        reason: 'Replaced by the new pipeline next sprint',
        expiresAt: '2099-03-01T00:00:00.000Z',
        createdBy: 'user:default/alice',
      },
      findings: [
        {
          checkId: 'script-injection',
          severity: 'high',
          message: 'github.event.issue.title is used in a run script',
          file: '.github/workflows/triage.yml',
          line: 20,
          fingerprint: 'fp-4',
        },
      ],
    },
    {
      checkId: 'dangerous-triggers',
      title: 'No dangerous workflow triggers',
      category: 'access-control',
      severity: 'critical',
      status: 'pass',
      score: 10,
      findings: [
        {
          checkId: 'dangerous-triggers',
          severity: 'critical',
          message: 'pull_request_target checks out the head commit',
          file: '.github/workflows/pr.yml',
          line: 3,
          fingerprint: 'fp-5',
          suppressed: {
            kind: 'inline',
            reason: 'Only labels are read',
            expires: '2099-01-01',
          },
        },
      ],
    },
    {
      checkId: 'branch-protection',
      title: 'The default branch is protected',
      category: 'access-control',
      severity: 'high',
      status: 'inconclusive',
      reason: 'Needs the GitHub App permission administration:read',
      findings: [],
    },
  ],
  explanation: {
    checks: [
      {
        checkId: 'hardcoded-secrets',
        category: 'secrets-management',
        weight: 10,
        score: 0,
        counted: true,
      },
      {
        checkId: 'unpinned-actions',
        category: 'third-party-software',
        weight: 7.5,
        score: 3,
        counted: true,
      },
      {
        checkId: 'script-injection',
        category: 'code-quality',
        weight: 7.5,
        score: 0,
        counted: false,
        note: 'Waived until 2099-03-01',
      },
      {
        checkId: 'branch-protection',
        category: 'access-control',
        weight: 7.5,
        score: null,
        counted: false,
        note: 'Inconclusive: needs administration:read',
      },
    ],
    categories: scorecard.categories,
    categoryWeights: {
      'secrets-management': 1,
      'vulnerability-scanning': 1,
      'code-quality': 1,
      'access-control': 1,
      compliance: 1,
      'network-security': 1,
      'third-party-software': 1,
    },
    gradeBands: { A: 9, B: 7.5, C: 6, D: 4 },
  },
};

export const history: ScorecardHistoryPoint[] = [6.4, 5.9, 5.1].map(
  (score, i) => ({
    scannedAt: `2025-01-0${3 - i}T03:04:05.000Z`,
    score,
    grade: (score >= 6 ? 'C' : 'D') as Grade,
    state: 'ok' as const,
    categories,
  }),
);

function categoryAverages(base: number): Record<CheckCategory, number | null> {
  return Object.fromEntries(
    CHECK_CATEGORIES.map((c, i) => [
      c.id,
      i === 6 ? null : Math.max(0, Math.min(10, base + (i % 3) - 1)),
    ]),
  ) as Record<CheckCategory, number | null>;
}

export function stats(
  components: number,
  averageScore: number | null,
  change30d: number | null = null,
): ScoreStats {
  return {
    components,
    scanned: components,
    averageScore,
    medianScore: averageScore,
    grades: { A: 1, B: 0, C: components - 1, D: 0, F: 0 },
    categories: categoryAverages(averageScore ?? 5),
    change30d,
    openCriticalFindings: 2,
  };
}

export const teams: TeamAggregate[] = [
  {
    groupRef: 'group:default/engineering',
    title: 'Engineering',
    type: 'department',
    children: ['group:default/team-payments', 'group:default/team-web'],
    direct: stats(0, null),
    rollup: stats(5, 6.8, 0.5),
  },
  {
    groupRef: 'group:default/team-payments',
    title: 'Payments',
    type: 'team',
    parent: 'group:default/engineering',
    children: [],
    direct: stats(3, 7.1, 1.2),
    rollup: stats(3, 7.1, 1.2),
  },
  {
    groupRef: 'group:default/team-web',
    title: 'Web',
    type: 'team',
    parent: 'group:default/engineering',
    children: [],
    direct: stats(2, 4.2, -0.8),
    rollup: stats(2, 4.2, -0.8),
  },
];

export const overview: OverviewResponse = {
  stats: {
    ...stats(20, 6.2, 0.4),
    grades: { A: 4, B: 5, C: 6, D: 3, F: 2 },
    openCriticalFindings: 7,
  },
  shareAB: 0.45,
  trend: [
    { date: '2025-01-01', averageScore: 5.8, scanned: 18 },
    { date: '2025-01-02', averageScore: 6.0, scanned: 20 },
    { date: '2025-01-03', averageScore: 6.2, scanned: 20 },
  ],
  computedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
};

export const checkWithStats: CheckWithStats = {
  id: checkDetail.id,
  title: checkDetail.title,
  description: checkDetail.description,
  category: checkDetail.category,
  severity: checkDetail.severity,
  platforms: checkDetail.platforms,
  frameworks: checkDetail.frameworks,
  docsPath: checkDetail.docsPath,
  passRate: 0.25,
  failing: 3,
  openFailing: 2,
  waivedFailing: 1,
  suppressedFindings: 4,
  applicable: 4,
  inconclusive: 1,
};

/** Portal waivers of payments-api: one active, one revoked, one expired owner-wide. */
export const waivers: Waiver[] = [
  {
    id: 'w-1',
    checkId: 'script-injection',
    scope: { type: 'entity', entityRef: 'component:default/payments-api' },
    reason: 'Replaced by the new pipeline next sprint',
    expiresAt: '2099-03-01T00:00:00.000Z',
    createdBy: 'user:default/alice',
    createdAt: '2025-01-01T10:00:00.000Z',
    active: true,
    history: [
      {
        action: 'created',
        actor: 'user:default/alice',
        at: '2025-01-01T10:00:00.000Z',
        reason: 'Replaced by the new pipeline next sprint',
      },
    ],
  },
  {
    id: 'w-2',
    checkId: 'unpinned-actions',
    scope: { type: 'entity', entityRef: 'component:default/payments-api' },
    reason: 'Vendor action without releases',
    expiresAt: '2099-01-01T00:00:00.000Z',
    createdBy: 'user:default/bob',
    createdAt: '2024-11-01T10:00:00.000Z',
    revokedBy: 'user:default/carol',
    revokedAt: '2024-12-01T10:00:00.000Z',
    active: false,
    history: [
      {
        action: 'created',
        actor: 'user:default/bob',
        at: '2024-11-01T10:00:00.000Z',
        reason: 'Vendor action without releases',
      },
      {
        action: 'revoked',
        actor: 'user:default/carol',
        at: '2024-12-01T10:00:00.000Z',
        reason: 'The vendor publishes releases now',
      },
    ],
  },
  {
    id: 'w-3',
    checkId: 'dependency-update-tool',
    scope: { type: 'owner', ownerRef: 'group:default/team-payments' },
    reason: 'Renovate roll-out planned for the whole team',
    expiresAt: '2024-06-01T00:00:00.000Z',
    createdBy: 'user:default/alice',
    createdAt: '2024-03-01T10:00:00.000Z',
    active: false,
    history: [
      {
        action: 'created',
        actor: 'user:default/alice',
        at: '2024-03-01T10:00:00.000Z',
      },
    ],
  },
];

/**
 * A scorecard with 60 open findings in three checks (30 high, 10 critical,
 * 20 medium) across three workflow files; every sixth finding is new since
 * the previous scan, and one suggested fix is Markdown.
 */
export function scorecardWithManyFindings(): Scorecard {
  const findings = (
    checkId: string,
    severity: 'critical' | 'high' | 'medium',
    count: number,
    file: (i: number) => string,
    message: (i: number) => string,
  ) =>
    Array.from({ length: count }, (_, i) => ({
      checkId,
      severity,
      message: message(i),
      file: file(i),
      line: 10 + i,
      column: 9,
      fingerprint: `${checkId}-${i}`,
      newSinceLastScan: i % 6 === 0,
    }));
  const unpinned: Scorecard['checks'][number]['findings'] = findings(
    'unpinned-actions',
    'high',
    30,
    i => (i < 15 ? '.github/workflows/ci.yml' : '.github/workflows/deploy.yml'),
    i => `action-${i}@v1 is pinned to a tag, not a commit SHA`,
  );
  unpinned[0] = {
    ...unpinned[0],
    suggestedFix: {
      description:
        'Pin the action with `uses: owner/repo@<sha>`, as **the guide** says (https://docs.github.com/actions/security-guides):\n\n- find the commit of the tag\n- replace the tag\n\n```\nuses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n```',
    },
  };
  return {
    ...scorecard,
    counts: { ...scorecard.counts, findings: 60, criticalFindings: 10 },
    checks: [
      {
        checkId: 'script-injection',
        title: 'No untrusted input in run scripts',
        category: 'code-quality',
        severity: 'critical',
        status: 'fail',
        score: 0,
        findings: findings(
          'script-injection',
          'critical',
          10,
          () => '.github/workflows/ci.yml',
          i => `github.event.issue.title reaches a run script (${i})`,
        ),
      },
      {
        checkId: 'unpinned-actions',
        title: 'Actions are pinned to a full commit SHA',
        category: 'third-party-software',
        severity: 'high',
        status: 'fail',
        score: 2,
        findings: unpinned,
      },
      {
        checkId: 'excessive-permissions',
        title: 'Workflows ask for the least permissions',
        category: 'access-control',
        severity: 'medium',
        status: 'warn',
        score: 6,
        findings: findings(
          'excessive-permissions',
          'medium',
          20,
          () => '.github/workflows/release.yml',
          i => `job release-${i} can write to every scope`,
        ),
      },
    ],
  } as Scorecard;
}
