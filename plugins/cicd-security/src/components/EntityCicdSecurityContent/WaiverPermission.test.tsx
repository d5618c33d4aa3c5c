import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { entity, scorecard, waivers } from '../../testing/data';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { EntityCicdSecurityContent } from './EntityCicdSecurityContent';

jest.setTimeout(20_000);

// AuthorizeResult values, without a dependency on the permission-common package.
const ALLOW = 'ALLOW' as never;
const DENY = 'DENY' as never;

async function renderTab(
  api: CicdSecurityApi,
  forEntity: Entity,
  permission: ReturnType<typeof mockApis.permission>,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [cicdSecurityApiRef, api],
        [permissionApiRef, permission],
      ]}
    >
      <EntityProvider entity={forEntity}>
        <EntityCicdSecurityContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/cicd-security': rootRouteRef } },
  );
}

// In its own file: the permission hook caches answers across renders.
describe('Waivers without the waiver permission', () => {
  it('hides the Waive and Revoke actions but lists the waivers', async () => {
    const api = mockCicdSecurityApi({
      listWaivers: jest.fn(async () => ({ items: waivers })),
    });
    await renderTab(api, entity, mockApis.permission({ authorize: DENY }));

    expect(screen.getByTestId('cicd-security-grade')).toBeInTheDocument();
    expect(
      await screen.findAllByTestId('waiver-row', undefined, { timeout: 3000 }),
    ).toHaveLength(3);
    // The rescan button disappears once the permission answers have come back.
    await waitFor(() =>
      expect(screen.queryByTestId('rescan-button')).not.toBeInTheDocument(),
    );
    expect(screen.queryByRole('button', { name: /^Waive/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Revoke/ })).toBeNull();
    // The SARIF download needs only read access.
    expect(screen.getByTestId('sarif-download-button')).toBeInTheDocument();
  });

  it('disables the owner scope when only the component may be waived', async () => {
    const other: Entity = {
      ...entity,
      metadata: { ...entity.metadata, name: 'orders-api' },
      spec: { ...entity.spec, owner: 'group:default/team-orders' },
    };
    const api = mockCicdSecurityApi({
      getScorecard: jest.fn(async () => ({
        ...scorecard,
        entityRef: 'component:default/orders-api',
        name: 'orders-api',
      })),
    });
    await renderTab(
      api,
      other,
      mockApis.permission({
        authorize: request =>
          (request as { resourceRef?: string }).resourceRef ===
          'group:default/team-orders'
            ? DENY
            : ALLOW,
      }),
    );

    const buttons = await screen.findAllByTestId('waive-hardcoded-secrets');
    await userEvent.click(buttons[0]);
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('radio', { name: /This component/ }),
    ).toBeChecked();
    await waitFor(() =>
      expect(
        within(dialog).getByText(
          /You are not allowed to waive checks for every component of team-orders/,
        ),
      ).toBeInTheDocument(),
    );
    expect(
      within(dialog).getByRole('radio', {
        name: 'Every component owned by team-orders',
      }),
    ).toBeDisabled();
  });
});
