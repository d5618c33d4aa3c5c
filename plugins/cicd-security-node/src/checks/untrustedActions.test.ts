import { typosquatOf, untrustedActions } from './untrustedActions';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('untrusted-actions', () => {
  describeCheckFixtures(untrustedActions);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(untrustedActions, 'fail');
    expect(summarise(outcome, untrustedActions)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:6:15 critical actlons/checkout looks like a typosquat of the popular action actions/checkout",
          ".github/workflows/ci.yml:7:15 critical dokcer/login-action looks like a typosquat of the popular action docker/login-action",
          ".github/workflows/ci.yml:8:15 high actions/create-release is archived and receives no fixes, security fixes included; use softprops/action-gh-release or \`gh release create\`",
          ".github/workflows/ci.yml:9:15 high actions-rs/toolchain is archived and receives no fixes, security fixes included; use dtolnay/rust-toolchain or rustup in a run step",
        ],
        "score": 2,
        "status": "fail",
      }
    `);
  });

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
