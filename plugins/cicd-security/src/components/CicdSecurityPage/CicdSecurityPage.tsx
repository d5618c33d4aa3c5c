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
  if (below === '' && hasFilters) {
    return <Navigate to={`components${location.search}`} replace />;
  }
  return <CicdSecurityPage />;
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
