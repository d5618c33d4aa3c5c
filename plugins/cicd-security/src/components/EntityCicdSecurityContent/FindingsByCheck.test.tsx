import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { mockApis, renderInTestApp } from '@backstage/test-utils';
import { TestApiProvider } from '@backstage/test-utils';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { scorecardWithManyFindings } from '../../testing/data';
import { FindingsByCheck } from './FindingsByCheck';
import { linkBareAddresses } from './FindingMarkdown';

// Role queries and typing are slow on a loaded machine.
jest.setTimeout(60_000);

function Search() {
  return <output data-testid="location-search">{useLocation().search}</output>;
}

async function renderFindings(search = '') {
  const scorecard = scorecardWithManyFindings();
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          scmIntegrationsApiRef,
          ScmIntegrationsApi.fromConfig(mockApis.config()),
        ],
      ]}
    >
      <FindingsByCheck
        checks={scorecard.checks}
        guideLink={id => `/cicd-security/checks/${id}`}
        sourceLocation="https://github.com/example-org/payments-api/tree/main/"
      />
      <Search />
    </TestApiProvider>,
    {
      routeEntries: [
        `/catalog/default/component/payments-api/security${search}`,
      ],
    },
  );
}

const group = (checkId: string) =>
  screen.getByTestId(`check-findings-${checkId}`);
const listed = (checkId: string) =>
  within(group(checkId)).queryAllByTestId('finding');
const search = () =>
  new URLSearchParams(screen.getByTestId('location-search').textContent ?? '');

describe('FindingsByCheck', () => {
  it('groups 60 findings by check, lists three of each and shows the rest on demand', async () => {
    await renderFindings();

    expect(screen.getByTestId('findings-count')).toHaveTextContent(
      '60 findings',
    );
    const groups = screen
      .getAllByTestId(/^check-findings-[a-z-]+$/)
      .map(g => g.getAttribute('data-testid'))
      .filter(id => id !== 'check-findings-count');
    expect(groups).toEqual([
      'check-findings-script-injection',
      'check-findings-unpinned-actions',
      'check-findings-excessive-permissions',
    ]);
    const unpinned = group('unpinned-actions');
    expect(within(unpinned).getByRole('heading')).toHaveTextContent(
      'Actions are pinned to a full commit SHA',
    );
    // The check's severity, in its section's header.
    expect(
      within(within(unpinned).getAllByRole('button')[0]).getByText('high'),
    ).toBeInTheDocument();
    expect(
      within(unpinned).getByTestId('check-findings-count'),
    ).toHaveTextContent('Third-party software · 30 findings');

    // Nine findings on the page, not sixty.
    expect(screen.getAllByTestId('finding')).toHaveLength(9);
    expect(listed('unpinned-actions')).toHaveLength(3);

    const more = within(unpinned).getByTestId('show-more-findings');
    expect(more).toHaveTextContent('Show 27 more findings');
    await userEvent.click(more);
    expect(listed('unpinned-actions')).toHaveLength(30);
    expect(more).toHaveTextContent('Show the first 3 only');
    await userEvent.click(more);
    expect(listed('unpinned-actions')).toHaveLength(3);
  });

  it('collapses and expands a check, and all checks at once', async () => {
    await renderFindings();
    const summary = (checkId: string) =>
      within(group(checkId)).getByRole('button', { expanded: true });

    // Failing and warning checks start open.
    const toggle = summary('script-injection');
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(summary('unpinned-actions')).toBeInTheDocument();

    await userEvent.click(screen.getByTestId('collapse-all-checks'));
    for (const id of [
      'script-injection',
      'unpinned-actions',
      'excessive-permissions',
    ]) {
      expect(within(group(id)).getAllByRole('button')[0]).toHaveAttribute(
        'aria-expanded',
        'false',
      );
    }
    await userEvent.click(screen.getByTestId('expand-all-checks'));
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
  });

  it('opens a collapsed check when a link points at it (#check-<id>)', async () => {
    await renderFindings();
    await userEvent.click(screen.getByTestId('collapse-all-checks'));
    const toggle = within(group('unpinned-actions')).getAllByRole('button')[0];
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    window.location.hash = '#check-unpinned-actions';
    await waitFor(() =>
      expect(toggle).toHaveAttribute('aria-expanded', 'true'),
    );
    expect(
      within(group('script-injection')).getAllByRole('button')[0],
    ).toHaveAttribute('aria-expanded', 'false');
    window.location.hash = '';
  });

  it('reads the filters from the URL and counts what they keep', async () => {
    await renderFindings(
      '?severity=critical,bogus&file=.github%2Fworkflows%2Fci.yml',
    );
    expect(screen.getByTestId('findings-count')).toHaveTextContent(
      '10 of 60 findings',
    );
    expect(screen.getByTestId('severity-filter-critical')).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(
      screen.queryByTestId('check-findings-unpinned-actions'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByTestId('check-findings-excessive-permissions'),
    ).not.toBeInTheDocument();
    expect(
      within(group('script-injection')).getByTestId('check-findings-count'),
    ).toHaveTextContent('10 findings');
  });

  it('writes the filters to the URL, so a link keeps them', async () => {
    await renderFindings();

    await userEvent.click(screen.getByTestId('severity-filter-high'));
    await waitFor(() => expect(search().get('severity')).toBe('high'));
    expect(screen.getByTestId('findings-count')).toHaveTextContent(
      '30 of 60 findings',
    );

    // The file list names each file with its count of findings.
    await userEvent.click(
      within(screen.getByTestId('file-filter')).getByRole('button'),
    );
    await userEvent.click(
      await screen.findByRole('option', {
        name: '.github/workflows/deploy.yml (15)',
      }),
    );
    await waitFor(() =>
      expect(search().get('file')).toBe('.github/workflows/deploy.yml'),
    );
    expect(screen.getByTestId('findings-count')).toHaveTextContent(
      '15 of 60 findings',
    );
    expect(
      within(group('unpinned-actions')).getByTestId('check-findings-count'),
    ).toHaveTextContent('15 of 30 findings');

    await userEvent.type(screen.getByTestId('text-filter'), 'action-29@');
    await waitFor(() => expect(search().get('q')).toBe('action-29@'));
    expect(screen.getByTestId('findings-count')).toHaveTextContent(
      '1 of 60 findings',
    );
    expect(screen.getAllByTestId('finding')).toHaveLength(1);

    await userEvent.click(screen.getByTestId('clear-filters'));
    await waitFor(() => expect(search().toString()).toBe(''));
    expect(screen.getByTestId('findings-count')).toHaveTextContent(
      '60 findings',
    );
  });

  it('says when no finding matches, and clears the filters', async () => {
    await renderFindings('?q=no-such-thing');
    expect(screen.getByTestId('no-matching-findings')).toBeInTheDocument();
    expect(screen.queryAllByTestId('finding')).toHaveLength(0);
    await userEvent.click(
      within(screen.getByTestId('no-matching-findings')).getByRole('button', {
        name: 'Clear filters',
      }),
    );
    await waitFor(() => expect(search().get('q')).toBeNull());
    expect(screen.getAllByTestId('finding')).toHaveLength(9);
  });

  it('marks new findings and filters on them through the URL', async () => {
    await renderFindings();
    // Finding 0 of each check is new (every sixth one).
    for (const id of [
      'script-injection',
      'unpinned-actions',
      'excessive-permissions',
    ]) {
      const [first, second] = listed(id);
      expect(within(first).getByTestId('new-finding')).toHaveTextContent('New');
      expect(within(second).queryByTestId('new-finding')).toBeNull();
    }

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'New since the last scan only' }),
    );
    await waitFor(() => expect(search().get('new')).toBe('1'));
    // 2 of 10, 5 of 30, 4 of 20.
    expect(screen.getByTestId('findings-count')).toHaveTextContent(
      '11 of 60 findings',
    );
    expect(
      within(group('unpinned-actions')).getByTestId('check-findings-count'),
    ).toHaveTextContent('5 of 30 findings');
  });

  it('renders a suggested fix as Markdown, not raw backticks', async () => {
    await renderFindings();
    const fix = within(group('unpinned-actions')).getByTestId('suggested-fix');
    const code = await within(fix).findByText('uses: owner/repo@<sha>');
    expect(code.tagName).toBe('CODE');
    expect(fix).not.toHaveTextContent('`');
    expect(within(fix).getByText('the guide').tagName).toBe('STRONG');
    expect(within(fix).getAllByRole('listitem')).toHaveLength(2);
    expect(
      within(fix)
        .getByText(/uses: actions\/checkout@11bd7190/)
        .closest('pre'),
    ).not.toBeNull();
    expect(
      within(fix)
        .getByText(/https:\/\/docs\.github\.com\/actions\/security-guides/)
        .closest('a'),
    ).toHaveAttribute(
      'href',
      'https://docs.github.com/actions/security-guides',
    );
  });
});

describe('linkBareAddresses', () => {
  it('links bare addresses outside code and existing links', () => {
    expect(
      linkBareAddresses(
        'See https://a.example/x. Not `https://b.example` nor [c](https://c.example) nor <https://d.example>.',
      ),
    ).toBe(
      'See <https://a.example/x>. Not `https://b.example` nor [c](https://c.example) nor <https://d.example>.',
    );
    expect(linkBareAddresses('```\ncurl https://e.example\n```')).toBe(
      '```\ncurl https://e.example\n```',
    );
  });
});
