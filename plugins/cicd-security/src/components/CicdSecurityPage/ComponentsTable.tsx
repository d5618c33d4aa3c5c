import {
  CSSProperties,
  ReactNode,
  useCallback,
  useMemo,
  useRef,
  useState,
} from 'react';
import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  GRADES,
  ScorecardSortField,
  ScorecardState,
  ScorecardSummary,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Button,
  Chip,
  FormControl,
  InputAdornment,
  InputLabel,
  MenuItem,
  Select,
  TextField,
  Typography,
  makeStyles,
  useMediaQuery,
} from '@material-ui/core';
import Autocomplete from '@material-ui/lab/Autocomplete';
import SearchIcon from '@material-ui/icons/Search';
import GetAppIcon from '@material-ui/icons/GetApp';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { takePrefetched } from '../prefetch';
import {
  formatDateTime,
  formatRelativeTime,
  formatScore,
  saveBlob,
} from '../../utils';
import { GradeBadge, ScorecardStateChip } from '../ScoreDisplay';
import {
  DEFAULT_SORT,
  PAGE_SIZE,
  useComponentFilters,
} from './useComponentFilters';
import { refName } from './useUrlState';

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
  owner: {
    minWidth: 240,
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
const KINDS = ['component', 'api', 'resource', 'system'];
const LIFECYCLES = ['production', 'experimental', 'deprecated'];

const SORTABLE: ReadonlyArray<ScorecardSortField> = [
  'name',
  'score',
  'grade',
  'owner',
  'system',
  'kind',
  'lifecycle',
  'state',
  'criticalFindings',
  'findings',
  'scannedAt',
];

/** Table column field → sort field of the API. */
const FIELD_TO_SORT: Record<string, ScorecardSortField> = {
  name: 'name',
  owner: 'owner',
  system: 'system',
  kind: 'kind',
  lifecycle: 'lifecycle',
  grade: 'grade',
  score: 'score',
  state: 'state',
  'counts.criticalFindings': 'criticalFindings',
  'counts.findings': 'findings',
  scannedAt: 'scannedAt',
};

/**
 * From this viewport width up, System, Kind and Lifecycle get columns of
 * their own; below it they move into each row's detail panel, so that the
 * table fits a 1366 or 1440 pixel screen without scrolling sideways.
 */
export const WIDE_LAYOUT_QUERY = '(min-width:1600px)';

/**
 * Column headers wrap between words, never inside one; headers and cells
 * keep narrow side padding so that eight columns fit a 1366 pixel screen.
 */
const HEADER_STYLE: CSSProperties = {
  whiteSpace: 'normal',
  wordBreak: 'normal',
  overflowWrap: 'normal',
  paddingLeft: 6,
  paddingRight: 6,
};
const CELL_STYLE: CSSProperties = { paddingLeft: 6, paddingRight: 6 };

/** One line of text that ends in an ellipsis instead of breaking words; the whole text is its tooltip. */
export const ONE_LINE: CSSProperties = {
  display: 'block',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  whiteSpace: 'nowrap',
};

const useCellStyles = makeStyles({
  // Entity links lay out their icon and text as a flex box, which would
  // clip the text without an ellipsis: lay them out inline instead.
  oneLine: {
    '& a > span': { display: 'inline' },
    '& a > span > span:first-child': {
      display: 'inline-block',
      verticalAlign: 'text-bottom',
    },
  },
});

export function CellText(props: {
  title?: string;
  maxWidth: number;
  children: ReactNode;
  testId?: string;
}) {
  const classes = useCellStyles();
  return (
    <span
      className={classes.oneLine}
      title={props.title}
      style={{ ...ONE_LINE, maxWidth: props.maxWidth }}
      data-testid={props.testId}
    >
      {props.children}
    </span>
  );
}

/** What the narrow layout moves out of the columns, shown when a row opens. */
function ComponentDetails({ row }: { row: ScorecardSummary }) {
  const items: Array<[string, ReactNode]> = [
    [
      'System',
      row.system ? (
        <EntityRefLink
          entityRef={row.system}
          defaultKind="system"
          title={refName(row.system)}
        />
      ) : (
        '–'
      ),
    ],
    ['Kind', `${row.kind}${row.type ? ` · ${row.type}` : ''}`],
    ['Lifecycle', row.lifecycle ?? '–'],
    ['Last scanned', formatDateTime(row.scannedAt) ?? 'never'],
    ...(row.stateReason
      ? ([['State', row.stateReason]] as Array<[string, ReactNode]>)
      : []),
    ...(row.revision
      ? ([['Revision', row.revision]] as Array<[string, ReactNode]>)
      : []),
    ...(row.sourceLocation
      ? ([['Source', row.sourceLocation]] as Array<[string, ReactNode]>)
      : []),
  ];
  return (
    <Box
      px={9}
      py={1.5}
      display="flex"
      flexWrap="wrap"
      style={{ gap: '8px 32px' }}
      data-testid={`component-details-${row.entityRef}`}
    >
      {items.map(([label, value]) => (
        <Box key={label} minWidth={0} maxWidth="100%">
          <Typography variant="caption" color="textSecondary" component="div">
            {label}
          </Typography>
          <Typography
            variant="body2"
            component="div"
            style={{ overflowWrap: 'break-word' }}
          >
            {value}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

/** The org-wide list of scorecards, paged, sorted and filtered by the backend. */
export function ComponentsTable() {
  const classes = useStyles();
  const api = useApi(cicdSecurityApiRef);
  const alertApi = useApi(alertApiRef);
  const {
    url,
    filters,
    owner,
    kind,
    lifecycle,
    gradeList,
    sortParam,
    orderParam,
    searchText,
    setSearchText,
    systemText,
    setSystemText,
    query,
    clearFilters,
  } = useComponentFilters();
  const [error, setError] = useState<Error>();
  const [exporting, setExporting] = useState(false);
  const wide = useMediaQuery(WIDE_LAYOUT_QUERY);
  // Worst first unless the URL asks for another order.
  const sortBy: ScorecardSortField | '' = sortParam || DEFAULT_SORT;
  const orderBy = sortParam ? orderParam : 'asc';

  // Owners (with the group hierarchy) and checks for the filter pickers.
  const teams = useAsync(async () => {
    try {
      return await takePrefetched(api, 'getTeams');
    } catch {
      return undefined;
    }
  }, [api]);
  const checks = useAsync(async () => {
    try {
      return (await takePrefetched(api, 'getChecks')).items;
    } catch {
      return [];
    }
  }, [api]);
  const ownerOptions = useMemo(() => {
    const refs = new Set<string>();
    for (const t of teams.value?.items ?? []) refs.add(t.groupRef);
    for (const o of teams.value?.owners ?? []) refs.add(o.owner);
    if (owner) refs.add(owner);
    return [...refs].sort((a, b) => refName(a).localeCompare(refName(b)));
  }, [teams.value, owner]);
  // Owners are named from the group hierarchy the page already has, so that
  // the table does not wait for the catalog to look up each one's title.
  const groups = useMemo(
    () =>
      new Map(
        (teams.value?.items ?? []).map(t => [
          t.groupRef.toLocaleLowerCase('en-US'),
          t,
        ]),
      ),
    [teams.value],
  );
  const ownerTitle = useCallback(
    (ref: string) =>
      groups.get(ref.toLocaleLowerCase('en-US'))?.title ?? refName(ref),
    [groups],
  );
  /** The owner filter's label: the title and the group's type. */
  const ownerLabel = (ref: string) => {
    const type = groups.get(ref.toLocaleLowerCase('en-US'))?.type;
    return `${ownerTitle(ref)}${type ? ` (${type})` : ''}`;
  };

  // The table is re-created when the filters change; it starts with the sort
  // in the URL at that moment, and later sort changes go to the URL.
  const tableKey = JSON.stringify(query);
  const initialSort = useMemo(
    () => ({ sort: sortBy, order: orderBy }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [tableKey],
  );
  const initialSortRef = useRef(initialSort);
  initialSortRef.current = initialSort;

  const fetchPage = useCallback(
    async (tableQuery: {
      page: number;
      pageSize: number;
      orderBy?: { field?: unknown };
      orderDirection?: 'asc' | 'desc' | '';
    }) => {
      const field = tableQuery.orderBy?.field;
      let sort: ScorecardSortField | undefined;
      if (typeof field === 'string' && FIELD_TO_SORT[field]) {
        sort = FIELD_TO_SORT[field];
      } else if (
        !tableQuery.orderBy &&
        SORTABLE.includes(initialSortRef.current.sort as ScorecardSortField)
      ) {
        sort = initialSortRef.current.sort as ScorecardSortField;
      }
      const order = tableQuery.orderBy?.field
        ? tableQuery.orderDirection || 'asc'
        : initialSortRef.current.order;
      try {
        const response = await takePrefetched(api, 'listScorecards', {
          ...query,
          sort,
          order: sort ? order : undefined,
          limit: tableQuery.pageSize,
          offset: tableQuery.page * tableQuery.pageSize,
        });
        setError(undefined);
        return {
          // material-table keeps a row's state (an open panel) by its id.
          data: response.items.map(item => ({ ...item, id: item.entityRef })),
          page: tableQuery.page,
          totalCount: response.totalCount,
        };
      } catch (e) {
        setError(e as Error);
        return { data: [], page: 0, totalCount: 0 };
      }
    },
    [api, query],
  );

  const exportCsv = useCallback(async () => {
    setExporting(true);
    try {
      const blob = await api.exportScorecards({
        ...query,
        sort: sortBy || undefined,
        order: sortBy ? orderBy : undefined,
      });
      saveBlob(blob, 'cicd-security-scorecards.csv');
    } catch (e) {
      alertApi.post({
        message: `Could not export the list: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
  }, [api, alertApi, query, sortBy, orderBy]);

  const columns = useMemo<TableColumn<ScorecardSummary>[]>(() => {
    const sortOf = (field: string) =>
      FIELD_TO_SORT[field] === initialSort.sort ? initialSort.order : undefined;
    const nameOf = (row: ScorecardSummary) =>
      row.title ? `${row.title} (${row.entityRef})` : row.entityRef;
    const nowrap: CSSProperties = { whiteSpace: 'nowrap' };
    const all: Array<TableColumn<ScorecardSummary> & { secondary?: true }> = [
      {
        title: 'Name',
        field: 'name',
        highlight: true,
        defaultSort: sortOf('name'),
        render: row => (
          <>
            <CellText title={nameOf(row)} maxWidth={wide ? 320 : 190}>
              <EntityRefLink entityRef={row.entityRef} title={row.title} />
            </CellText>
            {!wide && (
              <Typography variant="caption" color="textSecondary">
                <CellText
                  maxWidth={190}
                  title={`${row.kind}${row.type ? ` · ${row.type}` : ''}${
                    row.lifecycle ? ` · ${row.lifecycle}` : ''
                  }`}
                >
                  {row.kind}
                  {row.type ? ` · ${row.type}` : ''}
                  {row.lifecycle ? ` · ${row.lifecycle}` : ''}
                </CellText>
              </Typography>
            )}
          </>
        ),
      },
      {
        title: 'Owner',
        field: 'owner',
        width: '150px',
        defaultSort: sortOf('owner'),
        render: row =>
          row.owner ? (
            <CellText title={row.owner} maxWidth={140}>
              <EntityRefLink
                entityRef={row.owner}
                defaultKind="group"
                title={ownerTitle(row.owner)}
              />
            </CellText>
          ) : (
            '–'
          ),
      },
      {
        title: 'System',
        field: 'system',
        width: '180px',
        secondary: true,
        defaultSort: sortOf('system'),
        render: row =>
          row.system ? (
            <CellText title={row.system} maxWidth={180}>
              <EntityRefLink
                entityRef={row.system}
                defaultKind="system"
                title={refName(row.system)}
              />
            </CellText>
          ) : (
            '–'
          ),
      },
      {
        title: 'Kind',
        width: '150px',
        field: 'kind',
        secondary: true,
        defaultSort: sortOf('kind'),
        render: row => (
          <CellText maxWidth={160}>
            {`${row.kind}${row.type ? ` · ${row.type}` : ''}`}
          </CellText>
        ),
      },
      {
        title: 'Lifecycle',
        width: '96px',
        field: 'lifecycle',
        secondary: true,
        defaultSort: sortOf('lifecycle'),
        render: row => row.lifecycle ?? '–',
      },
      {
        title: 'Grade',
        width: '64px',
        field: 'grade',
        defaultSort: sortOf('grade'),
        render: row => <GradeBadge grade={row.grade} size="small" />,
      },
      {
        title: 'Score',
        width: '64px',
        field: 'score',
        defaultSort: sortOf('score'),
        render: row => formatScore(row.score),
      },
      {
        title: 'State',
        width: '104px',
        field: 'state',
        defaultSort: sortOf('state'),
        render: row => (
          <span title={row.stateReason} style={nowrap}>
            <ScorecardStateChip state={row.state} reason={row.stateReason} />
          </span>
        ),
      },
      {
        title: 'Critical',
        width: '72px',
        field: 'counts.criticalFindings',
        defaultSort: sortOf('counts.criticalFindings'),
        render: row => row.counts.criticalFindings,
      },
      {
        title: 'Findings',
        width: '80px',
        field: 'counts.findings',
        defaultSort: sortOf('counts.findings'),
        render: row => row.counts.findings,
      },
      {
        title: 'Last scanned',
        width: '104px',
        field: 'scannedAt',
        defaultSort: sortOf('scannedAt'),
        render: row => (
          <span title={formatDateTime(row.scannedAt)} style={nowrap}>
            {formatRelativeTime(row.scannedAt)}
          </span>
        ),
      },
    ];
    // Headers wrap between words (never inside one); narrow screens leave
    // the secondary columns to the detail panel.
    return all
      .filter(c => wide || !c.secondary)
      .map(({ secondary: _secondary, ...c }) => ({
        ...c,
        // Copies: the Table sets the highlighted column's font on its style.
        headerStyle: { ...HEADER_STYLE },
        cellStyle: { ...CELL_STYLE },
      }));
  }, [initialSort, wide, ownerTitle]);

  const filtered = Object.keys(filters).length > 0;
  const failingCheckTitle =
    checks.value?.find(c => c.id === filters.failingCheck)?.title ??
    filters.failingCheck;

  return (
    <>
      <div className={classes.filters} data-testid="components-filters">
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
        <Autocomplete
          className={classes.owner}
          options={ownerOptions}
          value={owner || null}
          onChange={(_e, value) => url.set({ owner: value ?? '' })}
          getOptionLabel={ownerLabel}
          renderInput={params => (
            <TextField
              {...params}
              label="Owner (with sub-teams)"
              variant="outlined"
              size="small"
              inputProps={{
                ...params.inputProps,
                'aria-label': 'Owner',
                'data-testid': 'owner-filter',
              }}
            />
          )}
        />
        <TextField
          label="System"
          placeholder="system:default/payments"
          variant="outlined"
          size="small"
          value={systemText}
          onChange={e => setSystemText(e.target.value)}
          inputProps={{ 'aria-label': 'System' }}
        />
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id="cicd-security-kind-filter">Kind</InputLabel>
          <Select
            labelId="cicd-security-kind-filter"
            label="Kind"
            value={kind}
            onChange={e => url.set({ kind: String(e.target.value) })}
          >
            <MenuItem value="">All kinds</MenuItem>
            {KINDS.map(k => (
              <MenuItem key={k} value={k}>
                {k}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id="cicd-security-lifecycle-filter">Lifecycle</InputLabel>
          <Select
            labelId="cicd-security-lifecycle-filter"
            label="Lifecycle"
            value={lifecycle}
            onChange={e => url.set({ lifecycle: String(e.target.value) })}
          >
            <MenuItem value="">All lifecycles</MenuItem>
            {LIFECYCLES.map(l => (
              <MenuItem key={l} value={l}>
                {l}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl variant="outlined" size="small" className={classes.select}>
          <InputLabel id="cicd-security-grade-filter">Grade</InputLabel>
          <Select
            labelId="cicd-security-grade-filter"
            label="Grade"
            multiple
            value={gradeList}
            renderValue={v => (v as string[]).join(', ')}
            onChange={e =>
              url.set({
                grade: GRADES.filter(g =>
                  (e.target.value as string[]).includes(g),
                ).join(','),
              })
            }
            data-testid="grade-filter"
          >
            {GRADES.map(g => (
              <MenuItem key={g} value={g} data-testid={`grade-option-${g}`}>
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
            value={filters.state ?? ''}
            onChange={e => url.set({ state: String(e.target.value) })}
          >
            <MenuItem value="">All states</MenuItem>
            {STATES.map(s => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl variant="outlined" size="small" className={classes.owner}>
          <InputLabel id="cicd-security-check-filter">Failing check</InputLabel>
          <Select
            labelId="cicd-security-check-filter"
            label="Failing check"
            value={
              checks.value?.some(c => c.id === filters.failingCheck)
                ? filters.failingCheck
                : ''
            }
            onChange={e => url.set({ failingCheck: String(e.target.value) })}
          >
            <MenuItem value="">Any check</MenuItem>
            {(checks.value ?? []).map(c => (
              <MenuItem key={c.id} value={c.id}>
                {c.title}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Box flexGrow={1} />
        <Button
          variant="outlined"
          color="primary"
          startIcon={<GetAppIcon />}
          onClick={exportCsv}
          disabled={exporting}
          data-testid="export-csv"
        >
          Export CSV
        </Button>
      </div>
      {filtered && (
        <Box mb={2} display="flex" flexWrap="wrap" style={{ gap: 8 }}>
          {owner && (
            <Chip
              label={`Owner: ${ownerLabel(owner)}`}
              onDelete={() => url.set({ owner: '' })}
            />
          )}
          {filters.failingCheck && (
            <Chip
              label={`Failing: ${failingCheckTitle}`}
              onDelete={() => url.set({ failingCheck: '' })}
            />
          )}
          <Button size="small" onClick={clearFilters}>
            Clear filters
          </Button>
        </Box>
      )}
      {error && (
        <Box mb={2}>
          <ResponseErrorPanel error={error} />
        </Box>
      )}
      <div data-testid="cicd-security-components-table">
        <Table<ScorecardSummary>
          key={tableKey}
          title="Components"
          columns={columns}
          data={fetchPage}
          onOrderChange={(index: number, direction: 'asc' | 'desc') => {
            const field = columns[index]?.field as string | undefined;
            url.set({
              sort: field && index >= 0 ? FIELD_TO_SORT[field] : '',
              order: field && index >= 0 ? direction : '',
            });
          }}
          detailPanel={
            wide
              ? undefined
              : [
                  {
                    tooltip: 'System, kind, lifecycle and source',
                    render: ({ rowData }) => (
                      <ComponentDetails row={rowData as ScorecardSummary} />
                    ),
                  },
                ]
          }
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
              emptyDataSourceMessage: filtered
                ? 'No component matches the filters'
                : 'No scorecards yet: components are scanned on a schedule',
            },
          }}
        />
      </div>
    </>
  );
}
