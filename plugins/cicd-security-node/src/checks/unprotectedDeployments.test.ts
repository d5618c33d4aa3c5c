import { unprotectedDeployments } from './unprotectedDeployments';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { parseFactsDocument } from '../facts';
import { InMemorySnapshot } from '../snapshot';

describe('unprotected-deployments', () => {
  describeCheckFixtures(unprotectedDeployments);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unprotectedDeployments, 'fail');
    expect(summarise(outcome, unprotectedDeployments)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/cd.yml:9:3 medium job deploy deploys (by its name) without an environment, so no reviewer can be required",
          ".gitlab-ci.yml:6:1 medium job deploy_prod deploys (by its name or stage) without an environment, so it cannot be a protected environment with approvals",
          "Jenkinsfile:7:11 medium stage Deploy deploys without an input step approving it first",
          "azure-pipelines.yml:5:10 medium job DeployWeb deploys (by its steps) as a plain job: only deployment jobs get environment approvals",
        ],
        "reason": "not verified, counted as gated: GitHub environment github-pages, GitLab environment staging (fact gitlab.protectedEnvironments: no provider supplied gitlab.protectedEnvironments), Azure environment of deployment DeployApi",
        "score": 4.3,
        "status": "fail",
      }
    `);
  });

  it('reports only the marked lines, each with a location and a fix', async () => {
    const { outcome, marks } = await runOnFixture(
      unprotectedDeployments,
      'fail',
    );
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(
      [...new Set(outcome.findings.map(f => `${f.file}:${f.line}`))].sort(),
    ).toEqual([...marks.notOk].sort());
    for (const f of outcome.findings) {
      expect(f.column).toBeGreaterThan(0);
      expect(f.suggestedFix?.description).toBeTruthy();
    }
  });

  it('is inconclusive when every deploy job has an environment and the API fact is missing', async () => {
    const { outcome } = await runOnFixture(
      unprotectedDeployments,
      'inconclusive',
    );
    expect(outcome.status).toBe('inconclusive');
    if (outcome.status !== 'inconclusive') throw new Error();
    expect(outcome.reason).toContain('github.environments');
  });
});

describe('unprotected-deployments on GitLab', () => {
  const MAINTAINER = 'the Maintainer role and a token with the read_api scope';

  /** A GitLab project whose one deploy job runs in `environment`. */
  function project(
    environments: unknown,
    environment = 'production',
  ): InMemorySnapshot {
    const parsed = parseFactsDocument(
      environments === undefined
        ? {
            facts: { 'scm.platform': 'gitlab' },
            unavailable: {
              'gitlab.protectedEnvironments': {
                reason:
                  'GitLab answered 403 Forbidden to GET /projects/:id/protected_environments',
                permission: MAINTAINER,
              },
            },
          }
        : {
            facts: {
              'scm.platform': 'gitlab',
              'gitlab.protectedEnvironments': environments,
            },
          },
    );
    if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
    return new InMemorySnapshot(
      {
        '.gitlab-ci.yml': `deploy:\n  stage: deploy\n  environment: ${environment}\n  script:\n    - kubectl apply -f k8s/\n`,
      },
      { facts: parsed.facts },
    );
  }

  const env = (over: Record<string, unknown> = {}) => ({
    name: 'production',
    deployAccess: ['role:maintainer'],
    requiredApprovals: 1,
    ...over,
  });

  it('reports the whole outcome of the GitLab fail fixture', async () => {
    const { outcome } = await runOnFixture(
      unprotectedDeployments,
      'fail-gitlab-environments',
    );
    expect(summarise(outcome, unprotectedDeployments)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".gitlab-ci.yml:10:3 medium job deploy_prod deploys to environment production, which is not a protected environment: anyone who can run its pipeline deploys without approval",
          ".gitlab-ci.yml:17:3 medium job deploy_staging deploys to environment staging, which is protected but lets developers deploy and requires no approval: anyone with that role ships alone",
        ],
        "reason": "not verified, counted as gated: GitLab environment review/$CI_COMMIT_REF_SLUG (its name is set by a variable)",
        "score": 5,
        "status": "fail",
      }
    `);
  });

  /** [case, protected environments, status, finding message part] */
  const rows: Array<[string, unknown[], string, string?]> = [
    ['protected, approval required', [env()], 'pass'],
    [
      'protected for Maintainers, no approval',
      [env({ requiredApprovals: 0 })],
      'pass',
    ],
    [
      'protected for a group and a user, no approval',
      [env({ deployAccess: ['group:9', 'user:3'], requiredApprovals: 0 })],
      'pass',
    ],
    [
      'Developers deploy, an approval is required',
      [env({ deployAccess: ['role:developer'] })],
      'pass',
    ],
    [
      'Developers deploy, no approval',
      [env({ deployAccess: ['role:developer'], requiredApprovals: 0 })],
      'fail',
      'protected but lets developers deploy and requires no approval',
    ],
    [
      'not protected',
      [env({ name: 'staging' })],
      'fail',
      'which is not a protected environment',
    ],
    [
      'no environment protected',
      [],
      'fail',
      'which is not a protected environment',
    ],
    [
      'names are matched exactly',
      [env({ name: 'Production' })],
      'fail',
      'which is not a protected environment',
    ],
  ];

  it.each(rows.map(r => [r[0], r[1], r[2], r[3]] as const))(
    '%s',
    async (_, environments, status, message) => {
      const out = await unprotectedDeployments.run(project(environments));
      expect(out.status).toBe(status);
      if (!message) return;
      if (!('findings' in out)) throw new Error(out.status);
      expect(out.findings).toHaveLength(1);
      const [f] = out.findings;
      expect(f.message).toContain(message);
      expect(f).toMatchObject({ file: '.gitlab-ci.yml', line: 3, column: 3 });
      expect(f.suggestedFix?.description).toContain(
        'Settings → CI/CD → Protected environments',
      );
      expect(f.suggestedFix?.description).toContain(
        '/projects/:id/protected_environments',
      );
    },
  );

  it('resolves ${CI_JOB_NAME} in the environment name', async () => {
    const out = await unprotectedDeployments.run(
      project([env({ name: 'deploy' })], '${CI_JOB_NAME}'),
    );
    expect(out.status).toBe('pass');
  });

  it('leaves an environment named by another variable unverified', async () => {
    const out = await unprotectedDeployments.run(
      project([env()], 'review/$CI_COMMIT_REF_SLUG'),
    );
    expect(out).toEqual({
      status: 'inconclusive',
      reason: expect.stringContaining(
        'GitLab environment review/$CI_COMMIT_REF_SLUG (its name is set by a variable)',
      ),
    });
  });

  it('is inconclusive, naming the fact and the permission, when the protected environments cannot be read', async () => {
    const out = await unprotectedDeployments.run(project(undefined));
    expect(out.status).toBe('inconclusive');
    expect('reason' in out && out.reason).toContain(
      `GitLab environment production (fact gitlab.protectedEnvironments: GitLab answered 403 Forbidden to GET /projects/:id/protected_environments (needs ${MAINTAINER}))`,
    );
  });

  it('still reports a deploy job without an environment when the protected environments cannot be read', async () => {
    const snapshot = project(undefined);
    const withBareJob = new InMemorySnapshot(
      {
        '.gitlab-ci.yml': `${snapshot.read(
          '.gitlab-ci.yml',
        )}deploy_bare:\n  stage: deploy\n  script:\n    - kubectl apply -f k8s/\n`,
      },
      {
        facts: {
          'gitlab.protectedEnvironments': snapshot.fact(
            'gitlab.protectedEnvironments',
          ),
        },
      },
    );
    const out = await unprotectedDeployments.run(withBareJob);
    expect(out).toMatchObject({ status: 'fail', score: 5 });
    expect('reason' in out && out.reason).toContain(
      'not verified, counted as gated: GitLab environment production (fact gitlab.protectedEnvironments',
    );
  });
});
