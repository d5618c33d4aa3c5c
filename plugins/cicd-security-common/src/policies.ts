/*
 * Organisation policies: named sets of requirements that a class of
 * components (selected by catalog fields) must meet, and how a component
 * stands against them. Configured in `cicdSecurity.policies`.
 */
import type { Grade, Severity } from './types';

/**
 * Which components a policy applies to. Every key given must match; a list
 * matches any of its values. `tags` matches when the component carries at
 * least one of them; `annotations` when each annotation has the value given
 * (`'*'`: any value).
 */
export interface PolicySelector {
  kind?: string[];
  type?: string[];
  lifecycle?: string[];
  /** Full owner refs, e.g. `group:default/team-payments`. */
  owner?: string[];
  tags?: string[];
  annotations?: Record<string, string>;
}

/** What the components of a policy must meet. */
export interface PolicyRequirements {
  /** The grade or better (A is best). */
  minGrade?: Grade;
  /** The score (0 to 10) or higher. */
  minScore?: number;
  /** No failing check of this severity or higher (waived checks pass). */
  noFailing?: { severity: Severity };
  /** These checks pass (or are waived, or do not apply). */
  checksPassing?: string[];
}

export interface PolicyDefinition extends PolicyRequirements {
  name: string;
  description?: string;
  select: PolicySelector;
}

/** One requirement of a policy, met or not by one component. */
export interface PolicyRequirementResult {
  /** What is required, e.g. `Grade B or better`. */
  requirement: string;
  kind: 'minGrade' | 'minScore' | 'noFailing' | 'checkPassing';
  met: boolean;
  /**
   * Met only because a portal waiver covers a failing check: passing with a
   * waiver.
   */
  waived?: boolean;
  /** What the component has, or what to fix. */
  detail: string;
  /** The checks concerned (the failing ones, for an unmet requirement). */
  checkIds?: string[];
}

/**
 * `not-evaluated`: the component was never scanned or has no source; it is
 * neither in nor out of policy.
 */
export type PolicyStatus = 'in-policy' | 'out-of-policy' | 'not-evaluated';

/** How one component stands against one policy. */
export interface EntityPolicyResult {
  policy: string;
  description?: string;
  status: PolicyStatus;
  /** Why it is not evaluated. */
  reason?: string;
  requirements: PolicyRequirementResult[];
}

/** `GET /scorecards/:entityRef/policies`: the policies that apply to it. */
export interface EntityPoliciesResponse {
  entityRef: string;
  items: EntityPolicyResult[];
}

/** A component out of a policy, with what to fix. */
export interface OutOfPolicyEntity {
  entityRef: string;
  name: string;
  title?: string;
  owner?: string;
  score: number | null;
  grade: Grade | null;
  /** The requirements it does not meet. */
  failed: PolicyRequirementResult[];
}

/** One policy with how the components it selects stand. */
export interface PolicyOverview {
  name: string;
  description?: string;
  select: PolicySelector;
  /** The requirements, in words. */
  requirements: string[];
  counts: {
    /** Components the policy selects (that the caller may see). */
    selected: number;
    inPolicy: number;
    outOfPolicy: number;
    notEvaluated: number;
  };
  /** Lowest score first. */
  outOfPolicy: OutOfPolicyEntity[];
}

/** `GET /policies`. */
export interface PoliciesResponse {
  items: PolicyOverview[];
}
