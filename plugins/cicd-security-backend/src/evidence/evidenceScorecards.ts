import type { Scorecard } from '@cicd-security/plugin-cicd-security-common';
import type { ScorecardStore } from '../database/ScorecardStore';

/** The most components one evidence export holds; a team export holds fewer. */
export const MAX_EVIDENCE_COMPONENTS = 500;
const PAGE = 500;
const LOAD_CONCURRENCY = 4;

/**
 * The stored scorecards of a team (its owner group and the groups below it,
 * as the team routes count them) or of the organisation, among the entities
 * the caller may read: at most `max`, the first by entity ref, so the bound
 * always keeps the same components; the others are counted in `omitted`.
 */
export async function evidenceScorecards(
  store: Pick<ScorecardStore, 'getScorecard' | 'listScorecards'>,
  filter: { entityRefs: string[]; owner?: string },
  max: number = MAX_EVIDENCE_COMPONENTS,
): Promise<{ scorecards: Scorecard[]; omitted: number }> {
  const summaries = new Map<string, Scorecard>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listScorecards({
      ...(filter.owner ? { owner: filter.owner } : {}),
      entityRefs: filter.entityRefs,
      limit: PAGE,
      offset,
    });
    for (const item of page.items) {
      summaries.set(item.entityRef, { ...item, checks: [], problems: [] });
    }
    if (page.items.length < PAGE) break;
  }
  const refs = [...summaries.keys()].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const kept = refs.slice(0, max);
  const scorecards: Scorecard[] = new Array(kept.length);
  let next = 0;
  const worker = async () => {
    while (next < kept.length) {
      const i = next++;
      scorecards[i] =
        (await store.getScorecard(kept[i])) ?? summaries.get(kept[i])!;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(LOAD_CONCURRENCY, kept.length) }, worker),
  );
  return { scorecards, omitted: refs.length - kept.length };
}
