import { screen, within } from '@testing-library/react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { frameworkRefsOfCheck } from '@cicd-security/plugin-cicd-security-common';
import { cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { checkDetail } from '../../testing/data';
import { mockCicdSecurityApi } from '../../testing/mockApi';
import { CicdSecurityRouter } from '../CicdSecurityPage/CicdSecurityPage';
import { CheckFrameworks } from './CheckGuidePage';

describe('CheckGuidePage frameworks', () => {
  it('lists each framework the check maps to, with the controls, their titles and links', async () => {
    // What GET /checks/build-provenance returns: the metadata built from the
    // compliance mappings, then no peer scanner rule.
    const api = mockCicdSecurityApi({
      getCheck: jest.fn(async () => ({
        ...checkDetail,
        id: 'build-provenance',
        title: 'Build provenance / artifact signing',
        frameworks: frameworkRefsOfCheck('build-provenance'),
      })),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[cicdSecurityApiRef, api]]}>
        <CicdSecurityRouter />
      </TestApiProvider>,
      {
        routeEntries: ['/checks/build-provenance'],
        mountedRoutes: {
          '/cicd-security': rootRouteRef,
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );

    const section = await screen.findByTestId('framework-mapping');
    expect(
      within(section).getByRole('heading', { name: 'Frameworks' }),
    ).toBeInTheDocument();
    expect(
      within(section)
        .getAllByRole('group')
        .map(g => g.getAttribute('aria-label')),
    ).toEqual([
      'OWASP Top 10 CI/CD Security Risks',
      'OpenSSF Scorecard',
      'OpenSSF OSPS Baseline',
      'SLSA Build Track',
      'NIST Secure Software Development Framework (SP 800-218)',
    ]);

    const slsa = within(section).getByRole('group', {
      name: 'SLSA Build Track',
    });
    expect(within(slsa).getByText('v1.0')).toBeInTheDocument();
    expect(
      within(slsa).getByRole('link', { name: /^Build-L1-Provenance\b/ }),
    ).toHaveAttribute('href', 'https://slsa.dev/spec/v1.0/levels#build-l1');
    expect(within(slsa).getAllByRole('listitem')).toHaveLength(2);
    expect(slsa).toHaveTextContent(
      'Build L2: provenance is authentic, signed by the build platform',
    );

    const scorecard = within(section).getByRole('group', {
      name: 'OpenSSF Scorecard',
    });
    expect(
      within(scorecard).getByRole('link', { name: /^Signed-Releases\b/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/ossf/scorecard/blob/main/docs/checks.md#signed-releases',
    );
    // A control without its own page: the id in code, then the title.
    expect(
      within(section).getByRole('group', { name: 'OpenSSF OSPS Baseline' }),
    ).toHaveTextContent(
      'OSPS-BR-06.01 Releases are signed or listed in a signed manifest with hashes',
    );
    // The whole portal page renders: slow on a busy machine.
  }, 30_000);

  it('lists peer scanners\u2019 rules after the compliance frameworks', async () => {
    await renderInTestApp(
      <CheckFrameworks
        frameworks={[
          ...frameworkRefsOfCheck('unpinned-actions'),
          { framework: 'zizmor', control: 'unpinned-uses' },
          { framework: 'zizmor', control: 'stale-action-refs' },
        ]}
      />,
    );
    const groups = screen.getAllByRole('group');
    expect(groups.map(g => g.getAttribute('aria-label'))).toEqual([
      'OWASP Top 10 CI/CD Security Risks',
      'OpenSSF Scorecard',
      'NIST Secure Software Development Framework (SP 800-218)',
      'zizmor',
    ]);
    expect(
      within(groups[0]).getByRole('link', { name: /^CICD-SEC-8\b/ }),
    ).toBeInTheDocument();
    expect(groups[0]).toHaveTextContent(
      'Ungoverned Usage of 3rd Party Services',
    );
    expect(
      within(groups[3])
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['unpinned-uses', 'stale-action-refs']);
  });

  it('shows nothing for a check without frameworks', async () => {
    await renderInTestApp(<CheckFrameworks frameworks={[]} />);
    expect(screen.queryByTestId('framework-mapping')).toBeNull();
  });
});
