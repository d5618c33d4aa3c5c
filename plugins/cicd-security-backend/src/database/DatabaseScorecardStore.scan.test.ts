import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { ScanResult } from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { EntityMeta, NEW_COMPONENTS_CLAIM } from './ScorecardStore';

/* The write side used by scans: stale and unchanged outcomes, scan states, history retention. */

jest.setTimeout(60_000);

const TABLES = [
  'cicd_security_findings',
  'cicd_security_check_results',
  'cicd_security_problems',
  'cicd_security_scans',
  'cicd_security_scorecards',
];

const meta = (name: string, extra: Partial<EntityMeta> = {}): EntityMeta => ({
  entityRef: `component:default/${name}`,
  kind: 'Component',
  namespace: 'default',
  name,
  owner: 'group:default/team-a',
  ...extra,
});

function result(score: number): ScanResult {
  return {
    score,
    grade: score >= 9 ? 'A' : 'D',
    categories: [
      {
        category: 'compliance',
        score,
        applicable: 1,
        failing: score < 10 ? 1 : 0,
      },
    ],
    counts: {
      passed: 0,
      failed: 1,
      warned: 0,
      notApplicable: 0,
      inconclusive: 0,
      errored: 0,
      findings: 1,
      suppressedFindings: 0,
      criticalFindings: 0,
    },
    checks: [
      {
        checkId: 'has-readme',
        title: 'README',
        category: 'compliance',
        severity: 'low',
        status: 'fail',
        score,
        findings: [
          {
            checkId: 'has-readme',
            severity: 'low',
            message: 'No README',
            fingerprint: 'fp',
          },
        ],
      },
    ],
    problems: [],
    durationMs: 3,
  };
}

describe('DatabaseScorecardStore (scan writes)', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    let knex: Knex;
    let store: DatabaseScorecardStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseScorecardStore.create({
        database: mockServices.database({ knex, migrations: { skip: false } }),
      });
    });

    afterEach(async () => {
      for (const table of TABLES) await knex(table).delete();
    });

    const scanned = (score: number, extra: object = {}) => ({
      type: 'scanned' as const,
      result: result(score),
      revision: 'rev-1',
      sourceLocation: 'url:https://github.com/acme/api/tree/main/',
      checkSetVersion: '0.1.0:0123456789abcdef',
      scoringVersion: 'score-v1',
      scmUrl: 'https://github.com/acme/api/tree/main/',
      ...extra,
    });

    it('lets exactly one caller claim the first scan of an entity', async () => {
      const m = {
        entityRef: 'component:default/fresh',
        kind: 'component',
        namespace: 'default',
        name: 'fresh',
      };
      const claims = await Promise.all([
        store.claimNew(m),
        store.claimNew(m),
        store.claimNew(m),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(
        (await store.getScanStates([m.entityRef])).get(m.entityRef),
      ).toMatchObject({ state: 'scanning' });
      expect(await store.claimNew(m)).toBe(false);
    });

    it('stores who claimed a first scan, and when', async () => {
      const m = {
        entityRef: 'component:default/claimed',
        kind: 'component',
        namespace: 'default',
        name: 'claimed',
      };
      const before = Date.now();
      expect(await store.claimNew(m, NEW_COMPONENTS_CLAIM)).toBe(true);
      const state = (await store.getScanStates([m.entityRef])).get(m.entityRef);
      expect(state).toMatchObject({
        state: 'scanning',
        stateReason: NEW_COMPONENTS_CLAIM,
      });
      expect(Date.parse(state!.updatedAt!)).toBeGreaterThanOrEqual(
        before - 1000,
      );
    });

    it('stores the SCM URL and what incremental scans compare', async () => {
      await store.saveScan(meta('api'), scanned(4));
      const card = await store.getScorecard('component:default/api');
      expect(card?.scmUrl).toBe('https://github.com/acme/api/tree/main/');
      const states = await store.getScanStates([
        'component:default/api',
        'component:default/unknown',
      ]);
      expect([...states.values()]).toEqual([
        {
          entityRef: 'component:default/api',
          state: 'ok',
          revision: 'rev-1',
          checkSetVersion: '0.1.0:0123456789abcdef',
          scoringVersion: 'score-v1',
          sourceLocation: 'url:https://github.com/acme/api/tree/main/',
          updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      ]);
      expect(await store.getScanStates([])).toEqual(new Map());
    });

    it('marks an entity stale keeping its results, without a history row', async () => {
      const at = new Date('2026-01-01T00:00:00Z');
      await store.saveScan(meta('api'), scanned(4), at);
      await store.saveScan(
        meta('api', { owner: 'group:default/team-b' }),
        { type: 'stale', message: 'rate limited by the SCM' },
        new Date('2026-01-02T00:00:00Z'),
      );
      const card = await store.getScorecard('component:default/api');
      expect(card).toMatchObject({
        state: 'stale',
        stateReason: 'rate limited by the SCM',
        owner: 'group:default/team-b',
        score: 4,
        scannedAt: at.toISOString(),
        revision: 'rev-1',
      });
      expect(card?.checks[0].findings).toHaveLength(1);
      expect(
        Number((await knex('cicd_security_scans').count({ n: '*' }))[0].n),
      ).toBe(1);

      await store.saveScan(meta('new'), {
        type: 'stale',
        message: 'SCM down',
        sourceLocation: 'url:x',
      });
      expect(await store.getScorecard('component:default/new')).toMatchObject({
        state: 'stale',
        score: null,
        checks: [],
      });
    });

    it('keeps results of an unchanged entity and refreshes its facts and state', async () => {
      const at = new Date('2026-01-01T00:00:00Z');
      await store.saveScan(meta('api'), scanned(4), at);
      await store.saveScan(meta('api'), { type: 'stale', message: 'x' });
      await store.saveScan(meta('api', { title: 'Renamed' }), {
        type: 'unchanged',
        scoringVersion: 'score-v2',
      });
      const card = await store.getScorecard('component:default/api');
      expect(card).toMatchObject({
        state: 'ok',
        title: 'Renamed',
        score: 4,
        scannedAt: at.toISOString(),
      });
      expect(card?.stateReason).toBeUndefined();
      expect(
        (await store.getScanStates(['component:default/api'])).get(
          'component:default/api',
        )?.scoringVersion,
      ).toBe('score-v2');
      expect(await store.getHistory('component:default/api', 10)).toHaveLength(
        1,
      );

      await store.saveScan(meta('never'), { type: 'unchanged' });
      expect(
        await store.getScorecard('component:default/never'),
      ).toBeUndefined();
    });

    it('deletes expired history and downsamples older history to one scan per day', async () => {
      const ref = 'component:default/api';
      await store.saveScan(
        meta('api'),
        scanned(1),
        new Date('2026-01-01T10:00:00Z'),
      );
      // Two days in the downsampled range, three scans each.
      for (const day of ['2026-03-01', '2026-03-02']) {
        for (const [hour, score] of [
          ['08', 2],
          ['12', 3],
          ['23', 4],
        ] as const) {
          await store.saveScan(
            meta('api'),
            scanned(score),
            new Date(`${day}T${hour}:00:00Z`),
          );
        }
      }
      // Full resolution range.
      await store.saveScan(
        meta('api'),
        scanned(5),
        new Date('2026-06-01T08:00:00Z'),
      );
      await store.saveScan(
        meta('api'),
        scanned(6),
        new Date('2026-06-01T09:00:00Z'),
      );
      await store.saveScan(
        meta('other'),
        scanned(7),
        new Date('2026-03-01T08:00:00Z'),
      );
      await store.saveScan(
        meta('other'),
        scanned(8),
        new Date('2026-03-01T09:00:00Z'),
      );

      const pruned = await store.pruneHistory({
        deleteBefore: new Date('2026-02-01T00:00:00Z'),
        downsampleBefore: new Date('2026-05-01T00:00:00Z'),
      });
      expect(pruned).toEqual({ deleted: 1, downsampled: 5 });
      const history = await store.getHistory(ref, 100);
      expect(history.map(h => [h.scannedAt, h.score])).toEqual([
        ['2026-03-01T23:00:00.000Z', 4],
        ['2026-03-02T23:00:00.000Z', 4],
        ['2026-06-01T08:00:00.000Z', 5],
        ['2026-06-01T09:00:00.000Z', 6],
      ]);
      expect(
        (await store.getHistory('component:default/other', 10)).map(
          h => h.score,
        ),
      ).toEqual([8]);
      // The latest scorecard is untouched, and a second pass finds nothing.
      expect((await store.getScorecard(ref))?.score).toBe(6);
      expect(
        await store.pruneHistory({
          deleteBefore: new Date('2026-02-01T00:00:00Z'),
          downsampleBefore: new Date('2026-05-01T00:00:00Z'),
        }),
      ).toEqual({ deleted: 0, downsampled: 0 });
    });
  });
});
