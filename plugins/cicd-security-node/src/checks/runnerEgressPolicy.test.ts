import { EGRESS_FIREWALL_FACT, runnerEgressPolicy } from './runnerEgressPolicy';
import {
  describeCheckFixtures,
  fixtureSnapshot,
  runOnFixture,
} from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('runner-egress-policy', () => {
  describeCheckFixtures(runnerEgressPolicy);

  it('says why each job matters and scores per sensitive job', async () => {
    const { outcome } = await runOnFixture(runnerEgressPolicy, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.score).toBe(0);
    const [publish, image, docs] = outcome.findings;
    expect(publish).toMatchObject({ line: 8, column: 3 });
    expect(publish.message).toBe(
      'Job publish receives secrets.NPM_TOKEN and publishes with `npm publish` with unrestricted network egress: a compromised dependency or action can send them anywhere',
    );
    expect(image.message).toContain('can mint OIDC tokens');
    expect(image.message).toContain('egress-policy defaults to audit');
    expect(docs.message).toContain('egress-policy: audit');
  });

  it('passes when the organisation declares an egress firewall', async () => {
    const files: Record<string, string> = {};
    const fixture = fixtureSnapshot('runner-egress-policy', 'fail');
    for (const f of fixture.files()) files[f] = fixture.read(f)!;
    const out = await runnerEgressPolicy.run(
      new InMemorySnapshot(files, {
        facts: { [EGRESS_FIREWALL_FACT]: { available: true, value: true } },
      }),
    );
    expect(out.status).toBe('pass');
  });
});
