import { securityPolicy, assessPolicy } from './securityPolicy';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('security-policy', () => {
  describeCheckFixtures(securityPolicy);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(securityPolicy, 'fail');
    expect(summarise(outcome, securityPolicy)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> medium No security policy: add SECURITY.md saying how to report a vulnerability privately",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'pass', 10, 0],
    ['fail', 'fail', 0, 1],
    ['warn-thin', 'warn', 6, 2],
    ['fail-no-contact', 'fail', 4, 1],
  ])('scores the %s fixture', async (name, status, score, findings) => {
    const { outcome } = await runOnFixture(securityPolicy, name);
    expect(outcome).toMatchObject({ status, score });
    expect('findings' in outcome ? outcome.findings : []).toHaveLength(
      findings,
    );
  });

  it('prefers .github/SECURITY.md, as GitHub does', async () => {
    const { outcome } = await runOnFixture(securityPolicy, 'pass');
    expect(outcome).toMatchObject({ reason: 'policy in .github/SECURITY.md' });
  });

  it('points at the policy file for what it lacks', async () => {
    const { outcome } = await runOnFixture(securityPolicy, 'warn-thin');
    if (outcome.status !== 'warn') throw new Error();
    expect(
      outcome.findings.map(f => [f.file, f.line, f.fingerprintKey]),
    ).toEqual([
      ['docs/security.md', 1, 'too-short'],
      ['docs/security.md', 1, 'no-disclosure'],
    ]);
  });

  it('counts words of prose, not headings, links or addresses', () => {
    const a = assessPolicy(
      '# Security policy\n\nhttps://example.com/report security@example.com\n',
    );
    expect(a).toEqual({ contactLine: 3, words: 0, disclosure: false });
  });
});
