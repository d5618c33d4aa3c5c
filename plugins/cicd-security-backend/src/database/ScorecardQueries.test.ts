import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  CheckCategory,
  CheckResult,
} from '@cicd-security/plugin-cicd-security-common';
import {
  DEFAULT_SCORING,
  scoreResults,
  type ScanResult,
} from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { createDatabaseStores } from './createStores';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { GroupHierarchyStore } from './GroupHierarchyStore';
import { scoreWithWaivers } from './rescore';
import { ScorecardQueries } from './ScorecardQueries';
import { WaiverStore } from './WaiverStore';
import { EntityMeta } from './ScorecardStore';

jest.setTimeout(60_000);

const TABLES = [
  'cicd_security_findings',
  'cicd_security_check_results',
  'cicd_security_problems',
  'cicd_security_scans',
  'cicd_security_scorecards',
  'cicd_security_waiver_events',
  'cicd_security_waivers',
  'cicd_security_group_closure',
  'cicd_security_groups',
];

function meta(name: string, owner: string, extra: Partial<EntityMeta> = {}) {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    type: 'service',
    lifecycle: 'production',
    owner,
    system: 'system:default/payments',
    ...extra,
  } as EntityMeta;
}

function check(
  checkId: string,
  status: 'pass' | 'fail',
  category: CheckCategory = 'third-party-software',
  severity: CheckResult['severity'] = 'high',
): CheckResult {
  return {
    checkId,
    title: checkId,
    category,
    severity,
    status,
    score: status === 'pass' ? 10 : 0,
    findings:
      status === 'fail'
        ? [
            {
              checkId,
              severity,
              message: `${checkId} failed`,
              fingerprint: `${checkId}-fp`,
              file: 'ci.yml',
              line: 1,
            },
          ]
        : [],
  };
}

function scan(checks: CheckResult[]): ScanResult {
  return { ...scoreResults(checks), checks, problems: [], durationMs: 5 };
}

const A = 'group:default/team-a';
const B = 'group:default/team-b';
const ORG = 'group:default/org';

describe('ScorecardQueries', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    let knex: Knex;
    let store: DatabaseScorecardStore;
    let waivers: WaiverStore;
    let groups: GroupHierarchyStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({
        scorecards: store,
        waivers,
        groups,
      } = await createDatabaseStores({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        cacheTtlMs: 0,
      }));
    });

    afterEach(async () => {
      for (const table of TABLES) await knex(table).delete();
    });

    async function seed() {
      await groups.replace([
        { groupRef: ORG, type: 'organization', title: 'The org' },
        { groupRef: A, type: 'team', parent: ORG },
        { groupRef: B, type: 'team', parent: ORG },
      ]);
      const old = new Date(Date.now() - 40 * 24 * 3600_000);
      // good: all pass (10), owned by team-a; was 5 forty days ago
      await store.saveScan(
        meta('good', A),
        {
          type: 'scanned',
          result: scan([check('c1', 'pass'), check('c2', 'pass')]),
        },
        old,
      );
      await knex('cicd_security_scans').update({ score: 5 });
      await store.saveScan(meta('good', A), {
        type: 'scanned',
        result: scan([check('c1', 'pass'), check('c2', 'pass')]),
      });
      // bad: c1 fails (critical), owned by team-b
      await store.saveScan(meta('bad', B, { lifecycle: 'experimental' }), {
        type: 'scanned',
        result: scan([
          check('c1', 'fail', 'third-party-software', 'critical'),
          check('c2', 'pass', 'compliance'),
        ]),
      });
      // other: owned by a user, never scanned
      await store.setState(
        'component:default/other',
        'pending',
        undefined,
        meta('other', 'user:default/jo', {
          system: undefined,
          type: 'website',
        }),
      );
    }

    const names = (r: { items: Array<{ name: string }> }) =>
      r.items.map(i => i.name);

    it('filters the list', async () => {
      await seed();
      expect(names(await store.listScorecards({ owner: ORG }))).toEqual([
        'bad',
        'good',
      ]);
      expect(names(await store.listScorecards({ owner: A }))).toEqual(['good']);
      expect(
        names(
          await store.listScorecards({ system: 'system:default/payments' }),
        ),
      ).toEqual(['bad', 'good']);
      expect(names(await store.listScorecards({ type: 'website' }))).toEqual([
        'other',
      ]);
      expect(
        names(await store.listScorecards({ lifecycle: 'experimental' })),
      ).toEqual(['bad']);
      expect(names(await store.listScorecards({ grade: 'A,D' }))).toEqual([
        'bad',
        'good',
      ]);
      expect(
        names(
          await store.listScorecards({
            category: 'third-party-software',
            categoryBelow: 5,
          }),
        ),
      ).toEqual(['bad']);
      expect(names(await store.listScorecards({ failingCheck: 'c1' }))).toEqual(
        ['bad'],
      );
      expect(names(await store.listScorecards({ q: 'GOO' }))).toEqual(['good']);
      const sorted = await store.listScorecards({
        sort: 'criticalFindings',
        order: 'desc',
        limit: 1,
      });
      expect(names(sorted)).toEqual(['bad']);
      expect(sorted.totalCount).toBe(3);
    });

    it('restricts to long lists of visible refs', async () => {
      await seed();
      const many = Array.from(
        { length: 3000 },
        (_, i) => `component:default/x${i}`,
      );
      const result = await store.listScorecards({
        entityRefs: [...many, 'component:default/good'],
      });
      expect(names(result)).toEqual(['good']);
      expect(result.totalCount).toBe(1);
      const two = await store.listScorecards({
        entityRefs: [
          ...many,
          'component:default/good',
          'component:default/bad',
        ],
        sort: 'score',
        limit: 1,
        offset: 1,
      });
      expect(names(two)).toEqual(['good']);
      expect(two.totalCount).toBe(2);
      expect(
        names(
          await store.listScorecards({
            entityRefs: [...many, 'component:default/good'],
            owner: B,
          }),
        ),
      ).toEqual([]);
      const overview = await store.overview({
        entityRefs: [...many, 'component:default/bad'],
      });
      expect(overview.stats.components).toBe(1);
    });

    it('rolls teams up the hierarchy', async () => {
      await seed();
      const teams = (await store.teams())!;
      expect(teams.items.map(t => t.groupRef)).toEqual([ORG, A, B]);
      const org = teams.items[0];
      expect(org.children).toEqual([A, B]);
      expect(org.direct.components).toBe(0);
      expect(org.rollup).toMatchObject({
        components: 2,
        scanned: 2,
        grades: { A: 1, B: 0, C: 0, D: 1, F: 0 },
        openCriticalFindings: 1,
      });
      expect(org.rollup.medianScore).toBe(org.rollup.averageScore);
      expect(teams.items[1].direct.change30d).toBe(5);
      expect(teams.owners.map(o => o.owner)).toEqual([A, B, 'user:default/jo']);
      const sub = (await store.teams({ root: B }))!;
      expect(sub.items.map(t => t.groupRef)).toEqual([B]);
      expect(await store.teams({ root: 'group:default/nope' })).toBeUndefined();
      const hidden = (await store.teams({
        entityRefs: ['component:default/good'],
      }))!;
      expect(hidden.items[0].rollup.components).toBe(1);
    });

    it('builds the closure and survives cycles', async () => {
      await groups.replace([
        { groupRef: 'group:default/X', parent: 'group:default/y' },
        { groupRef: 'group:default/y', parent: 'group:default/x' },
        { groupRef: 'group:default/z', parent: 'group:default/y' },
      ]);
      const h = await groups.load();
      expect(h.descendants.get('group:default/y')?.sort()).toEqual([
        'group:default/x',
        'group:default/y',
        'group:default/z',
      ]);
      const teams = (await store.teams())!;
      expect(teams.items.map(t => t.groupRef).sort()).toEqual([
        'group:default/x',
        'group:default/y',
        'group:default/z',
      ]);
    });

    it('summarises the org', async () => {
      await seed();
      const overview = await store.overview();
      expect(overview.stats.components).toBe(3);
      expect(overview.stats.scanned).toBe(2);
      expect(overview.shareAB).toBe(0.5);
      expect(overview.trend.length).toBeGreaterThanOrEqual(1);
      expect(overview.trend[overview.trend.length - 1]).toMatchObject({
        date: new Date().toISOString().slice(0, 10),
        scanned: 2,
      });
    });

    it('counts open, waived and in-code suppressed failures of each check apart', async () => {
      await seed();
      const worse = 'component:default/worse';
      const c1 = check('c1', 'fail');
      const suppressed = (
        kind: 'inline' | 'config' | 'duplicate',
        line: number,
      ) => ({
        ...c1.findings[0],
        fingerprint: `c1-${kind}-${line}`,
        line,
        suppressed:
          kind === 'duplicate'
            ? {
                kind,
                duplicateOf: { checkId: 'c2', fingerprint: 'c2-fp' },
              }
            : { kind, reason: 'test fixture' },
      });
      await store.saveScan(meta('worse', A), {
        type: 'scanned',
        result: scan([
          {
            ...c1,
            findings: [
              ...c1.findings,
              suppressed('inline', 2),
              suppressed('config', 3),
              suppressed('duplicate', 4),
            ],
          },
          check('c2', 'pass'),
        ]),
      });
      const c1Stats = async (entityRefs?: string[]) =>
        (await store.checkStats(entityRefs ? { entityRefs } : {})).find(
          c => c.checkId === 'c1',
        );
      // bad and worse fail c1; worse suppresses two findings in code (the
      // duplicate is another check's finding, not a suppression).
      expect(await c1Stats()).toMatchObject({
        failing: 2,
        openFailing: 2,
        waivedFailing: 0,
        suppressedFindings: 2,
      });

      const day = 86_400_000;
      await waivers.create(
        {
          checkId: 'c1',
          scope: { type: 'entity', entityRef: 'component:default/bad' },
          reason: 'Accepted risk',
          expiresAt: new Date(Date.now() + day).toISOString(),
        },
        'user:default/alice',
      );
      // A waiver of another check and a revoked one change nothing.
      await waivers.create(
        {
          checkId: 'c2',
          scope: { type: 'owner', ownerRef: A },
          reason: 'Other check',
          expiresAt: new Date(Date.now() + day).toISOString(),
        },
        'user:default/alice',
      );
      const revoked = await waivers.create(
        {
          checkId: 'c1',
          scope: { type: 'entity', entityRef: worse },
          reason: 'Revoked',
          expiresAt: new Date(Date.now() + day).toISOString(),
        },
        'user:default/alice',
      );
      await waivers.revoke(revoked.id, 'user:default/bob', 'no');
      expect(await c1Stats()).toMatchObject({
        failing: 2,
        openFailing: 1,
        waivedFailing: 1,
      });

      // An owner waiver covers the owner's components.
      await waivers.create(
        {
          checkId: 'c1',
          scope: { type: 'owner', ownerRef: A },
          reason: 'Team accepted',
          expiresAt: new Date(Date.now() + day).toISOString(),
        },
        'user:default/alice',
      );
      expect(await c1Stats()).toMatchObject({
        failing: 2,
        openFailing: 0,
        waivedFailing: 2,
        suppressedFindings: 2,
      });
      // Only what the caller may see is counted.
      expect(await c1Stats(['component:default/bad'])).toMatchObject({
        failing: 1,
        openFailing: 0,
        waivedFailing: 1,
        suppressedFindings: 0,
      });
      expect(await c1Stats([worse, 'component:default/good'])).toMatchObject({
        failing: 1,
        waivedFailing: 1,
        suppressedFindings: 2,
      });
    });

    it('says when cached aggregates were computed', async () => {
      await seed();
      let now = Date.now();
      const queries = new ScorecardQueries(knex, {
        cacheTtlMs: 60_000,
        clock: () => new Date(now),
      });
      const first = await queries.overview();
      expect(first.computedAt).toBe(new Date(now).toISOString());
      const firstTeams = (await queries.teams())!;
      expect(Date.parse(firstTeams.computedAt)).toBeLessThanOrEqual(now);
      // Within the TTL the same figures are served, with their original time.
      now += 30_000;
      expect((await queries.overview()).computedAt).toBe(first.computedAt);
      expect((await queries.teams())!.computedAt).toBe(firstTeams.computedAt);
      // Without caching, figures are computed on every request.
      const uncached = new ScorecardQueries(knex, {
        cacheTtlMs: 0,
        clock: () => new Date(now),
      });
      expect((await uncached.overview()).computedAt).toBe(
        new Date(now).toISOString(),
      );
    });

    it('shares org figures with callers who see every scorecard, and recomputes them only after a write', async () => {
      await seed();
      const cached = await createDatabaseStores({
        database: mockServices.database({ knex, migrations: { skip: true } }),
        cacheTtlMs: 50,
      });
      const c1 = (stats: { value: Array<{ checkId: string }> }) =>
        stats.value.find(c => c.checkId === 'c1');
      const good = 'component:default/good';
      const bad = 'component:default/bad';
      const org = await cached.scorecards.checkStatsWithTime();
      expect(c1(org)).toMatchObject({ applicable: 2, failing: 1 });
      // Seeing every scorecard (and more) is the org's figures, as computed.
      const everything = [good, bad, 'component:default/other', 'x:y/z'];
      expect(
        await cached.scorecards.checkStatsWithTime({ entityRefs: everything }),
      ).toEqual(org);
      // A caller who cannot see `bad` gets figures of their own.
      const mine = await cached.scorecards.checkStatsWithTime({
        entityRefs: [good],
      });
      expect(c1(mine)).toMatchObject({ applicable: 1, failing: 0 });
      // Past the TTL with nothing written, the figures stay.
      await new Promise(r => setTimeout(r, 120));
      expect(await cached.scorecards.checkStatsWithTime()).toEqual(org);
      // A write (a waiver here) makes them stale: served once more while
      // they are recomputed, then the new ones.
      await cached.waivers.create(
        {
          checkId: 'c1',
          scope: { type: 'entity', entityRef: bad },
          reason: 'Accepted until the vendor fixes it',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        'user:default/alice',
      );
      await new Promise(r => setTimeout(r, 120));
      let next = await cached.scorecards.checkStatsWithTime();
      for (let i = 0; i < 50 && next.computedAt === org.computedAt; i++) {
        await new Promise(r => setTimeout(r, 20));
        next = await cached.scorecards.checkStatsWithTime();
      }
      expect(next.computedAt).toBeGreaterThan(org.computedAt);
      expect(c1(next)).toMatchObject({ failing: 1, waivedFailing: 1 });
      // A scan is a write too.
      await cached.scorecards.saveScan(meta('bad', B), {
        type: 'scanned',
        result: scan([check('c1', 'pass'), check('c2', 'pass', 'compliance')]),
      });
      await new Promise(r => setTimeout(r, 120));
      let last = await cached.scorecards.checkStatsWithTime();
      for (let i = 0; i < 50 && last.computedAt === next.computedAt; i++) {
        await new Promise(r => setTimeout(r, 20));
        last = await cached.scorecards.checkStatsWithTime();
      }
      expect(c1(last)).toMatchObject({ applicable: 2, failing: 0 });
    });

    it('computes the org figures and the worst-first order of a long visible list ahead of the first visitor', async () => {
      // More components than fit a query's list of refs.
      const refs = Array.from(
        { length: 600 },
        (_, i) => `component:default/c${String(i).padStart(3, '0')}`,
      );
      await knex.batchInsert(
        'cicd_security_scorecards',
        refs.map((entityRef, i) => ({
          entity_ref: entityRef,
          kind: 'Component',
          namespace: 'default',
          name: entityRef.split('/')[1],
          state: 'ok',
          score: ((i * 7) % 100) / 10,
          grade: 'C',
          categories: '[]',
          counts: '{}',
          updated_at: new Date(),
        })),
        50,
      );
      const queries = new ScorecardQueries(knex, { cacheTtlMs: 60_000 });
      await queries.warm();
      const sql: string[] = [];
      const onQuery = (q: { sql: string }) => sql.push(q.sql);
      knex.on('query', onQuery);
      try {
        const page = await queries.listScorecards({
          order: 'asc',
          sort: 'score',
          limit: 3,
          offset: 0,
          entityRefs: refs,
          q: undefined,
        });
        expect(page.totalCount).toBe(600);
        // Worst first: six components score 0.
        expect(page.items.map(i => i.score)).toEqual([0, 0, 0]);
        await queries.overview();
        await queries.checkStats();
      } finally {
        knex.removeListener('query', onQuery);
      }
      // Only the page's rows were read: the order and the figures were warm.
      expect(sql).toHaveLength(1);
    });

    it('lists failing entities of a check', async () => {
      await seed();
      expect(await store.failingEntities('c1')).toEqual([
        {
          entityRef: 'component:default/bad',
          owner: B,
          score: expect.any(Number),
          findings: 1,
        },
      ]);
      expect(
        await store.failingEntities('c1', {
          entityRefs: ['component:default/good'],
        }),
      ).toEqual([]);
    });

    it('applies waivers, records the audit trail and rescoring', async () => {
      await seed();
      const bad = 'component:default/bad';
      const before = (await store.getScorecard(bad))!;
      expect(before.explanation?.checks.every(c => c.counted)).toBe(true);
      const waiver = await waivers.create(
        {
          checkId: 'c1',
          scope: { type: 'entity', entityRef: bad },
          reason: 'Vendored, fixed upstream',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        'user:default/alice',
      );
      expect(waiver).toMatchObject({
        active: true,
        createdBy: 'user:default/alice',
        history: [{ action: 'created', actor: 'user:default/alice' }],
      });
      const after = (await store.getScorecard(bad))!;
      expect(after.score).toBe(10);
      expect(after.counts.criticalFindings).toBe(0);
      expect(after.counts.failed).toBe(1);
      const waived = after.checks.find(c => c.checkId === 'c1')!;
      expect(waived.waiver).toMatchObject({ id: waiver.id });
      expect(
        after.explanation?.checks.find(c => c.checkId === 'c1'),
      ).toMatchObject({
        counted: false,
        note: expect.stringMatching(/^Waived/),
      });

      // A new scan keeps the waiver applied.
      await store.saveScan(meta('bad', B), {
        type: 'scanned',
        result: scan([
          check('c1', 'fail', 'third-party-software', 'critical'),
          check('c2', 'pass', 'compliance'),
        ]),
      });
      expect((await store.getScorecard(bad))!.score).toBe(10);

      const revoked = await waivers.revoke(
        waiver.id,
        'user:default/bob',
        'fixed',
      );
      expect(revoked).toMatchObject({
        active: false,
        revokedBy: 'user:default/bob',
      });
      expect(revoked!.history.map(h => h.action)).toEqual([
        'created',
        'revoked',
      ]);
      expect((await store.getScorecard(bad))!.score).toBe(before.score);
      expect(await waivers.list({ active: true })).toEqual([]);
      expect(await waivers.list({ entityRef: bad })).toHaveLength(1);
    });

    it('ranks failing checks by the score a re-scan with each passing would store', async () => {
      const ref = 'component:default/mixed';
      const withScore = (c: CheckResult, score: number) => ({ ...c, score });
      const checks = [
        check('c1', 'fail', 'third-party-software', 'critical'),
        withScore(
          { ...check('c2', 'fail', 'compliance', 'medium'), status: 'warn' },
          6,
        ),
        withScore(check('c3', 'fail', 'access-control', 'low'), 3),
        check('c4', 'fail', 'secrets-management', 'high'),
        {
          ...check('c5', 'fail', 'compliance', 'high'),
          findings: check('c5', 'fail').findings.map(f => ({
            ...f,
            suppressed: { kind: 'inline' as const, reason: 'test fixture' },
          })),
        },
        check('c6', 'pass', 'secrets-management'),
      ];
      await store.saveScan(meta('mixed', A), {
        type: 'scanned',
        result: scan(checks),
      });
      await waivers.create(
        {
          checkId: 'c4',
          scope: { type: 'entity', entityRef: ref },
          reason: 'Accepted risk',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        'user:default/alice',
      );
      const card = (await store.getScorecard(ref))!;
      const fixFirst = card.fixFirst!;
      // Waived (c4) and suppressed-only (c5) checks are not listed.
      expect(fixFirst.map(f => f.checkId).sort()).toEqual(['c1', 'c2', 'c3']);
      expect(fixFirst[0]).toMatchObject({
        checkId: 'c1',
        title: 'c1',
        severity: 'critical',
        findings: 1,
      });
      for (let i = 1; i < fixFirst.length; i++) {
        expect(fixFirst[i - 1].gain).toBeGreaterThanOrEqual(fixFirst[i].gain);
      }

      const waived = new Map([['c4', card.checks[3].waiver!]]);
      for (const item of fixFirst) {
        const fixed = checks.map(c =>
          c.checkId === item.checkId
            ? { ...c, status: 'pass' as const, score: 10, findings: [] }
            : c,
        );
        // The scoring code applied to the stored results ...
        const rescored = scoreWithWaivers(fixed, waived, DEFAULT_SCORING);
        expect(item.scoreIfFixed).toBe(rescored.score);
        expect(item.gradeIfFixed).toBe(rescored.grade);
        expect(item.gain).toBeCloseTo(rescored.score! - card.score!, 5);
        // ... and the score stored by an actual scan with the check passing.
        await store.saveScan(meta('mixed', A), {
          type: 'scanned',
          result: scan(fixed),
        });
        expect((await store.getScorecard(ref))!.score).toBe(item.scoreIfFixed);
      }
    });

    it('stops applying an owner waiver once it expired', async () => {
      await seed();
      const bad = 'component:default/bad';
      const waiver = await waivers.create(
        {
          checkId: 'c1',
          scope: { type: 'owner', ownerRef: B },
          reason: 'Accepted risk',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        },
        'user:default/alice',
      );
      expect((await store.getScorecard(bad))!.score).toBe(10);
      expect(await waivers.list({ owner: B })).toHaveLength(1);
      await knex('cicd_security_waivers')
        .where({ id: waiver.id })
        .update({ expires_at: new Date(Date.now() - 1000) });
      expect(await waivers.applyExpired()).toBe(1);
      expect((await store.getScorecard(bad))!.score).toBeLessThan(10);
      expect(await waivers.applyExpired()).toBe(0);
    });

    it('rescores with a new scoring config', async () => {
      await seed();
      const n = await store.rescore(
        [
          'component:default/bad',
          'component:default/good',
          'component:default/other',
        ],
        {
          ...DEFAULT_SCORING,
          categoryWeights: {
            ...DEFAULT_SCORING.categoryWeights,
            'third-party-software': 0,
          },
        },
      );
      expect(n).toBe(2);
      expect((await store.getScorecard('component:default/bad'))!.score).toBe(
        10,
      );
    });

    it('returns history since a date', async () => {
      await seed();
      const ref = 'component:default/good';
      expect(await store.getHistory(ref, 10)).toHaveLength(2);
      expect(
        await store.getHistory(ref, 10, new Date(Date.now() - 86_400_000)),
      ).toHaveLength(1);
    });
  });
});
