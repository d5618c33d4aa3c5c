import { bumpAfterWrites, DataVersion } from './dataVersion';
import {
  CreateWaiverRequest,
  Waiver,
  WaiverEvent,
  WaiverScope,
} from '@cicd-security/plugin-cicd-security-common';
import type { ScoringConfig } from '@cicd-security/plugin-cicd-security-node';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { rescoreEntities } from './rescore';
import { toIso, toScope } from './rows';
import {
  RawDbWaiverEventRow,
  RawDbWaiverRow,
  SCORECARDS,
  WAIVER_EVENTS,
  WAIVERS,
} from './tables';
import { ListWaiversFilter, WaiverStore } from './WaiverStore';

/** The knex implementation of {@link WaiverStore}. */
export class DatabaseWaiverStore implements WaiverStore {
  constructor(
    private readonly db: Knex,
    private readonly scoring: ScoringConfig,
    private readonly clock: () => Date = () => new Date(),
    /** Counts writes, shared with the scorecard store's cached aggregates. */
    version?: DataVersion,
  ) {
    if (version) {
      // applyExpired runs every minute; it changes something only when a
      // waiver expired (it returns how many).
      bumpAfterWrites<DatabaseWaiverStore>(
        this,
        ['create', 'revoke', 'applyExpired'],
        version,
        { applyExpired: expired => Number(expired) > 0 },
      );
    }
  }

  async create(request: CreateWaiverRequest, actor: string): Promise<Waiver> {
    const now = this.clock();
    const id = randomUUID();
    const scopeRef =
      request.scope.type === 'entity'
        ? request.scope.entityRef
        : request.scope.ownerRef;
    await this.db.transaction(async tx => {
      await tx<RawDbWaiverRow>(WAIVERS).insert({
        id,
        check_id: request.checkId,
        scope_type: request.scope.type,
        scope_ref: scopeRef,
        reason: request.reason,
        expires_at: new Date(request.expiresAt),
        created_by: actor,
        created_at: now,
        revoked_by: null,
        revoked_at: null,
        expiry_applied: false,
      });
      await tx<RawDbWaiverEventRow>(WAIVER_EVENTS).insert({
        waiver_id: id,
        action: 'created',
        actor,
        at: now,
        reason: request.reason,
      });
    });
    await rescoreEntities(
      this.db,
      await this.coveredEntities(request.scope),
      this.scoring,
      now,
    );
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Waiver | undefined> {
    const [waiver] = await this.toWaivers(
      await this.db<RawDbWaiverRow>(WAIVERS).where({ id }),
    );
    return waiver;
  }

  async list(filter: ListWaiversFilter = {}): Promise<Waiver[]> {
    const now = this.clock();
    const query = this.db<RawDbWaiverRow>(WAIVERS);
    if (filter.checkId) query.where('check_id', filter.checkId);
    if (filter.entityRef) {
      const ref = filter.entityRef;
      const card = await this.db(SCORECARDS)
        .where({ entity_ref: ref })
        .first('owner');
      query.where(q => {
        q.where({ scope_type: 'entity', scope_ref: ref });
        if (card?.owner) {
          q.orWhere({ scope_type: 'owner', scope_ref: card.owner });
        }
      });
    }
    if (filter.owner) {
      const owner = filter.owner;
      query.where(q =>
        q
          .where({ scope_type: 'owner', scope_ref: owner })
          .orWhere(q2 =>
            q2
              .where('scope_type', 'entity')
              .whereIn(
                'scope_ref',
                this.db(SCORECARDS).where({ owner }).select('entity_ref'),
              ),
          ),
      );
    }
    if (filter.active === true) {
      query.whereNull('revoked_at').where('expires_at', '>', now);
    } else if (filter.active === false) {
      query.where(q =>
        q.whereNotNull('revoked_at').orWhere('expires_at', '<=', now),
      );
    }
    query.orderBy('created_at', 'desc').orderBy('id').limit(1000);
    return this.toWaivers(await query);
  }

  async revoke(
    id: string,
    actor: string,
    reason?: string,
  ): Promise<Waiver | undefined> {
    const now = this.clock();
    const row = await this.db<RawDbWaiverRow>(WAIVERS).where({ id }).first();
    if (!row) return undefined;
    if (!row.revoked_at) {
      await this.db.transaction(async tx => {
        await tx<RawDbWaiverRow>(WAIVERS)
          .where({ id })
          .whereNull('revoked_at')
          .update({ revoked_by: actor, revoked_at: now });
        await tx<RawDbWaiverEventRow>(WAIVER_EVENTS).insert({
          waiver_id: id,
          action: 'revoked',
          actor,
          at: now,
          reason: reason ?? null,
        });
      });
      await rescoreEntities(
        this.db,
        await this.coveredEntities(toScope(row)),
        this.scoring,
        now,
      );
    }
    return this.get(id);
  }

  async applyExpired(): Promise<number> {
    const now = this.clock();
    const due = await this.db<RawDbWaiverRow>(WAIVERS)
      .whereNull('revoked_at')
      .where('expires_at', '<=', now)
      .where('expiry_applied', false);
    if (due.length === 0) return 0;
    const refs = new Set<string>();
    for (const row of due) {
      for (const ref of await this.coveredEntities(toScope(row))) refs.add(ref);
    }
    await rescoreEntities(this.db, [...refs], this.scoring, now);
    await this.db<RawDbWaiverRow>(WAIVERS)
      .whereIn(
        'id',
        due.map(r => r.id),
      )
      .update({ expiry_applied: true });
    return due.length;
  }

  async coveredEntities(scope: WaiverScope): Promise<string[]> {
    if (scope.type === 'entity') return [scope.entityRef];
    const rows = await this.db(SCORECARDS)
      .where({ owner: scope.ownerRef })
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  private async toWaivers(rows: RawDbWaiverRow[]): Promise<Waiver[]> {
    if (rows.length === 0) return [];
    const now = this.clock().getTime();
    const events = await this.db<RawDbWaiverEventRow>(WAIVER_EVENTS)
      .whereIn(
        'waiver_id',
        rows.map(r => r.id),
      )
      .orderBy('id');
    const byWaiver = new Map<string, WaiverEvent[]>();
    for (const e of events) {
      const list = byWaiver.get(e.waiver_id) ?? [];
      list.push({
        action: e.action,
        actor: e.actor,
        at: toIso(e.at),
        ...(e.reason ? { reason: e.reason } : {}),
      });
      byWaiver.set(e.waiver_id, list);
    }
    return rows.map(r => {
      const expiresAt = toIso(r.expires_at);
      return {
        id: r.id,
        checkId: r.check_id,
        scope: toScope(r),
        reason: r.reason,
        expiresAt,
        createdBy: r.created_by,
        createdAt: toIso(r.created_at),
        ...(r.revoked_by ? { revokedBy: r.revoked_by } : {}),
        ...(r.revoked_at ? { revokedAt: toIso(r.revoked_at) } : {}),
        active: !r.revoked_at && new Date(expiresAt).getTime() > now,
        history: byWaiver.get(r.id) ?? [],
      };
    });
  }
}
