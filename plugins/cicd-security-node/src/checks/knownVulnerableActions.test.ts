import {
  ACTION_ADVISORIES,
  actionAdvisoryOf,
  affects,
  createKnownVulnerableActionsCheck,
  knownVulnerableActions,
  refVersion,
} from './knownVulnerableActions';
import { InMemorySnapshot } from '../snapshot';
import { indexOsvRecords, osvIndexDatabase, parseOsvRecord } from '../vulns';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('known-vulnerable-actions', () => {
  describeCheckFixtures(knownVulnerableActions);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(knownVulnerableActions, 'fail');
    expect(summarise(outcome, knownVulnerableActions)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:6:15 high tj-actions/changed-files at tag 45.x.x is affected by GHSA-mrrh-fwg8-r2c3 (CVE-2025-30066): tj-actions/changed-files was compromised: its tags pointed at a commit that printed the runner's secrets to the build log; fixed in 46.0.0 (https://github.com/advisories/GHSA-mrrh-fwg8-r2c3)",
          ".github/workflows/ci.yml:7:15 critical tj-actions/branch-names at tag 7.0.5 is affected by GHSA-8v8w-v8xg-79rf (CVE-2023-49291): tj-actions/branch-names does not sanitise branch names, leading to arbitrary code injection; fixed in 7.0.7 (https://github.com/advisories/GHSA-8v8w-v8xg-79rf)",
          ".github/workflows/ci.yml:8:15 high actions/download-artifact at tag 4.1.2 is affected by GHSA-cxww-7g56-2vh6 (CVE-2024-42471): actions/download-artifact allows arbitrary file write through artifact extraction (path traversal); fixed in 4.1.3 (https://github.com/advisories/GHSA-cxww-7g56-2vh6)",
          ".github/workflows/ci.yml:10:15 high gradle/gradle-build-action at commit, whose comment names 2.4.0 is affected by GHSA-h3qr-39j9-4r5v (CVE-2023-30853): Data written to the GitHub Actions cache by gradle-build-action may expose secrets; fixed in 2.4.2 (https://github.com/advisories/GHSA-h3qr-39j9-4r5v)",
          ".github/workflows/ci.yml:12:11 high kartverket/github-workflows at tag 2.2.x is affected by GHSA-f9qj-7gh3-mhj4 (CVE-2022-39326): run-terraform reusable workflow allows remote code execution through terraform plan on pull request input; fixed in 2.7.5 (https://github.com/advisories/GHSA-f9qj-7gh3-mhj4)",
          "composite/action.yml:5:13 high hashicorp/vault-action at tag 2.1.0 is affected by GHSA-4mgv-m5cm-f9h7 (CVE-2021-32074): Vault GitHub Action did not correctly mask multi-line secrets in output; fixed in 2.2.0 (https://github.com/advisories/GHSA-4mgv-m5cm-f9h7)",
        ],
        "score": 1.4,
        "status": "fail",
      }
    `);
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(knownVulnerableActions, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({
      file: '.github/workflows/ci.yml',
      line: 6,
      column: 15,
    });
    expect(outcome.findings[0].message).toContain('GHSA-mrrh-fwg8-r2c3');
  });
});

describe('known-vulnerable-actions versions', () => {
  it('is inconclusive for SHA pins of advised actions without a version comment', async () => {
    const { outcome } = await runOnFixture(
      knownVulnerableActions,
      'inconclusive-sha-pinned',
    );
    expect(outcome.status).toBe('inconclusive');
  });

  it('reads moving tags as the newest release of their series', () => {
    const adv = ACTION_ADVISORIES.find(a => a.id === 'GHSA-4mgv-m5cm-f9h7')!;
    expect(affects(adv, refVersion('v2')!)).toBe(false);
    expect(affects(adv, refVersion('v2.1')!)).toBe(true);
    expect(affects(adv, refVersion('2.1.9')!)).toBe(true);
    expect(affects(adv, refVersion('v2.2.0')!)).toBe(false);
    expect(refVersion('main')).toBeUndefined();
  });

  it('ships advisories with ids, ranges and links', () => {
    expect(ACTION_ADVISORIES.length).toBeGreaterThanOrEqual(5);
    for (const a of ACTION_ADVISORIES) {
      expect(a.id).toMatch(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/);
      expect(a.url).toBe(`https://github.com/advisories/${a.id}`);
      expect(a.ranges.length).toBeGreaterThan(0);
    }
  });
});

describe('known-vulnerable-actions with an advisory database', () => {
  const record = (doc: Record<string, unknown>) => {
    const parsed = parseOsvRecord({ modified: '2026-01-01T00:00:00Z', ...doc });
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed.record;
  };
  const database = osvIndexDatabase(
    indexOsvRecords([
      record({
        id: 'GHSA-test-act1-0001',
        summary: 'deploy-action leaks the deploy key in its log',
        database_specific: { severity: 'CRITICAL' },
        affected: [
          {
            package: {
              ecosystem: 'GitHub Actions',
              name: 'acme/deploy-action',
            },
            ranges: [
              {
                type: 'ECOSYSTEM',
                events: [{ introduced: '0' }, { fixed: '2.1.0' }],
              },
            ],
          },
        ],
      }),
      // The shipped advisory, as OSV also has it: reported once.
      record({
        id: 'GHSA-cxww-7g56-2vh6',
        summary: 'download-artifact path traversal',
        affected: [
          {
            package: {
              ecosystem: 'GitHub Actions',
              name: 'actions/download-artifact',
            },
            ranges: [
              {
                type: 'ECOSYSTEM',
                events: [{ introduced: '4.0.0' }, { fixed: '4.1.3' }],
              },
            ],
          },
        ],
      }),
    ]),
    'test records',
  );
  const check = createKnownVulnerableActionsCheck({ database });
  const workflow = (...uses: string[]) =>
    new InMemorySnapshot({
      '.github/workflows/ci.yml': [
        'on: push',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        ...uses.map(u => `      - uses: ${u}`),
        '',
      ].join('\n'),
    });

  it('reports an action version that an OSV record lists, at its uses:', async () => {
    const out = await check.run(
      workflow('acme/deploy-action@v2.0.1', 'actions/download-artifact@v4.1.2'),
    );
    expect(out.status).toBe('fail');
    if (!('findings' in out)) throw new Error(out.status);
    expect(
      out.findings.map(f => [f.line, f.severity, f.message.split(':')[0]]),
    ).toEqual([
      [
        6,
        'critical',
        'acme/deploy-action at tag 2.0.1 is affected by GHSA-test-act1-0001',
      ],
      [
        7,
        'high',
        'actions/download-artifact at tag 4.1.2 is affected by GHSA-cxww-7g56-2vh6 (CVE-2024-42471)',
      ],
    ]);
  });

  it('reads a moving major tag as the newest release of its series', async () => {
    const out = await check.run(workflow('acme/deploy-action@v2'));
    expect(out.status).toBe('pass');
  });

  it('converts last_affected and skips withdrawn records', () => {
    const adv = actionAdvisoryOf(
      record({
        id: 'OSV-X',
        affected: [
          {
            package: { ecosystem: 'GitHub Actions', name: 'Acme/Tool' },
            ranges: [
              {
                type: 'SEMVER',
                events: [{ introduced: '1.0.0' }, { last_affected: '1.4.2' }],
              },
            ],
          },
        ],
      }),
      'acme/tool',
    );
    expect(adv?.ranges).toEqual([
      { introduced: '1.0.0', lastAffected: '1.4.2' },
    ]);
    expect(affects(adv!, refVersion('v1.4.2')!)).toBe(true);
    expect(affects(adv!, refVersion('v1.4.3')!)).toBe(false);
    expect(
      actionAdvisoryOf(
        record({
          id: 'OSV-Y',
          withdrawn: '2026-02-01T00:00:00Z',
          affected: [
            {
              package: { ecosystem: 'GitHub Actions', name: 'acme/tool' },
              ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
            },
          ],
        }),
        'acme/tool',
      ),
    ).toBeUndefined();
  });
});
