import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  OutOfPolicyEntity,
  PoliciesResponse,
  PolicyDefinition,
} from '@cicd-security/plugin-cicd-security-common';
import { loadLatestScorecards } from '../database/latestScorecards';
import { ScorecardStore } from '../database/ScorecardStore';
import { describeRequirements, evaluatePolicy, selects } from './policies';

/** The catalog fields policies select by. */
const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.tags',
  'metadata.annotations',
  'spec.type',
  'spec.lifecycle',
  'spec.owner',
  'relations',
];
const PAGE_SIZE = 500;

/** The components the caller may read, with the fields policies select by. */
export async function visibleComponents(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<Entity[]> {
  const out: Entity[] = [];
  let cursor: string | undefined;
  do {
    const page = await catalog.queryEntities(
      cursor
        ? { cursor, fields: FIELDS, limit: PAGE_SIZE }
        : { filter: { kind: 'Component' }, fields: FIELDS, limit: PAGE_SIZE },
      { credentials },
    );
    out.push(...(page.items as Entity[]));
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Every policy with how the components it selects (among those given: the
 * ones the caller may read) stand, and the out-of-policy components with the
 * requirements they do not meet.
 */
export async function policiesOverview(
  policies: PolicyDefinition[],
  entities: Entity[],
  store: Pick<ScorecardStore, 'getScorecardDigests'>,
): Promise<PoliciesResponse> {
  const selected = policies.map(p =>
    entities.filter(e => selects(p.select, e)),
  );
  const refs = [...new Set(selected.flat().map(e => stringifyEntityRef(e)))];
  const scorecards = await loadLatestScorecards(store, refs);
  return {
    items: policies.map((policy, i) => {
      const counts = {
        selected: selected[i].length,
        inPolicy: 0,
        outOfPolicy: 0,
        notEvaluated: 0,
      };
      const outOfPolicy: OutOfPolicyEntity[] = [];
      for (const entity of selected[i]) {
        const ref = stringifyEntityRef(entity);
        const scorecard = scorecards.get(ref);
        const result = evaluatePolicy(policy, scorecard);
        if (result.status === 'in-policy') counts.inPolicy++;
        else if (result.status === 'not-evaluated') counts.notEvaluated++;
        else {
          counts.outOfPolicy++;
          outOfPolicy.push({
            entityRef: ref,
            name: entity.metadata.name,
            ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
            ...(scorecard?.owner ? { owner: scorecard.owner } : {}),
            score: scorecard?.score ?? null,
            grade: scorecard?.grade ?? null,
            failed: result.requirements.filter(r => !r.met),
          });
        }
      }
      outOfPolicy.sort(
        (a, b) =>
          (a.score ?? 11) - (b.score ?? 11) ||
          a.entityRef.localeCompare(b.entityRef),
      );
      return {
        name: policy.name,
        ...(policy.description ? { description: policy.description } : {}),
        select: policy.select,
        requirements: describeRequirements(policy),
        counts,
        outOfPolicy,
      };
    }),
  };
}
