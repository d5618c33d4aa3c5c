import { factValue } from '../facts';
import { InMemorySnapshot } from '../snapshot';
import { describeCheckFixtures } from '../testing';
import { indexOsvRecords, osvIndexDatabase, parseOsvRecord } from '../vulns';
import {
  createOpenVulnerableDependenciesCheck,
  openVulnerableDependencies,
} from './openVulnerableDependencies';

/** OSV records written for these tests, in the real format. */
function record(doc: Record<string, unknown>) {
  const parsed = parseOsvRecord({
    schema_version: '1.6.0',
    modified: '2026-01-01T00:00:00Z',
    ...doc,
  });
  if ('error' in parsed) throw new Error(String(parsed.error));
  return parsed.record;
}

const records = [
  record({
    id: 'GHSA-test-lp01-0001',
    aliases: ['CVE-2099-1001'],
    summary: 'Prototype pollution in left-pad',
    database_specific: { severity: 'HIGH' },
    affected: [
      {
        package: { ecosystem: 'npm', name: 'left-pad' },
        ranges: [
          {
            type: 'SEMVER',
            events: [{ introduced: '0' }, { fixed: '1.3.1' }],
          },
        ],
      },
    ],
    references: [
      {
        type: 'ADVISORY',
        url: 'https://github.com/advisories/GHSA-test-lp01-0001',
      },
    ],
  }),
  record({
    id: 'PYSEC-2099-7',
    summary: 'Header injection in requests',
    severity: [
      {
        type: 'CVSS_V3',
        score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
      },
    ],
    affected: [
      {
        package: { ecosystem: 'PyPI', name: 'Requests' },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [{ introduced: '2.0' }, { last_affected: '2.31.0' }],
          },
        ],
      },
    ],
  }),
];

const database = osvIndexDatabase(indexOsvRecords(records), 'test records');
const check = createOpenVulnerableDependenciesCheck({ database });

const lock = (version: string) =>
  JSON.stringify(
    {
      name: 'svc',
      lockfileVersion: 3,
      packages: {
        '': { name: 'svc', dependencies: { 'left-pad': '^1.0.0' } },
        'node_modules/left-pad': { version },
      },
    },
    null,
    2,
  );

describe('open-vulnerable-dependencies', () => {
  describeCheckFixtures(openVulnerableDependencies);

  it('reports a pinned vulnerable version at its lockfile line, with the fix and the advisory', async () => {
    const out = await check.run(
      new InMemorySnapshot({ 'package-lock.json': lock('1.3.0') }),
    );
    expect(out).toMatchObject({ status: 'fail', score: 9 });
    if (!('findings' in out)) throw new Error('no findings');
    expect(out.findings).toEqual([
      expect.objectContaining({
        message:
          'left-pad 1.3.0 (npm) is affected by GHSA-test-lp01-0001 (CVE-2099-1001): Prototype pollution in left-pad; fixed in 1.3.1',
        file: 'package-lock.json',
        line: 11,
        severity: 'high',
      }),
    ]);
    expect(out.findings[0].suggestedFix?.description).toBe(
      'Upgrade left-pad to 1.3.1 or later in package-lock.json, then regenerate the lockfile. Advisory: https://github.com/advisories/GHSA-test-lp01-0001',
    );
    expect(out.reason).toBe(
      '1 known vulnerability (1 critical or high); 1 package checked against test records',
    );
  });

  it('passes on the fixed version', async () => {
    const out = await check.run(
      new InMemorySnapshot({ 'package-lock.json': lock('1.3.1') }),
    );
    expect(out).toMatchObject({
      status: 'pass',
      reason: '1 package checked against test records',
    });
  });

  it('matches PyPI names as PEP 503 normalises them, last_affected inclusive, and warns for a medium one', async () => {
    const out = await check.run(
      new InMemorySnapshot({
        'requirements.txt': 'requests==2.31.0\nflask==3.0.0\n',
      }),
    );
    expect(out.status).toBe('warn');
    if (!('findings' in out)) throw new Error('no findings');
    expect(out.findings.map(f => [f.line, f.severity])).toEqual([
      [1, 'medium'],
    ]);
    expect(out.findings[0].message).toContain('; no fixed release');
  });

  it('says which packages it could not check because they are not pinned', async () => {
    const out = await check.run(
      new InMemorySnapshot({ 'requirements.txt': 'requests>=2.0\n' }),
    );
    expect(out).toMatchObject({ status: 'pass' });
    expect('reason' in out && out.reason).toContain(
      '1 package declared without an exact version could not be checked',
    );
  });

  it('counts one vulnerability once when two lockfiles pin the same version', async () => {
    const out = await check.run(
      new InMemorySnapshot({
        'package-lock.json': lock('1.3.0'),
        'web/package-lock.json': lock('1.3.0'),
      }),
    );
    expect(out).toMatchObject({ status: 'fail', score: 9 });
    expect('findings' in out && out.findings).toHaveLength(2);
  });

  it('uses Dependabot alert counts when it has no advisory data', async () => {
    const out = await openVulnerableDependencies.run(
      new InMemorySnapshot(
        { 'package-lock.json': lock('1.3.0') },
        {
          facts: {
            'scm.platform': factValue('github'),
            'github.dependabotAlerts': factValue({
              open: 3,
              by: { critical: 1, high: 2 },
            }),
          },
        },
      ),
    );
    expect(out).toMatchObject({ status: 'fail', score: 5 });
  });

  it('is inconclusive, naming the failure, when the advisory data cannot be read', async () => {
    const failing = createOpenVulnerableDependenciesCheck({
      database: {
        description: 'the OSV API at https://api.osv.dev',
        lookup: () =>
          Promise.reject(new Error('POST /v1/querybatch timed out after 15 s')),
      },
    });
    const out = await failing.run(
      new InMemorySnapshot({ 'package-lock.json': lock('1.3.0') }),
    );
    expect(out).toEqual({
      status: 'inconclusive',
      reason:
        'the advisory data could not be read (the OSV API at https://api.osv.dev): POST /v1/querybatch timed out after 15 s',
    });
  });

  it('is inconclusive, saying how to configure data, without advisories or alerts', async () => {
    const out = await openVulnerableDependencies.run(
      new InMemorySnapshot({ 'package-lock.json': lock('1.3.0') }),
    );
    expect(out.status).toBe('inconclusive');
    expect('reason' in out && out.reason).toContain(
      'cicdSecurity.osv.directory',
    );
    expect('reason' in out && out.reason).toContain('--osv-dir');
  });
});
