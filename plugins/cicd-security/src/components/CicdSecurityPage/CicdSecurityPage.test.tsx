import { screen, waitFor, within } from '@testing-library/react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { checkDetail, summary, teams } from '../../testing/data';
import { CicdSecurityRouter } from './CicdSecurityPage';

function mockApi(overrides: Partial<CicdSecurityApi> = {}) {
  return {
    getScorecard: jest.fn(),
    listScorecards: jest.fn(async () => ({ items: [summary], totalCount: 1 })),
    getScorecardHistory: jest.fn(),
    refreshScorecard: jest.fn(),
    getTeams: jest.fn(async () => ({ items: teams })),
    getChecks: jest.fn(async () => ({ items: [checkDetail] })),
    getCheck: jest.fn(async () => checkDetail),
    ...overrides,
  } as jest.Mocked<CicdSecurityApi>;
}

async function renderPage(api: CicdSecurityApi, path: string) {
  return renderInTestApp(
    <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
      <CicdSecurityRouter />
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: {
        '/cicd-security': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

describe('CicdSecurityPage', () => {
  it('lists components with links, grade, score and critical findings', async () => {
    const api = mockApi();
    await renderPage(api, '/');

    const table = await screen.findByTestId('cicd-security-components-table');
    await waitFor(() =>
      expect(within(table).getByText('Payments API')).toBeInTheDocument(),
    );
    expect(api.listScorecards).toHaveBeenCalledWith(
      expect.objectContaining({ limit: 20, offset: 0 }),
    );
    expect(
      within(table).getByText('Payments API').closest('a'),
    ).toHaveAttribute('href', '/catalog/default/component/payments-api');
    expect(within(table).getByLabelText('Grade C')).toBeInTheDocument();
    expect(within(table).getByText('6.4')).toBeInTheDocument();
    expect(within(table).getByText('team-payments')).toBeInTheDocument();
  });

  it('passes the filters in the URL to the backend', async () => {
    const api = mockApi({
      listScorecards: jest.fn(async () => ({ items: [], totalCount: 0 })),
    });
    await renderPage(api, '/?q=pay&grade=F');

    await waitFor(() =>
      expect(api.listScorecards).toHaveBeenCalledWith(
        expect.objectContaining({ q: 'pay', grade: 'F' }),
      ),
    );
    expect(
      await screen.findByText('No component matches the filters'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Search components')).toHaveValue('pay');
  });

  it('shows an error when the list cannot be loaded', async () => {
    const api = mockApi({
      listScorecards: jest.fn(async () => {
        throw new Error('backend down');
      }),
    });
    await renderPage(api, '/');

    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
  });

  it('lists teams with their grade spread', async () => {
    const api = mockApi();
    await renderPage(api, '/teams');

    const table = await screen.findByTestId('cicd-security-teams-table');
    expect(within(table).getByText('team-payments')).toBeInTheDocument();
    expect(within(table).getByText('7.1')).toBeInTheDocument();
    expect(
      within(table).getByLabelText('1 A, 0 B, 1 C, 0 D, 0 F'),
    ).toBeInTheDocument();
    expect(
      within(table).getByText('View components').closest('a'),
    ).toHaveAttribute(
      'href',
      '/cicd-security?owner=group%3Adefault%2Fteam-payments',
    );
  });

  it('lists checks with pass rates linking to their guides', async () => {
    const api = mockApi();
    await renderPage(api, '/checks');

    const table = await screen.findByTestId('cicd-security-checks-catalogue');
    expect(within(table).getByText('25%')).toBeInTheDocument();
    expect(
      within(table)
        .getByText('Actions are pinned to a full commit SHA')
        .closest('a'),
    ).toHaveAttribute('href', '/cicd-security/checks/unpinned-actions');
  });

  it('renders a check guide with its metadata and markdown', async () => {
    const api = mockApi();
    await renderPage(api, '/checks/unpinned-actions');

    expect(api.getCheck).toHaveBeenCalledWith('unpinned-actions');
    const guide = await screen.findByTestId('check-guide');
    expect(
      within(guide).getByRole('heading', { name: 'Why it matters' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('check-pass-rate')).toHaveTextContent(
      '25% (3 of 4 failing)',
    );
    expect(
      screen.getByText('OWASP CI/CD Top 10: CICD-SEC-3'),
    ).toBeInTheDocument();
  });

  it('shows an error for an unknown check', async () => {
    const error = await ResponseError.fromResponse({
      ok: false,
      status: 404,
      statusText: 'Not Found',
      url: 'http://localhost/api/cicd-security/checks/nope',
      headers: new Headers({ 'content-type': 'application/json' }),
      text: async () =>
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'No check nope' },
          request: { method: 'GET', url: '/checks/nope' },
          response: { statusCode: 404 },
        }),
    } as any);
    const api = mockApi({
      getCheck: jest.fn(async () => {
        throw error;
      }),
    });
    await renderPage(api, '/checks/nope');

    expect((await screen.findAllByText(/404/)).length).toBeGreaterThan(0);
  });
});
