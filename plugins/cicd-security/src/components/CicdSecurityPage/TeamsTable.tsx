import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { TeamSummary } from '@cicd-security/plugin-cicd-security-common';
import { Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { formatScore, useOptionalRouteRef } from '../../utils';
import { GradeSpread } from '../ScoreDisplay';

/** Scorecards rolled up per owner. */
export function TeamsTable() {
  const api = useApi(cicdSecurityApiRef);
  const root = useOptionalRouteRef(rootRouteRef);
  const rootPath = root ? root({}) : '/cicd-security';
  const { value, loading, error } = useAsync(() => api.getTeams(), [api]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }

  const columns: TableColumn<TeamSummary>[] = [
    {
      title: 'Owner',
      field: 'owner',
      highlight: true,
      render: row => (
        <EntityRefLink entityRef={row.owner} defaultKind="group" />
      ),
    },
    { title: 'Components', field: 'components', type: 'numeric' },
    { title: 'Scanned', field: 'scanned', type: 'numeric' },
    {
      title: 'Average score',
      field: 'averageScore',
      type: 'numeric',
      render: row => formatScore(row.averageScore),
    },
    {
      title: 'Grades',
      sorting: false,
      render: row => <GradeSpread grades={row.grades} />,
    },
    {
      title: '',
      sorting: false,
      render: row => (
        <Link to={`${rootPath}?owner=${encodeURIComponent(row.owner)}`}>
          View components
        </Link>
      ),
    },
  ];

  return (
    <div data-testid="cicd-security-teams-table">
      <Table<TeamSummary>
        title="Teams"
        columns={columns}
        data={value?.items ?? []}
        options={{
          paging: (value?.items.length ?? 0) > 20,
          pageSize: 20,
          padding: 'dense',
          search: true,
        }}
        emptyContent={
          <Typography align="center" color="textSecondary">
            No team owns a scanned component yet.
          </Typography>
        }
      />
    </div>
  );
}
