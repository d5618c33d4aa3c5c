import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { ScanResult } from '@cicd-security/plugin-cicd-security-node';
import { Knex } from 'knex';
import { DatabaseScorecardStore } from './DatabaseScorecardStore';

jest.setTimeout(60_000);

// Fake values, built at run time.
const GHP = `ghp_${'a1B2c3D4e5F6g7H8i9J0'}${'k1L2m3N4o5P6q7R8'}`;
const PW = `Zx9Lq2${'Wr7Tp4Hv'}`;
const BEARER = `eyQ7${'vTr9Lm2Xp4Wq8Zn6Ks3'}`;
const AKID = `AKIA${'QWERTYUIOPASDFGH'}`;
const SECRETS = [GHP, PW, BEARER, AKID];

/** A result as a buggy or older engine might hand it over: secrets in clear. */
function leakyResult(): ScanResult {
  const text = `curl -u bob:${PW} -H "Authorization: Bearer ${BEARER}" https://deploy:${PW}@x.io ${GHP} ${AKID}`;
  return {
    score: 2,
    grade: 'F',
    categories: [],
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
        checkId: 'download-and-execute',
        title: 'x',
        category: 'third-party-software',
        severity: 'high',
        status: 'fail',
        score: 2,
        reason: `saw ${text}`,
        findings: [
          {
            checkId: 'download-and-execute',
            severity: 'high',
            message: `runs ${text}`,
            file: 'deploy.sh',
            line: 1,
            snippet: text,
            fingerprint: 'fp',
            suggestedFix: { description: `fix ${text}`, replacement: text },
          },
        ],
      },
    ],
    problems: [{ file: 'deploy.sh', kind: 'parse-error', message: text }],
    durationMs: 1,
  };
}

describe('DatabaseScorecardStore redaction backstop', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('writes no credential it is handed, in any column of any table', async () => {
    const knex: Knex = await databases.init('SQLITE_3');
    const store = await DatabaseScorecardStore.create({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const meta = {
      entityRef: 'component:default/leaky',
      kind: 'Component',
      namespace: 'default',
      name: 'leaky',
    };
    await store.saveScan(meta, { type: 'scanned', result: leakyResult() });
    await store.saveScan(
      { ...meta, entityRef: 'component:default/broken', name: 'broken' },
      {
        type: 'error',
        message: `cannot read https://x-access-token:${GHP}@github.com/a/b`,
      },
    );
    const dump: string[] = [];
    for (const table of [
      'cicd_security_findings',
      'cicd_security_check_results',
      'cicd_security_problems',
      'cicd_security_scans',
      'cicd_security_scorecards',
    ]) {
      dump.push(JSON.stringify(await knex(table).select()));
    }
    const all = dump.join('\n');
    expect(all).toContain('download-and-execute');
    for (const s of SECRETS) {
      expect(all).not.toContain(s);
      expect(all).not.toContain(s.slice(3, 11));
    }
    const card = await store.getScorecard('component:default/leaky');
    expect(card!.checks[0].findings[0].snippet).toContain(
      'Authorization: Bearer eyQ7…[REDACTED',
    );
  });
});
