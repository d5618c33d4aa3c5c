import { factUnavailable, factValue } from '../facts';
import { InMemorySnapshot } from '../snapshot';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { sonarqubeQualityGate } from './sonarqubeQualityGate';

describe('sonarqube-quality-gate', () => {
  describeCheckFixtures(sonarqubeQualityGate);

  it('reports each failed condition with its value, threshold and the dashboard', async () => {
    const { outcome } = await runOnFixture(
      sonarqubeQualityGate,
      'fail-conditions',
    );
    expect(summarise(outcome, sonarqubeQualityGate)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> high SonarQube quality gate condition failed on acme_payments: new_coverage is 12.5, must be at least 80 (https://sonar.example.com/dashboard?id=acme_payments)",
          "<repository> high SonarQube quality gate condition failed on acme_payments: new_security_rating is D, must be at most A (https://sonar.example.com/dashboard?id=acme_payments)",
        ],
        "reason": "the quality gate of acme_payments fails (https://sonar.example.com/dashboard?id=acme_payments)",
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('warns on a WARN gate', async () => {
    const { outcome } = await runOnFixture(sonarqubeQualityGate, 'warn');
    expect(summarise(outcome, sonarqubeQualityGate)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> high SonarQube quality gate condition warns on acme_payments: new_code_smells is 11, past its warning threshold (the gate fails it unless it is at most 20) (https://sonar.example.com/dashboard?id=acme_payments)",
        ],
        "reason": "the quality gate of acme_payments warns (https://sonar.example.com/dashboard?id=acme_payments)",
        "score": 5,
        "status": "warn",
      }
    `);
  });

  it.each([
    [
      'inconclusive-no-analysis',
      'no quality gate computed yet for acme_payments: the project has no analysis, or no quality gate is assigned to it (https://sonar.example.com/dashboard?id=acme_payments)',
    ],
    [
      'inconclusive-forbidden',
      'the quality gate could not be read from SonarQube: SonarQube (default) answered 403 to GET /api/qualitygates/project_status?projectKey=acme_payments: Insufficient privileges (needs a token with Browse permission on the project)',
    ],
    [
      'not-applicable-no-project',
      'no SonarQube project: annotate sonarqube.org/project-key (read by the SonarQube module of cicd-security when it is configured)',
    ],
  ])('says why in %s', async (name, reason) => {
    const { outcome } = await runOnFixture(sonarqubeQualityGate, name);
    expect(summarise(outcome)).toEqual({
      status: name.startsWith('not-applicable')
        ? 'not-applicable'
        : 'inconclusive',
      reason,
    });
  });

  const gate = (
    status: 'OK' | 'WARN' | 'ERROR' | 'NONE',
    conditions: Array<Record<string, string>> = [],
  ) =>
    new InMemorySnapshot(
      {},
      {
        facts: {
          'sonarqube.qualityGate': factValue({
            projectKey: 'k',
            status,
            conditions: conditions as never,
          }),
        },
      },
    );

  it('fails with one finding for the gate when SonarQube lists no failed condition', async () => {
    expect(
      summarise(await sonarqubeQualityGate.run(gate('ERROR'))),
    ).toMatchObject({
      status: 'fail',
      score: 0,
      findings: [
        '<repository> default The SonarQube quality gate of k is ERROR',
      ],
    });
  });

  it('names the permission of an unavailable fact once', async () => {
    const out = await sonarqubeQualityGate.run(
      new InMemorySnapshot(
        {},
        {
          facts: {
            'sonarqube.qualityGate': factUnavailable('SonarQube answered 401', {
              permission: 'a token with Browse permission on the project',
            }),
          },
        },
      ),
    );
    expect(out).toEqual({
      status: 'inconclusive',
      reason:
        'the quality gate could not be read from SonarQube: SonarQube answered 401 (needs a token with Browse permission on the project)',
    });
  });

  it('shows ratings as letters and keeps other values as SonarQube gives them', async () => {
    const out = await sonarqubeQualityGate.run(
      gate('ERROR', [
        {
          metricKey: 'new_reliability_rating',
          status: 'ERROR',
          comparator: 'GT',
          errorThreshold: '1',
          actualValue: '3',
        },
        { metricKey: 'new_violations', status: 'ERROR', actualValue: '7' },
      ]),
    );
    expect('findings' in out && out.findings.map(f => f.message)).toEqual([
      'SonarQube quality gate condition failed on k: new_reliability_rating is C, must be at most A',
      'SonarQube quality gate condition failed on k: new_violations is 7',
    ]);
  });
});
