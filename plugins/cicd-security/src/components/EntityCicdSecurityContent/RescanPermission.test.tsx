import { screen, waitFor } from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { entity } from '../../testing/data';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { EntityCicdSecurityContent } from './EntityCicdSecurityContent';

// In its own file: the permission hook caches answers across renders.
describe('EntityCicdSecurityContent without the refresh permission', () => {
  it('hides the rescan button', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [cicdSecurityApiRef, mockCicdSecurityApi()],
          [
            permissionApiRef,
            // AuthorizeResult.DENY, without a dependency on the permission-common package.
            mockApis.permission({ authorize: 'DENY' as never }),
          ],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntityCicdSecurityContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/cicd-security': rootRouteRef } },
    );
    expect(screen.getByTestId('cicd-security-grade')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByTestId('rescan-button')).not.toBeInTheDocument(),
    );
  });
});
