import { parseFactsDocument } from '../facts';
import { InMemorySnapshot } from '../snapshot';
import { runOnFixture, summarise } from '../testing';
import { actionsRepoSettings } from './actionsRepoSettings';

/**
 * actions-repo-settings on GitLab: the setting of this kind there is the
 * CI/CD job token's inbound scope (`gitlab.jobTokenScope`). The GitHub
 * settings, the fixtures and the shared rules of settings checks are tested
 * in githubSettings.test.ts.
 */

const MAINTAINER = 'the Maintainer role and a token with the read_api scope';

interface FactsDoc {
  facts?: Record<string, unknown>;
  unavailable?: Record<string, { reason: string; permission?: string }>;
}

function run(doc: FactsDoc) {
  const parsed = parseFactsDocument(doc);
  if ('errors' in parsed) throw new Error(parsed.errors.join('\n'));
  return actionsRepoSettings.run(
    new InMemorySnapshot({ '.gitlab-ci.yml': 'x' }, { facts: parsed.facts }),
  );
}

const project = {
  archived: false,
  visibility: 'private',
  lastActivityAt: '2026-11-20T10:00:00Z',
  defaultBranch: 'main',
  onlyAllowMergeIfPipelineSucceeds: true,
  onlyAllowMergeIfAllDiscussionsAreResolved: true,
};

describe('actions-repo-settings on GitLab', () => {
  it('reports the whole outcome of the GitLab fail fixture', async () => {
    const { outcome } = await runOnFixture(
      actionsRepoSettings,
      'fail-gitlab-job-token-open',
    );
    expect(summarise(outcome, actionsRepoSettings)).toMatchInlineSnapshot(`
      {
        "findings": [
          "<repository> medium Any project's CI/CD job token may access this project ("Limit access to this project" is off, inbound_enabled false): a pipeline elsewhere, or a dependency running in it, can clone the repository, fetch packages and artifacts and call the API endpoints job tokens may use, with the rights of the member who ran it",
        ],
        "score": 5,
        "status": "fail",
      }
    `);
  });

  /** [case, facts, status, score, finding keys] */
  const rows: Array<
    [string, Record<string, unknown>, string, number?, string[]?]
  > = [
    [
      'job token access limited',
      { 'gitlab.jobTokenScope': { inboundEnabled: true } },
      'pass',
      10,
      [],
    ],
    [
      'any project may use its job token here',
      {
        'gitlab.jobTokenScope': {
          inboundEnabled: false,
          outboundEnabled: false,
        },
      },
      'fail',
      5,
      ['gitlab-job-token-inbound-open'],
    ],
    [
      'the deprecated outbound setting does not count',
      {
        'gitlab.jobTokenScope': {
          inboundEnabled: true,
          outboundEnabled: false,
        },
      },
      'pass',
      10,
    ],
    [
      'GitHub facts on a GitLab project are not read',
      {
        'gitlab.jobTokenScope': { inboundEnabled: true },
        'github.workflowTokenDefaults': {
          default_workflow_permissions: 'write',
          can_approve_pull_request_reviews: true,
        },
      },
      'pass',
      10,
    ],
    [
      'an archived project',
      {
        'gitlab.project': { ...project, archived: true },
        'gitlab.jobTokenScope': { inboundEnabled: false },
      },
      'not-applicable',
    ],
  ];

  // every row as five arguments, so Jest does not take a short row's test for a callback one
  it.each(rows.map(r => [r[0], r[1], r[2], r[3], r[4]] as const))(
    '%s',
    async (_, facts, status, score, keys) => {
      const out = await run({ facts: { 'scm.platform': 'gitlab', ...facts } });
      expect(out.status).toBe(status);
      if (score !== undefined) expect(out).toMatchObject({ score });
      const findings = 'findings' in out ? out.findings : [];
      if (keys) expect(findings.map(f => f.fingerprintKey)).toEqual(keys);
      for (const f of findings) {
        expect(f.file).toBeUndefined();
        expect(f.suggestedFix?.description).toContain(
          'Settings → CI/CD → Job token permissions',
        );
        expect(f.suggestedFix?.description).toContain(
          'PATCH /projects/:id/job_token_scope',
        );
        expect(f.suggestedFix?.description).not.toContain('Settings → Actions');
      }
    },
  );

  it('is inconclusive, naming the fact and the permission, when the job token scope cannot be read', async () => {
    const out = await run({
      facts: { 'scm.platform': 'gitlab' },
      unavailable: {
        'gitlab.jobTokenScope': {
          reason:
            'GitLab answered 403 Forbidden to GET /projects/:id/job_token_scope',
          permission: MAINTAINER,
        },
      },
    });
    expect(out).toEqual({
      status: 'inconclusive',
      reason: `which projects' CI/CD job tokens may access the project needs the GitLab API (fact gitlab.jobTokenScope: GitLab answered 403 Forbidden to GET /projects/:id/job_token_scope (needs ${MAINTAINER}))`,
    });
  });

  it('reads the job token scope without scm.platform when the facts are GitLab facts', async () => {
    expect(
      await run({
        facts: { 'gitlab.jobTokenScope': { inboundEnabled: false } },
      }),
    ).toMatchObject({ status: 'fail', score: 5 });
  });
});
