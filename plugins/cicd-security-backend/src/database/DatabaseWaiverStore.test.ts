import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  CheckResult,
  CreateWaiverRequest,
} from '@cicd-security/plugin-cicd-security-common';
import {
  ScanResult,
  scoreResults,
} from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { createDatabaseStores } from './createStores';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { EntityMeta } from './ScorecardStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(60_000);

/**
 * The waiver store on its own: creation with its audit trail, the list
 * filters, revocation, expiry and the rescoring each of them triggers. The
 * longest lifetime (`cicdSecurity.waivers.maxDays`) and who may see or manage
 * waivers are the router's concern and tested there.
 *
 * Runs on SQLite, and on PostgreSQL when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (see
 * scripts/pg-start.sh).
 */

const TABLES = [
  'cicd_security_findings',
  'cicd_security_check_results',
  'cicd_security_problems',
  'cicd_security_scans',
  'cicd_security_scorecards',
  'cicd_security_waiver_events',
  'cicd_security_waivers',
];

const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';
const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const DAY = 86_400_000;
/**
 * The waiver store's clock starts now (whole seconds): scorecards show the
 * waivers active at the real time of the read.
 */
const START = new Date(Math.floor(Date.now() / 1000) * 1000);
const inDays = (days: number) =>
  new Date(START.getTime() + days * DAY).toISOString();

const refOf = (name: string) => `component:default/${name}`;

function meta(name: string, owner: string): EntityMeta {
  return {
    entityRef: refOf(name),
    kind: 'Component',
    namespace: 'default',
    name,
    owner,
  };
}

function check(checkId: string, status: 'pass' | 'fail'): CheckResult {
  return {
    checkId,
    title: checkId,
    category: 'third-party-software',
    severity: 'high',
    status,
    score: status === 'pass' ? 10 : 0,
    findings:
      status === 'fail'
        ? [
            {
              checkId,
              severity: 'high',
              message: `${checkId} failed`,
              fingerprint: `${checkId}-fp`,
            },
          ]
        : [],
  };
}

function scan(checks: CheckResult[]): ScanResult {
  return { ...scoreResults(checks), checks, problems: [], durationMs: 5 };
}

function request(
  checkId: string,
  scope: CreateWaiverRequest['scope'],
  days = 7,
): CreateWaiverRequest {
  return {
    checkId,
    scope,
    reason: `Accepted risk of ${checkId}`,
    expiresAt: inDays(days),
  };
}

describe('DatabaseWaiverStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    let knex: Knex;
    let scorecards: DatabaseScorecardStore;
    let waivers: WaiverStore;
    let now: Date;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ scorecards, waivers } = await createDatabaseStores({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        cacheTtlMs: 0,
        clock: () => now,
      }));
    });

    beforeEach(async () => {
      now = START;
      for (const table of TABLES) await knex(table).delete();
      // api (team-a) and web (team-a) fail c1; batch (team-b) fails c1 too.
      for (const [name, owner] of [
        ['api', TEAM_A],
        ['web', TEAM_A],
        ['batch', TEAM_B],
      ]) {
        await scorecards.saveScan(
          meta(name, owner),
          {
            type: 'scanned',
            result: scan([check('c1', 'fail'), check('c2', 'pass')]),
          },
          START,
        );
      }
    });

    const scoreOf = async (name: string) =>
      (await scorecards.getScorecard(refOf(name)))!.score;

    it('creates a waiver with its audit trail and rescores what it covers', async () => {
      expect(await scoreOf('api')).toBe(5);
      const waiver = await waivers.create(
        request('c1', { type: 'entity', entityRef: refOf('api') }),
        ALICE,
      );
      expect(waiver).toEqual({
        id: expect.any(String),
        checkId: 'c1',
        scope: { type: 'entity', entityRef: refOf('api') },
        reason: 'Accepted risk of c1',
        expiresAt: inDays(7),
        createdBy: ALICE,
        createdAt: START.toISOString(),
        active: true,
        history: [
          {
            action: 'created',
            actor: ALICE,
            at: START.toISOString(),
            reason: 'Accepted risk of c1',
          },
        ],
      });
      expect(await waivers.get(waiver.id)).toEqual(waiver);
      // The waived check no longer lowers the score of the entity only.
      expect(await scoreOf('api')).toBe(10);
      expect(await scoreOf('web')).toBe(5);
      const card = await scorecards.getScorecard(refOf('api'));
      expect(card!.checks.find(c => c.checkId === 'c1')!.waiver).toEqual({
        id: waiver.id,
        reason: 'Accepted risk of c1',
        expiresAt: inDays(7),
        createdBy: ALICE,
      });
    });

    it('covers what an owner owns with an owner waiver', async () => {
      await waivers.create(
        request('c1', { type: 'owner', ownerRef: TEAM_A }),
        BOB,
      );
      expect(await scoreOf('api')).toBe(10);
      expect(await scoreOf('web')).toBe(10);
      expect(await scoreOf('batch')).toBe(5);
      expect(
        (
          await waivers.coveredEntities({ type: 'owner', ownerRef: TEAM_A })
        ).sort(),
      ).toEqual([refOf('api'), refOf('web')]);
      expect(
        await waivers.coveredEntities({
          type: 'entity',
          entityRef: refOf('x'),
        }),
      ).toEqual([refOf('x')]);
    });

    it('answers undefined for an unknown waiver', async () => {
      expect(await waivers.get('no-such-id')).toBeUndefined();
      expect(await waivers.revoke('no-such-id', ALICE)).toBeUndefined();
    });

    it('lists waivers by check, entity, owner and activity, newest first', async () => {
      const onApi = await waivers.create(
        request('c1', { type: 'entity', entityRef: refOf('api') }),
        ALICE,
      );
      now = new Date(START.getTime() + 1000);
      const onTeamA = await waivers.create(
        request('c2', { type: 'owner', ownerRef: TEAM_A }),
        ALICE,
      );
      now = new Date(START.getTime() + 2000);
      const onBatch = await waivers.create(
        request('c1', { type: 'entity', entityRef: refOf('batch') }, 1),
        BOB,
      );
      const ids = (list: Array<{ id: string }>) => list.map(w => w.id);

      expect(ids(await waivers.list())).toEqual([
        onBatch.id,
        onTeamA.id,
        onApi.id,
      ]);
      expect(ids(await waivers.list({ checkId: 'c1' }))).toEqual([
        onBatch.id,
        onApi.id,
      ]);
      // An entity sees its own waivers and those of its owner.
      expect(ids(await waivers.list({ entityRef: refOf('api') }))).toEqual([
        onTeamA.id,
        onApi.id,
      ]);
      expect(ids(await waivers.list({ entityRef: refOf('batch') }))).toEqual([
        onBatch.id,
      ]);
      // An owner sees its own waivers and those of the entities it owns.
      expect(ids(await waivers.list({ owner: TEAM_A }))).toEqual([
        onTeamA.id,
        onApi.id,
      ]);
      expect(ids(await waivers.list({ owner: TEAM_B }))).toEqual([onBatch.id]);

      // Two days later the one-day waiver has expired.
      now = new Date(START.getTime() + 2 * DAY);
      expect(ids(await waivers.list({ active: true }))).toEqual([
        onTeamA.id,
        onApi.id,
      ]);
      expect(ids(await waivers.list({ active: false }))).toEqual([onBatch.id]);
      expect((await waivers.get(onBatch.id))!.active).toBe(false);
    });

    it('revokes a waiver once, with the reason, and rescores', async () => {
      const waiver = await waivers.create(
        request('c1', { type: 'entity', entityRef: refOf('api') }),
        ALICE,
      );
      expect(await scoreOf('api')).toBe(10);
      now = new Date(START.getTime() + 60_000);
      const revoked = await waivers.revoke(waiver.id, BOB, 'Fixed upstream');
      expect(revoked).toMatchObject({
        id: waiver.id,
        active: false,
        revokedBy: BOB,
        revokedAt: now.toISOString(),
        history: [
          { action: 'created', actor: ALICE },
          {
            action: 'revoked',
            actor: BOB,
            at: now.toISOString(),
            reason: 'Fixed upstream',
          },
        ],
      });
      expect(await scoreOf('api')).toBe(5);
      // A second revocation changes nothing.
      now = new Date(START.getTime() + 120_000);
      expect(await waivers.revoke(waiver.id, ALICE)).toEqual(revoked);
      expect(await waivers.list({ active: true })).toEqual([]);
    });

    it('applies expired waivers once: their entities are rescored', async () => {
      await waivers.create(
        request('c1', { type: 'owner', ownerRef: TEAM_A }, 1),
        ALICE,
      );
      await waivers.create(
        request('c1', { type: 'entity', entityRef: refOf('batch') }, 30),
        ALICE,
      );
      expect(await waivers.applyExpired()).toBe(0);
      expect(await scoreOf('web')).toBe(10);

      now = new Date(START.getTime() + DAY + 1);
      // Stored scores keep the waiver until the expiry is applied ...
      expect(await scoreOf('web')).toBe(10);
      expect(await waivers.applyExpired()).toBe(1);
      // ... then the expired one stops applying; the other still does.
      expect(await scoreOf('api')).toBe(5);
      expect(await scoreOf('web')).toBe(5);
      expect(await scoreOf('batch')).toBe(10);
      expect(await waivers.applyExpired()).toBe(0);
    });

    it('does not apply the expiry of a revoked waiver again', async () => {
      const waiver = await waivers.create(
        request('c1', { type: 'entity', entityRef: refOf('api') }, 1),
        ALICE,
      );
      await waivers.revoke(waiver.id, ALICE);
      now = new Date(START.getTime() + 2 * DAY);
      expect(await waivers.applyExpired()).toBe(0);
      expect(await scoreOf('api')).toBe(5);
    });
  });
});
