import { Route, Routes } from 'react-router-dom';
import {
  Content,
  Header,
  Page,
  TabbedLayout,
} from '@backstage/core-components';
import { CheckGuidePage } from '../CheckGuidePage';
import { ChecksTable } from './ChecksTable';
import { ComponentsTable } from './ComponentsTable';
import { TeamsTable } from './TeamsTable';

/** The org-wide page: components, teams and the check catalogue. */
export function CicdSecurityPage() {
  return (
    <Page themeId="tool">
      <Header
        title="CI/CD Security"
        subtitle="Security scorecards of every component's pipelines"
      />
      <Content>
        <TabbedLayout>
          <TabbedLayout.Route path="/" title="Components">
            <ComponentsTable />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/teams" title="Teams">
            <TeamsTable />
          </TabbedLayout.Route>
          <TabbedLayout.Route path="/checks" title="Checks">
            <ChecksTable />
          </TabbedLayout.Route>
        </TabbedLayout>
      </Content>
    </Page>
  );
}

/** Everything below the plugin's root route: the page and the check guides. */
export function CicdSecurityRouter() {
  return (
    <Routes>
      <Route path="/checks/:checkId" element={<CheckGuidePage />} />
      <Route path="/*" element={<CicdSecurityPage />} />
    </Routes>
  );
}
