import { adhocToolInstalls } from './adhocToolInstalls';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('adhoc-tool-installs', () => {
  describeCheckFixtures(adhocToolInstalls);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(adhocToolInstalls, 'fail');
    expect(summarise(outcome, adhocToolInstalls)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:8:25 low actions/setup-node installs node-version: latest, which moves with every release (job build)",
          ".github/workflows/ci.yml:12:29 low global install of typescript has no version: every run may get a different release (job build, step 3)",
          ".github/workflows/ci.yml:14:18 low npx runs cowsay without a version, downloading whatever is published at the time (job build, step 5)",
          ".github/workflows/ci.yml:16:26 low pip install black has no version: every run may get a different release (job build, step 7)",
          ".github/workflows/ci.yml:19:25 low go install golang.org/x/tools/cmd/goimports@latest takes whatever was last pushed (job build, step 10)",
          ".gitlab-ci.yml:3:19 low gem install rubocop has no -v version: every run may get a different release (job lint script)",
          ".gitlab-ci.yml:5:29 low pip install ansible>=9 takes a version range: every run may get a different release (job lint script)",
          "Dockerfile:3:14 low global install of @angular/cli has no version: every run may get a different release (RUN (stage 0))",
        ],
        "score": 4.3,
        "status": "fail",
      }
    `);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(adhocToolInstalls, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(
      [...new Set(outcome.findings.map(f => `${f.file}:${f.line}`))].sort(),
    ).toEqual([...marks.notOk].sort());
    for (const f of outcome.findings) {
      expect(f.column).toBeGreaterThan(0);
      expect(f.suggestedFix?.description).toBeTruthy();
    }
  });
});
