import type { Scorecard } from '@cicd-security/plugin-cicd-security-common';
import { evidenceScorecards } from './evidenceScorecards';

const summary = (name: string) =>
  ({
    entityRef: `component:default/${name}`,
    state: 'pending',
    score: null,
    grade: null,
  } as unknown as Scorecard);

describe('evidenceScorecards', () => {
  it('keeps the first components by entity ref up to the bound and counts the others', async () => {
    const store = {
      listScorecards: jest.fn().mockResolvedValue({
        items: [summary('c'), summary('a'), summary('b')],
        totalCount: 3,
      }),
      getScorecard: jest.fn(async (ref: string) =>
        ref.endsWith('/a') ? { ...summary('a'), state: 'ok' } : undefined,
      ),
    };
    const { scorecards, omitted } = await evidenceScorecards(
      store as any,
      { entityRefs: ['x'], owner: 'group:default/team-web' },
      2,
    );
    expect(scorecards.map(s => [s.entityRef, s.state])).toEqual([
      ['component:default/a', 'ok'],
      // Never scanned: the summary, with no results.
      ['component:default/b', 'pending'],
    ]);
    expect(scorecards[1].checks).toEqual([]);
    expect(omitted).toBe(1);
    expect(store.listScorecards).toHaveBeenCalledWith(
      expect.objectContaining({
        owner: 'group:default/team-web',
        entityRefs: ['x'],
      }),
    );
    expect(store.getScorecard).not.toHaveBeenCalledWith('component:default/c');
  });
});
