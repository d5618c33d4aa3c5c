import { Fact, factUnavailable, factValue } from '../facts';
import { InMemorySnapshot } from '../snapshot';
import { describeCheckFixtures, summarise } from '../testing';
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

  describe('merges OSV, Dependabot alerts and Snyk issues, counting each vulnerability once', () => {
    /** left-pad 1.3.0 (GHSA-test-lp01-0001 in the OSV records) and minimist 1.2.5 (in none). */
    const twoPackages = JSON.stringify(
      {
        name: 'svc',
        lockfileVersion: 3,
        packages: {
          '': {
            name: 'svc',
            dependencies: { 'left-pad': '^1.0.0', minimist: '^1.2.0' },
          },
          'node_modules/left-pad': { version: '1.3.0' },
          'node_modules/minimist': { version: '1.2.5' },
        },
      },
      null,
      2,
    );
    const alert = (
      number: number,
      pkg: string,
      ghsaId: string,
      more: Record<string, unknown> = {},
    ) => ({
      number,
      ghsaId,
      package: pkg,
      ecosystem: 'npm',
      manifestPath: 'package-lock.json',
      severity: 'high' as const,
      url: `https://github.com/acme/svc/security/dependabot/${number}`,
      ...more,
    });
    /** The OSV advisory, seen by Dependabot. */
    const leftPadAlert = alert(12, 'left-pad', 'GHSA-test-lp01-0001', {
      cveId: 'CVE-2099-1001',
      vulnerableRange: '< 1.3.1',
      patchedVersion: '1.3.1',
    });
    /** Not in the OSV records. */
    const minimistAlert = alert(13, 'minimist', 'GHSA-test-mm01-0001', {
      cveId: 'CVE-2099-2002',
      severity: 'critical',
      vulnerableRange: '>= 1.0.0, < 1.2.6',
      patchedVersion: '1.2.6',
    });
    /** In a manifest the inventory does not read. */
    const gradleAlert = alert(14, 'org.yaml:snakeyaml', 'GHSA-test-sy01-0001', {
      ecosystem: 'Maven',
      manifestPath: 'build.gradle',
      severity: 'medium',
    });
    const dependabot = (alerts?: Array<ReturnType<typeof alert>>) =>
      factValue({
        open: alerts?.length ?? 3,
        by: alerts ? {} : { critical: 1, high: 2 },
        ...(alerts ? { alerts } : {}),
      });
    const issue = (
      id: string,
      packageName: string,
      version: string,
      more: Record<string, unknown> = {},
    ) => ({
      id,
      title: `Vulnerability in ${packageName}`,
      severity: 'high' as const,
      packageName,
      version,
      ecosystem: 'npm',
      url: `https://security.snyk.io/vuln/${id}`,
      ...more,
    });
    const snyk = (issues: Array<ReturnType<typeof issue>>) =>
      factValue({ projects: [{ id: 'p1', name: 'acme/svc' }], issues });

    it.each<{
      name: string;
      osv: boolean;
      facts: Record<string, Fact>;
      expected: ReturnType<typeof summarise>;
    }>([
      {
        name: 'OSV and a Dependabot alert of the same advisory: one finding, counted once',
        osv: true,
        facts: {
          'github.dependabotAlerts': dependabot([leftPadAlert, minimistAlert]),
        },
        expected: {
          status: 'fail',
          score: 6,
          reason:
            '2 known vulnerabilities (2 critical or high); sources: 2 packages checked against test records, Dependabot alerts (2 open)',
          findings: [
            'package-lock.json:12 high left-pad 1.3.0 (npm) is affected by GHSA-test-lp01-0001 (CVE-2099-1001): Prototype pollution in left-pad; fixed in 1.3.1; also reported by Dependabot alert #12',
            'package-lock.json:15 critical minimist 1.2.5 (npm) is affected by GHSA-test-mm01-0001 (CVE-2099-2002): Dependabot alert #13, vulnerable >= 1.0.0, < 1.2.6; fixed in 1.2.6',
          ],
        },
      },
      {
        name: 'Dependabot alerts only: at the manifest line, or the manifest alone',
        osv: false,
        facts: {
          'github.dependabotAlerts': dependabot([
            leftPadAlert,
            minimistAlert,
            gradleAlert,
          ]),
        },
        expected: {
          status: 'fail',
          score: 5.5,
          reason:
            '3 known vulnerabilities (2 critical or high); sources: Dependabot alerts (3 open)',
          findings: [
            'build.gradle medium org.yaml:snakeyaml (Maven) is affected by GHSA-test-sy01-0001: Dependabot alert #14; no patched version',
            'package-lock.json:12 high left-pad 1.3.0 (npm) is affected by GHSA-test-lp01-0001 (CVE-2099-1001): Dependabot alert #12, vulnerable < 1.3.1; fixed in 1.3.1',
            'package-lock.json:15 critical minimist 1.2.5 (npm) is affected by GHSA-test-mm01-0001 (CVE-2099-2002): Dependabot alert #13, vulnerable >= 1.0.0, < 1.2.6; fixed in 1.2.6',
          ],
        },
      },
      {
        name: 'Snyk issues only: at the inventory line, or no file for a package it does not list',
        osv: false,
        facts: {
          'scm.platform': factValue('gitlab'),
          'snyk.issues': snyk([
            issue('SNYK-JS-MINIMIST-1', 'minimist', '1.2.5', {
              cves: ['CVE-2099-2002'],
              fixedIn: ['1.2.6'],
              project: 'package-lock.json',
            }),
            issue('SNYK-JS-LODASH-1', 'lodash', '4.17.20', {
              severity: 'medium',
            }),
          ]),
        },
        expected: {
          status: 'fail',
          score: 8.5,
          reason:
            '2 known vulnerabilities (1 critical or high); sources: Snyk (2 open issues)',
          findings: [
            '<repository> medium lodash 4.17.20 (npm) is affected by SNYK-JS-LODASH-1: Vulnerability in lodash, reported by Snyk; no fixed release',
            'package-lock.json:15 high minimist 1.2.5 (npm) is affected by SNYK-JS-MINIMIST-1 (CVE-2099-2002): Vulnerability in minimist, reported by Snyk in package-lock.json; fixed in 1.2.6',
          ],
        },
      },
      {
        name: 'all three: each vulnerability once, with who else reports it',
        osv: true,
        facts: {
          'github.dependabotAlerts': dependabot([leftPadAlert, minimistAlert]),
          'snyk.issues': snyk([
            // The OSV advisory, through its GHSA alias.
            issue('SNYK-JS-LEFTPAD-1', 'left-pad', '1.3.0', {
              ghsas: ['GHSA-test-lp01-0001'],
            }),
            // The Dependabot alert, through its CVE.
            issue('SNYK-JS-MINIMIST-1', 'minimist', '1.2.5', {
              cves: ['CVE-2099-2002'],
            }),
            // Another version than the lockfile's: a vulnerability of its own.
            issue('SNYK-JS-LEFTPAD-1', 'left-pad', '1.2.0', {
              ghsas: ['GHSA-test-lp01-0001'],
              severity: 'low',
            }),
          ]),
        },
        expected: {
          status: 'fail',
          score: 5.8,
          reason:
            '3 known vulnerabilities (2 critical or high); sources: 2 packages checked against test records, Dependabot alerts (2 open), Snyk (3 open issues)',
          findings: [
            '<repository> low left-pad 1.2.0 (npm) is affected by SNYK-JS-LEFTPAD-1 (GHSA-test-lp01-0001): Vulnerability in left-pad, reported by Snyk; no fixed release',
            'package-lock.json:12 high left-pad 1.3.0 (npm) is affected by GHSA-test-lp01-0001 (CVE-2099-1001): Prototype pollution in left-pad; fixed in 1.3.1; also reported by Dependabot alert #12 and Snyk (SNYK-JS-LEFTPAD-1)',
            'package-lock.json:15 critical minimist 1.2.5 (npm) is affected by GHSA-test-mm01-0001 (CVE-2099-2002): Dependabot alert #13, vulnerable >= 1.0.0, < 1.2.6; fixed in 1.2.6; also reported by Snyk (SNYK-JS-MINIMIST-1)',
          ],
        },
      },
      {
        name: 'Dependabot counts only (an older GitHub module) and Snyk: the larger count per severity',
        osv: false,
        facts: {
          'github.dependabotAlerts': dependabot(),
          'snyk.issues': snyk([
            issue('SNYK-JS-MINIMIST-1', 'minimist', '1.2.5', {
              severity: 'critical',
            }),
          ]),
        },
        expected: {
          status: 'fail',
          score: 5,
          reason:
            '3 known vulnerabilities (3 critical or high); sources: Dependabot alerts (3 open; counts only, without the files: configure OSV data for per-line findings), Snyk (1 open issue)',
          findings: [
            "<repository> critical GitHub Dependabot reports 1 open critical alert on the repository's dependencies",
            "<repository> high GitHub Dependabot reports 2 open high alerts on the repository's dependencies",
            'package-lock.json:15 critical minimist 1.2.5 (npm) is affected by SNYK-JS-MINIMIST-1: Vulnerability in minimist, reported by Snyk; no fixed release',
          ],
        },
      },
      {
        name: 'OSV with Dependabot counts only and Snyk unreadable: OSV alone, both named',
        osv: true,
        facts: {
          'github.dependabotAlerts': dependabot(),
          'snyk.issues': factUnavailable(
            'Snyk answered 401 to GET /rest/orgs/o1/issues',
            {
              permission: 'a Snyk service account token with View Organization',
            },
          ),
        },
        expected: {
          status: 'fail',
          score: 9,
          reason:
            '1 known vulnerability (1 critical or high); 2 packages checked against test records; the 3 open Dependabot alerts were not merged: the GitHub module gives their counts only; could not be read: Snyk issues (fact snyk.issues: Snyk answered 401 to GET /rest/orgs/o1/issues (needs a Snyk service account token with View Organization))',
          findings: [
            'package-lock.json:12 high left-pad 1.3.0 (npm) is affected by GHSA-test-lp01-0001 (CVE-2099-1001): Prototype pollution in left-pad; fixed in 1.3.1',
          ],
        },
      },
    ])('$name', async ({ osv, facts, expected }) => {
      const snapshot = new InMemorySnapshot(
        { 'package-lock.json': twoPackages },
        { facts: { 'scm.platform': factValue('github'), ...facts } as any },
      );
      const out = await (osv ? check : openVulnerableDependencies).run(
        snapshot,
      );
      expect(summarise(out)).toEqual(expected);
    });
  });
});
