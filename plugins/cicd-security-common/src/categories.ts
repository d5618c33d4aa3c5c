import { CheckCategory, Grade, Severity } from './types';

/** The categories in display order, with their labels and catalogue codes. */
export const CHECK_CATEGORIES: ReadonlyArray<{
  id: CheckCategory;
  title: string;
  code: string;
}> = [
  { id: 'secrets-management', title: 'Secrets management', code: 'SM' },
  { id: 'vulnerability-scanning', title: 'Vulnerability scanning', code: 'VS' },
  { id: 'code-quality', title: 'Code quality', code: 'CQ' },
  { id: 'access-control', title: 'Access control', code: 'AC' },
  { id: 'compliance', title: 'Compliance', code: 'CO' },
  { id: 'network-security', title: 'Network security', code: 'NS' },
  { id: 'third-party-software', title: 'Third-party software', code: 'TP' },
];

export function categoryTitle(category: CheckCategory): string {
  return CHECK_CATEGORIES.find(c => c.id === category)?.title ?? category;
}

export const SEVERITIES: ReadonlyArray<Severity> = [
  'critical',
  'high',
  'medium',
  'low',
];

/** Default weight of a check's severity in its category mean (OpenSSF Scorecard's 10/7.5/5/2.5). */
export const DEFAULT_SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  critical: 10,
  high: 7.5,
  medium: 5,
  low: 2.5,
};

/** Default grade bands: the lowest score that earns each grade. */
export const DEFAULT_GRADE_BANDS: Readonly<
  Record<Exclude<Grade, 'F'>, number>
> = {
  A: 9,
  B: 7.5,
  C: 6,
  D: 4,
};

export const GRADES: ReadonlyArray<Grade> = ['A', 'B', 'C', 'D', 'F'];

/** The annotation that points a component at its source. */
export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';
/** Optional override: a source location used only by cicd-security. */
export const CICD_SECURITY_SOURCE_ANNOTATION =
  'cicd-security.io/source-location';
