import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  CheckResult,
  Finding,
} from '@cicd-security/plugin-cicd-security-common';
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

// A fake token, built at run time so that the file holds no secret.
const TOKEN = `ghp_${'Qw3Er5Ty7Ui9Op1As3Df5'}${'Gh7Jk9Lz1Xc3Vb5'}`;

const META: EntityMeta = {
  entityRef: 'component:default/api',
  kind: 'Component',
  namespace: 'default',
  name: 'api',
  owner: 'group:default/team-a',
};

const FIRST = new Date('2026-11-01T10:00:00.000Z');
const SECOND = new Date('2026-11-02T10:00:00.000Z');
const THIRD = new Date('2026-11-03T10:00:00.000Z');

function finding(
  checkId: string,
  fingerprint: string,
  extra: Partial<Finding> = {},
): Finding {
  return {
    checkId,
    severity: 'high',
    message: `problem ${fingerprint}`,
    file: '.github/workflows/ci.yml',
    line: 10,
    fingerprint,
    ...extra,
  };
}

function check(
  checkId: string,
  findings: Finding[],
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    checkId,
    title: `Title of ${checkId}`,
    category: 'third-party-software',
    severity: 'high',
    status: findings.length ? 'fail' : 'pass',
    score: findings.length ? 3 : 10,
    findings,
    ...extra,
  };
}

function scan(checks: CheckResult[]): ScanResult {
  const findings = checks.reduce((n, c) => n + c.findings.length, 0);
  return {
    score: 5,
    grade: 'D',
    categories: [],
    counts: {
      passed: checks.filter(c => c.status === 'pass').length,
      failed: checks.filter(c => c.status === 'fail').length,
      warned: 0,
      notApplicable: 0,
      inconclusive: 0,
      errored: checks.filter(c => c.status === 'error').length,
      findings,
      suppressedFindings: 0,
      criticalFindings: 0,
    },
    checks,
    problems: [],
    durationMs: 5,
  };
}

/** The repository at its first commit: two unpinned actions and a curl | sh. */
const before = scan([
  check('unpinned-actions', [
    finding('unpinned-actions', 'fp-kept', { line: 12 }),
    finding('unpinned-actions', 'fp-fixed', {
      line: 20,
      severity: 'medium',
      message: `actions/checkout@v4 with token ${TOKEN}`,
    }),
  ]),
  check('download-and-execute', [
    finding('download-and-execute', 'fp-curl', { file: 'deploy.sh', line: 3 }),
  ]),
]);

/**
 * The next commit: one action pinned, a new unpinned one, and the curl | sh
 * check errored (its finding is unknown, not fixed).
 */
const after = scan([
  check('unpinned-actions', [
    finding('unpinned-actions', 'fp-kept', { line: 14 }),
    finding('unpinned-actions', 'fp-new', { line: 30 }),
  ]),
  check('download-and-execute', [], {
    status: 'error',
    score: undefined,
    reason: 'parse error',
  }),
]);

describe('changes since the last scan', () => {
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

    const newOnes = async () =>
      (await store.getScorecard(META.entityRef))!.checks.flatMap(c =>
        c.findings
          .filter(f => f.newSinceLastScan)
          .map(f => `${c.checkId}/${f.fingerprint}`),
      );

    it('marks nothing as new on the first scan and says there is nothing to compare with', async () => {
      await store.saveScan(
        META,
        { type: 'scanned', result: before, revision: 'c1' },
        FIRST,
      );
      const card = await store.getScorecard(META.entityRef);
      expect(card!.changes).toEqual({
        comparedWith: null,
        newFindings: 0,
        fixedFindings: [],
      });
      for (const f of card!.checks.flatMap(c => c.findings)) {
        expect(f).not.toHaveProperty('newSinceLastScan');
      }
    });

    it('computes new and fixed findings by check and fingerprint across two scans of a changed repository', async () => {
      await store.saveScan(
        META,
        { type: 'scanned', result: before, revision: 'c1' },
        FIRST,
      );
      await store.saveScan(
        META,
        { type: 'scanned', result: after, revision: 'c2' },
        SECOND,
      );
      const card = await store.getScorecard(META.entityRef);
      expect(await newOnes()).toEqual(['unpinned-actions/fp-new']);
      const kept = card!.checks
        .find(c => c.checkId === 'unpinned-actions')!
        .findings.find(f => f.fingerprint === 'fp-kept');
      // Same fingerprint on another line: the same finding, not a new one.
      expect(kept).toMatchObject({ line: 14, newSinceLastScan: false });
      expect(card!.changes).toEqual({
        comparedWith: { scannedAt: FIRST.toISOString(), revision: 'c1' },
        newFindings: 1,
        fixedFindings: [
          {
            checkId: 'unpinned-actions',
            checkTitle: 'Title of unpinned-actions',
            severity: 'medium',
            file: '.github/workflows/ci.yml',
            line: 20,
            message: expect.stringContaining('actions/checkout@v4 with token'),
            fingerprint: 'fp-fixed',
          },
        ],
      });
      // Fixed findings carry the message as stored: redacted.
      expect(JSON.stringify(card!.changes)).not.toContain(TOKEN);
    });

    it('keeps the marks when later scans keep the results (unchanged, stale, error)', async () => {
      await store.saveScan(META, { type: 'scanned', result: before }, FIRST);
      await store.saveScan(META, { type: 'scanned', result: after }, SECOND);
      const expected = (await store.getScorecard(META.entityRef))!.changes;

      await store.saveScan(META, { type: 'unchanged' }, THIRD);
      expect(await newOnes()).toEqual(['unpinned-actions/fp-new']);
      expect((await store.getScorecard(META.entityRef))!.changes).toEqual(
        expected,
      );

      await store.saveScan(
        META,
        { type: 'stale', message: 'GitHub is unavailable' },
        THIRD,
      );
      await store.saveScan(
        META,
        { type: 'error', message: 'clone failed' },
        THIRD,
      );
      await store.setState(META.entityRef, 'scanning');
      const card = await store.getScorecard(META.entityRef);
      expect(card!.state).toBe('scanning');
      expect(await newOnes()).toEqual(['unpinned-actions/fp-new']);
      expect(card!.changes).toEqual(expected);
    });

    it('keeps the marks when a rescan of the same revision finds the same findings, and compares again when the findings differ', async () => {
      await store.saveScan(
        META,
        { type: 'scanned', result: before, revision: 'c1' },
        FIRST,
      );
      await store.saveScan(
        META,
        { type: 'scanned', result: after, revision: 'c2' },
        SECOND,
      );
      const expected = (await store.getScorecard(META.entityRef))!.changes;

      await store.saveScan(
        META,
        { type: 'scanned', result: after, revision: 'c2' },
        THIRD,
      );
      const card = await store.getScorecard(META.entityRef);
      expect(card!.scannedAt).toBe(THIRD.toISOString());
      expect(card!.changes).toEqual(expected);
      expect(await newOnes()).toEqual(['unpinned-actions/fp-new']);

      // Same revision, another check enabled: its finding is new.
      const withMore = scan([
        ...after.checks,
        check('harden-runner', [finding('harden-runner', 'fp-egress')]),
      ]);
      await store.saveScan(
        META,
        { type: 'scanned', result: withMore, revision: 'c2' },
        new Date('2026-11-04T10:00:00.000Z'),
      );
      expect(await newOnes()).toEqual(['harden-runner/fp-egress']);
      expect((await store.getScorecard(META.entityRef))!.changes).toEqual({
        comparedWith: { scannedAt: THIRD.toISOString(), revision: 'c2' },
        newFindings: 1,
        fixedFindings: [],
      });
    });

    it('compares a scan with the results kept through an error, and a rescan of the same code has nothing new', async () => {
      await store.saveScan(META, { type: 'scanned', result: before }, FIRST);
      await store.saveScan(META, { type: 'error', message: 'boom' }, SECOND);
      await store.saveScan(META, { type: 'scanned', result: before }, THIRD);
      const card = await store.getScorecard(META.entityRef);
      expect(card!.changes).toEqual({
        comparedWith: { scannedAt: FIRST.toISOString() },
        newFindings: 0,
        fixedFindings: [],
      });
      expect(await newOnes()).toEqual([]);
    });

    it('counts the findings of a check that has nothing left to check as fixed', async () => {
      await store.saveScan(META, { type: 'scanned', result: before }, FIRST);
      const withoutScript = scan([
        before.checks[0],
        check('download-and-execute', [], {
          status: 'not-applicable',
          score: undefined,
          reason: 'no script',
        }),
      ]);
      await store.saveScan(
        META,
        { type: 'scanned', result: withoutScript },
        SECOND,
      );
      const card = await store.getScorecard(META.entityRef);
      expect(card!.changes!.fixedFindings).toEqual([
        {
          checkId: 'download-and-execute',
          checkTitle: 'Title of download-and-execute',
          severity: 'high',
          file: 'deploy.sh',
          line: 3,
          message: 'problem fp-curl',
          fingerprint: 'fp-curl',
        },
      ]);
      expect(card!.changes!.newFindings).toBe(0);
    });

    it('starts over after the source disappeared', async () => {
      await store.saveScan(META, { type: 'scanned', result: before }, FIRST);
      await store.saveScan(
        META,
        { type: 'no-source', reason: 'no source location' },
        SECOND,
      );
      expect(
        (await store.getScorecard(META.entityRef))!.changes,
      ).toBeUndefined();
      await store.saveScan(META, { type: 'scanned', result: after }, THIRD);
      expect((await store.getScorecard(META.entityRef))!.changes).toEqual({
        comparedWith: null,
        newFindings: 0,
        fixedFindings: [],
      });
      expect(await newOnes()).toEqual([]);
    });

    it('does not call findings new or fixed where a check listed only part of them', async () => {
      const capped = (fps: string[]) =>
        scan([
          check(
            'unpinned-actions',
            fps.map(fp => finding('unpinned-actions', fp)),
            { unlisted: { findings: 5, suppressed: 0, critical: 0 } },
          ),
        ]);
      await store.saveScan(
        META,
        { type: 'scanned', result: capped(['a', 'b']) },
        FIRST,
      );
      await store.saveScan(
        META,
        { type: 'scanned', result: capped(['b', 'c']) },
        SECOND,
      );
      const card = await store.getScorecard(META.entityRef);
      expect(card!.changes).toMatchObject({
        newFindings: 0,
        fixedFindings: [],
      });
      expect(await newOnes()).toEqual([]);
    });
  });
});
