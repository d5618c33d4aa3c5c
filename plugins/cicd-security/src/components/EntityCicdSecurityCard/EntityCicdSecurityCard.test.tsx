import { screen } from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { entity, scorecard } from '../../testing/data';
import { EntityCicdSecurityCard } from './EntityCicdSecurityCard';

describe('EntityCicdSecurityCard', () => {
  it('shows grade, score and the three worst failing checks', async () => {
    const api: Partial<CicdSecurityApi> = {
      getScorecard: jest.fn(async () => scorecard),
    };
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <EntityProvider entity={entity}>
          <EntityCicdSecurityCard />
        </EntityProvider>
      </TestApiProvider>,
    );

    expect(screen.getByTestId('cicd-security-grade')).toHaveTextContent('C');
    expect(screen.getByTestId('cicd-security-score')).toHaveTextContent('6.4');
    const items = screen.getAllByRole('listitem').map(li => li.textContent);
    expect(items).toEqual([
      'criticalNo secrets in pipeline files',
      'highActions are pinned to a full commit SHA',
      'lowA dependency update tool is configured',
    ]);
    expect(
      screen.getByText('View security details').closest('a'),
    ).toHaveAttribute('href', '/security');
  });
});
