import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  GRADES,
  Grade,
  ScorecardSortField,
  ScorecardState,
  ScorecardSummary,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Chip,
  FormControl,
  InputAdornment,
  InputLabel,
  MenuItem,
  Select,
  TextField,
  makeStyles,
} from '@material-ui/core';
import SearchIcon from '@material-ui/icons/Search';
import useDebounce from 'react-use/esm/useDebounce';
import { cicdSecurityApiRef } from '../../api';
import { formatDateTime, formatRelativeTime, formatScore } from '../../utils';
import { GradeBadge, ScorecardStateChip } from '../ScoreDisplay';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  select: {
    minWidth: 140,
  },
}));

const STATES: ScorecardState[] = [
  'ok',
  'pending',
  'scanning',
  'error',
  'no-source',
  'stale',
];

const SORTABLE: ReadonlyArray<string> = [
  'name',
  'owner',
  'grade',
  'score',
  'scannedAt',
];

const PAGE_SIZE = 20;

/** The org-wide list of scorecards, paged, sorted and filtered by the backend. */
export function ComponentsTable() {
  const classes = useStyles();
  const api = useApi(cicdSecurityApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const q = searchParams.get('q') ?? '';
  const grade = (searchParams.get('grade') ?? '') as Grade | '';
  const state = (searchParams.get('state') ?? '') as ScorecardState | '';
  const owner = searchParams.get('owner') ?? '';
  const [searchText, setSearchText] = useState(q);
  const [error, setError] = useState<Error>();

  const setParam = useCallback(
    (name: string, value: string) => {
      setSearchParams(
        previous => {
          const next = new URLSearchParams(previous);
          if (value) {
            next.set(name, value);
          } else {
            next.delete(name);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setSearchParams],
  );

  useEffect(() => setSearchText(q), [q]);
  useDebounce(
    () => {
      if (searchText !== q) {
        setParam('q', searchText);
      }
    },
    300,
    [searchText],
  );

  const fetchPage = useCallback(
    async (query: {
      page: number;
      pageSize: number;
      orderBy?: { field?: unknown };
      orderDirection?: 'asc' | 'desc' | '';
    }) => {
      const field = query.orderBy?.field;
      const sort =
        typeof field === 'string' && SORTABLE.includes(field)
          ? (field as ScorecardSortField)
          : undefined;
      try {
        const response = await api.listScorecards({
          q: q || undefined,
          grade: grade || undefined,
          state: state || undefined,
          owner: owner || undefined,
          sort,
          order: sort ? query.orderDirection || 'asc' : undefined,
          limit: query.pageSize,
          offset: query.page * query.pageSize,
        });
        setError(undefined);
        return {
          data: response.items,
          page: query.page,
          totalCount: response.totalCount,
        };
      } catch (e) {
        setError(e as Error);
        return { data: [], page: 0, totalCount: 0 };
      }
    },
    [api, q, grade, state, owner],
  );

  const columns = useMemo<TableColumn<ScorecardSummary>[]>(
    () => [
      {
        title: 'Name',
        field: 'name',
        highlight: true,
        render: row => (
          <EntityRefLink entityRef={row.entityRef} title={row.title} />
        ),
      },
      {
        title: 'Owner',
        field: 'owner',
        render: row =>
          row.owner ? (
            <EntityRefLink entityRef={row.owner} defaultKind="group" />
          ) : (
            '–'
          ),
      },
      {
        title: 'Grade',
        field: 'grade',
        render: row => <GradeBadge grade={row.grade} size="small" />,
      },
      {
        title: 'Score',
        field: 'score',
        render: row => formatScore(row.score),
      },
      {
        title: 'State',
        field: 'state',
        sorting: false,
        render: row => <ScorecardStateChip state={row.state} />,
      },
      {
        title: 'Critical findings',
        field: 'counts.criticalFindings',
        sorting: false,
        render: row => row.counts.criticalFindings,
      },
      {
        title: 'Last scanned',
        field: 'scannedAt',
        render: row => (
          <span title={formatDateTime(row.scannedAt)}>
            {formatRelativeTime(row.scannedAt)}
          </span>
        ),
      },
    ],
    [],
  );

  return (
    <>
      <div className={classes.filters}>
        <TextField
          label="Search"
          placeholder="Name, title or owner"
          variant="outlined"
          size="small"
          value={searchText}
          onChange={e => setSearchText(e.target.value)}
          inputProps={{ 'aria-label': 'Search components' }}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
        />
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id="cicd-security-grade-filter">Grade</InputLabel>
          <Select
            labelId="cicd-security-grade-filter"
            label="Grade"
            value={grade}
            onChange={e => setParam('grade', String(e.target.value))}
            data-testid="grade-filter"
          >
            <MenuItem value="">All grades</MenuItem>
            {GRADES.map(g => (
              <MenuItem key={g} value={g}>
                {g}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id="cicd-security-state-filter">State</InputLabel>
          <Select
            labelId="cicd-security-state-filter"
            label="State"
            value={state}
            onChange={e => setParam('state', String(e.target.value))}
          >
            <MenuItem value="">All states</MenuItem>
            {STATES.map(s => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {owner && (
          <Chip
            label={`Owner: ${owner}`}
            onDelete={() => setParam('owner', '')}
          />
        )}
      </div>
      {error && (
        <Box mb={2}>
          <ResponseErrorPanel error={error} />
        </Box>
      )}
      <div data-testid="cicd-security-components-table">
        <Table<ScorecardSummary>
          key={`${q}|${grade}|${state}|${owner}`}
          title="Components"
          columns={columns}
          data={fetchPage}
          options={{
            search: false,
            paging: true,
            pageSize: PAGE_SIZE,
            pageSizeOptions: [20, 50, 100],
            sorting: true,
            padding: 'dense',
          }}
          localization={{
            body: {
              emptyDataSourceMessage:
                q || grade || state || owner
                  ? 'No component matches the filters'
                  : 'No scorecards yet: components are scanned on a schedule',
            },
          }}
        />
      </div>
    </>
  );
}
