import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CHECK_CATEGORIES,
  CheckWithStats,
  categoryTitle,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Chip,
  LinearProgress,
  Table as MuiTable,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { takePrefetched } from '../prefetch';
import { checkGuideRouteRef, rootRouteRef } from '../../routes';
import { checkGuidePath, formatScore, useOptionalRouteRef } from '../../utils';
import { SeverityChip } from '../ScoreDisplay';
import { AsOf } from './OverviewTab';

/** Figures' columns: less padding, so that the table fits 1366 px. */
const NARROW = { paddingLeft: 8, paddingRight: 8 };

export function formatPassRate(passRate: number | null): string {
  return passRate === null ? '–' : `${Math.round(passRate * 100)}%`;
}

/**
 * Orders checks by pass rate for material-table's `customSort`, which swaps
 * the rows and passes `'desc'` for a descending sort. Checks that apply to no
 * component (pass rate null) stay at the end in both directions.
 */
export function comparePassRate(
  x: CheckWithStats,
  y: CheckWithStats,
  _type?: 'row' | 'group',
  direction?: 'asc' | 'desc',
): number {
  // The rows in table order, whichever way the sort goes.
  const [a, b] = direction === 'desc' ? [y, x] : [x, y];
  if (a.passRate === null || b.passRate === null) {
    return (a.passRate === null ? 1 : 0) - (b.passRate === null ? 1 : 0);
  }
  return x.passRate! - y.passRate!;
}

/** The components failing one check, loaded when the row opens. */
export function FailingComponents({
  checkId,
  componentsPath,
}: {
  checkId: string;
  componentsPath: string;
}) {
  const api = useApi(cicdSecurityApiRef);
  const { value, loading, error } = useAsync(
    () => api.getCheck(checkId),
    [api, checkId],
  );
  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  const failing = value?.failingEntities ?? [];
  return (
    <Box p={2} data-testid={`failing-components-${checkId}`}>
      {failing.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No component fails this check.
        </Typography>
      ) : (
        <MuiTable size="small" aria-label="Components failing the check">
          <TableHead>
            <TableRow>
              <TableCell>Component</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell align="right">Score</TableCell>
              <TableCell align="right">Findings</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {failing.slice(0, 20).map(e => (
              <TableRow key={e.entityRef}>
                <TableCell>
                  <EntityRefLink entityRef={e.entityRef} title={e.title} />
                </TableCell>
                <TableCell>
                  {e.owner ? (
                    <EntityRefLink entityRef={e.owner} defaultKind="group" />
                  ) : (
                    '–'
                  )}
                </TableCell>
                <TableCell align="right">{formatScore(e.score)}</TableCell>
                <TableCell align="right">{e.findings}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </MuiTable>
      )}
      <Box mt={1}>
        <Link
          to={`${componentsPath}?failingCheck=${encodeURIComponent(checkId)}`}
        >
          All components failing this check
        </Link>
      </Box>
    </Box>
  );
}

/** The check catalogue with the org-wide pass rate of each check. */
export function ChecksTable() {
  const api = useApi(cicdSecurityApiRef);
  const resolveGuide = useOptionalRouteRef(checkGuideRouteRef);
  const root = useOptionalRouteRef(rootRouteRef);
  const componentsPath = `${(root ? root({}) : '/cicd-security').replace(
    /\/$/,
    '',
  )}/components`;
  const { value, loading, error } = useAsync(
    () => takePrefetched(api, 'getChecks'),
    [api],
  );

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
      // Wide enough for a title on two lines at 1366 px, never a word cut;
      // the id and the category go under the title.
      cellStyle: { minWidth: 220, wordBreak: 'normal' },
      headerStyle: { minWidth: 220 },
      render: row => (
        <>
          <Link to={checkGuidePath(resolveGuide, row.id)}>{row.title}</Link>
          <Typography
            variant="caption"
            color="textSecondary"
            component="div"
            style={{ wordBreak: 'normal' }}
          >
            <span style={{ fontFamily: 'monospace' }}>{row.id}</span> ·{' '}
            {categoryTitle(row.category)}
          </Typography>
        </>
      ),
    },
    // Searchable by id and category; both show under the title.
    { title: 'Id', field: 'id', hidden: true, searchable: true },
    {
      title: 'Severity',
      field: 'severity',
      width: '96px',
      lookup: {
        critical: 'critical',
        high: 'high',
        medium: 'medium',
        low: 'low',
      },
      render: row => <SeverityChip severity={row.severity} />,
    },
    {
      title: 'Category',
      field: 'category',
      hidden: true,
      searchable: true,
      lookup: Object.fromEntries(CHECK_CATEGORIES.map(c => [c.id, c.title])),
    },
    {
      title: 'Pass rate',
      field: 'passRate',
      type: 'numeric',
      customSort: comparePassRate,
      width: '112px',
      cellStyle: NARROW,
      headerStyle: NARROW,
      render: row => (
        <Box
          display="flex"
          alignItems="center"
          style={{ gap: 8, whiteSpace: 'nowrap' }}
        >
          <Box flexGrow={1} minWidth={36}>
            <LinearProgress
              variant="determinate"
              value={(row.passRate ?? 0) * 100}
              aria-hidden
            />
          </Box>
          <span>{formatPassRate(row.passRate)}</span>
        </Box>
      ),
    },
    {
      title: 'Open failures',
      cellStyle: { ...NARROW, whiteSpace: 'nowrap' },
      headerStyle: NARROW,
      field: 'openFailing',
      type: 'numeric',
      render: row => {
        // Backends without the split count every failure as open.
        const open = row.openFailing ?? row.failing;
        const text = `${open} / ${row.applicable}`;
        return row.failing > 0 ? (
          <Link
            to={`${componentsPath}?failingCheck=${encodeURIComponent(row.id)}`}
            title={`${open} of the ${row.applicable} components where the check applies fail it with no waiver; ${row.failing} fail it in all`}
            data-testid={`open-failures-${row.id}`}
          >
            {text}
          </Link>
        ) : (
          <span data-testid={`open-failures-${row.id}`}>{text}</span>
        );
      },
    },
    {
      title: 'Waived',
      cellStyle: { ...NARROW, whiteSpace: 'nowrap' },
      headerStyle: NARROW,
      field: 'waivedFailing',
      type: 'numeric',
      render: row =>
        row.waivedFailing ? (
          <Chip
            size="small"
            variant="outlined"
            label={`${row.waivedFailing} waived`}
            title="Failing components where a portal waiver covers the check: the failure stays visible but does not lower their score"
            data-testid={`waived-${row.id}`}
          />
        ) : (
          '0'
        ),
    },
    {
      title: 'Suppressed in code',
      cellStyle: { ...NARROW, whiteSpace: 'nowrap' },
      headerStyle: NARROW,
      field: 'suppressedFindings',
      type: 'numeric',
      render: row =>
        row.suppressedFindings ? (
          <Chip
            size="small"
            variant="outlined"
            label={`${row.suppressedFindings} suppressed`}
            title="Findings the repositories suppress themselves, with an inline comment or their configuration file"
            data-testid={`suppressed-${row.id}`}
          />
        ) : (
          '0'
        ),
    },
    {
      title: 'Inconclusive',
      cellStyle: { ...NARROW, whiteSpace: 'nowrap' },
      headerStyle: NARROW,
      field: 'inconclusive',
      type: 'numeric',
      render: row =>
        row.inconclusive > 0 ? (
          <span
            data-testid={`inconclusive-${row.id}`}
            title="Components where the check could not see what it needs (a permission, an SCM module, a setting): they are left out of its pass rate. The check's guide says what it needs."
          >
            {row.inconclusive}
          </span>
        ) : (
          '0'
        ),
    },
  ];

  return (
    <div data-testid="cicd-security-checks-catalogue">
      {value?.computedAt && (
        <div style={{ textAlign: 'right' }}>
          <AsOf computedAt={value.computedAt} />
        </div>
      )}
      <Table<CheckWithStats>
        title="Checks"
        subtitle="Open a row to see the components failing the check"
        columns={columns}
        data={value?.items ?? []}
        // A page of 20: the whole catalogue at once is a long page and a
        // long render; sorting and the search still cover every check.
        options={{
          paging: true,
          pageSize: 20,
          pageSizeOptions: [20, 50, 100],
          padding: 'dense',
          search: true,
        }}
        detailPanel={[
          {
            tooltip: 'Components failing this check',
            render: ({ rowData }) => (
              <FailingComponents
                checkId={(rowData as CheckWithStats).id}
                componentsPath={componentsPath}
              />
            ),
          },
        ]}
      />
    </div>
  );
}
