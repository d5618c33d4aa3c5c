import type { CheckResult, CheckStatus } from '../types';
import { checksOfControl, complianceFramework } from './catalog';
import type {
  AggregatedComplianceView,
  AggregatedControlResult,
  ComplianceFrameworkId,
  ComplianceView,
  ControlEvidence,
  ControlResult,
  ControlStatus,
} from './types';

/*
 * How a control is read from its checks' results:
 *
 * - each of its checks that ran counts as `met` when it passes, `not-met`
 *   when it fails, and half-way when it warns (findings that do not fail it);
 * - a check covered by a portal waiver counts as met: the waiver is an
 *   accepted risk with an owner and an expiry, and the control's evidence
 *   names it (and the control's reason says so), so a review sees it;
 * - the control is met when all of them are met, not met when all fail,
 *   partially met otherwise;
 * - it is not assessed when none of its checks gave an answer
 *   (not-applicable, inconclusive, error, or not run) or when it is marked
 *   not assessable from CI/CD data.
 */

const ANSWERED: CheckStatus[] = ['pass', 'fail', 'warn'];

/** Open findings of a result: not suppressed, listed and unlisted, as the scorecard counts them. */
export function openFindings(result: CheckResult): number {
  let open = result.findings.filter(f => !f.suppressed).length;
  if (result.unlisted) {
    // One listed entry only says how many were not listed.
    open += result.unlisted.findings - result.unlisted.suppressed - 1;
  }
  return Math.max(0, open);
}

function evidenceOf(result: CheckResult): ControlEvidence {
  return {
    checkId: result.checkId,
    title: result.title,
    status: result.status,
    severity: result.severity,
    findings: openFindings(result),
    ...(result.waiver ? { waiver: result.waiver } : {}),
  };
}

function emptySummary(): Record<ControlStatus, number> {
  return { met: 0, 'not-met': 0, 'partially-met': 0, 'not-assessed': 0 };
}

function statusOfEvidence(evidence: ControlEvidence[]): {
  status: ControlStatus;
  reason?: string;
} {
  const answered = evidence.filter(e => ANSWERED.includes(e.status));
  if (answered.length === 0) {
    return {
      status: 'not-assessed',
      reason:
        evidence.length === 0
          ? 'none of its checks ran'
          : 'none of its checks applied or could conclude',
    };
  }
  const waived = answered.filter(e => e.waiver && e.status !== 'pass');
  const met = answered.filter(e => e.status === 'pass' || e.waiver);
  const failed = answered.filter(e => e.status === 'fail' && !e.waiver);
  const waiverNote = waived.length
    ? `waived: ${waived
        .map(e => `${e.checkId} (until ${e.waiver!.expiresAt.slice(0, 10)})`)
        .join(', ')}`
    : undefined;
  if (met.length === answered.length) {
    return {
      status: 'met',
      ...(waiverNote ? { reason: `met with waivers; ${waiverNote}` } : {}),
    };
  }
  if (failed.length === answered.length) {
    return {
      status: 'not-met',
      reason: `failing: ${failed.map(e => e.checkId).join(', ')}`,
    };
  }
  const notPassing = answered.filter(e => !met.includes(e));
  return {
    status: 'partially-met',
    reason: [
      `${met.length} of ${answered.length} checks met; not met: ${notPassing
        .map(e => `${e.checkId} (${e.status})`)
        .join(', ')}`,
      waiverNote,
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/** One entity's compliance with a framework, from its latest check results. */
export function evaluateCompliance(
  framework: ComplianceFrameworkId,
  results: CheckResult[],
): ComplianceView {
  const f = complianceFramework(framework);
  const byCheck = new Map(results.map(r => [r.checkId, r]));
  const summary = emptySummary();
  const controls: ControlResult[] = f.controls.map(control => {
    if (control.notAssessable) {
      summary['not-assessed']++;
      return {
        controlId: control.id,
        title: control.title,
        status: 'not-assessed',
        reason: `not assessable from CI/CD data: ${control.notAssessable}`,
        evidence: [],
      };
    }
    const evidence = checksOfControl(f.id, control.id)
      .map(id => byCheck.get(id))
      .filter((r): r is CheckResult => r !== undefined)
      .map(evidenceOf);
    const { status, reason } = statusOfEvidence(evidence);
    summary[status]++;
    return {
      controlId: control.id,
      title: control.title,
      status,
      ...(reason ? { reason } : {}),
      evidence,
    };
  });
  return {
    framework: { id: f.id, title: f.title, version: f.version },
    controls,
    summary,
  };
}

const STATUS_RANK: CheckStatus[] = [
  'fail',
  'warn',
  'error',
  'inconclusive',
  'pass',
  'not-applicable',
];

/**
 * Many entities' views of one framework (a team, the organisation): a control
 * is met when it is met for every entity that assessed it, not met when it is
 * not met for all of them, partially met otherwise, and not assessed when no
 * entity assessed it. Each control counts the entities in each status; its
 * evidence sums each check's open findings and shows its worst status.
 */
export function aggregateCompliance(
  views: ComplianceView[],
): AggregatedComplianceView {
  if (views.length === 0) {
    throw new Error('aggregateCompliance needs at least one view');
  }
  const frameworkId = views[0].framework.id;
  const other = views.find(v => v.framework.id !== frameworkId);
  if (other) {
    throw new Error(
      `aggregateCompliance takes views of one framework; got '${frameworkId}' and '${other.framework.id}'`,
    );
  }
  const f = complianceFramework(frameworkId);
  const summary = emptySummary();
  const controls: AggregatedControlResult[] = f.controls.map(control => {
    const entities = emptySummary();
    const evidence = new Map<string, ControlEvidence>();
    for (const view of views) {
      const c = view.controls.find(x => x.controlId === control.id);
      entities[c?.status ?? 'not-assessed']++;
      for (const e of c?.evidence ?? []) {
        const seen = evidence.get(e.checkId);
        if (!seen) {
          const { waiver: _waiver, ...rest } = e;
          evidence.set(e.checkId, rest);
        } else {
          seen.findings += e.findings;
          if (STATUS_RANK.indexOf(e.status) < STATUS_RANK.indexOf(seen.status))
            seen.status = e.status;
        }
      }
    }
    const assessed = views.length - entities['not-assessed'];
    let status: ControlStatus;
    let reason: string;
    if (control.notAssessable) {
      status = 'not-assessed';
      reason = `not assessable from CI/CD data: ${control.notAssessable}`;
    } else if (assessed === 0) {
      status = 'not-assessed';
      reason = 'no component had a check that applied';
    } else if (entities.met === assessed) {
      status = 'met';
      reason = `met for all ${assessed} assessed components`;
    } else if (entities['not-met'] === assessed) {
      status = 'not-met';
      reason = `not met for any of the ${assessed} assessed components`;
    } else {
      status = 'partially-met';
      reason = `met for ${entities.met} of ${assessed} assessed components`;
    }
    summary[status]++;
    return {
      controlId: control.id,
      title: control.title,
      status,
      reason,
      evidence: [...evidence.values()],
      entities,
    };
  });
  return {
    framework: { id: f.id, title: f.title, version: f.version },
    controls,
    summary,
  };
}
