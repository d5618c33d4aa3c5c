import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { Scorecard } from '@cicd-security/plugin-cicd-security-common';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  entity,
  entityWithoutSource,
  scorecard,
  scorecardWithManyFindings,
  scorecardWithWaivers,
} from '../../testing/data';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';

import { EntityCicdSecurityContent } from './EntityCicdSecurityContent';

function mockApi(overrides: Partial<CicdSecurityApi> = {}) {
  return mockCicdSecurityApi(overrides);
}

async function renderTab(
  api: CicdSecurityApi,
  forEntity: Entity = entity,
  permission = mockApis.permission(),
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [cicdSecurityApiRef, api],
        [permissionApiRef, permission],
        [
          scmIntegrationsApiRef,
          ScmIntegrationsApi.fromConfig(mockApis.config()),
        ],
      ]}
    >
      <EntityProvider entity={forEntity}>
        <EntityCicdSecurityContent pollIntervalMs={10} />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/cicd-security': rootRouteRef } },
  );
}

async function responseError(status: number, name: string) {
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: name,
    url: 'http://localhost/api/cicd-security/x',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () =>
      JSON.stringify({
        error: { name, message: `${name} happened` },
        request: { method: 'GET', url: '/x' },
        response: { statusCode: status },
      }),
  } as any);
}

describe('EntityCicdSecurityContent', () => {
  it('shows grade, score, categories, checks and findings with locations', async () => {
    const api = mockApi();
    await renderTab(api);

    expect(api.getScorecard).toHaveBeenCalledWith(
      'component:default/payments-api',
    );
    expect(screen.getByTestId('cicd-security-grade')).toHaveTextContent('C');
    expect(screen.getByTestId('cicd-security-score')).toHaveTextContent('6.4');
    expect(
      screen.getByLabelText('Secrets management: 10.0 out of 10'),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('Third-party software: not applicable'),
    ).toBeInTheDocument();

    // Failing checks come first in the table: critical before high.
    const table = screen.getByTestId('cicd-security-checks-table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('No secrets in pipeline files');
    expect(rows[1]).toHaveTextContent('Actions are pinned');
    expect(rows[2]).toHaveTextContent('A dependency update tool');

    const locations = screen
      .getAllByTestId('finding-location')
      .map(e => e.textContent);
    expect(locations).toEqual([
      '.github/workflows/deploy.yml:8:26',
      '.github/workflows/ci.yml:12:15',
      '.github/dependabot.yml:3:3',
    ]);
    expect(
      screen.getByText(
        'actions/setup-node@v4 is pinned to a tag, not a commit SHA',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('suggested-fix')).toHaveTextContent(
      'Pin the action to the commit of the tag',
    );

    const howToFix = within(
      screen.getByTestId('check-findings-unpinned-actions'),
    ).getByText('How to fix');
    expect(howToFix.closest('a')).toHaveAttribute(
      'href',
      '/cicd-security/checks/unpinned-actions',
    );

    const problems = screen.getAllByTestId('scan-problem');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toHaveTextContent('.github/workflows/broken.yml:4:1');
  });

  it('explains how to add a source when the entity has none', async () => {
    const api = mockApi({
      getScorecard: jest.fn(async () => ({
        ...scorecard,
        entityRef: 'component:default/legacy-tool',
        state: 'no-source' as const,
        stateReason:
          'The entity has no backstage.io/source-location annotation',
        score: null,
        grade: null,
        checks: [],
        problems: [],
      })),
    });
    await renderTab(api, entityWithoutSource);

    expect(screen.getByText('No source to scan')).toBeInTheDocument();
    expect(
      screen.getByText(
        'The entity has no backstage.io/source-location annotation',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/backstage.io\/source-location/).length,
    ).toBeGreaterThan(1);
  });

  it('offers a rescan for a pending scorecard and polls until the scan is done', async () => {
    const pending: Scorecard = {
      ...scorecard,
      state: 'pending',
      score: null,
      grade: null,
      scannedAt: undefined,
      checks: [],
      problems: [],
    };
    const getScorecard = jest
      .fn<Promise<Scorecard>, [string]>()
      .mockResolvedValueOnce(pending)
      .mockResolvedValueOnce({ ...pending, state: 'scanning' })
      .mockResolvedValue(scorecard);
    const api = mockApi({ getScorecard });
    await renderTab(api);

    expect(screen.getByText('Not scanned yet')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('rescan-button'));

    expect(api.refreshScorecard).toHaveBeenCalledWith(
      'component:default/payments-api',
    );
    await waitFor(() =>
      expect(screen.getByTestId('cicd-security-grade')).toHaveTextContent('C'),
    );
    expect(getScorecard.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(screen.queryByTestId('scan-progress')).not.toBeInTheDocument();
  });

  it('keeps the rescan and SARIF buttons inside the score card body, where they can wrap', async () => {
    await renderTab(mockApi());
    const button = screen.getByTestId('rescan-button');
    expect(button.closest('.MuiCardContent-root')).not.toBeNull();
    expect(button.closest('.MuiCardHeader-action')).toBeNull();
  });

  it('disables the rescan button when the backend refuses it', async () => {
    const api = mockApi({
      refreshScorecard: jest.fn(async () => {
        throw await responseError(403, 'NotAllowedError');
      }),
    });
    await renderTab(api);

    const button = screen.getByTestId('rescan-button');
    await userEvent.click(button);
    await waitFor(() =>
      expect(screen.getByTestId('rescan-button')).toBeDisabled(),
    );
    expect(
      screen.getByTitle('You are not allowed to ask for a rescan'),
    ).toBeInTheDocument();
  });

  it('shows the reason of a failed scan and keeps the last results', async () => {
    const api = mockApi({
      getScorecard: jest.fn(async () => ({
        ...scorecard,
        state: 'error' as const,
        stateReason: 'Could not read the repository: 502 Bad Gateway',
      })),
    });
    await renderTab(api);

    expect(screen.getByText(/The last scan failed/)).toBeInTheDocument();
    expect(
      screen.getByText('Could not read the repository: 502 Bad Gateway'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('cicd-security-grade')).toHaveTextContent('C');
  });

  it('says that SCM facts are delayed, not that the scan failed, and keeps the last results', async () => {
    const reason =
      'facts delayed (github.defaultBranchRules): facts delayed: GitHub rate limit until 2026-11-27T12:00:00.000Z; the previous scorecard is kept until they can be read';
    const api = mockApi({
      getScorecard: jest.fn(async () => ({
        ...scorecard,
        state: 'stale' as const,
        stateReason: reason,
      })),
    });
    await renderTab(api);

    expect(screen.getByText('Facts delayed')).toBeInTheDocument();
    expect(
      screen.getByText(/SCM settings could not be read yet/),
    ).toBeInTheDocument();
    expect(screen.getByText(reason)).toBeInTheDocument();
    expect(screen.queryByText(/The last scan failed/)).not.toBeInTheDocument();
    expect(screen.getByTestId('cicd-security-grade')).toHaveTextContent('C');
  });

  it('lists the settings read from the SCM with their age, and why one could not be read', async () => {
    const readAt = new Date(Date.now() - 3 * 3600 * 1000).toISOString();
    const api = mockApi({
      getScorecard: jest.fn(async () => ({
        ...scorecard,
        facts: [
          {
            name: 'github.defaultBranchRules',
            source: 'GitHub REST API',
            available: true,
            readAt,
          },
          {
            name: 'github.webhooks',
            source: 'GitHub REST API',
            available: false,
            readAt,
            reason: 'GitHub answered 403 to GET /repos/acme/x/hooks',
            permission: 'GitHub App permission Webhooks: read',
          },
        ],
      })),
    });
    await renderTab(api);

    const table = screen.getByTestId('facts-read');
    expect(table).toHaveTextContent('github.defaultBranchRules');
    expect(table).toHaveTextContent('3 hours ago');
    expect(table).toHaveTextContent('Not readable');
    expect(table).toHaveTextContent(
      'GitHub answered 403 to GET /repos/acme/x/hooks (needs GitHub App permission Webhooks: read)',
    );
    expect(
      screen.getByText(/2 facts, 1 read, 1 not readable/),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the scorecard cannot be loaded', async () => {
    const api = mockApi({
      getScorecard: jest.fn(async () => {
        throw await responseError(500, 'Error');
      }),
    });
    await renderTab(api);

    expect((await screen.findAllByText(/500: Error/)).length).toBeGreaterThan(
      0,
    );
    expect(screen.queryByTestId('cicd-security-grade')).not.toBeInTheDocument();
  });

  it('treats an unknown entity as not scanned yet', async () => {
    const api = mockApi({
      getScorecard: jest.fn(async () => {
        throw await responseError(404, 'NotFoundError');
      }),
    });
    await renderTab(api);

    expect(screen.getByText('Not scanned yet')).toBeInTheDocument();
  });

  it('links findings to the file and line in the SCM', async () => {
    await renderTab(mockApi());
    const location = screen
      .getAllByTestId('finding-location')
      .find(e => e.textContent === '.github/workflows/ci.yml:12:15')!;
    expect(location.closest('a')).toHaveAttribute(
      'href',
      'https://github.com/example-org/payments-api/tree/main/.github/workflows/ci.yml#L12',
    );
  });

  it('draws the score trend with a text alternative', async () => {
    const api = mockApi();
    await renderTab(api);
    const chart = await screen.findByTestId('score-trend');
    expect(chart).toHaveAttribute('role', 'img');
    expect(chart.getAttribute('aria-label')).toMatch(
      /Score over time: from 5.1 .* to 6.4/,
    );
    expect(api.getScorecardHistory).toHaveBeenCalledWith(
      'component:default/payments-api',
      { limit: 90 },
    );
  });

  it('shows waived checks and suppressed findings apart, with reason and expiry', async () => {
    await renderTab(
      mockApi({ getScorecard: jest.fn(async () => scorecardWithWaivers) }),
    );
    const apart = screen.getByTestId('waived-and-suppressed');
    expect(within(apart).getByTestId('waived-check')).toHaveTextContent(
      /No untrusted input in run scripts.*Replaced by the new pipeline next sprint.*expires/,
    );
    expect(within(apart).getByTestId('suppressed-finding')).toHaveTextContent(
      /Suppressed in the code: Only labels are read · expires/,
    );
    // The waived check is not among the open findings.
    expect(
      screen.queryByTestId('check-findings-script-injection'),
    ).not.toBeInTheDocument();
    // Inconclusive checks say what would complete them.
    expect(screen.getByTestId('inconclusive-checks')).toHaveTextContent(
      'Needs the GitHub App permission administration:read',
    );
  });

  it('shows one finding for one problem that two checks report, naming both', async () => {
    const [, unpinned, ...rest] = scorecard.checks;
    const withDuplicate: Scorecard = {
      ...scorecard,
      checks: [
        {
          ...unpinned,
          findings: [
            {
              ...unpinned.findings[0],
              alsoReportedBy: [
                {
                  checkId: 'unpinned-images',
                  severity: 'medium',
                  message: 'node:20 is pinned to tag 20, which can be moved',
                  fingerprint: 'fp-dup',
                },
              ],
            },
          ],
        },
        {
          checkId: 'unpinned-images',
          title: 'Container images are pinned by digest',
          category: 'third-party-software',
          severity: 'medium',
          status: 'pass',
          score: 10,
          reason: 'all 1 finding(s) are counted under unpinned-actions',
          findings: [
            {
              checkId: 'unpinned-images',
              severity: 'medium',
              message: 'node:20 is pinned to tag 20, which can be moved',
              file: '.github/workflows/ci.yml',
              line: 12,
              fingerprint: 'fp-dup',
              suppressed: {
                kind: 'duplicate',
                reason:
                  'the same problem as unpinned-actions reports at this line: counted once, there',
                duplicateOf: {
                  checkId: 'unpinned-actions',
                  fingerprint: 'fp-1',
                },
              },
            },
          ],
        },
        ...rest,
      ],
    };
    await renderTab(
      mockApi({ getScorecard: jest.fn(async () => withDuplicate) }),
    );
    const open = screen.getByTestId('check-findings-unpinned-actions');
    expect(within(open).getAllByTestId('finding')).toHaveLength(1);
    expect(within(open).getByTestId('also-reported-by')).toHaveTextContent(
      /The same problem, also reported by unpinned-images \(medium\): node:20 is pinned to tag 20.*Counted once, here\./,
    );
    // The other check's report is not a second open finding.
    expect(
      screen.queryByTestId('check-findings-unpinned-images'),
    ).not.toBeInTheDocument();
    expect(
      within(screen.getByTestId('waived-and-suppressed')).getByTestId(
        'suppressed-finding',
      ),
    ).toHaveTextContent(
      /Counted under another check: the same problem as unpinned-actions/,
    );
  });

  it('groups the findings by check and applies the filters of the link', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            cicdSecurityApiRef,
            mockApi({
              getScorecard: jest.fn(async () => scorecardWithManyFindings()),
            }),
          ],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntityCicdSecurityContent pollIntervalMs={10} />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/cicd-security': rootRouteRef },
        routeEntries: ['/security?severity=medium&new=1'],
      },
    );
    const findings = await screen.findByTestId('findings-by-check');
    expect(within(findings).getByTestId('findings-count')).toHaveTextContent(
      '4 of 60 findings',
    );
    expect(
      within(findings).getByTestId('check-findings-excessive-permissions'),
    ).toHaveTextContent('4 of 20 findings');
    expect(
      within(findings).queryByTestId('check-findings-unpinned-actions'),
    ).toBeNull();
    expect(within(findings).getAllByTestId('new-finding')).toHaveLength(3);
    expect(
      within(findings).getByTestId('show-more-findings'),
    ).toHaveTextContent('Show 1 more finding');
  });

  it('downloads the findings as a SARIF file named after the entity', async () => {
    const sarif = new Blob(['{"version":"2.1.0"}'], {
      type: 'application/sarif+json',
    });
    const api = mockApi({ getSarif: jest.fn(async () => sarif) });
    const createObjectURL = jest.fn((_blob: Blob) => 'blob:sarif');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function checkLink(this: HTMLAnchorElement) {
        expect(this.download).toBe('payments-api.sarif');
        expect(this.href).toBe('blob:sarif');
      });
    try {
      await renderTab(api);
      const button = screen.getByTestId('sarif-download-button');
      expect(button).toHaveTextContent('Download SARIF');
      await userEvent.click(button);

      await waitFor(() => expect(click).toHaveBeenCalled());
      expect(api.getSarif).toHaveBeenCalledWith(
        'component:default/payments-api',
      );
      expect(createObjectURL).toHaveBeenCalledWith(sarif);
    } finally {
      click.mockRestore();
    }
  });

  it("asks for its cards' data together with the scorecard, and each card uses that answer once", async () => {
    let release: (card: Scorecard) => void = () => {};
    const api = mockApi({
      getScorecard: jest.fn(
        () => new Promise<Scorecard>(resolve => (release = resolve)),
      ),
    });
    await renderTab(api);
    const ref = 'component:default/payments-api';
    // The scorecard has not arrived, and the cards' requests are out.
    expect(api.getScorecardHistory).toHaveBeenCalledWith(ref, { limit: 90 });
    expect(api.getEntityPolicies).toHaveBeenCalledWith(ref);
    expect(api.listWaivers).toHaveBeenCalledWith({ entityRef: ref });
    expect(api.getCompliance).toHaveBeenCalledWith('owasp-cicd-top10', {
      entityRef: ref,
    });
    release(scorecard);
    expect(await screen.findByText('Score over time')).toBeInTheDocument();
    expect((await screen.findAllByText('Compliance')).length).toBeGreaterThan(
      0,
    );
    expect((await screen.findAllByText('Waivers')).length).toBeGreaterThan(0);
    // The cards took the answers already asked for instead of asking again.
    expect(api.getScorecardHistory).toHaveBeenCalledTimes(1);
    expect(api.getEntityPolicies).toHaveBeenCalledTimes(1);
    expect(api.listWaivers).toHaveBeenCalledTimes(1);
    expect(api.getCompliance).toHaveBeenCalledTimes(1);
  });

  it('explains how the score was computed', async () => {
    await renderTab(
      mockApi({ getScorecard: jest.fn(async () => scorecardWithWaivers) }),
    );
    const explanation = screen.getByTestId('score-explanation');
    expect(explanation).toHaveTextContent('2 checks counted');
    expect(explanation).toHaveTextContent('2 checks left out');
    const left = within(explanation)
      .getAllByTestId('left-out-check')
      .map(e => e.textContent);
    expect(left).toEqual([
      'No untrusted input in run scripts — Waived until 2099-03-01',
      'The default branch is protected — Inconclusive: needs administration:read',
    ]);
  });

  describe('Fix first', () => {
    const withFixFirst: Scorecard = {
      ...scorecard,
      explanation: scorecardWithWaivers.explanation,
      fixFirst: [
        {
          checkId: 'unpinned-actions',
          title: 'Actions are pinned to a full commit SHA',
          severity: 'high',
          findings: 1,
          scoreIfFixed: 7.5,
          gain: 1.1,
          gradeIfFixed: 'B',
        },
        {
          checkId: 'hardcoded-secrets',
          title: 'No secrets in pipeline files',
          severity: 'critical',
          findings: 1,
          scoreIfFixed: 7.1,
          gain: 0.7,
          gradeIfFixed: 'C',
        },
      ],
    };

    it('lists the failing checks by gain with the what-if, the fix, the guide and the findings', async () => {
      await renderTab(
        mockApi({ getScorecard: jest.fn(async () => withFixFirst) }),
      );
      const items = within(screen.getByTestId('fix-first')).getAllByRole(
        'listitem',
      );
      expect(items).toHaveLength(2);
      const first = screen.getByTestId('fix-first-unpinned-actions');
      expect(items[0]).toBe(first);
      expect(first).toHaveTextContent(
        'Actions are pinned to a full commit SHA',
      );
      expect(first).toHaveTextContent('6.4 → 7.5 (+1.1) · grade C → B');
      expect(first).toHaveTextContent('1 finding');
      expect(first).toHaveTextContent(
        'Suggested fix: Pin the action to the commit of the tag',
      );
      expect(
        within(first).getByText('How to fix').closest('a'),
      ).toHaveAttribute('href', '/cicd-security/checks/unpinned-actions');
      expect(
        within(first).getByText('Show findings').closest('a'),
      ).toHaveAttribute('href', '#check-unpinned-actions');
      expect(document.getElementById('check-unpinned-actions')).toHaveAttribute(
        'data-testid',
        'check-findings-unpinned-actions',
      );
      // The grade stays C: no grade change is shown.
      expect(
        screen.getByTestId('fix-first-hardcoded-secrets'),
      ).toHaveTextContent(/6\.4 → 7\.1 \(\+0\.7\)1 finding/);

      // The same what-if in the checks table and in the score explanation.
      expect(screen.getByTestId('if-fixed-unpinned-actions')).toHaveTextContent(
        '6.4 → 7.5 (+1.1)',
      );
      expect(
        screen.queryByTestId('if-fixed-dependency-update-tool'),
      ).toBeNull();
      const explanation = screen.getByTestId('score-explanation');
      expect(
        within(explanation)
          .getByText('No secrets in pipeline files')
          .closest('tr'),
      ).toHaveTextContent('6.4 → 7.1 (+0.7)');
    });

    it('is hidden when no check fails', async () => {
      await renderTab(
        mockApi({
          getScorecard: jest.fn(async () => ({
            ...withFixFirst,
            fixFirst: [],
          })),
        }),
      );
      expect(screen.getByTestId('cicd-security-grade')).toBeInTheDocument();
      expect(screen.queryByText('Fix first')).toBeNull();
      expect(screen.queryByTestId('fix-first')).toBeNull();
    });
  });
});
