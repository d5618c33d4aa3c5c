import { useState } from 'react';
import { Link, Table, TableColumn } from '@backstage/core-components';
import {
  CheckResult,
  CHECK_CATEGORIES,
  FixFirstItem,
  categoryTitle,
} from '@cicd-security/plugin-cicd-security-common';
import { Link as MuiLink, Typography } from '@material-ui/core';
import FilterListIcon from '@material-ui/icons/FilterList';
import { formatScore, isFailing } from '../../utils';
import { CheckStatusChip, SeverityChip } from '../ScoreDisplay';
import { WaiveButton } from '../Waivers';
import { formatWhatIf } from './FixFirst';

/** Checks listed in the Findings section, below the table (waived checks are listed apart). */
export function hasFindingsSection(check: CheckResult): boolean {
  if (check.waiver) {
    return false;
  }
  return (
    isFailing(check) ||
    check.status === 'error' ||
    check.findings.some(f => !f.suppressed)
  );
}

const STATUS_LOOKUP = {
  fail: 'Fail',
  warn: 'Warn',
  error: 'Error',
  inconclusive: 'Inconclusive',
  pass: 'Pass',
  'not-applicable': 'N/A',
};
const SEVERITY_LOOKUP = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
};
const CATEGORY_LOOKUP = Object.fromEntries(
  CHECK_CATEGORIES.map(c => [c.id, c.title]),
);
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 };
const STATUS_RANK = {
  fail: 0,
  warn: 1,
  error: 2,
  inconclusive: 3,
  pass: 4,
  'not-applicable': 5,
};

/** The Security tab's table of the entity's checks. */
export function EntityChecksTable({
  checks,
  guideLink,
  onWaive,
  score = null,
  fixFirst = [],
}: {
  checks: CheckResult[];
  guideLink: (checkId: string) => string;
  /** The entity's score, the start of each what-if. */
  score?: number | null;
  /** The score with each failing check passing (the scorecard's `fixFirst`). */
  fixFirst?: FixFirstItem[];
  /** Set when the user may waive checks. */
  onWaive?: (check: CheckResult) => void;
}) {
  const [showFilters, setShowFilters] = useState(false);
  const whatIf = new Map(fixFirst.map(f => [f.checkId, f]));
  const gain = (check: CheckResult) => whatIf.get(check.checkId)?.gain ?? -1;
  const columns: TableColumn<CheckResult>[] = [
    {
      title: 'Status',
      field: 'status',
      width: '8rem',
      lookup: STATUS_LOOKUP,
      customSort: (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status],
      render: check => (
        <>
          <CheckStatusChip status={check.status} />
          {check.waiver && (
            <Typography variant="caption" color="textSecondary" component="div">
              waived
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Check',
      field: 'title',
      // Wide enough for a title on two lines, not a word per line.
      cellStyle: { minWidth: 240 },
      headerStyle: { minWidth: 240 },
      render: check => (
        <>
          {hasFindingsSection(check) ? (
            <MuiLink href={`#check-${check.checkId}`}>{check.title}</MuiLink>
          ) : (
            <Link to={guideLink(check.checkId)}>{check.title}</Link>
          )}
          {check.reason && !isFailing(check) && (
            // Two lines at most; the whole reason is the tooltip and is
            // listed under "Checks without a verdict".
            <Typography
              variant="caption"
              color="textSecondary"
              component="div"
              title={check.reason}
              data-testid={`check-reason-${check.checkId}`}
              style={{
                display: '-webkit-box',
                WebkitLineClamp: 2,
                WebkitBoxOrient: 'vertical',
                overflow: 'hidden',
                overflowWrap: 'anywhere',
              }}
            >
              {check.reason}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Severity',
      field: 'severity',
      lookup: SEVERITY_LOOKUP,
      customSort: (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
      render: check => <SeverityChip severity={check.severity} />,
    },
    {
      title: 'Category',
      field: 'category',
      lookup: CATEGORY_LOOKUP,
      render: check => categoryTitle(check.category),
    },
    {
      title: 'Findings',
      filtering: false,
      customSort: (a, b) => a.findings.length - b.findings.length,
      render: check => check.findings.filter(f => !f.suppressed).length,
      type: 'numeric',
    },
    {
      title: 'Score',
      field: 'score',
      filtering: false,
      type: 'numeric',
      render: check => formatScore(check.score),
    },
    {
      title: 'If fixed',
      filtering: false,
      customSort: (a, b) => gain(a) - gain(b),
      render: check => {
        const item = whatIf.get(check.checkId);
        return item ? (
          <span data-testid={`if-fixed-${check.checkId}`}>
            {formatWhatIf(score, item)}
          </span>
        ) : null;
      },
    },
  ];
  if (onWaive) {
    columns.push({
      title: 'Waiver',
      filtering: false,
      sorting: false,
      render: check =>
        isFailing(check) && !check.waiver ? (
          <WaiveButton check={check} onWaive={onWaive} size="small" />
        ) : null,
    });
  }
  return (
    <div data-testid="cicd-security-checks-table">
      <Table<CheckResult>
        title="Checks"
        columns={columns}
        data={checks}
        options={{
          paging: checks.length > 20,
          pageSize: 20,
          search: true,
          padding: 'dense',
          sorting: true,
          filtering: showFilters,
        }}
        actions={[
          {
            icon: () => <FilterListIcon />,
            tooltip: showFilters
              ? 'Hide filters'
              : 'Filter by status, severity or category',
            isFreeAction: true,
            onClick: () => setShowFilters(v => !v),
          },
        ]}
      />
    </div>
  );
}
