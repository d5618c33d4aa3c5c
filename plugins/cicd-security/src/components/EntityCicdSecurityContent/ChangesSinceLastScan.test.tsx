import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import {
  FixedFinding,
  Scorecard,
} from '@cicd-security/plugin-cicd-security-common';
import { cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { entity, scorecard } from '../../testing/data';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { formatDateTime } from '../../utils';
import { ChangesSinceLastScan } from './ChangesSinceLastScan';
import { EntityCicdSecurityContent } from './EntityCicdSecurityContent';

jest.setTimeout(60_000);

const PREVIOUS = '2026-11-20T09:30:00.000Z';

const fixed = (i: number): FixedFinding => ({
  checkId: 'unpinned-actions',
  checkTitle: 'Actions are pinned to a full commit SHA',
  severity: i === 0 ? 'high' : 'medium',
  file: '.github/workflows/ci.yml',
  line: 10 + i,
  message: `actions/cache@v${i} is pinned to a tag, not a commit SHA`,
  fingerprint: `fixed-${i}`,
});

function withChanges(changes: Scorecard['changes']): Scorecard {
  return { ...scorecard, changes };
}

describe('ChangesSinceLastScan', () => {
  it('shows how many findings are new since the previous scan and lists the fixed ones', async () => {
    await renderInTestApp(
      <ChangesSinceLastScan
        scorecard={withChanges({
          comparedWith: {
            scannedAt: PREVIOUS,
            revision: '0123456789abcdef0123456789abcdef01234567',
          },
          newFindings: 2,
          fixedFindings: [
            fixed(0),
            {
              checkId: 'hardcoded-secrets',
              checkTitle: 'No secrets in pipeline files',
              severity: 'critical',
              message: 'GitHub token in env GH_TOKEN: ghp_****',
              fingerprint: 'no-file',
            },
          ],
        })}
      />,
    );

    const when = formatDateTime(PREVIOUS)!;
    expect(screen.getByTestId('changes-new')).toHaveTextContent(
      `2 new since the scan of ${when}`,
    );
    expect(screen.getByTestId('changes-fixed')).toHaveTextContent(
      '2 findings fixed',
    );
    expect(screen.getByText(/revision 0123456/)).toBeInTheDocument();
    expect(
      screen.getByText('New findings are marked “New” in the findings below.'),
    ).toBeInTheDocument();

    const list = screen.getByRole('list', { name: 'Fixed since' });
    const items = within(list).getAllByTestId('fixed-finding');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(
      'Actions are pinned to a full commit SHA',
    );
    expect(items[0]).toHaveTextContent('.github/workflows/ci.yml:10');
    expect(items[0]).toHaveTextContent(
      'actions/cache@v0 is pinned to a tag, not a commit SHA',
    );
    expect(within(items[0]).getByText('high')).toBeInTheDocument();
    // A finding without a file: the check and message, no location.
    expect(items[1]).toHaveTextContent('No secrets in pipeline files');
    expect(items[1]).toHaveTextContent(
      'GitHub token in env GH_TOKEN: ghp_****',
    );
    expect(items[1]).not.toHaveTextContent('.yml');
  });

  it('lists ten fixed findings and the rest on demand', async () => {
    await renderInTestApp(
      <ChangesSinceLastScan
        scorecard={withChanges({
          comparedWith: { scannedAt: PREVIOUS },
          newFindings: 0,
          fixedFindings: Array.from({ length: 13 }, (_, i) => fixed(i)),
        })}
      />,
    );
    expect(screen.getByTestId('changes-new')).toHaveTextContent(
      '0 new since the scan of',
    );
    expect(screen.queryByText(/marked “New”/)).not.toBeInTheDocument();
    expect(screen.getAllByTestId('fixed-finding')).toHaveLength(10);
    await userEvent.click(
      screen.getByRole('button', { name: 'Show all 13 fixed findings' }),
    );
    expect(screen.getAllByTestId('fixed-finding')).toHaveLength(13);
    await userEvent.click(screen.getByRole('button', { name: 'Show fewer' }));
    expect(screen.getAllByTestId('fixed-finding')).toHaveLength(10);
  });

  it('says when nothing changed', async () => {
    await renderInTestApp(
      <ChangesSinceLastScan
        scorecard={withChanges({
          comparedWith: { scannedAt: PREVIOUS },
          newFindings: 0,
          fixedFindings: [],
        })}
      />,
    );
    expect(screen.getByTestId('changes-new')).toHaveTextContent(
      `0 new since the scan of ${formatDateTime(PREVIOUS)}`,
    );
    expect(screen.getByTestId('changes-fixed')).toHaveTextContent(
      '0 findings fixed',
    );
    expect(screen.queryByText('Fixed since')).not.toBeInTheDocument();
  });

  it('says "first scan" when there was nothing to compare with', async () => {
    await renderInTestApp(
      <ChangesSinceLastScan
        scorecard={withChanges({
          comparedWith: null,
          newFindings: 0,
          fixedFindings: [],
        })}
      />,
    );
    expect(screen.getByTestId('changes-first-scan')).toHaveTextContent(
      'First scan: there is no earlier scan to compare with.',
    );
    expect(screen.queryByTestId('changes-new')).not.toBeInTheDocument();
  });

  it('renders nothing for a scorecard without the comparison', async () => {
    const { container } = await renderInTestApp(
      <ChangesSinceLastScan scorecard={withChanges(undefined)} />,
    );
    expect(container).toBeEmptyDOMElement();
  });

  it('appears on the Security tab with the scorecard the API returns', async () => {
    const api = mockCicdSecurityApi({
      getScorecard: jest.fn(async () =>
        withChanges({
          comparedWith: { scannedAt: PREVIOUS },
          newFindings: 1,
          fixedFindings: [fixed(0)],
        }),
      ),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [cicdSecurityApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [
            scmIntegrationsApiRef,
            ScmIntegrationsApi.fromConfig(mockApis.config()),
          ],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntityCicdSecurityContent pollIntervalMs={10} />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/cicd-security': rootRouteRef } },
    );
    expect(await screen.findByTestId('changes-new')).toHaveTextContent(
      '1 new since the scan of',
    );
    expect(
      within(screen.getByRole('list', { name: 'Fixed since' })).getAllByTestId(
        'fixed-finding',
      ),
    ).toHaveLength(1);
  });
});
