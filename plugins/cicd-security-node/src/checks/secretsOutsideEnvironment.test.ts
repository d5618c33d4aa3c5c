import { secretsOutsideEnvironment } from './secretsOutsideEnvironment';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { parseFactsDocument } from '../facts';
import { InMemorySnapshot } from '../snapshot';

describe('secrets-outside-environment', () => {
  describeCheckFixtures(secretsOutsideEnvironment);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(secretsOutsideEnvironment, 'fail');
    expect(summarise(outcome, secretsOutsideEnvironment))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/deploy.yml:8:22 low job "deploy" reads secrets.DEPLOY_TOKEN without a deployment environment; any workflow change on any branch can use it",
        ],
        "score": 5,
        "status": "fail",
      }
    `);
  });

  it('points at the offending token', async () => {
    const { outcome } = await runOnFixture(secretsOutsideEnvironment, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ line: 8, column: 22 });
    expect(outcome.score).toBe(5);
  });
});

describe('secrets-outside-environment on GitLab', () => {
  const MAINTAINER = 'the Maintainer role and a token with the read_api scope';

  interface FactsDoc {
    facts?: Record<string, unknown>;
    unavailable?: Record<string, { reason: string; permission?: string }>;
  }

  /** A snapshot of `files` with the facts of `doc`, through the facts' schemas. */
  function snapshotOf(files: Record<string, string>, doc: FactsDoc) {
    const parsed = parseFactsDocument(doc);
    if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
    return new InMemorySnapshot(files, { facts: parsed.facts });
  }

  const CI = {
    '.gitlab-ci.yml': 'deploy:\n  script:\n    - ./deploy.sh "$DEPLOY_TOKEN"\n',
  };
  const WORKFLOW_WITHOUT_ENVIRONMENT = {
    '.github/workflows/deploy.yml': [
      'on: push',
      'jobs:',
      '  deploy:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: ./deploy.sh',
      '        env:',
      '          TOKEN: ${{ secrets.DEPLOY_TOKEN }}',
      '',
    ].join('\n'),
  };

  const variable = (over: Record<string, unknown> = {}) => ({
    key: 'DEPLOY_TOKEN',
    protected: true,
    masked: true,
    environmentScope: 'production',
    variableType: 'env_var',
    ...over,
  });
  const unreadable = {
    'gitlab.variables': {
      reason: 'GitLab answered 403 Forbidden to GET /projects/:id/variables',
      permission: MAINTAINER,
    },
  };

  it('reports the whole outcome of the GitLab fail fixture', async () => {
    const { outcome } = await runOnFixture(
      secretsOutsideEnvironment,
      'fail-gitlab-variables',
    );
    expect(summarise(outcome, secretsOutsideEnvironment))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> medium GitLab CI/CD variable NPM_AUTH_TOKEN is not masked: a job that prints it (an echo, a debug trace, a failing command) shows its value in the job log",
          ".gitlab-ci.yml:14:28 medium GitLab CI/CD variable DEPLOY_TOKEN is not masked: a job that prints it (an echo, a debug trace, a failing command) shows its value in the job log",
          ".gitlab-ci.yml:14:28 low GitLab CI/CD variable DEPLOY_TOKEN is not protected: pipelines of every branch, unreviewed ones included, receive it, so anyone who can push a branch can read it",
        ],
        "score": 3.3,
        "status": "fail",
      }
    `);
  });

  /** [case, variables, status, score, finding keys] */
  const rows: Array<[string, unknown[], string, number?, string[]?]> = [
    ['protected and masked', [variable()], 'pass', 10, []],
    [
      'not protected',
      [variable({ protected: false })],
      'fail',
      0,
      ['gitlab-variable:DEPLOY_TOKEN:unprotected'],
    ],
    [
      'not masked',
      [variable({ masked: false })],
      'fail',
      0,
      ['gitlab-variable:DEPLOY_TOKEN:unmasked'],
    ],
    [
      'hidden counts as masked',
      [variable({ masked: false, hidden: true })],
      'pass',
      10,
      [],
    ],
    [
      'a file variable is not asked to be masked',
      [
        variable({
          key: 'KUBECONFIG',
          masked: false,
          variableType: 'file',
        }),
      ],
      'pass',
      10,
      [],
    ],
    [
      'a deploy credential for every environment is a note',
      [variable({ environmentScope: '*' })],
      'warn',
      9,
      ['gitlab-variable:DEPLOY_TOKEN:any-environment'],
    ],
    [
      'one bad variable of two',
      [variable(), variable({ key: 'SONAR_TOKEN', protected: false })],
      'fail',
      5,
      ['gitlab-variable:SONAR_TOKEN:unprotected'],
    ],
    [
      'identifiers, URLs and public keys are not credentials',
      [
        variable({ key: 'AWS_ACCESS_KEY_ID', protected: false }),
        variable({ key: 'AUTH_URL', protected: false }),
        variable({ key: 'GPG_PUBLIC_KEY', protected: false }),
        variable({ key: 'CACHE_KEY', protected: false }),
      ],
      'not-applicable',
    ],
    [
      'names in camel case and with prefixes',
      [
        variable({ key: 'sonarToken', protected: false }),
        variable({ key: 'DB_PASSWORD', masked: false }),
        variable({ key: 'SSH_PRIVATE_KEY', protected: false }),
        variable({ key: 'GOOGLE_APPLICATION_CREDENTIALS', masked: false }),
        variable({ key: 'DOCKER_AUTH_CONFIG', protected: false }),
        variable({
          key: 'SIGNING_KEYSTORE',
          variableType: 'file',
          protected: false,
        }),
      ],
      'fail',
      0,
      [
        'gitlab-variable:sonarToken:unprotected',
        'gitlab-variable:DB_PASSWORD:unmasked',
        'gitlab-variable:SSH_PRIVATE_KEY:unprotected',
        'gitlab-variable:GOOGLE_APPLICATION_CREDENTIALS:unmasked',
        'gitlab-variable:DOCKER_AUTH_CONFIG:unprotected',
        'gitlab-variable:SIGNING_KEYSTORE:unprotected',
      ],
    ],
  ];

  // every row as five arguments, so Jest does not take a short row's test for a callback one
  const full = rows.map(r => [r[0], r[1], r[2], r[3], r[4]] as const);
  it.each(full)('%s', async (_, variables, status, score, keys) => {
    const out = await secretsOutsideEnvironment.run(
      snapshotOf(CI, {
        facts: { 'scm.platform': 'gitlab', 'gitlab.variables': variables },
      }),
    );
    expect(out.status).toBe(status);
    if (score !== undefined) expect(out).toMatchObject({ score });
    const findings = 'findings' in out ? out.findings : [];
    if (keys) expect(findings.map(f => f.fingerprintKey)).toEqual(keys);
    for (const f of findings) {
      expect(f.suggestedFix?.description).toContain(
        'Settings → CI/CD → Variables',
      );
      expect(f.suggestedFix?.description).toContain(
        'PUT /projects/:id/variables/',
      );
    }
  });

  it('points a finding at the line that uses the variable, else at the project', async () => {
    const out = await secretsOutsideEnvironment.run(
      snapshotOf(CI, {
        facts: {
          'scm.platform': 'gitlab',
          'gitlab.variables': [
            variable({ protected: false }),
            variable({ key: 'NPM_TOKEN', protected: false }),
          ],
        },
      }),
    );
    const findings = 'findings' in out ? out.findings : [];
    expect(
      findings.map(f => [f.fingerprintKey, f.file, f.line, f.column]),
    ).toEqual([
      ['gitlab-variable:DEPLOY_TOKEN:unprotected', '.gitlab-ci.yml', 3, 20],
      [
        'gitlab-variable:NPM_TOKEN:unprotected',
        undefined,
        undefined,
        undefined,
      ],
    ]);
  });

  it('is inconclusive, naming the permission, when the variables cannot be read and the files say nothing', async () => {
    const out = await secretsOutsideEnvironment.run(
      snapshotOf(CI, {
        facts: { 'scm.platform': 'gitlab' },
        unavailable: unreadable,
      }),
    );
    expect(out).toEqual({
      status: 'inconclusive',
      reason: `whether GitLab CI/CD variables are protected and masked needs the GitLab API (fact gitlab.variables: GitLab answered 403 Forbidden to GET /projects/:id/variables (needs ${MAINTAINER}))`,
    });
  });

  it('keeps the result of the workflows, and says what it could not read, when the variables cannot be read', async () => {
    const out = await secretsOutsideEnvironment.run(
      snapshotOf(
        { ...CI, ...WORKFLOW_WITHOUT_ENVIRONMENT },
        { facts: { 'scm.platform': 'gitlab' }, unavailable: unreadable },
      ),
    );
    expect(out).toMatchObject({ status: 'fail', score: 0 });
    expect('reason' in out && out.reason).toContain('fact gitlab.variables');
    expect('reason' in out && out.reason).toContain(MAINTAINER);
  });

  it('counts workflow jobs and variables together', async () => {
    const out = await secretsOutsideEnvironment.run(
      snapshotOf(
        { ...CI, ...WORKFLOW_WITHOUT_ENVIRONMENT },
        {
          facts: {
            'scm.platform': 'gitlab',
            'gitlab.variables': [variable()],
          },
        },
      ),
    );
    expect(out).toMatchObject({ status: 'fail', score: 5 });
  });

  it('reads the variables without scm.platform when the facts are GitLab facts', async () => {
    const out = await secretsOutsideEnvironment.run(
      snapshotOf(
        { 'README.md': 'x' },
        { facts: { 'gitlab.variables': [variable({ masked: false })] } },
      ),
    );
    expect(out.status).toBe('fail');
  });

  it('stays inconclusive for a GitLab CI file scanned without facts', async () => {
    const out = await secretsOutsideEnvironment.run(new InMemorySnapshot(CI));
    expect(out.status).toBe('inconclusive');
    expect('reason' in out && out.reason).toContain(
      'fact gitlab.variables: no provider supplied gitlab.variables',
    );
  });

  it('leaves a GitHub repository without GitLab CI as it was', async () => {
    const out = await secretsOutsideEnvironment.run(
      snapshotOf(WORKFLOW_WITHOUT_ENVIRONMENT, {
        facts: { 'scm.platform': 'github' },
      }),
    );
    expect(out).toMatchObject({ status: 'fail', score: 0 });
    expect('reason' in out ? out.reason : undefined).toBeUndefined();
  });
});
