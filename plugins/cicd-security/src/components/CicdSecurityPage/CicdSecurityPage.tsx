import {
  Navigate,
  Route,
  Routes,
  useLocation,
  useParams,
} from 'react-router-dom';
import {
  Content,
  Header,
  Page,
  TabbedLayout,
} from '@backstage/core-components';
import { useMemo } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { prefetch } from '../prefetch';
import { firstPageRequest } from './useComponentFilters';
import { CheckGuidePage } from '../CheckGuidePage';
import { EvidenceDownloadButton } from '../Evidence';
import { ComplianceTab } from '../Compliance';
import { PoliciesTab } from '../Policies';
import { SourceViewPage } from '../SourceView';
import { ChecksTable } from './ChecksTable';
import { ComponentsTable } from './ComponentsTable';
import { OverviewTab } from './OverviewTab';
import { TeamsView } from './TeamsView';

/** The org-wide page: overview, components, teams and the check catalogue. */
export function CicdSecurityPage() {
  return (
    <Page themeId="tool">
      <Header
        title="CI/CD Security"
        subtitle="Security scorecards of every component's pipelines"
      >
        <EvidenceDownloadButton inHeader />
      </Header>
      <Content>
        <TabbedLayout>
          <TabbedLayout.Route path="/" title="Overview">
            <OverviewTab />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/components" title="Components">
            <ComponentsTable />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/teams" title="Teams">
            <TeamsView />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/checks" title="Checks">
            <ChecksTable />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/policies" title="Policies">
            <PoliciesTab />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/compliance" title="Compliance">
            <ComplianceTab />
          </TabbedLayout.Route>
        </TabbedLayout>
      </Content>
    </Page>
  );
}

/**
 * The tabbed page. Links made before the Overview tab existed put the filters
 * on the root; those go to the Components tab.
 */
function RootOrComponents() {
  const location = useLocation();
  const { '*': below = '' } = useParams();
  const params = new URLSearchParams(location.search);
  const hasFilters = ['q', 'owner', 'grade', 'failingCheck', 'system'].some(p =>
    params.has(p),
  );
  const tab = below.split('/')[0];
  const redirect = below === '' && hasFilters;
  // The tab's data is asked for now, while the page renders, not after.
  const api = useApi(cicdSecurityApiRef);
  useMemo(
    () => {
      if (!redirect)
        prefetchTab(api, tab, new URLSearchParams(location.search));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, tab, location.search, redirect],
  );
  if (redirect) {
    return <Navigate to={`components${location.search}`} replace />;
  }
  return <CicdSecurityPage />;
}

/** The first requests of a tab of the org page (see `prefetch.ts`). */
function prefetchTab(
  api: CicdSecurityApi,
  tab: string,
  search: URLSearchParams,
) {
  switch (tab) {
    case '':
      prefetch(api, 'getOverview');
      break;
    case 'components':
      prefetch(api, 'listScorecards', firstPageRequest(search));
      prefetch(api, 'getTeams');
      prefetch(api, 'getChecks');
      break;
    case 'teams':
      prefetch(api, 'getTeams');
      break;
    case 'checks':
      prefetch(api, 'getChecks');
      break;
    default:
  }
}

/** Everything below the plugin's root route: the page and the check guides. */
export function CicdSecurityRouter() {
  return (
    <Routes>
      <Route path="/checks/:checkId" element={<CheckGuidePage />} />
      <Route
        path="/source/:namespace/:kind/:name"
        element={<SourceViewPage />}
      />
      {/* A splat route: the tabs are descendant routes of it. */}
      <Route path="/*" element={<RootOrComponents />} />
    </Routes>
  );
}
