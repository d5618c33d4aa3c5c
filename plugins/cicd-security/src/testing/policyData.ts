import {
  ComplianceResponse,
  EntityPoliciesResponse,
  PoliciesResponse,
} from '@cicd-security/plugin-cicd-security-common';

/** Sample answers of the policy and compliance routes. */
export const policies: PoliciesResponse = {
  items: [
    {
      name: 'Production services',
      description: 'What every production service must meet.',
      select: { lifecycle: ['production'] },
      requirements: ['Grade B or better', 'No failing critical check'],
      counts: { selected: 4, inPolicy: 1, outOfPolicy: 2, notEvaluated: 1 },
      outOfPolicy: [
        {
          entityRef: 'component:default/payments-api',
          name: 'payments-api',
          owner: 'group:default/team-payments',
          score: 4.2,
          grade: 'D',
          failed: [
            {
              requirement: 'Grade B or better',
              kind: 'minGrade',
              met: false,
              detail: 'grade D: raise the score to grade B',
            },
            {
              requirement: 'No failing critical check',
              kind: 'noFailing',
              met: false,
              detail: 'fix hardcoded-secrets',
              checkIds: ['hardcoded-secrets'],
            },
          ],
        },
        {
          entityRef: 'component:default/storefront-web',
          name: 'storefront-web',
          owner: 'group:default/team-storefront',
          score: 7,
          grade: 'C',
          failed: [
            {
              requirement: 'Grade B or better',
              kind: 'minGrade',
              met: false,
              detail: 'grade C: raise the score to grade B',
            },
          ],
        },
      ],
    },
    {
      name: 'PCI',
      select: { tags: ['pci'] },
      requirements: ['secrets-outside-environment passes'],
      counts: { selected: 1, inPolicy: 1, outOfPolicy: 0, notEvaluated: 0 },
      outOfPolicy: [],
    },
  ],
};

export const entityPolicies: EntityPoliciesResponse = {
  entityRef: 'component:default/payments-api',
  items: [
    {
      policy: 'Production services',
      status: 'out-of-policy',
      requirements: policies.items[0].outOfPolicy[0].failed,
    },
    {
      policy: 'PCI',
      status: 'in-policy',
      requirements: [
        {
          requirement: 'secrets-outside-environment passes',
          kind: 'checkPassing',
          met: true,
          waived: true,
          detail:
            'passing with a waiver until 2027-01-31: moving to environments',
          checkIds: ['secrets-outside-environment'],
        },
      ],
    },
  ],
};

const counts = (
  met: number,
  notMet: number,
  partially: number,
  notAssessed: number,
) => ({
  met,
  'not-met': notMet,
  'partially-met': partially,
  'not-assessed': notAssessed,
});

export const complianceOrg: ComplianceResponse = {
  scope: { type: 'org' },
  framework: {
    id: 'owasp-cicd-top10',
    title: 'OWASP Top 10 CI/CD Security Risks',
    version: '2022',
  },
  summary: counts(1, 1, 1, 1),
  components: { evaluated: 3, notEvaluated: 1 },
  controls: [
    {
      controlId: 'CICD-SEC-3',
      title: 'Dependency Chain Abuse',
      status: 'partially-met',
      evidence: [
        {
          checkId: 'unpinned-actions',
          title: 'Actions are pinned to a full commit SHA',
          status: 'fail',
          severity: 'high',
          findings: 12,
        },
      ],
      entities: counts(1, 2, 0, 0),
    },
    {
      controlId: 'CICD-SEC-6',
      title: 'Insufficient Credential Hygiene',
      status: 'not-met',
      evidence: [
        {
          checkId: 'hardcoded-secrets',
          title: 'No hard-coded secrets',
          status: 'fail',
          severity: 'critical',
          findings: 2,
        },
      ],
      entities: counts(0, 3, 0, 0),
    },
    {
      controlId: 'CICD-SEC-9',
      title: 'Improper Artifact Integrity Validation',
      status: 'met',
      evidence: [
        {
          checkId: 'build-provenance',
          title: 'Build provenance',
          status: 'pass',
          severity: 'medium',
          findings: 0,
        },
      ],
      entities: counts(3, 0, 0, 0),
    },
    {
      controlId: 'CICD-SEC-10',
      title: 'Insufficient Logging and Visibility',
      status: 'not-assessed',
      reason: 'no component had a check that applied',
      evidence: [],
      entities: counts(0, 0, 0, 3),
    },
  ],
};

export const complianceEntity: ComplianceResponse = {
  ...complianceOrg,
  scope: { type: 'entity', entityRef: 'component:default/payments-api' },
  components: { evaluated: 1, notEvaluated: 0 },
  controls: complianceOrg.controls.map(({ entities: _e, ...c }) => c),
  slsa: {
    level: 2,
    basis: ['build-provenance passes: publishing pipelines sign provenance'],
    missingForNext: [
      {
        requirement: 'Isolated builds',
        checkIds: ['cache-poisoning', 'self-hosted-runner-on-prs'],
      },
    ],
  },
};

/** A view with nothing evaluated (the default of the mock API). */
export const complianceEmpty: ComplianceResponse = {
  ...complianceOrg,
  scope: { type: 'org' },
  summary: { met: 0, 'not-met': 0, 'partially-met': 0, 'not-assessed': 0 },
  components: { evaluated: 0, notEvaluated: 0 },
  controls: [],
};
