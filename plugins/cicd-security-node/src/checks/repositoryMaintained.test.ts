import { InMemorySnapshot } from '../snapshot';
import { factValue } from '../facts';
import { describeCheckFixtures } from '../testing';
import { repositoryMaintained } from './repositoryMaintained';

describe('repository-maintained', () => {
  describeCheckFixtures(repositoryMaintained);

  const repo = (pushedAt: string, asOf?: string) =>
    new InMemorySnapshot(
      { 'README.md': 'x' },
      {
        facts: {
          'scm.platform': factValue('github'),
          'github.repository': factValue({
            archived: false,
            default_branch: 'main',
            pushed_at: pushedAt,
            ...(asOf ? { asOf } : {}),
          }),
        },
      },
    );

  it('measures idleness against the time the facts were read', async () => {
    const asOf = '2026-06-01T00:00:00Z';
    expect(
      await repositoryMaintained.run(repo('2026-03-03T00:00:00Z', asOf)),
    ).toMatchObject({ status: 'pass', reason: 'last push 90 days ago' });
    const out = await repositoryMaintained.run(
      repo('2026-03-02T00:00:00Z', asOf),
    );
    expect(out).toMatchObject({ status: 'fail', score: 0 });
    expect('findings' in out && out.findings[0].message).toContain(
      'for 91 days (last on 2026-03-02',
    );
  });

  it('uses the clock when the provider gave no read time', async () => {
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    expect(await repositoryMaintained.run(repo(recent))).toMatchObject({
      status: 'pass',
      reason: 'last push 1 day ago',
    });
  });

  it('is not applicable to a Bitbucket repository', async () => {
    const out = await repositoryMaintained.run(
      new InMemorySnapshot(
        { 'README.md': 'x' },
        { facts: { 'scm.platform': factValue('bitbucket') } },
      ),
    );
    expect(out.status).toBe('not-applicable');
  });
});
