import {
  aggregateCompliance,
  ComplianceFrameworkId,
  complianceFrameworks,
  ComplianceResponse,
  ComplianceScope,
  ComplianceView,
  estimateSlsaBuildLevel,
  evaluateCompliance,
  Scorecard,
} from '@cicd-security/plugin-cicd-security-common';
import {
  LatestScorecard,
  loadLatestScorecards,
} from '../database/latestScorecards';
import { ScorecardStore } from '../database/ScorecardStore';

const PAGE = 500;

/** The known framework ids, for the error of an unknown one. */
export function knownFrameworkIds(): string[] {
  return complianceFrameworks.map(f => f.id);
}

export function isFrameworkId(id: string): id is ComplianceFrameworkId {
  return complianceFrameworks.some(f => f.id === id);
}

/** Whether a scorecard has results to evaluate (scanned, with a source). */
function evaluable<T extends LatestScorecard>(
  scorecard: T | undefined,
): scorecard is T {
  return (
    !!scorecard &&
    scorecard.state !== 'no-source' &&
    !!scorecard.scannedAt &&
    scorecard.checks.length > 0
  );
}

/** One entity's view, with its estimated SLSA Build level. */
export function entityCompliance(
  framework: ComplianceFrameworkId,
  entityRef: string,
  scorecard: Scorecard | undefined,
): ComplianceResponse {
  const results = evaluable(scorecard) ? scorecard.checks : [];
  const view = evaluateCompliance(framework, results);
  return {
    scope: { type: 'entity', entityRef },
    ...view,
    components: evaluable(scorecard)
      ? { evaluated: 1, notEvaluated: 0 }
      : { evaluated: 0, notEvaluated: 1 },
    slsa: estimateSlsaBuildLevel(results),
  };
}

/**
 * Many entities' view (a team or the organisation): each component with
 * results is evaluated from its latest scorecard and the views aggregated;
 * components never scanned or without a source are counted apart.
 */
export async function groupCompliance(
  framework: ComplianceFrameworkId,
  scope: ComplianceScope,
  store: Pick<ScorecardStore, 'getScorecardDigests' | 'listScorecards'>,
  filter: { entityRefs: string[]; owner?: string },
): Promise<ComplianceResponse> {
  const refs: string[] = [];
  if (filter.owner) {
    // The owner's components through the group hierarchy, as the other
    // team routes count them.
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.listScorecards({
        owner: filter.owner,
        entityRefs: filter.entityRefs,
        limit: PAGE,
        offset,
      });
      refs.push(...page.items.map(i => i.entityRef));
      if (page.items.length < PAGE) break;
    }
  } else {
    refs.push(...filter.entityRefs);
  }
  const views: ComplianceView[] = [];
  let notEvaluated = 0;
  const scorecards = await loadLatestScorecards(store, refs);
  for (const ref of refs) {
    const scorecard = scorecards.get(ref);
    if (evaluable(scorecard)) {
      views.push(evaluateCompliance(framework, scorecard.checks));
    } else {
      notEvaluated++;
    }
  }
  const components = { evaluated: views.length, notEvaluated };
  if (views.length === 0) {
    // Nothing to aggregate: every control is not assessed.
    const empty = evaluateCompliance(framework, []);
    return {
      scope,
      ...empty,
      controls: empty.controls.map(c => ({
        ...c,
        entities: {
          met: 0,
          'not-met': 0,
          'partially-met': 0,
          'not-assessed': 0,
        },
      })),
      components,
    };
  }
  return { scope, ...aggregateCompliance(views), components };
}
