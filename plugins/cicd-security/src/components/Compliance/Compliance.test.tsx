import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { complianceEntity, complianceOrg } from '../../testing/policyData';
import { CicdSecurityRouter } from '../CicdSecurityPage/CicdSecurityPage';
import { EntityComplianceCard } from './EntityComplianceCard';

jest.setTimeout(30_000);

const mountedRoutes = {
  '/cicd-security': rootRouteRef,
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

async function choose(label: string, option: RegExp | string) {
  fireEvent.mouseDown(screen.getByLabelText(label));
  fireEvent.click(await screen.findByRole('option', { name: option }));
}

describe('Compliance tab', () => {
  it('shows the framework named in the URL with per-control statuses and evidence linked to the guides', async () => {
    const api = mockCicdSecurityApi({
      getCompliance: jest.fn(async () => complianceOrg),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <CicdSecurityRouter />
      </TestApiProvider>,
      { routeEntries: ['/compliance?framework=nist-ssdf'], mountedRoutes },
    );
    await screen.findByTestId('control-CICD-SEC-6');
    expect(api.getCompliance).toHaveBeenCalledWith('nist-ssdf', {});
    const sec6 = within(screen.getByTestId('control-CICD-SEC-6'));
    expect(sec6.getByText('Not met')).toBeInTheDocument();
    expect(
      sec6.getByRole('link', { name: 'hardcoded-secrets' }),
    ).toHaveAttribute('href', '/cicd-security/checks/hardcoded-secrets');
    expect(sec6.getByText('0 met, 3 not met')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('control-CICD-SEC-3')).getByText(
        'Partially met',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/3 components evaluated, 1 not evaluated/),
    ).toBeInTheDocument();
  });

  it('scopes the view to a team and changes the framework', async () => {
    const api = mockCicdSecurityApi({
      getCompliance: jest.fn(async () => complianceOrg),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <CicdSecurityRouter />
      </TestApiProvider>,
      { routeEntries: ['/compliance'], mountedRoutes },
    );
    await screen.findByTestId('control-CICD-SEC-6');
    expect(api.getCompliance).toHaveBeenCalledWith('owasp-cicd-top10', {});
    const teams = await api.getTeams.mock.results[0].value;
    const group = teams.items[0].groupRef as string;
    await choose('Scope', group.split('/').pop()!);
    await waitFor(() =>
      expect(api.getCompliance).toHaveBeenLastCalledWith('owasp-cicd-top10', {
        owner: group,
      }),
    );
    await choose('Framework', /SLSA/);
    await waitFor(() =>
      expect(api.getCompliance).toHaveBeenLastCalledWith('slsa-build', {
        owner: group,
      }),
    );
  });
});

describe('EntityComplianceCard', () => {
  it('shows the control statuses and the estimated SLSA Build level with what the next level needs', async () => {
    const api = mockCicdSecurityApi({
      getCompliance: jest.fn(async () => complianceEntity),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <EntityComplianceCard entityRef="component:default/payments-api" />
      </TestApiProvider>,
      { mountedRoutes },
    );
    expect(
      await screen.findByText('Estimated SLSA Build level: L2'),
    ).toBeInTheDocument();
    expect(screen.getByText('For L3:')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Isolated builds (cache-poisoning, self-hosted-runner-on-prs)',
      ),
    ).toBeInTheDocument();
    expect(api.getCompliance).toHaveBeenCalledWith('owasp-cicd-top10', {
      entityRef: 'component:default/payments-api',
    });
    // The controls table opens on request, so the card stays short.
    expect(screen.queryByTestId('control-CICD-SEC-9')).toBeNull();
    fireEvent.click(screen.getByTestId('compliance-controls-toggle'));
    expect(
      within(screen.getByTestId('control-CICD-SEC-9')).getByText('Met'),
    ).toBeInTheDocument();
    await choose('Framework', /OpenSSF Scorecard/);
    await waitFor(() =>
      expect(api.getCompliance).toHaveBeenLastCalledWith('openssf-scorecard', {
        entityRef: 'component:default/payments-api',
      }),
    );
  });
});
