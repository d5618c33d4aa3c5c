import {
  ACTION_ADVISORIES,
  affects,
  knownVulnerableActions,
  refVersion,
} from './knownVulnerableActions';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('known-vulnerable-actions', () => {
  describeCheckFixtures(knownVulnerableActions);

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
