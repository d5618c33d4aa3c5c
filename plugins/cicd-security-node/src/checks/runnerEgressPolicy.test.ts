import { EGRESS_FIREWALL_FACT, runnerEgressPolicy } from './runnerEgressPolicy';
import {
  describeCheckFixtures,
  fixtureSnapshot,
  runOnFixture,
  summarise,
} from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('runner-egress-policy', () => {
  describeCheckFixtures(runnerEgressPolicy);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(runnerEgressPolicy, 'fail');
    expect(summarise(outcome, runnerEgressPolicy)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/release.yml:8:3 low Job publish receives secrets.NPM_TOKEN and publishes with \`npm publish\` with unrestricted network egress: a compromised dependency or action can send them anywhere",
          ".github/workflows/release.yml:20:15 low Job image can mint OIDC tokens (id-token: write) and publishes with docker/build-push-action, but harden-runner only audits (egress-policy defaults to audit): outbound traffic is logged, not blocked",
          ".github/workflows/release.yml:29:26 low Job docs receives secrets.DOCS_TOKEN, but harden-runner only runs with egress-policy: audit: outbound traffic is logged, not blocked",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

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
