import {
  CategoryScore,
  CHECK_CATEGORIES,
  CheckDetailResponse,
  Scorecard,
  ScorecardSummary,
  TeamSummary,
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

export const teams: TeamSummary[] = [
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
  docsPath: 'docs/checks/unpinned-actions.md',
  passRate: 0.25,
  failing: 3,
  applicable: 4,
  guide:
    '# Actions are pinned to a full commit SHA\n\n## Why it matters\n\nA tag can be moved to malicious code.\n',
};
