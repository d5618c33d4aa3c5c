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
import { toScorecardDigest } from './latestScorecards';
import { EntityMeta } from './ScorecardStore';
import { WaiverStore } from './WaiverStore';

jest.setTimeout(60_000);

/**
 * The bulk read of latest scorecards (`getScorecardDigests`) the org views
 * use: for every entity it must say what `getScorecard` says, minus the
 * finding bodies, with waivers applied the same way.
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
const DAY = 86_400_000;
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

function check(
  checkId: string,
  status: CheckResult['status'],
  findings = 0,
  suppressed = 0,
): CheckResult {
  return {
    checkId,
    title: `Title of ${checkId}`,
    category: 'third-party-software',
    severity: 'high',
    status,
    ...(status === 'pass' ? { score: 10 } : {}),
    ...(status === 'fail' ? { score: 0 } : {}),
    ...(status === 'inconclusive' ? { reason: 'rate limited' } : {}),
    findings: Array.from({ length: findings + suppressed }, (_, i) => ({
      checkId,
      severity: 'high' as const,
      message: `${checkId} finding ${i}`,
      fingerprint: `${checkId}-fp-${i}`,
      ...(i >= findings
        ? { suppressed: { kind: 'inline' as const, reason: 'accepted' } }
        : {}),
    })),
  };
}

function scan(checks: CheckResult[]): ScanResult {
  return { ...scoreResults(checks), checks, problems: [], durationMs: 5 };
}

function request(
  checkId: string,
  scope: CreateWaiverRequest['scope'],
  days: number,
): CreateWaiverRequest {
  return {
    checkId,
    scope,
    reason: `Accepted risk of ${checkId}`,
    expiresAt: inDays(days),
  };
}

describe('DatabaseScorecardStore.getScorecardDigests', () => {
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
    });

    const refs = [
      'api',
      'web',
      'batch',
      'quiet',
      'unscanned',
      'never-stored',
    ].map(refOf);

    async function expectSameAsGetScorecard() {
      // Many more refs than one query takes: the read is chunked.
      const filler = Array.from({ length: 1200 }, (_, i) =>
        refOf(`missing-${i}`),
      );
      const digests = await scorecards.getScorecardDigests([
        ...filler.slice(0, 700),
        ...refs,
        ...filler.slice(700),
      ]);
      expect(digests.size).toBe(5);
      for (const ref of refs) {
        const card = await scorecards.getScorecard(ref);
        expect(digests.get(ref)).toEqual(
          card ? toScorecardDigest(card) : undefined,
        );
      }
      return digests;
    }

    it('equals getScorecard with entity, owner and expired waivers and suppressed findings', async () => {
      for (const [name, owner] of [
        ['api', TEAM_A],
        ['web', TEAM_A],
        ['batch', TEAM_B],
      ]) {
        await scorecards.saveScan(
          meta(name, owner),
          {
            type: 'scanned',
            result: scan([
              check('c1', 'fail', 2, 1),
              check('c2', 'pass'),
              check('c3', 'warn', 1, 2),
              check('c4', 'inconclusive'),
            ]),
          },
          START,
        );
      }
      // Every finding suppressed.
      await scorecards.saveScan(
        meta('quiet', TEAM_B),
        {
          type: 'scanned',
          result: scan([check('c1', 'fail', 0, 3), check('c2', 'pass')]),
        },
        START,
      );
      // Stored, never scanned.
      await scorecards.setState(
        refOf('unscanned'),
        'no-source',
        'no source location',
        meta('unscanned', TEAM_A),
      );

      // An owner waiver on c1 for team-a, an entity waiver on c1 for batch
      // and one on c3 for web that expires first.
      await waivers.create(
        request('c1', { type: 'owner', ownerRef: TEAM_A }, 30),
        ALICE,
      );
      await waivers.create(
        request('c1', { type: 'entity', entityRef: refOf('batch') }, 30),
        ALICE,
      );
      await waivers.create(
        request('c3', { type: 'entity', entityRef: refOf('web') }, 1),
        ALICE,
      );
      const before = await expectSameAsGetScorecard();
      const api = before.get(refOf('api'))!;
      expect(api.checks.find(c => c.checkId === 'c1')).toMatchObject({
        status: 'fail',
        openFindings: 2,
        waiver: { reason: 'Accepted risk of c1', createdBy: ALICE },
      });
      expect(
        before.get(refOf('web'))!.checks.find(c => c.checkId === 'c3')!.waiver,
      ).toBeDefined();
      expect(
        before.get(refOf('quiet'))!.checks.find(c => c.checkId === 'c1'),
      ).toMatchObject({ openFindings: 0 });
      expect(before.get(refOf('unscanned'))).toMatchObject({
        state: 'no-source',
        checks: [],
      });

      // Past the expiry, before and after the expiry is applied.
      now = new Date(START.getTime() + DAY + 1);
      await expectSameAsGetScorecard();
      expect(await waivers.applyExpired()).toBe(1);
      // (The stored scores are rescored without the expired waiver; the
      // waivers shown are those active at the time of the read.)
      const after = await expectSameAsGetScorecard();
      // Expired at the time of the read too: neither read shows it.
      await knex('cicd_security_waivers')
        .where({ check_id: 'c3' })
        .update({ expires_at: new Date(Date.now() - 1000) });
      const expired = await expectSameAsGetScorecard();
      expect(
        expired.get(refOf('web'))!.checks.find(c => c.checkId === 'c3')!.waiver,
      ).toBeUndefined();
      expect(after.get(refOf('web'))!.score).toBe(
        (await scorecards.getScorecard(refOf('web')))!.score,
      );
    });

    it('answers an empty map for no refs', async () => {
      expect((await scorecards.getScorecardDigests([])).size).toBe(0);
    });
  });
});
