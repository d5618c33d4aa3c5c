import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { CheckResult } from '@cicd-security/plugin-cicd-security-common';
import type { ScanResult } from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { EntityMeta } from './ScorecardStore';

jest.setTimeout(60_000);

const TABLES = [
  'cicd_security_findings',
  'cicd_security_check_results',
  'cicd_security_problems',
  'cicd_security_scans',
  'cicd_security_scorecards',
];

function meta(name: string, extra: Partial<EntityMeta> = {}): EntityMeta {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/team-a',
    system: 'system:default/payments',
    ...extra,
  };
}

function check(
  checkId: string,
  status: CheckResult['status'],
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    checkId,
    title: `Title of ${checkId}`,
    category: 'third-party-software',
    severity: 'high',
    status,
    ...(status === 'pass' ? { score: 10 } : {}),
    ...(status === 'fail' ? { score: 2 } : {}),
    findings: [],
    ...extra,
  };
}

function scan(score: number | null, checks: CheckResult[] = []): ScanResult {
  return {
    score,
    grade: score === null ? null : score >= 9 ? 'A' : score >= 4 ? 'D' : 'F',
    categories: [
      {
        category: 'third-party-software',
        score,
        applicable: checks.length,
        failing: checks.filter(c => c.status === 'fail').length,
      },
    ],
    counts: {
      passed: checks.filter(c => c.status === 'pass').length,
      failed: checks.filter(c => c.status === 'fail').length,
      warned: 0,
      notApplicable: 0,
      inconclusive: 0,
      errored: 0,
      findings: checks.reduce((n, c) => n + c.findings.length, 0),
      suppressedFindings: 0,
      criticalFindings: 0,
    },
    checks,
    problems: [],
    durationMs: 12,
  };
}

const failing = check('unpinned-actions', 'fail', {
  findings: [
    {
      checkId: 'unpinned-actions',
      severity: 'high',
      message: 'actions/checkout@v4 is not pinned to a commit SHA',
      file: '.github/workflows/ci.yml',
      line: 12,
      column: 15,
      endLine: 12,
      endColumn: 34,
      snippet: 'uses: actions/checkout@v4',
      fingerprint: 'fp-1',
      suggestedFix: {
        description: 'Pin it',
        replacement: 'actions/checkout@abc',
      },
    },
    {
      checkId: 'unpinned-actions',
      severity: 'medium',
      message: 'second finding',
      fingerprint: 'fp-2',
      suppressed: { kind: 'inline', reason: 'accepted' },
    },
  ],
});

describe('DatabaseScorecardStore', () => {
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

    it('saves a scan and reads it back with nested findings and problems', async () => {
      const result = scan(6, [check('security-policy', 'pass'), failing]);
      result.problems = [
        {
          file: 'a.yml',
          line: 3,
          column: 1,
          kind: 'parse-error',
          message: 'bad',
        },
      ];
      const at = new Date('2025-01-02T03:04:05.000Z');
      await store.saveScan(
        meta('api', { title: 'The API' }),
        {
          type: 'scanned',
          result,
          revision: 'abc123',
          sourceLocation: 'dir:./repos/api',
          checkSetVersion: '0.1.0:x',
        },
        at,
      );

      const card = await store.getScorecard('component:default/api');
      expect(card).toMatchObject({
        entityRef: 'component:default/api',
        kind: 'Component',
        name: 'api',
        title: 'The API',
        owner: 'group:default/team-a',
        system: 'system:default/payments',
        state: 'ok',
        score: 6,
        grade: 'D',
        scannedAt: '2025-01-02T03:04:05.000Z',
        revision: 'abc123',
        sourceLocation: 'dir:./repos/api',
        counts: { passed: 1, failed: 1, findings: 2 },
        problems: [
          {
            file: 'a.yml',
            line: 3,
            column: 1,
            kind: 'parse-error',
            message: 'bad',
          },
        ],
      });
      expect(card!.checks.map(c => [c.checkId, c.status, c.score])).toEqual([
        ['security-policy', 'pass', 10],
        ['unpinned-actions', 'fail', 2],
      ]);
      expect(card!.checks[1].findings).toEqual(failing.findings);
      expect(card!.checks[0].findings).toEqual([]);
    });

    it('replaces the previous results on a new scan and keeps history', async () => {
      const m = meta('api');
      await store.saveScan(
        m,
        { type: 'scanned', result: scan(2, [failing]) },
        new Date('2025-01-01T00:00:00Z'),
      );
      await store.saveScan(
        m,
        {
          type: 'scanned',
          result: scan(10, [check('unpinned-actions', 'pass')]),
        },
        new Date('2025-01-02T00:00:00Z'),
      );
      const card = await store.getScorecard(m.entityRef);
      expect(card!.score).toBe(10);
      expect(card!.checks).toHaveLength(1);
      expect(card!.checks[0].findings).toEqual([]);
      expect(
        Number((await knex('cicd_security_findings').count({ n: '*' }))[0].n),
      ).toBe(0);

      const history = await store.getHistory(m.entityRef, 10);
      expect(history.map(h => [h.scannedAt, h.score, h.state])).toEqual([
        ['2025-01-01T00:00:00.000Z', 2, 'ok'],
        ['2025-01-02T00:00:00.000Z', 10, 'ok'],
      ]);
      expect(await store.getHistory(m.entityRef, 1)).toHaveLength(1);
      expect((await store.getHistory(m.entityRef, 1))[0].score).toBe(10);
    });

    it('leaves the previous scorecard intact when a save fails half-way', async () => {
      const m = meta('api');
      await store.saveScan(m, { type: 'scanned', result: scan(2, [failing]) });
      const broken = scan(10, [
        check('security-policy', 'pass'),
        // The same check twice violates the primary key: the save fails
        // after the old rows were already deleted inside the transaction.
        check('unpinned-actions', 'pass'),
        check('unpinned-actions', 'pass'),
      ]);
      // Not `.toThrow()`: in a jest worker, better-sqlite3's errors come from
      // another realm and are not recognised as thrown errors.
      await expect(
        store.saveScan(m, { type: 'scanned', result: broken }),
      ).rejects.toMatchObject({
        message: expect.stringMatching(/unique|duplicate/i),
      });
      const card = await store.getScorecard(m.entityRef);
      expect(card!.score).toBe(2);
      expect(card!.checks.map(c => c.checkId)).toEqual(['unpinned-actions']);
      expect(card!.checks[0].findings).toHaveLength(2);
      expect(await store.getHistory(m.entityRef, 10)).toHaveLength(1);
    });

    it('keeps the last results on error and clears them on no-source', async () => {
      const m = meta('api');
      await store.saveScan(m, { type: 'scanned', result: scan(2, [failing]) });
      await store.saveScan(m, { type: 'error', message: 'disk on fire' });
      let card = await store.getScorecard(m.entityRef);
      expect(card).toMatchObject({
        state: 'error',
        stateReason: 'disk on fire',
        score: 2,
      });
      expect(card!.checks).toHaveLength(1);

      await store.saveScan(m, { type: 'no-source', reason: 'no annotation' });
      card = await store.getScorecard(m.entityRef);
      expect(card).toMatchObject({
        state: 'no-source',
        stateReason: 'no annotation',
        score: null,
        grade: null,
        checks: [],
        problems: [],
      });
      expect(card!.scannedAt).toBeUndefined();
      const history = await store.getHistory(m.entityRef, 10);
      expect(history.map(h => h.state)).toEqual(['ok', 'error', 'no-source']);
    });

    it('records an error for an entity never scanned before', async () => {
      await store.saveScan(meta('new'), { type: 'error', message: 'boom' });
      expect(await store.getScorecard('component:default/new')).toMatchObject({
        state: 'error',
        stateReason: 'boom',
        score: null,
        checks: [],
      });
    });

    it('sets a state without losing the last scorecard', async () => {
      const m = meta('api');
      await store.saveScan(m, { type: 'scanned', result: scan(2, [failing]) });
      await store.setState(m.entityRef, 'scanning');
      const card = await store.getScorecard(m.entityRef);
      expect(card).toMatchObject({ state: 'scanning', score: 2 });
      expect(card!.checks).toHaveLength(1);
      expect(card!.stateReason).toBeUndefined();

      await store.setState('component:default/fresh', 'scanning');
      expect(await store.getScorecard('component:default/fresh')).toMatchObject(
        {
          kind: 'component',
          name: 'fresh',
          state: 'scanning',
          score: null,
        },
      );
      await store.setState(
        'component:default/other',
        'scanning',
        undefined,
        meta('other', { owner: 'group:default/team-b' }),
      );
      expect(await store.getScorecard('component:default/other')).toMatchObject(
        {
          kind: 'Component',
          owner: 'group:default/team-b',
        },
      );
    });

    describe('listScorecards', () => {
      beforeEach(async () => {
        const rows: Array<
          [string, number | null, Partial<EntityMeta>, string?]
        > = [
          [
            'alpha',
            9.5,
            { owner: 'group:default/team-a', title: 'Alpha Service' },
          ],
          ['beta', 3, { owner: 'group:default/team-b' }],
          [
            'gamma',
            6,
            { owner: 'group:default/team-a' },
            '2025-03-01T00:00:00Z',
          ],
          [
            'delta_x',
            null,
            { owner: 'group:default/team-b', kind: 'Resource' },
          ],
        ];
        for (const [name, score, extra, at] of rows) {
          await store.saveScan(
            meta(name, {
              entityRef: `${(
                extra.kind ?? 'component'
              ).toLowerCase()}:default/${name}`,
              ...extra,
            }),
            score === null
              ? { type: 'no-source', reason: 'none' }
              : { type: 'scanned', result: scan(score) },
            at ? new Date(at) : new Date('2025-02-01T00:00:00Z'),
          );
        }
      });

      const names = (r: { items: Array<{ name: string }> }) =>
        r.items.map(i => i.name);

      it('sorts by name by default and counts the total', async () => {
        const r = await store.listScorecards({});
        expect(names(r)).toEqual(['alpha', 'beta', 'delta_x', 'gamma']);
        expect(r.totalCount).toBe(4);
      });

      it('sorts by score with nulls last in both directions', async () => {
        expect(names(await store.listScorecards({ sort: 'score' }))).toEqual([
          'beta',
          'gamma',
          'alpha',
          'delta_x',
        ]);
        expect(
          names(await store.listScorecards({ sort: 'score', order: 'desc' })),
        ).toEqual(['alpha', 'gamma', 'beta', 'delta_x']);
        expect(
          names(
            await store.listScorecards({ sort: 'scannedAt', order: 'desc' }),
          ),
        ).toEqual(['gamma', 'alpha', 'beta', 'delta_x']);
      });

      it('paginates in SQL', async () => {
        const r = await store.listScorecards({ limit: 2, offset: 1 });
        expect(names(r)).toEqual(['beta', 'delta_x']);
        expect(r.totalCount).toBe(4);
      });

      it('filters by owner, kind, grade, state and text', async () => {
        expect(
          names(await store.listScorecards({ owner: 'group:default/team-a' })),
        ).toEqual(['alpha', 'gamma']);
        expect(names(await store.listScorecards({ kind: 'resource' }))).toEqual(
          ['delta_x'],
        );
        expect(names(await store.listScorecards({ grade: 'A' }))).toEqual([
          'alpha',
        ]);
        expect(
          names(await store.listScorecards({ state: 'no-source' })),
        ).toEqual(['delta_x']);
        expect(names(await store.listScorecards({ q: 'ALPHA serv' }))).toEqual([
          'alpha',
        ]);
        expect(names(await store.listScorecards({ q: 'team-b' }))).toEqual([
          'beta',
          'delta_x',
        ]);
        // LIKE wildcards in the search text are taken literally.
        expect(names(await store.listScorecards({ q: '_' }))).toEqual([
          'delta_x',
        ]);
        expect(names(await store.listScorecards({ q: '%' }))).toEqual([]);
      });

      it('restricts to the given entity refs', async () => {
        const r = await store.listScorecards({
          entityRefs: ['component:default/beta', 'component:default/nope'],
        });
        expect(names(r)).toEqual(['beta']);
        expect(r.totalCount).toBe(1);
        expect(await store.listScorecards({ entityRefs: [] })).toEqual({
          items: [],
          totalCount: 0,
        });
      });

      it('summarises teams', async () => {
        expect(await store.teamSummaries()).toEqual([
          {
            owner: 'group:default/team-a',
            components: 2,
            scanned: 2,
            averageScore: 7.8,
            grades: { A: 1, B: 0, C: 0, D: 1, F: 0 },
          },
          {
            owner: 'group:default/team-b',
            components: 2,
            scanned: 1,
            averageScore: 3,
            grades: { A: 0, B: 0, C: 0, D: 0, F: 1 },
          },
        ]);
        expect(
          await store.teamSummaries({
            entityRefs: ['component:default/alpha'],
          }),
        ).toEqual([
          expect.objectContaining({
            owner: 'group:default/team-a',
            components: 1,
          }),
        ]);
      });
    });

    it('computes check statistics', async () => {
      await store.saveScan(meta('a'), {
        type: 'scanned',
        result: scan(5, [
          check('x', 'pass'),
          check('y', 'fail'),
          check('z', 'not-applicable'),
        ]),
      });
      await store.saveScan(meta('b'), {
        type: 'scanned',
        result: scan(5, [
          check('x', 'fail'),
          check('y', 'fail'),
          check('z', 'inconclusive'),
        ]),
      });
      expect(await store.checkStats()).toEqual([
        {
          checkId: 'x',
          applicable: 2,
          failing: 1,
          openFailing: 1,
          waivedFailing: 0,
          suppressedFindings: 0,
          inconclusive: 0,
          passRate: 0.5,
        },
        {
          checkId: 'y',
          applicable: 2,
          failing: 2,
          openFailing: 2,
          waivedFailing: 0,
          suppressedFindings: 0,
          inconclusive: 0,
          passRate: 0,
        },
        // Could not see on b: counted apart, out of the pass rate.
        {
          checkId: 'z',
          applicable: 0,
          failing: 0,
          openFailing: 0,
          waivedFailing: 0,
          suppressedFindings: 0,
          inconclusive: 1,
          passRate: null,
        },
      ]);
      expect(
        await store.checkStats({ entityRefs: ['component:default/a'] }),
      ).toEqual([
        {
          checkId: 'x',
          applicable: 1,
          failing: 0,
          openFailing: 0,
          waivedFailing: 0,
          suppressedFindings: 0,
          inconclusive: 0,
          passRate: 1,
        },
        {
          checkId: 'y',
          applicable: 1,
          failing: 1,
          openFailing: 1,
          waivedFailing: 0,
          suppressedFindings: 0,
          inconclusive: 0,
          passRate: 0,
        },
        {
          checkId: 'z',
          applicable: 0,
          failing: 0,
          openFailing: 0,
          waivedFailing: 0,
          suppressedFindings: 0,
          inconclusive: 0,
          passRate: null,
        },
      ]);
    });

    it('deletes entities and everything about them', async () => {
      await store.saveScan(meta('a'), {
        type: 'scanned',
        result: scan(2, [failing]),
      });
      await store.saveScan(meta('b'), {
        type: 'scanned',
        result: scan(2, [failing]),
      });
      expect(await store.listEntityRefs()).toEqual([
        'component:default/a',
        'component:default/b',
      ]);
      await store.deleteEntities(['component:default/a']);
      expect(await store.listEntityRefs()).toEqual(['component:default/b']);
      expect(await store.getScorecard('component:default/a')).toBeUndefined();
      expect(await store.getHistory('component:default/a', 5)).toEqual([]);
      for (const table of TABLES) {
        const rows = await knex(table).where({
          entity_ref: 'component:default/a',
        });
        expect(rows).toEqual([]);
      }
    });
  });
});
