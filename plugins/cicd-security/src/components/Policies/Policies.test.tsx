import { screen, waitFor } from '@testing-library/react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { entityPolicies } from '../../testing/policyData';
import { CicdSecurityRouter } from '../CicdSecurityPage/CicdSecurityPage';
import { EntityPoliciesCard } from './EntityPoliciesCard';

jest.setTimeout(30_000);

const mountedRoutes = {
  '/cicd-security': rootRouteRef,
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

describe('Policies tab', () => {
  it('lists the components out of each policy, what to fix, linked to their Security tab', async () => {
    const api = mockCicdSecurityApi();
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <CicdSecurityRouter />
      </TestApiProvider>,
      { routeEntries: ['/policies'], mountedRoutes },
    );
    expect(await screen.findByText('Production services')).toBeInTheDocument();
    expect(
      screen.getByText('Applies to components with lifecycle production'),
    ).toBeInTheDocument();
    expect(screen.getByText('2 out of policy')).toBeInTheDocument();
    expect(screen.getByText('1 not evaluated')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'payments-api' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/security',
    );
    expect(
      screen.getByText(/fix hardcoded-secrets/).closest('p'),
    ).toHaveTextContent(
      'No failing critical check: fix hardcoded-secrets (guide)',
    );
    expect(
      screen
        .getAllByRole('link', { name: 'guide' })
        .map(a => a.getAttribute('href')),
    ).toContain('/cicd-security/checks/hardcoded-secrets');
    expect(
      screen.getByText('No component is out of this policy.'),
    ).toBeInTheDocument();
  });

  it('explains how to define policies when there are none', async () => {
    const api = mockCicdSecurityApi({
      getPolicies: jest.fn(async () => ({ items: [] })),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <CicdSecurityRouter />
      </TestApiProvider>,
      { routeEntries: ['/policies'], mountedRoutes },
    );
    expect(await screen.findByText('No policies')).toBeInTheDocument();
    expect(screen.getByText(/cicdSecurity\.policies/)).toBeInTheDocument();
  });
});

describe('EntityPoliciesCard', () => {
  it('says what the component must meet, each requirement met or not, waivers named', async () => {
    const api = mockCicdSecurityApi({
      getEntityPolicies: jest.fn(async () => entityPolicies),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <EntityPoliciesCard entityRef="component:default/payments-api" />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        'This component must meet: Production services, PCI',
      ),
    ).toBeInTheDocument();
    expect(api.getEntityPolicies).toHaveBeenCalledWith(
      'component:default/payments-api',
    );
    expect(screen.getByText('Out of policy')).toBeInTheDocument();
    expect(screen.getByText('In policy')).toBeInTheDocument();
    expect(
      screen.getByText(/Grade B or better — grade D: raise the score/),
    ).toBeInTheDocument();
    expect(screen.getByText(/\(passing with a waiver\)/)).toBeInTheDocument();
    expect(screen.getAllByTitle('not met')).toHaveLength(2);
    expect(screen.getAllByTitle('met')).toHaveLength(1);
  });

  it('shows nothing when no policy applies', async () => {
    const api = mockCicdSecurityApi({
      getEntityPolicies: jest.fn(async () => ({
        entityRef: 'component:default/x',
        items: [],
      })),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <div data-testid="host">
          <EntityPoliciesCard entityRef="component:default/x" />
        </div>
      </TestApiProvider>,
    );
    await waitFor(() => expect(api.getEntityPolicies).toHaveBeenCalled());
    await waitFor(() =>
      expect(screen.getByTestId('host')).toBeEmptyDOMElement(),
    );
  });
});
