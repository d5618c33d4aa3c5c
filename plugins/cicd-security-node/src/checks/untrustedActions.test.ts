import { typosquatOf, untrustedActions } from './untrustedActions';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('untrusted-actions', () => {
  describeCheckFixtures(untrustedActions);

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(untrustedActions, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings[0]).toMatchObject({
      line: 6,
      column: 15,
      severity: 'critical',
    });
    expect(outcome.findings[0].suggestedFix?.replacement).toBe(
      'actions/checkout@v4',
    );
  });
});

describe('typosquat detection', () => {
  it('flags near-miss owners of popular actions, not their real owners', () => {
    expect(typosquatOf('actlons', 'checkout')).toBe('actions/checkout');
    expect(typosquatOf('action', 'checkout')).toBe('actions/checkout');
    expect(typosquatOf('actions', 'checkuot')).toBeUndefined();
    expect(typosquatOf('my-org', 'checkout')).toBeUndefined();
    expect(typosquatOf('docker', 'login-action')).toBeUndefined();
  });
});
