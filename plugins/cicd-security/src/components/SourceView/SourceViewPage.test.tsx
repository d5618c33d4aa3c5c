import { screen, within } from '@testing-library/react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { CicdSecurityRouter } from '../CicdSecurityPage';

// The CicdSecurityRouter is rendered at the root: paths are below it.
jest.setTimeout(20_000);

async function renderAt(api: CicdSecurityApi, path: string) {
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

async function badRequest(message: string) {
  return ResponseError.fromResponse({
    ok: false,
    status: 400,
    statusText: 'Bad Request',
    url: 'http://localhost/api/cicd-security/scorecards/x/source',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () =>
      JSON.stringify({
        error: { name: 'InputError', message },
        request: { method: 'GET', url: '/scorecards/x/source' },
        response: { statusCode: 400 },
      }),
  } as Response);
}

const WORKFLOW = [
  'name: ci',
  'on: pull_request_target',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - run: deploy --token ghp_…[REDACTED 36 chars]',
  '',
].join('\n');

describe('SourceViewPage', () => {
  const scrollIntoView = jest.fn();
  beforeAll(() => {
    Element.prototype.scrollIntoView = scrollIntoView;
  });
  beforeEach(() => scrollIntoView.mockClear());

  it('shows the file with line numbers, the line highlighted and scrolled to, and a way back', async () => {
    const api = mockCicdSecurityApi({
      getSourceFile: jest.fn(async (entityRef: string, path: string) => ({
        entityRef,
        path,
        content: WORKFLOW,
        size: WORKFLOW.length,
        redactions: 1,
        sourceLocation: 'dir:../repos/payments-api',
      })),
    });
    await renderAt(
      api,
      '/source/default/component/payments-api?path=.github%2Fworkflows%2Fci.yml&line=7',
    );

    expect(api.getSourceFile).toHaveBeenCalledWith(
      'component:default/payments-api',
      '.github/workflows/ci.yml',
    );
    const table = await screen.findByRole('table', {
      name: 'Source of .github/workflows/ci.yml',
    });
    const rows = within(table).getAllByRole('row');
    // The last newline ends the last line: 8 lines, not 9.
    expect(rows).toHaveLength(8);
    expect(rows[0]).toHaveTextContent('1name: ci');
    // Indentation is kept.
    expect(rows[7]).toHaveTextContent(
      '8      - run: deploy --token ghp_…[REDACTED 36 chars]',
      { normalizeWhitespace: false },
    );
    const current = screen.getByTestId('highlighted-line');
    expect(current).toBe(rows[6]);
    expect(current).toHaveAttribute('id', 'L7');
    expect(current).toHaveAttribute('aria-current', 'location');
    expect(current).toHaveTextContent('7      - uses: actions/checkout@v4', {
      normalizeWhitespace: false,
    });
    expect(scrollIntoView).toHaveBeenCalled();
    expect(scrollIntoView.mock.instances).toContain(current);
    expect(screen.getByTestId('source-redactions')).toHaveTextContent(
      'One secret is redacted in this view',
    );
    expect(
      screen.getByText('dir:../repos/payments-api · 8 lines · line 7'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Back to the Security tab').closest('a'),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/security',
    );
  });

  it('shows the whole file without a line, and says when the line is past its end', async () => {
    const api = mockCicdSecurityApi();
    await renderAt(
      api,
      '/source/default/component/payments-api?path=README.md&line=99',
    );
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(screen.queryByTestId('highlighted-line')).not.toBeInTheDocument();
    expect(
      screen.getByText(/Line 99 is past the end of the file \(4 lines\)/),
    ).toBeInTheDocument();
    expect(screen.queryByTestId('source-redactions')).not.toBeInTheDocument();
  });

  it("shows the backend's reason when the file cannot be shown", async () => {
    const api = mockCicdSecurityApi({
      getSourceFile: jest.fn(async () => {
        throw await badRequest(
          "Invalid path '../etc/passwd': the path must not contain ..",
        );
      }),
    });
    await renderAt(
      api,
      '/source/default/component/payments-api?path=..%2Fetc%2Fpasswd',
    );
    expect(
      await screen.findByText('This file cannot be shown'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        "Invalid path '../etc/passwd': the path must not contain ..",
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Back to the Security tab').closest('a'),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/security',
    );
  });

  it('asks for a file when the link names none, without calling the backend', async () => {
    const api = mockCicdSecurityApi();
    await renderAt(api, '/source/default/component/payments-api');
    expect(await screen.findByText('No file given')).toBeInTheDocument();
    expect(api.getSourceFile).not.toHaveBeenCalled();
  });
});
