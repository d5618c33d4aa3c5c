import { Config } from '@backstage/config';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EntityPolicyResult,
  Grade,
  GRADES,
  PolicyDefinition,
  PolicyRequirementResult,
  PolicySelector,
  Severity,
  SEVERITIES,
} from '@cicd-security/plugin-cicd-security-common';
import { LatestScorecard } from '../database/latestScorecards';
import { entityMeta } from '../scanner/entityMeta';

/** Selector keys as written in configuration, and the field each means. */
const SELECTOR_KEYS: Record<string, keyof PolicySelector> = {
  kind: 'kind',
  type: 'type',
  'spec.type': 'type',
  lifecycle: 'lifecycle',
  'spec.lifecycle': 'lifecycle',
  owner: 'owner',
  'spec.owner': 'owner',
  tags: 'tags',
  'metadata.tags': 'tags',
  annotations: 'annotations',
  'metadata.annotations': 'annotations',
};

const POLICY_KEYS = [
  'name',
  'description',
  'select',
  'minGrade',
  'minScore',
  'noFailing',
  'checksPassing',
];

/**
 * Reads and validates `cicdSecurity.policies`. Throws an error naming the
 * bad key (e.g. `cicdSecurity.policies[1].select.lifecyle`) so a typo stops
 * the backend at startup instead of silently selecting nothing.
 */
export function readPolicies(
  config: Config,
  options: { knownChecks?: (id: string) => boolean } = {},
): PolicyDefinition[] {
  const raw = config.getOptional('cicdSecurity.policies');
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    throw new Error('cicdSecurity.policies must be a list of policies');
  }
  const names = new Set<string>();
  return raw.map((entry, i) => {
    const at = `cicdSecurity.policies[${i}]`;
    const policy = parsePolicy(entry, at, options);
    const key = policy.name.toLocaleLowerCase('en-US');
    if (names.has(key)) {
      throw new Error(`${at}.name: '${policy.name}' is used twice`);
    }
    names.add(key);
    return policy;
  });
}

function parsePolicy(
  entry: unknown,
  at: string,
  options: { knownChecks?: (id: string) => boolean },
): PolicyDefinition {
  if (!isObject(entry)) throw new Error(`${at} must be an object`);
  for (const key of Object.keys(entry)) {
    if (!POLICY_KEYS.includes(key)) {
      throw new Error(
        `${at}.${key}: unknown key; a policy has ${POLICY_KEYS.join(', ')}`,
      );
    }
  }
  const name = entry.name;
  if (typeof name !== 'string' || !name.trim()) {
    throw new Error(`${at}.name must be a non-empty string`);
  }
  if (
    entry.description !== undefined &&
    typeof entry.description !== 'string'
  ) {
    throw new Error(`${at}.description must be a string`);
  }
  const select = parseSelector(entry.select, `${at}.select`);
  const policy: PolicyDefinition = {
    name: name.trim(),
    ...(entry.description ? { description: entry.description } : {}),
    select,
  };
  if (entry.minGrade !== undefined) {
    const grade = String(entry.minGrade).toUpperCase();
    if (!['A', 'B', 'C', 'D'].includes(grade)) {
      throw new Error(`${at}.minGrade must be one of A, B, C, D`);
    }
    policy.minGrade = grade as Grade;
  }
  if (entry.minScore !== undefined) {
    const score = entry.minScore;
    if (typeof score !== 'number' || !(score >= 0 && score <= 10)) {
      throw new Error(`${at}.minScore must be a number from 0 to 10`);
    }
    policy.minScore = score;
  }
  if (entry.noFailing !== undefined) {
    const nf = entry.noFailing;
    if (!isObject(nf) || Object.keys(nf).some(k => k !== 'severity')) {
      throw new Error(
        `${at}.noFailing must be { severity: critical | high | medium | low }`,
      );
    }
    if (!SEVERITIES.includes(nf.severity as Severity)) {
      throw new Error(
        `${at}.noFailing.severity must be one of ${SEVERITIES.join(', ')}`,
      );
    }
    policy.noFailing = { severity: nf.severity as Severity };
  }
  if (entry.checksPassing !== undefined) {
    const ids = entry.checksPassing;
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.some(id => typeof id !== 'string')
    ) {
      throw new Error(
        `${at}.checksPassing must be a non-empty list of check ids`,
      );
    }
    ids.forEach((id: string, j) => {
      if (options.knownChecks && !options.knownChecks(id)) {
        throw new Error(
          `${at}.checksPassing[${j}]: unknown check '${id}' (not among the checks this backend runs)`,
        );
      }
    });
    policy.checksPassing = ids as string[];
  }
  if (
    policy.minGrade === undefined &&
    policy.minScore === undefined &&
    policy.noFailing === undefined &&
    policy.checksPassing === undefined
  ) {
    throw new Error(
      `${at} has no requirement: give minGrade, minScore, noFailing or checksPassing`,
    );
  }
  return policy;
}

function parseSelector(value: unknown, at: string): PolicySelector {
  if (!isObject(value) || Object.keys(value).length === 0) {
    throw new Error(
      `${at} must select components by at least one of kind, type, lifecycle, owner, tags, annotations`,
    );
  }
  const selector: PolicySelector = {};
  for (const [key, v] of Object.entries(value)) {
    const field = SELECTOR_KEYS[key];
    if (!field) {
      throw new Error(
        `${at}.${key}: unknown selector; select by kind, type (spec.type), lifecycle (spec.lifecycle), owner (spec.owner), tags (metadata.tags) or annotations (metadata.annotations)`,
      );
    }
    if (field === 'annotations') {
      if (
        !isObject(v) ||
        Object.keys(v).length === 0 ||
        Object.values(v).some(x => typeof x !== 'string')
      ) {
        throw new Error(
          `${at}.${key} must map annotation names to values ('*' for any value)`,
        );
      }
      selector.annotations = v as Record<string, string>;
      continue;
    }
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || list.some(x => typeof x !== 'string' || !x)) {
      throw new Error(`${at}.${key} must be a string or a list of strings`);
    }
    const strings = list as string[];
    selector[field] =
      field === 'owner'
        ? strings.map(ref => ownerRef(ref, `${at}.${key}`))
        : strings;
  }
  return selector;
}

function ownerRef(ref: string, at: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, {
        defaultKind: 'group',
        defaultNamespace: DEFAULT_NAMESPACE,
      }),
    );
  } catch {
    throw new Error(`${at}: '${ref}' is not an entity ref`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const same = (a: string | undefined, b: string) =>
  a !== undefined &&
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/** Whether the policy applies to the entity. */
export function selects(selector: PolicySelector, entity: Entity): boolean {
  const meta = entityMeta(entity);
  const any = (values: string[] | undefined, actual: string | undefined) =>
    !values || values.some(v => same(actual, v));
  if (!any(selector.kind, meta.kind)) return false;
  if (!any(selector.type, meta.type)) return false;
  if (!any(selector.lifecycle, meta.lifecycle)) return false;
  if (!any(selector.owner, meta.owner)) return false;
  if (selector.tags) {
    const tags = entity.metadata.tags ?? [];
    if (!selector.tags.some(t => tags.some(x => same(x, t)))) return false;
  }
  if (selector.annotations) {
    const annotations = entity.metadata.annotations ?? {};
    for (const [k, v] of Object.entries(selector.annotations)) {
      const actual = annotations[k];
      if (actual === undefined) return false;
      if (v !== '*' && actual !== v) return false;
    }
  }
  return true;
}

/** The requirements of a policy, in words. */
export function describeRequirements(policy: PolicyDefinition): string[] {
  const out: string[] = [];
  if (policy.minGrade) out.push(gradeText(policy.minGrade));
  if (policy.minScore !== undefined)
    out.push(`Score ${policy.minScore} or higher`);
  if (policy.noFailing) out.push(noFailingText(policy.noFailing.severity));
  for (const id of policy.checksPassing ?? []) out.push(`${id} passes`);
  return out;
}

const gradeText = (g: Grade) =>
  g === 'A' ? 'Grade A' : `Grade ${g} or better`;

function noFailingText(severity: Severity): string {
  return severity === 'critical'
    ? 'No failing critical check'
    : `No failing check of severity ${severity} or higher`;
}

const rank = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s);

/**
 * How the component stands against the policy, from its latest scorecard.
 * A component never scanned, or without a source, is not evaluated (neither
 * in nor out of policy). A failing check covered by a portal waiver counts as
 * passing, with a waiver, and says so.
 */
export function evaluatePolicy(
  policy: PolicyDefinition,
  scorecard: LatestScorecard | undefined,
): EntityPolicyResult {
  const base = {
    policy: policy.name,
    ...(policy.description ? { description: policy.description } : {}),
  };
  const unevaluated = notEvaluatedReason(scorecard);
  if (unevaluated || !scorecard) {
    return {
      ...base,
      status: 'not-evaluated',
      reason: unevaluated ?? 'never scanned',
      requirements: describeRequirements(policy).map((requirement, i) => ({
        requirement,
        kind: requirementKinds(policy)[i],
        met: false,
        detail: 'not evaluated',
      })),
    };
  }
  const requirements: PolicyRequirementResult[] = [];
  if (policy.minGrade) {
    const grade = scorecard.grade;
    const met =
      grade !== null &&
      GRADES.indexOf(grade) <= GRADES.indexOf(policy.minGrade);
    requirements.push({
      requirement: gradeText(policy.minGrade),
      kind: 'minGrade',
      met,
      detail: grade
        ? `grade ${grade}${
            met ? '' : `: raise the score to grade ${policy.minGrade}`
          }`
        : 'no grade: no check applied',
    });
  }
  if (policy.minScore !== undefined) {
    const score = scorecard.score;
    const met = score !== null && score >= policy.minScore;
    requirements.push({
      requirement: `Score ${policy.minScore} or higher`,
      kind: 'minScore',
      met,
      detail: score === null ? 'no score: no check applied' : `score ${score}`,
    });
  }
  if (policy.noFailing) {
    const threshold = rank(policy.noFailing.severity);
    const failing = scorecard.checks.filter(
      c => c.status === 'fail' && rank(c.severity) >= threshold,
    );
    const open = failing.filter(c => !c.waiver);
    const waived = failing.filter(c => c.waiver);
    requirements.push({
      requirement: noFailingText(policy.noFailing.severity),
      kind: 'noFailing',
      met: open.length === 0,
      ...(open.length === 0 && waived.length > 0 ? { waived: true } : {}),
      detail:
        open.length > 0
          ? `fix ${open.map(c => c.checkId).join(', ')}`
          : waived.length > 0
          ? `passing with a waiver: ${waived.map(c => c.checkId).join(', ')}`
          : 'none failing',
      ...(open.length > 0
        ? { checkIds: open.map(c => c.checkId) }
        : waived.length > 0
        ? { checkIds: waived.map(c => c.checkId) }
        : {}),
    });
  }
  for (const id of policy.checksPassing ?? []) {
    const check = scorecard.checks.find(c => c.checkId === id);
    const r: PolicyRequirementResult = {
      requirement: `${id} passes`,
      kind: 'checkPassing',
      met: false,
      detail: '',
      checkIds: [id],
    };
    if (!check) {
      r.detail = 'the check did not run on this component';
    } else if (check.status === 'pass') {
      r.met = true;
      r.detail = 'passes';
    } else if (check.status === 'not-applicable') {
      r.met = true;
      r.detail = `does not apply${check.reason ? `: ${check.reason}` : ''}`;
    } else if (
      (check.status === 'fail' || check.status === 'warn') &&
      check.waiver
    ) {
      r.met = true;
      r.waived = true;
      r.detail = `passing with a waiver until ${check.waiver.expiresAt.slice(
        0,
        10,
      )}: ${check.waiver.reason}`;
    } else if (check.status === 'fail' || check.status === 'warn') {
      const n = check.findings.filter(f => !f.suppressed).length;
      r.detail = `${check.status === 'fail' ? 'fails' : 'warns'}${
        n ? ` with ${n} finding${n === 1 ? '' : 's'}` : ''
      }: fix it`;
    } else {
      r.detail = `could not be verified (${check.status}${
        check.reason ? `: ${check.reason}` : ''
      })`;
    }
    requirements.push(r);
  }
  return {
    ...base,
    status: requirements.every(r => r.met) ? 'in-policy' : 'out-of-policy',
    requirements,
  };
}

function requirementKinds(
  policy: PolicyDefinition,
): PolicyRequirementResult['kind'][] {
  return [
    ...(policy.minGrade ? (['minGrade'] as const) : []),
    ...(policy.minScore !== undefined ? (['minScore'] as const) : []),
    ...(policy.noFailing ? (['noFailing'] as const) : []),
    ...(policy.checksPassing ?? []).map(() => 'checkPassing' as const),
  ];
}

function notEvaluatedReason(
  scorecard: LatestScorecard | undefined,
): string | undefined {
  if (!scorecard) return 'never scanned';
  if (scorecard.state === 'no-source') {
    return `no source${
      scorecard.stateReason ? `: ${scorecard.stateReason}` : ''
    }`;
  }
  if (!scorecard.scannedAt || scorecard.checks.length === 0) {
    return scorecard.state === 'scanning'
      ? 'first scan in progress'
      : scorecard.state === 'error'
      ? `never scanned successfully${
          scorecard.stateReason ? `: ${scorecard.stateReason}` : ''
        }`
      : 'never scanned';
  }
  return undefined;
}
