import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { checkWithStats, overview } from '../../testing/data';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { CheckWithStats } from '@cicd-security/plugin-cicd-security-common';
import { CicdSecurityRouter } from './CicdSecurityPage';

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

async function notFound() {
  return ResponseError.fromResponse({
    ok: false,
    status: 404,
    statusText: 'Not Found',
    url: 'http://localhost/api/cicd-security/x',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () =>
      JSON.stringify({
        error: { name: 'NotFoundError', message: 'Not found' },
        request: { method: 'GET', url: '/x' },
        response: { statusCode: 404 },
      }),
  } as any);
}

// The org page renders material-table pages; slow on a busy machine.
jest.setTimeout(30_000);

describe('CicdSecurityPage', () => {
  it.each(['/', '/components', '/checks', '/checks/unpinned-actions'])(
    // First in the file: React Router warns once per module.
    'renders %s without React Router warnings about nested routes',
    async path => {
      const warn = jest.spyOn(console, 'warn');
      try {
        await renderPage(mockCicdSecurityApi(), path);
        await waitFor(() =>
          expect(screen.queryByTestId('progress')).not.toBeInTheDocument(),
        );
        expect(warn).not.toHaveBeenCalledWith(
          expect.stringMatching(/trailing "\*"/),
        );
      } finally {
        warn.mockRestore();
      }
    },
  );

  it.each(['/components', '/checks'])(
    'gives every row of %s an id, so material-table keeps row state',
    async path => {
      // material-table checks row ids only in development builds.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'development';
      const warn = jest.spyOn(console, 'warn');
      try {
        await renderPage(mockCicdSecurityApi(), path);
        await waitFor(() =>
          expect(screen.getAllByRole('row').length).toBeGreaterThan(1),
        );
        expect(warn).not.toHaveBeenCalledWith(
          expect.stringMatching(/unique id property/),
        );
      } finally {
        process.env.NODE_ENV = nodeEnv;
        warn.mockRestore();
      }
    },
  );

  it('shows the KPIs, the grade distribution and the org trend', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/');

    expect(await screen.findByTestId('kpi-average-score')).toHaveTextContent(
      '6.2',
    );
    expect(screen.getByTestId('kpi-share-ab')).toHaveTextContent('45%');
    expect(screen.getByTestId('kpi-critical')).toHaveTextContent('7');
    expect(screen.getByTestId('grade-distribution')).toHaveAttribute(
      'aria-label',
      'Components per grade: A 4, B 5, C 6, D 3, F 2',
    );
    expect(screen.getByTestId('org-trend').getAttribute('aria-label')).toMatch(
      /from 5.8 .* to 6.2/,
    );
  });

  it('says how fresh the cached org-wide figures are', async () => {
    const api = mockCicdSecurityApi({
      getOverview: jest.fn(async () => ({
        ...overview,
        computedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
      })),
    });
    await renderPage(api, '/');
    const asOf = await screen.findByTestId('as-of');
    expect(asOf).toHaveTextContent('as of 2 minutes ago');
    expect(asOf).toHaveAttribute(
      'title',
      expect.stringMatching(/^Figures computed /),
    );
  });

  it('shows the 30-day change of the average score', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/');

    expect(
      await screen.findByText('Out of 10 · +0.4 over 30 days'),
    ).toBeInTheDocument();
  });

  it.each([null, NaN])(
    'says there is no change to compare yet when the 30-day change is %p',
    async change30d => {
      const api = mockCicdSecurityApi({
        getOverview: jest.fn(async () => ({
          ...overview,
          stats: { ...overview.stats, change30d },
        })),
      });
      await renderPage(api, '/');

      expect(
        await screen.findByText('Out of 10 · No change to compare yet'),
      ).toBeInTheDocument();
      expect(screen.queryByText(/NaN|over 30 days/)).not.toBeInTheDocument();
    },
  );

  it('shows an empty state when the backend has no overview', async () => {
    const err = await notFound();
    const api = mockCicdSecurityApi({
      getOverview: jest.fn(async () => {
        throw err;
      }),
    });
    await renderPage(api, '/');
    expect(await screen.findByText('No overview yet')).toBeInTheDocument();
  });

  it('lists components with links, grade, score and critical findings', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/components');

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
    // The owner is named by its title from the group hierarchy the page
    // already has, and links to the group, without a catalog lookup.
    await waitFor(() =>
      expect(within(table).getByText('Payments')).toBeInTheDocument(),
    );
    expect(within(table).getByText('Payments').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/group/team-payments',
    );
    // The system moves to the row's detail panel on screens like 1366 px.
    expect(within(table).queryByText('payments')).not.toBeInTheDocument();
    fireEvent.click(
      within(table).getAllByTitle('System, kind, lifecycle and source')[0],
    );
    const details = await within(table).findByTestId(
      'component-details-component:default/payments-api',
    );
    expect(within(details).getByText('payments')).toBeInTheDocument();
    expect(details).toHaveTextContent('Lifecycleproduction');
  });

  it('sorts the components worst first unless the URL says otherwise', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/components');
    await waitFor(() =>
      expect(api.listScorecards).toHaveBeenCalledWith(
        expect.objectContaining({ sort: 'score', order: 'asc' }),
      ),
    );
  });

  it('fits narrow screens: secondary columns collapse and names end in an ellipsis instead of breaking', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/components');
    const table = await screen.findByTestId('cicd-security-components-table');
    const link = await within(table).findByText('Payments API');
    const headers = within(table)
      .getAllByRole('columnheader')
      .map(h => h.textContent);
    expect(headers).toEqual(
      expect.arrayContaining(['Name', 'Owner', 'Grade', 'Score']),
    );
    for (const hidden of ['System', 'Kind', 'Lifecycle']) {
      expect(headers).not.toContain(hidden);
    }
    // The name cell: one line, ellipsis, the full name as its tooltip.
    const cell = link.closest('span[title]') as HTMLElement;
    expect(cell).toHaveAttribute(
      'title',
      'Payments API (component:default/payments-api)',
    );
    expect(cell.style.whiteSpace).toBe('nowrap');
    expect(cell.style.textOverflow).toBe('ellipsis');
    expect(cell.style.overflow).toBe('hidden');
    // Kind and lifecycle stay visible under the name.
    expect(
      within(link.closest('td')!).getByText(/service · production/),
    ).toBeInTheDocument();
    // Headers wrap between words only.
    const header = within(table).getByRole('columnheader', {
      name: /Last scanned/,
    });
    expect(header.style.wordBreak).toBe('normal');
  });

  it('gives secondary columns their own place on wide screens', async () => {
    const matchMedia = window.matchMedia;
    window.matchMedia = jest.fn().mockImplementation((query: string) => ({
      matches: query.includes('min-width:1600px'),
      media: query,
      onchange: null,
      addListener: jest.fn(),
      removeListener: jest.fn(),
      addEventListener: jest.fn(),
      removeEventListener: jest.fn(),
      dispatchEvent: jest.fn(),
    }));
    try {
      const api = mockCicdSecurityApi();
      await renderPage(api, '/components');
      const table = await screen.findByTestId('cicd-security-components-table');
      await within(table).findByText('Payments API');
      const headers = within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent);
      expect(headers).toEqual(
        expect.arrayContaining(['System', 'Kind', 'Lifecycle']),
      );
      expect(within(table).getByText('payments')).toBeInTheDocument();
      expect(
        within(table).queryByTitle('System, kind, lifecycle and source'),
      ).not.toBeInTheDocument();

      await renderPage(api, '/teams');
      const heatmaps = await screen.findAllByTestId('teams-heatmap');
      expect(
        within(heatmaps[heatmaps.length - 1]).getByText('Grades'),
      ).toBeInTheDocument();
    } finally {
      window.matchMedia = matchMedia;
    }
  });

  it('passes the filters and sort in the URL to the backend', async () => {
    const api = mockCicdSecurityApi({
      listScorecards: jest.fn(async () => ({ items: [], totalCount: 0 })),
    });
    await renderPage(
      api,
      '/components?q=pay&grade=D,F&owner=group%3Adefault%2Fengineering&lifecycle=production&failingCheck=unpinned-actions&sort=score&order=desc',
    );

    await waitFor(() =>
      expect(api.listScorecards).toHaveBeenCalledWith(
        expect.objectContaining({
          q: 'pay',
          grade: 'D,F',
          owner: 'group:default/engineering',
          lifecycle: 'production',
          failingCheck: 'unpinned-actions',
          sort: 'score',
          order: 'desc',
        }),
      ),
    );
    expect(
      await screen.findByText('No component matches the filters'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Search components')).toHaveValue('pay');
    expect(
      screen.getByText('Owner: Engineering (department)'),
    ).toBeInTheDocument();
  });

  it("asks for a tab's data once, as its route renders, whatever the URL's filters and sort", async () => {
    for (const [path, first] of [
      ['/components', { sort: 'score', order: 'asc' }],
      [
        '/components?q=pay&grade=D,F&sort=name&order=desc',
        { q: 'pay', grade: 'D,F', sort: 'name', order: 'desc' },
      ],
    ] as const) {
      const api = mockCicdSecurityApi();
      const { unmount } = await renderPage(api, path);
      await screen.findByTestId('cicd-security-components-table');
      await waitFor(() => expect(api.listScorecards).toHaveBeenCalled());
      // The page asked for the table's first page, its owners and its
      // checks before the table did; the table took those answers.
      expect(api.listScorecards).toHaveBeenCalledTimes(1);
      expect(api.listScorecards).toHaveBeenCalledWith({
        ...first,
        limit: 20,
        offset: 0,
      });
      expect(api.getTeams).toHaveBeenCalledTimes(1);
      expect(api.getChecks).toHaveBeenCalledTimes(1);
      unmount();
    }
    const api = mockCicdSecurityApi();
    await renderPage(api, '/checks');
    await screen.findByTestId('cicd-security-checks-catalogue');
    expect(api.getChecks).toHaveBeenCalledTimes(1);
    expect(api.listScorecards).not.toHaveBeenCalled();
  });

  it('keeps old links with filters on the root working', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/?owner=group%3Adefault%2Fteam-payments');
    await waitFor(() =>
      expect(api.listScorecards).toHaveBeenCalledWith(
        expect.objectContaining({ owner: 'group:default/team-payments' }),
      ),
    );
  });

  it('exports the filtered list as CSV', async () => {
    const api = mockCicdSecurityApi();
    const createObjectURL = jest.fn(() => 'blob:csv');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await renderPage(
      api,
      '/components?grade=F&owner=group%3Adefault%2Fteam-web',
    );

    await userEvent.click(await screen.findByTestId('export-csv'));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(api.exportScorecards).toHaveBeenCalledWith(
      expect.objectContaining({ grade: 'F', owner: 'group:default/team-web' }),
    );
    expect(createObjectURL).toHaveBeenCalled();
    click.mockRestore();
  });

  it('shows an error when the list cannot be loaded', async () => {
    const api = mockCicdSecurityApi({
      listScorecards: jest.fn(async () => {
        throw new Error('backend down');
      }),
    });
    await renderPage(api, '/components');

    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
  });

  it('ranks teams with a category heatmap and drills down to a team', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/teams');

    const heatmap = await screen.findByTestId('teams-heatmap');
    const rows = within(heatmap).getAllByTestId('team-row');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('Engineering');
    expect(rows[0]).toHaveTextContent('+0.5');

    await userEvent.click(within(rows[0]).getByText('Engineering'));
    const teamRows = await screen.findAllByTestId('team-row');
    // Worst first; # is the rank, best first.
    expect(teamRows.map(r => r.textContent)).toEqual([
      expect.stringMatching(/^2Web.*4\.2−0\.8/),
      expect.stringMatching(/^1Payments.*7\.1\+1\.2/),
    ]);
    expect(
      within(teamRows[0]).getByText('View components').closest('a'),
    ).toHaveAttribute(
      'href',
      '/cicd-security/components?owner=group%3Adefault%2Fteam-web',
    );

    // Down to the components of one team.
    await userEvent.click(within(teamRows[1]).getByText('Payments'));
    expect(await screen.findByTestId('team-components')).toHaveTextContent(
      'Payments API',
    );
    expect(api.listScorecards).toHaveBeenCalledWith(
      expect.objectContaining({ owner: 'group:default/team-payments' }),
    );
  });

  it('fits the heatmap on narrow screens: grades open below a row, names end in an ellipsis', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/teams?group=group%3Adefault%2Fengineering');
    const heatmap = await screen.findByTestId('teams-heatmap');
    expect(within(heatmap).queryByText('Grades')).not.toBeInTheDocument();
    expect(within(heatmap).queryByTestId('team-details')).toBeNull();
    const name = within(heatmap).getByText('Web');
    const cell = name.closest('span[title]') as HTMLElement;
    expect(cell).toHaveAttribute('title', 'Web (group:default/team-web)');
    expect(cell.style.whiteSpace).toBe('nowrap');
    expect(cell.style.textOverflow).toBe('ellipsis');

    fireEvent.click(within(heatmap).getByLabelText('Show grades of Web'));
    const details = within(heatmap).getByTestId('team-details');
    expect(
      within(details).getByLabelText(/^\d+ A, \d+ B, \d+ C, \d+ D, \d+ F$/),
    ).toBeInTheDocument();
    expect(
      within(heatmap).getByLabelText('Hide grades of Web'),
    ).toHaveAttribute('aria-expanded', 'true');
    // The figures say how fresh they are.
    expect(screen.getByTestId('as-of')).toHaveTextContent(
      'as of 2 minutes ago',
    );
  });

  it('compares two teams side by side', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/teams?group=group%3Adefault%2Fengineering');

    fireEvent.click(await screen.findByLabelText('Compare Payments'));
    fireEvent.click(screen.getByLabelText('Compare Web'));
    const comparison = await screen.findByTestId('teams-comparison');
    expect(comparison).toHaveTextContent('Average score7.14.2');
    expect(screen.getByText('Comparing Payments and Web')).toBeInTheDocument();
  });

  it('falls back to the flat owner list', async () => {
    const api = mockCicdSecurityApi({
      getTeams: jest.fn(async () => ({
        items: [],
        owners: [
          {
            owner: 'group:default/team-payments',
            components: 3,
            scanned: 2,
            averageScore: 7.1,
            grades: { A: 1, B: 0, C: 1, D: 0, F: 0 },
          },
        ],
        computedAt: new Date().toISOString(),
      })),
    });
    await renderPage(api, '/teams');
    const table = await screen.findByTestId('owners-table');
    expect(
      within(table).getByLabelText('1 A, 0 B, 1 C, 0 D, 0 F'),
    ).toBeInTheDocument();
  });

  it('lists checks with pass rates, failing components and guide links', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/checks');

    const table = await screen.findByTestId('cicd-security-checks-catalogue');
    expect(within(table).getByText('25%')).toBeInTheDocument();
    expect(
      within(table)
        .getByText('Actions are pinned to a full commit SHA')
        .closest('a'),
    ).toHaveAttribute('href', '/cicd-security/checks/unpinned-actions');
    expect(within(table).getByText('2 / 4').closest('a')).toHaveAttribute(
      'href',
      '/cicd-security/components?failingCheck=unpinned-actions',
    );
    // Open failures, waived failures and findings suppressed in code apart.
    expect(
      within(table).getByTestId('open-failures-unpinned-actions'),
    ).toHaveAttribute('title', expect.stringMatching(/3 fail it in all/));
    expect(
      within(table).getByTestId('waived-unpinned-actions'),
    ).toHaveTextContent('1 waived');
    expect(
      within(table).getByTestId('suppressed-unpinned-actions'),
    ).toHaveTextContent('4 suppressed');
    // Components where the check could not see what it needs are counted apart.
    expect(
      within(table).getByTestId('inconclusive-unpinned-actions'),
    ).toHaveTextContent('1');
    expect(
      within(table).getByTestId('inconclusive-unpinned-actions'),
    ).toHaveAttribute(
      'title',
      expect.stringMatching(/could not see what it needs/),
    );
  });

  it('sorts checks by pass rate with checks that apply to no component last, both ways', async () => {
    const check = (id: string, passRate: number | null): CheckWithStats => ({
      ...checkWithStats,
      id,
      title: `Check ${id}`,
      passRate,
      applicable: passRate === null ? 0 : 4,
      failing: 0,
      inconclusive: 0,
    });
    const api = mockCicdSecurityApi({
      getChecks: jest.fn(async () => ({
        computedAt: new Date().toISOString(),
        items: [
          check('never-applies', null),
          check('half', 0.5),
          check('mostly', 0.9),
          check('also-never', null),
          check('rarely', 0.1),
        ],
      })),
    });
    await renderPage(api, '/checks');
    const table = await screen.findByTestId('cicd-security-checks-catalogue');
    const order = () =>
      within(table)
        .getAllByText(/^Check /)
        .map(e => e.textContent!.replace('Check ', ''));

    fireEvent.click(within(table).getByText('Pass rate'));
    expect(order().slice(0, 3)).toEqual(['rarely', 'half', 'mostly']);
    expect(order().slice(3).sort()).toEqual(['also-never', 'never-applies']);

    fireEvent.click(within(table).getByText('Pass rate'));
    expect(order().slice(0, 3)).toEqual(['mostly', 'half', 'rarely']);
    expect(order().slice(3).sort()).toEqual(['also-never', 'never-applies']);
  });

  it('renders a check guide with its metadata, markdown and failing components', async () => {
    const api = mockCicdSecurityApi();
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
      within(
        screen.getByRole('group', {
          name: 'OWASP Top 10 CI/CD Security Risks',
        }),
      ).getByRole('link', { name: /^CICD-SEC-3\b/ }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('guide-failing-components')).toHaveTextContent(
      'Payments API',
    );
  });

  it('shows the check title once, in the page header, not again from the guide', async () => {
    const api = mockCicdSecurityApi();
    await renderPage(api, '/checks/unpinned-actions');

    const guide = await screen.findByTestId('check-guide');
    expect(
      screen.getAllByRole('heading', {
        name: 'Actions are pinned to a full commit SHA',
      }),
    ).toHaveLength(1);
    expect(within(guide).queryByRole('heading', { level: 1 })).toBeNull();
    expect(
      within(guide).getByRole('heading', { name: 'Why it matters' }),
    ).toBeInTheDocument();
  });

  it('says "No such check" for an unknown check, with a link to all checks', async () => {
    const err = await notFound();
    const api = mockCicdSecurityApi({
      getCheck: jest.fn(async () => {
        throw err;
      }),
    });
    await renderPage(api, '/checks/nope');

    expect(await screen.findByText('No such check')).toBeInTheDocument();
    expect(screen.getByText(/no check with the id 'nope'/)).toBeInTheDocument();
    expect(screen.getByText('All checks').closest('a')).toHaveAttribute(
      'href',
      '/cicd-security/checks',
    );
    expect(screen.queryByText(/404/)).not.toBeInTheDocument();
  });

  it('still shows other errors loading a check as errors', async () => {
    const api = mockCicdSecurityApi({
      getCheck: jest.fn(async () => {
        throw new Error('backend unavailable');
      }),
    });
    await renderPage(api, '/checks/unpinned-actions');

    expect(
      (await screen.findAllByText(/backend unavailable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText('No such check')).not.toBeInTheDocument();
  });
});
