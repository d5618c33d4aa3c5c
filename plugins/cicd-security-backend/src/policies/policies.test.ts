import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  CheckResult,
  PolicyDefinition,
  Scorecard,
} from '@cicd-security/plugin-cicd-security-common';
import { evaluatePolicy, readPolicies, selects } from './policies';

const read = (policies: unknown, knownChecks?: (id: string) => boolean) =>
  readPolicies(new ConfigReader({ cicdSecurity: { policies } } as any), {
    knownChecks,
  });

describe('readPolicies', () => {
  it('reads nothing when unset', () => {
    expect(readPolicies(new ConfigReader({}))).toEqual([]);
  });

  it('reads selectors under their short and catalog names', () => {
    expect(
      read([
        {
          name: 'Production services',
          select: { 'spec.lifecycle': 'production', owner: 'team-payments' },
          minGrade: 'b',
          noFailing: { severity: 'critical' },
        },
        {
          name: 'PCI',
          select: {
            'metadata.tags': ['pci'],
            annotations: { 'acme.com/pci-scope': '*' },
          },
          checksPassing: ['secrets-outside-environment'],
          minScore: 7.5,
        },
      ]),
    ).toEqual([
      {
        name: 'Production services',
        select: {
          lifecycle: ['production'],
          owner: ['group:default/team-payments'],
        },
        minGrade: 'B',
        noFailing: { severity: 'critical' },
      },
      {
        name: 'PCI',
        select: {
          tags: ['pci'],
          annotations: { 'acme.com/pci-scope': '*' },
        },
        checksPassing: ['secrets-outside-environment'],
        minScore: 7.5,
      },
    ]);
  });

  it.each([
    [
      [{ name: 'P', select: { lifecyle: 'production' }, minGrade: 'B' }],
      'cicdSecurity.policies[0].select.lifecyle: unknown selector',
    ],
    [
      [
        {
          name: 'P',
          select: { kind: 'Component' },
          minGrade: 'B',
          mingrade: 'A',
        },
      ],
      'cicdSecurity.policies[0].mingrade: unknown key',
    ],
    [
      [{ name: 'P', select: { kind: 'Component' }, minGrade: 'F' }],
      'cicdSecurity.policies[0].minGrade must be one of A, B, C, D',
    ],
    [
      [{ name: 'P', select: { kind: 'Component' }, minScore: 11 }],
      'cicdSecurity.policies[0].minScore must be a number from 0 to 10',
    ],
    [
      [
        {
          name: 'P',
          select: { kind: 'Component' },
          noFailing: { severity: 'urgent' },
        },
      ],
      'cicdSecurity.policies[0].noFailing.severity must be one of critical, high, medium, low',
    ],
    [
      [{ name: 'P', select: {}, minGrade: 'B' }],
      'cicdSecurity.policies[0].select must select components',
    ],
    [
      [{ name: 'P', select: { kind: 'Component' } }],
      'cicdSecurity.policies[0] has no requirement',
    ],
    [
      [
        { name: 'P', select: { kind: 'Component' }, minGrade: 'B' },
        { name: 'p', select: { kind: 'Component' }, minGrade: 'C' },
      ],
      "cicdSecurity.policies[1].name: 'p' is used twice",
    ],
    [
      [{ name: 'P', select: { owner: 'group:' }, minGrade: 'B' }],
      "cicdSecurity.policies[0].select.owner: 'group:' is not an entity ref",
    ],
    [
      [{ name: 'P', select: { annotations: ['x'] }, minGrade: 'B' }],
      'cicdSecurity.policies[0].select.annotations must map annotation names',
    ],
  ])('refuses %j with an error naming the bad key', (policies, message) => {
    expect(() => read(policies)).toThrow(message);
  });

  it('refuses a check the backend does not run', () => {
    expect(() =>
      read(
        [
          {
            name: 'PCI',
            select: { tags: 'pci' },
            checksPassing: ['secrets-outside-environment', 'no-such-check'],
          },
        ],
        id => id === 'secrets-outside-environment',
      ),
    ).toThrow(
      "cicdSecurity.policies[0].checksPassing[1]: unknown check 'no-such-check'",
    );
  });
});

const entity = (over: Partial<Entity['metadata']>, spec: object): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', ...over },
  spec,
});

describe('selects', () => {
  const prod = entity(
    { tags: ['PCI', 'go'], annotations: { 'acme.com/tier': '1' } },
    { type: 'service', lifecycle: 'production', owner: 'team-payments' },
  );

  it('matches every key given, any value of a list, tags and annotations', () => {
    expect(selects({ lifecycle: ['production'] }, prod)).toBe(true);
    expect(selects({ lifecycle: ['experimental'] }, prod)).toBe(false);
    expect(selects({ type: ['website', 'service'] }, prod)).toBe(true);
    expect(selects({ kind: ['component'], tags: ['pci'] }, prod)).toBe(true);
    expect(selects({ tags: ['sox'] }, prod)).toBe(false);
    expect(selects({ owner: ['group:default/team-payments'] }, prod)).toBe(
      true,
    );
    expect(selects({ owner: ['group:default/team-web'] }, prod)).toBe(false);
    expect(selects({ annotations: { 'acme.com/tier': '*' } }, prod)).toBe(true);
    expect(selects({ annotations: { 'acme.com/tier': '2' } }, prod)).toBe(
      false,
    );
    expect(selects({ lifecycle: ['production'], tags: ['sox'] }, prod)).toBe(
      false,
    );
  });
});

const check = (over: Partial<CheckResult>): CheckResult => ({
  checkId: 'c',
  title: 'C',
  category: 'secrets-management',
  severity: 'high',
  status: 'pass',
  findings: [],
  ...over,
});

const scorecard = (over: Partial<Scorecard>): Scorecard => ({
  entityRef: 'component:default/svc',
  kind: 'Component',
  namespace: 'default',
  name: 'svc',
  state: 'ok',
  score: 8,
  grade: 'B',
  categories: [],
  counts: {
    passed: 0,
    failed: 0,
    warned: 0,
    notApplicable: 0,
    inconclusive: 0,
    errored: 0,
    findings: 0,
    suppressedFindings: 0,
    criticalFindings: 0,
  },
  scannedAt: '2026-11-27T00:00:00.000Z',
  checks: [check({})],
  problems: [],
  ...over,
});

const waiver = {
  id: 'w1',
  reason: 'migrating to environments',
  expiresAt: '2027-01-31T00:00:00.000Z',
  createdBy: 'user:default/alice',
};

describe('evaluatePolicy', () => {
  const production: PolicyDefinition = {
    name: 'Production services',
    select: { lifecycle: ['production'] },
    minGrade: 'B',
    noFailing: { severity: 'critical' },
  };
  const pci: PolicyDefinition = {
    name: 'PCI',
    select: { tags: ['pci'] },
    checksPassing: ['secrets-outside-environment', 'unprotected-deployments'],
  };

  it('is in policy when every requirement is met', () => {
    const result = evaluatePolicy(
      production,
      scorecard({
        grade: 'A',
        checks: [check({ severity: 'critical', status: 'pass' })],
      }),
    );
    expect(result).toEqual({
      policy: 'Production services',
      status: 'in-policy',
      requirements: [
        {
          requirement: 'Grade B or better',
          kind: 'minGrade',
          met: true,
          detail: 'grade A',
        },
        {
          requirement: 'No failing critical check',
          kind: 'noFailing',
          met: true,
          detail: 'none failing',
        },
      ],
    });
  });

  it('is out of policy with what to fix', () => {
    const result = evaluatePolicy(
      production,
      scorecard({
        grade: 'C',
        checks: [
          check({
            checkId: 'hardcoded-secrets',
            severity: 'critical',
            status: 'fail',
          }),
          check({ checkId: 'minor', severity: 'high', status: 'fail' }),
        ],
      }),
    );
    expect(result.status).toBe('out-of-policy');
    expect(result.requirements.filter(r => !r.met)).toEqual([
      {
        requirement: 'Grade B or better',
        kind: 'minGrade',
        met: false,
        detail: 'grade C: raise the score to grade B',
      },
      {
        requirement: 'No failing critical check',
        kind: 'noFailing',
        met: false,
        detail: 'fix hardcoded-secrets',
        checkIds: ['hardcoded-secrets'],
      },
    ]);
  });

  it('counts a waived failing check as passing with a waiver, and says so', () => {
    const result = evaluatePolicy(
      { ...pci, noFailing: { severity: 'high' } },
      scorecard({
        checks: [
          check({
            checkId: 'secrets-outside-environment',
            status: 'fail',
            waiver,
          }),
          check({
            checkId: 'unprotected-deployments',
            status: 'not-applicable',
            reason: 'no deployment',
          }),
        ],
      }),
    );
    expect(result.status).toBe('in-policy');
    expect(result.requirements).toEqual([
      {
        requirement: 'No failing check of severity high or higher',
        kind: 'noFailing',
        met: true,
        waived: true,
        detail: 'passing with a waiver: secrets-outside-environment',
        checkIds: ['secrets-outside-environment'],
      },
      {
        requirement: 'secrets-outside-environment passes',
        kind: 'checkPassing',
        met: true,
        waived: true,
        detail:
          'passing with a waiver until 2027-01-31: migrating to environments',
        checkIds: ['secrets-outside-environment'],
      },
      {
        requirement: 'unprotected-deployments passes',
        kind: 'checkPassing',
        met: true,
        detail: 'does not apply: no deployment',
        checkIds: ['unprotected-deployments'],
      },
    ]);
  });

  it('does not count an inconclusive or missing check as passing', () => {
    const result = evaluatePolicy(
      pci,
      scorecard({
        checks: [
          check({
            checkId: 'secrets-outside-environment',
            status: 'inconclusive',
            reason: 'needs the GitHub module',
          }),
        ],
      }),
    );
    expect(result.status).toBe('out-of-policy');
    expect(result.requirements.map(r => r.detail)).toEqual([
      'could not be verified (inconclusive: needs the GitHub module)',
      'the check did not run on this component',
    ]);
  });

  it('does not evaluate a component never scanned or without a source', () => {
    expect(evaluatePolicy(production, undefined)).toMatchObject({
      status: 'not-evaluated',
      reason: 'never scanned',
    });
    expect(
      evaluatePolicy(
        production,
        scorecard({
          state: 'no-source',
          stateReason: 'no source location',
          scannedAt: undefined,
          checks: [],
          grade: null,
          score: null,
        }),
      ),
    ).toMatchObject({
      status: 'not-evaluated',
      reason: 'no source: no source location',
      requirements: [
        {
          requirement: 'Grade B or better',
          met: false,
          detail: 'not evaluated',
        },
        { requirement: 'No failing critical check', met: false },
      ],
    });
    expect(
      evaluatePolicy(
        production,
        scorecard({ state: 'pending', scannedAt: undefined, checks: [] }),
      ).status,
    ).toBe('not-evaluated');
  });

  it('evaluates a stale component from its last results', () => {
    expect(
      evaluatePolicy(production, scorecard({ state: 'stale', grade: 'B' }))
        .status,
    ).toBe('in-policy');
  });
});
