import { CicdSecurityFacts } from '../facts';
import { CheckFinding, createScorecardCheck, outcome } from './types';

type QualityGate = CicdSecurityFacts['sonarqube.qualityGate'];
type Condition = QualityGate['conditions'][number];

/** The annotation that names the SonarQube project (`key` or `instance/key`). */
const ANNOTATION = 'sonarqube.org/project-key';

/**
 * The quality gate is the team's own bar for the code it ships; a project
 * whose gate is red ships code below it (new bugs, vulnerabilities, untested
 * code) unless the pipeline stops it.
 */
export const sonarqubeQualityGate = createScorecardCheck({
  id: 'sonarqube-quality-gate',
  title: 'SonarQube quality gate passes',
  description:
    'The SonarQube or SonarCloud project of the component (annotation `sonarqube.org/project-key`) passes its quality gate: `projectStatus.status` of `GET /api/qualitygates/project_status` is not ERROR.',
  category: 'code-quality',
  severity: 'high',
  platforms: ['repository'],
  remediationUrl:
    'https://docs.sonarsource.com/sonarqube-server/latest/instance-administration/analysis-functions/quality-gates/',
  run(snapshot) {
    const fact = snapshot.fact('sonarqube.qualityGate');
    if (!fact.available) {
      // No provider asked: the module is not installed or configured, or the
      // entity has no annotation (the provider applies only to annotated ones).
      if (fact.reason.startsWith('no provider supplied')) {
        return outcome.notApplicable(
          `no SonarQube project: annotate ${ANNOTATION} (read by the SonarQube module of cicd-security when it is configured)`,
        );
      }
      const reason =
        fact.permission && !fact.reason.includes(fact.permission)
          ? `${fact.reason} (needs ${fact.permission})`
          : fact.reason;
      return outcome.inconclusive(
        `the quality gate could not be read from SonarQube: ${reason}`,
      );
    }
    const gate = fact.value;
    const where = gate.url ? ` (${gate.url})` : '';
    switch (gate.status) {
      case 'OK':
        return outcome.pass(
          `the quality gate of ${gate.projectKey} passes${where}`,
        );
      case 'NONE':
        return outcome.inconclusive(
          `no quality gate computed yet for ${gate.projectKey}: the project has no analysis, or no quality gate is assigned to it${where}`,
        );
      case 'WARN':
        return outcome.warn(
          5,
          findings(gate, 'WARN'),
          `the quality gate of ${gate.projectKey} warns${where}`,
        );
      default:
        return outcome.fail(
          0,
          findings(gate, 'ERROR'),
          `the quality gate of ${gate.projectKey} fails${where}`,
        );
    }
  },
});

/** One finding per condition in `status`; one for the gate when none is listed. */
function findings(gate: QualityGate, status: 'ERROR' | 'WARN'): CheckFinding[] {
  const fix = {
    description: `Fix what the failed conditions measure on the project's dashboard${
      gate.url ? ` (${gate.url})` : ''
    } and analyse again; if a threshold does not fit the project, change the quality gate in SonarQube (Quality Gates), not this check.`,
  };
  const failed = gate.conditions.filter(c => c.status === status);
  if (failed.length === 0) {
    return [
      {
        message: `The SonarQube quality gate of ${
          gate.projectKey
        } is ${status}${gate.url ? `: ${gate.url}` : ''}`,
        fingerprintKey: `${gate.projectKey}:${status}`,
        suggestedFix: fix,
      },
    ];
  }
  return failed.map(c => ({
    message: `SonarQube quality gate condition ${
      status === 'ERROR' ? 'failed' : 'warns'
    } on ${gate.projectKey}: ${describe(c, status)}${
      gate.url ? ` (${gate.url})` : ''
    }`,
    fingerprintKey: `${gate.projectKey}:${c.metricKey}`,
    suggestedFix: fix,
  }));
}

/** How SonarQube compares: the condition fails when the value is less (LT) or greater (GT) than the threshold. */
const COMPARATORS: Record<string, string> = {
  LT: 'must be at least',
  GT: 'must be at most',
  EQ: 'must not be',
  NE: 'must be',
};

/**
 * `new_coverage is 12.5, must be at least 80`; ratings as letters (1 → A).
 * A WARN condition passed its warning threshold, which the fact does not
 * carry: the error threshold is given as what would fail the gate.
 */
function describe(c: Condition, status: 'ERROR' | 'WARN'): string {
  const value = (v: string | undefined) =>
    v !== undefined && /_rating$/.test(c.metricKey) && /^[1-5](\.0)?$/.test(v)
      ? 'ABCDE'[Number(v) - 1]
      : v;
  const actual = value(c.actualValue) ?? 'unknown';
  const threshold = value(c.errorThreshold);
  if (threshold === undefined) return `${c.metricKey} is ${actual}`;
  const rule =
    COMPARATORS[c.comparator ?? ''] ??
    `must pass ${c.comparator ?? 'the threshold'}`;
  return status === 'WARN'
    ? `${
        c.metricKey
      } is ${actual}, past its warning threshold (the gate fails it unless it ${rule.replace(
        /^must be/,
        'is',
      )} ${threshold})`
    : `${c.metricKey} is ${actual}, ${rule} ${threshold}`;
}
