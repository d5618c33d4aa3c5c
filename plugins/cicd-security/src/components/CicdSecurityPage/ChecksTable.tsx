import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CheckWithStats,
  categoryTitle,
} from '@cicd-security/plugin-cicd-security-common';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { checkGuideRouteRef } from '../../routes';
import { checkGuidePath, useOptionalRouteRef } from '../../utils';
import { SeverityChip } from '../ScoreDisplay';

export function formatPassRate(passRate: number | null): string {
  return passRate === null ? '–' : `${Math.round(passRate * 100)}%`;
}

/** The check catalogue with the org-wide pass rate of each check. */
export function ChecksTable() {
  const api = useApi(cicdSecurityApiRef);
  const resolveGuide = useOptionalRouteRef(checkGuideRouteRef);
  const { value, loading, error } = useAsync(() => api.getChecks(), [api]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }

  const columns: TableColumn<CheckWithStats>[] = [
    {
      title: 'Check',
      field: 'title',
      highlight: true,
      render: row => (
        <Link to={checkGuidePath(resolveGuide, row.id)}>{row.title}</Link>
      ),
    },
    { title: 'Id', field: 'id' },
    {
      title: 'Severity',
      field: 'severity',
      render: row => <SeverityChip severity={row.severity} />,
    },
    {
      title: 'Category',
      field: 'category',
      render: row => categoryTitle(row.category),
    },
    {
      title: 'Pass rate',
      field: 'passRate',
      type: 'numeric',
      render: row => formatPassRate(row.passRate),
    },
    {
      title: 'Failing',
      field: 'failing',
      type: 'numeric',
      render: row => `${row.failing} / ${row.applicable}`,
    },
  ];

  return (
    <div data-testid="cicd-security-checks-catalogue">
      <Table<CheckWithStats>
        title="Checks"
        columns={columns}
        data={value?.items ?? []}
        options={{ paging: false, padding: 'dense', search: true }}
      />
    </div>
  );
}
