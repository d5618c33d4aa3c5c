import { Knex } from 'knex';
import { toWaiverInfo, WaiverInfo } from './rows';
import { RawDbWaiverRow, WAIVERS } from './tables';

/**
 * Active waivers (not revoked, not expired) covering these entities, per
 * entity ref and check id. An entity waiver wins over an owner waiver.
 */
export async function activeWaiversFor(
  db: Knex,
  entities: Array<{ entityRef: string; owner?: string | null }>,
  now: Date = new Date(),
): Promise<Map<string, Map<string, WaiverInfo>>> {
  const result = new Map<string, Map<string, WaiverInfo>>();
  if (entities.length === 0) return result;
  const refs = entities.map(e => e.entityRef);
  const owners = [
    ...new Set(entities.flatMap(e => (e.owner ? [e.owner] : []))),
  ];
  const rows = await db<RawDbWaiverRow>(WAIVERS)
    .whereNull('revoked_at')
    .where('expires_at', '>', now)
    .where(q => {
      q.where(q2 =>
        q2.where('scope_type', 'entity').whereIn('scope_ref', refs),
      );
      if (owners.length) {
        q.orWhere(q2 =>
          q2.where('scope_type', 'owner').whereIn('scope_ref', owners),
        );
      }
    })
    .orderBy('created_at');
  const byScope = new Map<string, RawDbWaiverRow[]>();
  for (const r of rows) {
    const key = `${r.scope_type}\u0000${r.scope_ref}`;
    const list = byScope.get(key) ?? [];
    list.push(r);
    byScope.set(key, list);
  }
  for (const e of entities) {
    const map = new Map<string, WaiverInfo>();
    // Owner waivers first, so that an entity waiver wins; within a scope the
    // newest waiver wins.
    const matching = [
      ...(e.owner ? byScope.get(`owner\u0000${e.owner}`) ?? [] : []),
      ...(byScope.get(`entity\u0000${e.entityRef}`) ?? []),
    ];
    for (const r of matching) map.set(r.check_id, toWaiverInfo(r));
    if (map.size) result.set(e.entityRef, map);
  }
  return result;
}
