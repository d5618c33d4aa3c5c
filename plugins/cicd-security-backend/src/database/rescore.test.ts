import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  CheckCategory,
  CheckResult,
  CheckStatus,
  Finding,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import {
  DEFAULT_SCORING,
  resolveScoringConfig,
  scoreResults,
  ScoringConfig,
} from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { createDatabaseStores } from './createStores';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';
import { fixFirst, rescoreEntities, scoreWithWaivers } from './rescore';
import { EntityMeta } from './ScorecardStore';
import { WaiverInfo, WaiverStore } from './WaiverStore';

jest.setTimeout(120_000);

const TABLES = [
  'cicd_security_findings',
  'cicd_security_check_results',
  'cicd_security_problems',
  'cicd_security_scans',
  'cicd_security_scorecards',
  'cicd_security_waiver_events',
  'cicd_security_waivers',
];

const ENTITIES = 60;
const OWNERS = [
  'group:default/team-a',
  'group:default/team-b',
  'group:default/team-c',
];
const CATEGORIES: CheckCategory[] = [
  'third-party-software',
  'compliance',
  'secrets-management',
  'access-control',
];
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];
const STATUSES: CheckStatus[] = [
  'pass',
  'fail',
  'warn',
  'fail',
  'not-applicable',
  'inconclusive',
  'error',
  'pass',
];

/** A small deterministic pseudo-random generator. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

function ref(i: number) {
  return `component:default/svc-${String(i).padStart(3, '0')}`;
}

function meta(i: number): EntityMeta {
  return {
    entityRef: ref(i),
    kind: 'Component',
    namespace: 'default',
    name: `svc-${String(i).padStart(3, '0')}`,
    type: 'service',
    lifecycle: 'production',
    owner: OWNERS[i % OWNERS.length],
  } as EntityMeta;
}

/** Varied check results: every status, fractional scores, suppressed findings. */
function checksOf(i: number): CheckResult[] {
  const next = random(i + 1);
  return Array.from({ length: 6 + next(5) }, (_, c) => {
    const checkId = `check-${c}`;
    const status = STATUSES[next(STATUSES.length)];
    const scored = status === 'pass' || status === 'fail' || status === 'warn';
    const severity = SEVERITIES[next(SEVERITIES.length)];
    const findings: Finding[] =
      status === 'fail' || status === 'warn'
        ? Array.from({ length: 1 + next(4) }, (__, f) => ({
            checkId,
            severity: SEVERITIES[next(SEVERITIES.length)],
            message: `finding ${f}`,
            fingerprint: `${checkId}-${f}`,
            file: '.github/workflows/ci.yml',
            line: f + 1,
            ...(next(3) === 0
              ? { suppressed: { kind: 'inline' as const, reason: 'ok here' } }
              : {}),
            ...(next(5) === 0
              ? {
                  suppressed: {
                    kind: 'duplicate' as const,
                    reason: 'the same problem as check-0 reports here',
                    duplicateOf: { checkId: 'check-0', fingerprint: 'x' },
                  },
                }
              : {}),
          }))
        : [];
    return {
      checkId,
      title: `Check ${c}`,
      category: CATEGORIES[next(CATEGORIES.length)],
      severity,
      status,
      ...(scored ? { score: status === 'pass' ? 10 : next(21) / 2 } : {}),
      findings,
    };
  });
}

const REWEIGHTED: ScoringConfig = resolveScoringConfig({
  severityWeights: { critical: 20, low: 0.5 },
  categoryWeights: { compliance: 3, 'access-control': 0 },
  checkWeights: { 'check-2': 7 },
  gradeBands: { A: 9.5, B: 8, C: 6.5, D: 3 },
});

type StoredScore = {
  entity_ref: string;
  score: number | null;
  grade: string | null;
  categories: unknown;
  counts: unknown;
};

describe('fixFirst', () => {
  const result = (
    checkId: string,
    category: CheckCategory,
    severity: Severity,
    status: CheckStatus,
    extra: Partial<CheckResult> = {},
  ): CheckResult => ({
    checkId,
    title: checkId,
    category,
    severity,
    status,
    ...(status === 'fail' || status === 'pass'
      ? { score: status === 'pass' ? 10 : 0 }
      : {}),
    findings:
      status === 'fail'
        ? [{ checkId, severity, message: 'x', fingerprint: `${checkId}-fp` }]
        : [],
    ...extra,
  });

  it('breaks ties in gain by severity, counts unlisted findings and skips checks that did not run', () => {
    const checks = [
      result('low-one', 'compliance', 'low', 'fail'),
      result('critical-one', 'access-control', 'critical', 'fail'),
      result('capped', 'secrets-management', 'high', 'fail', {
        unlisted: { findings: 120, suppressed: 20, critical: 0 },
      }),
      result('broken', 'code-quality', 'high', 'error'),
      result('fine', 'network-security', 'medium', 'pass'),
    ];
    const items = fixFirst(checks, DEFAULT_SCORING);
    expect(items.map(i => i.checkId)).toEqual([
      'critical-one',
      'capped',
      'low-one',
    ]);
    expect(items[0].gain).toBe(items[2].gain);
    expect(items.find(i => i.checkId === 'capped')?.findings).toBe(100);
    const now = scoreResults(checks, DEFAULT_SCORING).score!;
    for (const item of items) {
      const fixed = checks.map(c =>
        c.checkId === item.checkId
          ? { ...c, status: 'pass' as const, score: 10, findings: [] }
          : c,
      );
      expect(item.scoreIfFixed).toBe(
        scoreResults(fixed, DEFAULT_SCORING).score,
      );
      expect(item.gain).toBeCloseTo(item.scoreIfFixed - now, 5);
    }
  });
});

describe('rescoreEntities', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  describe.each(databases.eachSupportedId())('%p', databaseId => {
    let knex: Knex;
    let store: DatabaseScorecardStore;
    let waivers: WaiverStore;
    const now = new Date();

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ scorecards: store, waivers } = await createDatabaseStores({
        database: mockServices.database({ knex, migrations: { skip: false } }),
        cacheTtlMs: 0,
      }));
    });

    afterEach(async () => {
      for (const table of TABLES) await knex(table).delete();
    });

    const refs = Array.from({ length: ENTITIES }, (_, i) => ref(i));
    /** The waivers seeded below, as they should apply to each entity. */
    const expectedWaivers = new Map<string, Map<string, string>>();

    async function seed() {
      for (let i = 0; i < ENTITIES; i++) {
        const checks = checksOf(i);
        await store.saveScan(meta(i), {
          type: 'scanned',
          result: {
            ...scoreResults(checks),
            checks,
            problems: [],
            durationMs: 1,
          },
          revision: `rev-${i}`,
          scoringVersion: 'old',
        });
      }
      // Entities without stored results are left alone.
      await store.setState('component:default/never-scanned', 'pending');
      await store.saveScan(
        {
          ...meta(999),
          entityRef: 'component:default/no-source',
          name: 'no-source',
        },
        { type: 'no-source', reason: 'No source location' },
      );

      const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const waive = (checkId: string, scope: any) =>
        waivers.create(
          { checkId, scope, reason: `Accepted ${checkId}`, expiresAt },
          'user:default/alice',
        );
      expectedWaivers.clear();
      const applies = (entity: string, checkId: string, waiverId: string) => {
        const map = expectedWaivers.get(entity) ?? new Map();
        map.set(checkId, waiverId);
        expectedWaivers.set(entity, map);
      };
      // An owner waiver for team-b, and an entity waiver of one of its entities.
      const owner = await waive('check-1', {
        type: 'owner',
        ownerRef: OWNERS[1],
      });
      for (let i = 1; i < ENTITIES; i += 3)
        applies(ref(i), 'check-1', owner.id);
      const entity = await waive('check-3', {
        type: 'entity',
        entityRef: ref(4),
      });
      applies(ref(4), 'check-3', entity.id);
      const other = await waive('check-0', {
        type: 'entity',
        entityRef: ref(10),
      });
      applies(ref(10), 'check-0', other.id);
      // A revoked and an expired waiver apply to nothing.
      const revoked = await waive('check-2', {
        type: 'entity',
        entityRef: ref(5),
      });
      await waivers.revoke(revoked.id, 'user:default/alice');
      const expired = await waive('check-4', {
        type: 'owner',
        ownerRef: OWNERS[0],
      });
      await knex('cicd_security_waivers')
        .where({ id: expired.id })
        .update({ expires_at: new Date(Date.now() - 60_000) });
    }

    async function stored(): Promise<StoredScore[]> {
      const rows = await knex('cicd_security_scorecards')
        .select('entity_ref', 'score', 'grade', 'categories', 'counts')
        .orderBy('entity_ref');
      return rows.map(r => ({
        entity_ref: r.entity_ref,
        score: r.score === null ? null : Number(r.score),
        grade: r.grade,
        categories: JSON.parse(r.categories),
        counts: JSON.parse(r.counts),
      }));
    }

    /** What the scores must be, computed in memory from the original results. */
    function expected(
      scoring: ScoringConfig,
    ): Map<string, Omit<StoredScore, 'entity_ref'>> {
      const result = new Map<string, Omit<StoredScore, 'entity_ref'>>();
      for (let i = 0; i < ENTITIES; i++) {
        const waived = new Map<string, WaiverInfo>();
        for (const [checkId, id] of expectedWaivers.get(ref(i)) ?? []) {
          waived.set(checkId, { id, reason: '', expiresAt: '', createdBy: '' });
        }
        const { score, grade, categories, counts } = scoreWithWaivers(
          checksOf(i),
          waived,
          scoring,
        );
        result.set(ref(i), { score, grade, categories, counts });
      }
      return result;
    }

    async function oneByOne(scoring: ScoringConfig) {
      let n = 0;
      for (const r of refs) n += await rescoreEntities(knex, [r], scoring, now);
      return n;
    }

    it('stores exactly the scores of one-by-one re-scoring, with changed weights and waivers', async () => {
      await seed();
      const all = [
        ...refs,
        'component:default/never-scanned',
        'component:default/no-source',
      ];
      const untouched = (await stored()).filter(
        r => !refs.includes(r.entity_ref),
      );

      expect(await oneByOne(REWEIGHTED)).toBe(ENTITIES);
      const single = await stored();
      const want = expected(REWEIGHTED);
      for (const row of single) {
        if (want.has(row.entity_ref)) {
          expect(row).toEqual({
            entity_ref: row.entity_ref,
            ...want.get(row.entity_ref),
          });
        }
      }
      // The waivers matter to the expected scores and counts...
      const ignoringWaivers = [...want].filter(([r, score]) => {
        const { categories, counts } = scoreWithWaivers(
          checksOf(refs.indexOf(r)),
          new Map(),
          REWEIGHTED,
        );
        return (
          JSON.stringify({ categories, counts }) !==
          JSON.stringify({ categories: score.categories, counts: score.counts })
        );
      });
      expect(ignoringWaivers.length).toBeGreaterThanOrEqual(10);
      // ...and so do the weights.
      await rescoreEntities(knex, refs, DEFAULT_SCORING, now);
      expect(await stored()).not.toEqual(single);

      // In one call (one chunk), and in small chunks, with duplicates.
      expect(await rescoreEntities(knex, all, REWEIGHTED, now)).toBe(ENTITIES);
      expect(await stored()).toEqual(single);
      await rescoreEntities(knex, refs, DEFAULT_SCORING, now);
      expect(
        await rescoreEntities(
          knex,
          [...all, ...refs.slice(0, 5)],
          REWEIGHTED,
          now,
          {
            chunkSize: 7,
          },
        ),
      ).toBe(ENTITIES);
      expect(await stored()).toEqual(single);
      // Through the store.
      await rescoreEntities(knex, refs, DEFAULT_SCORING, now);
      expect(await store.rescore(all, REWEIGHTED)).toBe(ENTITIES);
      expect(await stored()).toEqual(single);
      expect(
        (await stored()).filter(r => !refs.includes(r.entity_ref)),
      ).toEqual(untouched);
    });

    it('matches one-by-one re-scoring after a waiver is revoked', async () => {
      await seed();
      const [ownerWaiver] = await waivers.list({
        owner: OWNERS[1],
        active: true,
      });
      await waivers.revoke(ownerWaiver.id, 'user:default/bob');
      for (const byCheck of expectedWaivers.values()) {
        for (const [checkId, id] of byCheck) {
          if (id === ownerWaiver.id) byCheck.delete(checkId);
        }
      }
      await rescoreEntities(knex, refs, REWEIGHTED, now);
      const batched = await stored();
      const want = expected(REWEIGHTED);
      for (const row of batched) {
        if (want.has(row.entity_ref)) {
          expect(row).toEqual({
            entity_ref: row.entity_ref,
            ...want.get(row.entity_ref),
          });
        }
      }
      await rescoreEntities(knex, refs, DEFAULT_SCORING, now);
      await oneByOne(REWEIGHTED);
      expect(await stored()).toEqual(batched);
    });

    it('keeps the findings a check did not list in the counts, through save, read and re-scoring', async () => {
      const listed: Finding[] = Array.from({ length: 3 }, (_, n) => ({
        checkId: 'unpinned-actions',
        severity: n === 0 ? 'critical' : 'high',
        message: `finding ${n}`,
        fingerprint: `f${n}`,
      }));
      const summary: Finding = {
        checkId: 'unpinned-actions',
        severity: 'high',
        message: 'and 500 more findings of this check were not listed',
        fingerprint: 'summary',
      };
      const checks: CheckResult[] = [
        {
          checkId: 'unpinned-actions',
          title: 'Pinned actions',
          category: 'third-party-software',
          severity: 'high',
          status: 'fail',
          score: 0,
          findings: [...listed, summary],
          unlisted: { findings: 500, suppressed: 20, critical: 7 },
        },
      ];
      const result = scoreResults(checks);
      expect(result.counts).toMatchObject({
        findings: 3 + 480,
        suppressedFindings: 20,
        criticalFindings: 1 + 7,
      });
      await store.saveScan(meta(0), {
        type: 'scanned',
        result: { ...result, checks, problems: [], durationMs: 1 },
        revision: 'rev-0',
        scoringVersion: 'old',
      });
      const card = await store.getScorecard(ref(0));
      expect(card?.checks[0].unlisted).toEqual(checks[0].unlisted);
      expect(card?.counts).toMatchObject(result.counts);
      await rescoreEntities(knex, [ref(0)], REWEIGHTED, now);
      const [row] = await knex('cicd_security_scorecards')
        .where({ entity_ref: ref(0) })
        .select('counts');
      expect(JSON.parse(row.counts)).toMatchObject(result.counts);
    });

    it('counts one problem that two checks report once, through save, read and re-scoring', async () => {
      const open: Finding = {
        checkId: 'unpinned-shared-pipeline-code',
        severity: 'high',
        message: 'orb circleci/node@5 floats',
        fingerprint: 'open',
        file: '.circleci/config.yml',
        line: 3,
        alsoReportedBy: [
          {
            checkId: 'unpinned-ci-plugins',
            severity: 'low',
            message: 'orb circleci/node@5 uses 5',
            fingerprint: 'dup',
          },
        ],
      };
      const duplicate: Finding = {
        checkId: 'unpinned-ci-plugins',
        severity: 'low',
        message: 'orb circleci/node@5 uses 5',
        fingerprint: 'dup',
        file: '.circleci/config.yml',
        line: 3,
        suppressed: {
          kind: 'duplicate',
          reason:
            'the same problem as unpinned-shared-pipeline-code reports here',
          duplicateOf: {
            checkId: 'unpinned-shared-pipeline-code',
            fingerprint: 'open',
          },
        },
      };
      const base = {
        category: 'third-party-software' as const,
        status: 'fail' as const,
        score: 0,
      };
      const checks: CheckResult[] = [
        {
          ...base,
          checkId: 'unpinned-shared-pipeline-code',
          title: 'Shared pipeline code is pinned',
          severity: 'high',
          findings: [open],
        },
        {
          ...base,
          checkId: 'unpinned-ci-plugins',
          title: 'CI plugins are pinned',
          severity: 'low',
          status: 'pass',
          score: 10,
          findings: [duplicate],
        },
      ];
      const result = scoreResults(checks);
      expect(result.counts).toMatchObject({
        findings: 1,
        suppressedFindings: 0,
      });
      await store.saveScan(meta(1), {
        type: 'scanned',
        result: { ...result, checks, problems: [], durationMs: 1 },
        revision: 'rev-0',
        scoringVersion: 'old',
      });
      const card = await store.getScorecard(ref(1));
      expect(card?.checks.flatMap(c => c.findings)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            fingerprint: 'open',
            alsoReportedBy: open.alsoReportedBy,
          }),
          expect.objectContaining({
            fingerprint: 'dup',
            suppressed: duplicate.suppressed,
          }),
        ]),
      );
      expect(card?.counts).toMatchObject(result.counts);
      await rescoreEntities(knex, [ref(1)], REWEIGHTED, now);
      const [row] = await knex('cicd_security_scorecards')
        .where({ entity_ref: ref(1) })
        .select('counts');
      expect(JSON.parse(row.counts)).toMatchObject(result.counts);
    });

    it('stores the scoring version with the new scores', async () => {
      await seed();
      await store.rescore(
        [...refs.slice(0, 10), 'component:default/no-source'],
        REWEIGHTED,
        { scoringVersion: 'new' },
      );
      const versions = await knex('cicd_security_scorecards')
        .select('entity_ref', 'scoring_version')
        .orderBy('entity_ref');
      const byRef = new Map(
        versions.map(v => [v.entity_ref, v.scoring_version]),
      );
      for (const r of refs.slice(0, 10)) expect(byRef.get(r)).toBe('new');
      for (const r of refs.slice(10)) expect(byRef.get(r)).toBe('old');
      expect(byRef.get('component:default/no-source')).toBe('new');
      expect(await store.rescore([], REWEIGHTED)).toBe(0);
      expect(
        await store.rescore(['component:default/unknown'], REWEIGHTED),
      ).toBe(0);
    });
  });
});
