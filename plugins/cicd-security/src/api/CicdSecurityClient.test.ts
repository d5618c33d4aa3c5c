import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { CicdSecurityClient } from './CicdSecurityClient';
import { checkDetail, scorecard, summary, teams } from '../testing/data';
import { overview } from '../testing/data';

const baseUrl = 'http://localhost:7007/api/cicd-security';

describe('CicdSecurityClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new CicdSecurityClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  });

  it('fetches a scorecard by URL-encoded entity ref', async () => {
    let path = '';
    server.use(
      rest.get(`${baseUrl}/scorecards/:ref`, (req, res, ctx) => {
        path = req.url.pathname;
        return res(ctx.json(scorecard));
      }),
    );

    await expect(
      client.getScorecard('component:default/payments-api'),
    ).resolves.toEqual(scorecard);
    expect(path).toBe(
      '/api/cicd-security/scorecards/component%3Adefault%2Fpayments-api',
    );
  });

  it('lists scorecards with the query as search parameters', async () => {
    let search = '';
    server.use(
      rest.get(`${baseUrl}/scorecards`, (req, res, ctx) => {
        search = req.url.search;
        return res(ctx.json({ items: [summary], totalCount: 1 }));
      }),
    );

    const result = await client.listScorecards({
      q: 'pay',
      grade: 'C',
      sort: 'score',
      order: 'asc',
      limit: 20,
      offset: 40,
      owner: undefined,
    });
    expect(result).toEqual({ items: [summary], totalCount: 1 });
    expect(Object.fromEntries(new URLSearchParams(search))).toEqual({
      q: 'pay',
      grade: 'C',
      sort: 'score',
      order: 'asc',
      limit: '20',
      offset: '40',
    });
  });

  it('posts a refresh request', async () => {
    let method = '';
    server.use(
      rest.post(`${baseUrl}/scorecards/:ref/refresh`, (req, res, ctx) => {
        method = req.method;
        return res(
          ctx.status(202),
          ctx.json({ entityRef: req.params.ref, state: 'scanning' }),
        );
      }),
    );

    await expect(
      client.refreshScorecard('component:default/payments-api'),
    ).resolves.toEqual({
      entityRef: 'component:default/payments-api',
      state: 'scanning',
    });
    expect(method).toBe('POST');
  });

  it('fetches history, teams, checks and one check', async () => {
    server.use(
      rest.get(`${baseUrl}/scorecards/:ref/history`, (req, res, ctx) =>
        res(
          ctx.json({
            items: [],
            limit: req.url.searchParams.get('limit'),
          }),
        ),
      ),
      rest.get(`${baseUrl}/teams`, (_req, res, ctx) =>
        res(ctx.json({ items: teams })),
      ),
      rest.get(`${baseUrl}/checks`, (_req, res, ctx) =>
        res(ctx.json({ items: [checkDetail] })),
      ),
      rest.get(`${baseUrl}/checks/:id`, (req, res, ctx) =>
        res(ctx.json({ ...checkDetail, id: req.params.id })),
      ),
    );

    await expect(
      client.getScorecardHistory('component:default/a', { limit: 5 }),
    ).resolves.toEqual({ items: [], limit: '5' });
    await expect(client.getTeams()).resolves.toEqual({ items: teams });
    await expect(client.getChecks()).resolves.toEqual({
      items: [checkDetail],
    });
    await expect(client.getCheck('unpinned-actions')).resolves.toMatchObject({
      id: 'unpinned-actions',
    });
  });

  it('throws a ResponseError carrying the backend error', async () => {
    server.use(
      rest.get(`${baseUrl}/scorecards/:ref`, (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({
            error: { name: 'NotFoundError', message: 'No such entity' },
            request: { method: 'GET', url: '/scorecards/x' },
            response: { statusCode: 404 },
          }),
        ),
      ),
    );

    await expect(
      client.getScorecard('component:default/x'),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
      body: { error: { name: 'NotFoundError' } },
    });
  });

  it('fetches the overview, the teams under a root and the waivers', async () => {
    let teamsSearch = '';
    let waiverBody: unknown;
    let deleted = '';
    server.use(
      rest.get(`${baseUrl}/overview`, (_req, res, ctx) =>
        res(ctx.json(overview)),
      ),
      rest.get(`${baseUrl}/teams`, (req, res, ctx) => {
        teamsSearch = req.url.search;
        return res(ctx.json({ items: teams, owners: [] }));
      }),
      rest.get(`${baseUrl}/waivers`, (req, res, ctx) =>
        res(ctx.json({ items: [], q: req.url.search })),
      ),
      rest.post(`${baseUrl}/waivers`, async (req, res, ctx) => {
        waiverBody = await req.json();
        return res(ctx.status(201), ctx.json({ id: 'w-1' }));
      }),
      rest.delete(`${baseUrl}/waivers/:id`, (req, res, ctx) => {
        deleted = String(req.params.id);
        return res(ctx.json({ id: req.params.id, active: false }));
      }),
    );
    await expect(client.getOverview()).resolves.toEqual(overview);
    await client.getTeams({ root: 'group:default/engineering' });
    expect(teamsSearch).toBe('?root=group%3Adefault%2Fengineering');
    await expect(
      client.listWaivers({ checkId: 'unpinned-actions', active: true }),
    ).resolves.toEqual({
      items: [],
      q: '?checkId=unpinned-actions&active=true',
    });
    const request = {
      checkId: 'unpinned-actions',
      scope: { type: 'entity' as const, entityRef: 'component:default/a' },
      reason: 'Migrating',
      expiresAt: '2099-01-01T00:00:00.000Z',
    };
    await client.createWaiver(request);
    expect(waiverBody).toEqual(request);
    await client.revokeWaiver('w-1', 'Done');
    expect(deleted).toBe('w-1');
  });

  it('downloads the CSV export with the filters but no paging', async () => {
    let search = '';
    server.use(
      rest.get(`${baseUrl}/scorecards/export`, (req, res, ctx) => {
        search = req.url.search;
        return res(
          ctx.set('content-type', 'text/csv'),
          ctx.body('entityRef,score\ncomponent:default/a,6.4\n'),
        );
      }),
      rest.get(`${baseUrl}/scorecards/:ref/sarif`, (_req, res, ctx) =>
        res(ctx.json({ version: '2.1.0' })),
      ),
    );
    const blob = await client.exportScorecards({
      grade: 'F',
      owner: 'group:default/team-a',
      limit: 20,
      offset: 40,
    });
    expect(await blob.text()).toBe(
      'entityRef,score\ncomponent:default/a,6.4\n',
    );
    expect(Object.fromEntries(new URLSearchParams(search))).toEqual({
      format: 'csv',
      grade: 'F',
      owner: 'group:default/team-a',
    });
    const sarif = await client.getSarif('component:default/a');
    expect(JSON.parse(await sarif.text())).toEqual({ version: '2.1.0' });
  });
});
