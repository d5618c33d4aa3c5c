import { Fragment, useMemo, useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CHECK_CATEGORIES,
  ScoreStats,
  TeamAggregate,
  TeamSummary,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Breadcrumbs,
  Button,
  Checkbox,
  IconButton,
  Link as MuiLink,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TablePagination,
  TableRow,
  TableSortLabel,
  Typography,
  makeStyles,
  useMediaQuery,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import ChevronRightIcon from '@material-ui/icons/ChevronRight';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { takePrefetched } from '../prefetch';
import { rootRouteRef } from '../../routes';
import { formatScore, useOptionalRouteRef } from '../../utils';
import { HeatCell, VisuallyHidden } from '../Charts';
import { GradeBadge, GradeSpread } from '../ScoreDisplay';
import { CellText, WIDE_LAYOUT_QUERY } from './ComponentsTable';
import { AsOf } from './OverviewTab';
import { refName, useUrlState } from './useUrlState';

const useStyles = makeStyles(theme => ({
  cell: { padding: theme.spacing(0.5, 0.75) },
  name: {
    textAlign: 'left',
    fontWeight: theme.typography.fontWeightMedium as number,
    // One line with an ellipsis (a button does not inherit it).
    display: 'block',
    maxWidth: '100%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  up: { color: theme.palette.success?.main ?? '#2e7d32' },
  down: { color: theme.palette.error.main },
  scroll: { overflowX: 'auto' },
  // Compact cells so that the heatmap fits a 1366 pixel screen; headers wrap
  // between words, never inside one, and group names end in an ellipsis.
  heatmap: {
    '& th, & td': {
      padding: theme.spacing(0.5, 1),
      wordBreak: 'normal',
      overflowWrap: 'normal',
    },
    '& td': { whiteSpace: 'nowrap' },
    '& th': { whiteSpace: 'normal' },
  },
  caption: { whiteSpace: 'normal' },
  group: { minWidth: 140 },
  details: { backgroundColor: theme.palette.background.default },
}));

type SortKey = 'score' | 'name' | 'components' | 'change' | string;

function isAggregate(item: unknown): item is TeamAggregate {
  return typeof (item as TeamAggregate)?.groupRef === 'string';
}

export function formatChange(change: number | null | undefined): string {
  if (change === null || change === undefined) {
    return '–';
  }
  let sign = '±';
  if (change > 0) sign = '+';
  if (change < 0) sign = '−';
  return `${sign}${Math.abs(change).toFixed(1)}`;
}

function Change({ value }: { value: number | null }) {
  const classes = useStyles();
  const text = formatChange(value);
  let label = 'unchanged over 30 days';
  let className: string | undefined;
  if (value === null) {
    label = 'no history';
  } else if (value > 0) {
    label = `up ${value.toFixed(1)} over 30 days`;
    className = classes.up;
  } else if (value < 0) {
    label = `down ${Math.abs(value).toFixed(1)} over 30 days`;
    className = classes.down;
  }
  return (
    <span className={className} aria-label={label} title={label}>
      {text}
    </span>
  );
}

function teamTitle(team: TeamAggregate): string {
  return team.title ?? refName(team.groupRef);
}

/** Side-by-side figures of the teams picked for comparison. */
function Comparison({
  teams,
  onClear,
}: {
  teams: TeamAggregate[];
  onClear: () => void;
}) {
  const rows: Array<[string, (s: ScoreStats) => React.ReactNode]> = [
    ['Components', s => s.components],
    ['Scanned', s => s.scanned],
    ['Average score', s => formatScore(s.averageScore)],
    ['Median score', s => formatScore(s.medianScore)],
    ['Change over 30 days', s => <Change value={s.change30d} />],
    ['Open critical findings', s => s.openCriticalFindings],
    ['Grades', s => <GradeSpread grades={s.grades} />],
    ...CHECK_CATEGORIES.map(
      c =>
        [
          c.title,
          (s: ScoreStats) => (
            <HeatCell score={s.categories[c.id] ?? null} label={c.title} />
          ),
        ] as [string, (s: ScoreStats) => React.ReactNode],
    ),
  ];
  return (
    <InfoCard
      title={`Comparing ${teams.map(teamTitle).join(' and ')}`}
      action={<Button onClick={onClear}>Clear comparison</Button>}
    >
      <div data-testid="teams-comparison" style={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Team comparison">
          <TableHead>
            <TableRow>
              <TableCell />
              {teams.map(t => (
                <TableCell key={t.groupRef}>{teamTitle(t)}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(([label, value]) => (
              <TableRow key={label}>
                <TableCell component="th" scope="row">
                  {label}
                </TableCell>
                {teams.map(t => (
                  <TableCell key={t.groupRef}>{value(t.rollup)}</TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </InfoCard>
  );
}

/** A group's own components, the last step of the drill-down. */
function GroupComponents({
  group,
  componentsPath,
}: {
  group: TeamAggregate;
  componentsPath: string;
}) {
  const api = useApi(cicdSecurityApiRef);
  const { value, loading, error } = useAsync(
    () =>
      api.listScorecards({
        owner: group.groupRef,
        sort: 'score',
        order: 'asc',
        limit: 50,
      }),
    [api, group.groupRef],
  );
  return (
    <InfoCard
      title={`Components of ${teamTitle(group)}`}
      subheader="Worst first, including those of the teams below it"
      deepLink={{
        title: 'Open in the Components tab',
        link: `${componentsPath}?owner=${encodeURIComponent(group.groupRef)}`,
      }}
    >
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Table size="small" data-testid="team-components">
          <TableHead>
            <TableRow>
              <TableCell>Component</TableCell>
              <TableCell>Grade</TableCell>
              <TableCell align="right">Score</TableCell>
              <TableCell align="right">Critical findings</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(c => (
              <TableRow key={c.entityRef}>
                <TableCell>
                  <EntityRefLink entityRef={c.entityRef} title={c.title} />
                </TableCell>
                <TableCell>
                  <GradeBadge grade={c.grade} size="small" />
                </TableCell>
                <TableCell align="right">{formatScore(c.score)}</TableCell>
                <TableCell align="right">{c.counts.criticalFindings}</TableCell>
              </TableRow>
            ))}
            {value.totalCount > value.items.length && (
              <TableRow>
                <TableCell colSpan={4}>
                  {value.totalCount - value.items.length} more in the Components
                  tab
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/** The flat per-owner list, for owners outside the group hierarchy. */
function OwnersTable({ owners }: { owners: TeamSummary[] }) {
  return (
    <Table size="small" aria-label="Owners" data-testid="owners-table">
      <TableHead>
        <TableRow>
          <TableCell>Owner</TableCell>
          <TableCell align="right">Components</TableCell>
          <TableCell align="right">Average score</TableCell>
          <TableCell>Grades</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {owners.map(o => (
          <TableRow key={o.owner}>
            <TableCell>
              <EntityRefLink
                entityRef={o.owner}
                defaultKind="group"
                title={refName(o.owner)}
              />
            </TableCell>
            <TableCell align="right">{o.components}</TableCell>
            <TableCell align="right">{formatScore(o.averageScore)}</TableCell>
            <TableCell>
              <GradeSpread grades={o.grades} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const PAGE_SIZE = 25;

/**
 * Compare owner groups: a ranking with a heatmap of categories, the change
 * over 30 days, and a drill-down from department to team to component.
 */
export function TeamsView() {
  const classes = useStyles();
  const api = useApi(cicdSecurityApiRef);
  const root = useOptionalRouteRef(rootRouteRef);
  const rootPath = root ? root({}) : '/cicd-security';
  const componentsPath = `${rootPath.replace(/\/$/, '')}/components`;
  const url = useUrlState();
  const current = url.get('group');
  const compare = url.get('compare').split(',').filter(Boolean);
  const sortKey: SortKey = url.get('sort') || 'score';
  // Worst first unless the URL asks for another order.
  const order = url.get('order') === 'desc' ? 'desc' : 'asc';
  const wide = useMediaQuery(WIDE_LAYOUT_QUERY);
  const [open, setOpen] = useState<string[]>([]);
  const [page, setPage] = useState(0);

  const { value, loading, error } = useAsync(
    () => takePrefetched(api, 'getTeams'),
    [api],
  );

  const data = useMemo(() => {
    const raw = (value?.items ?? []) as unknown[];
    const groups = raw.filter(isAggregate);
    const owners: TeamSummary[] =
      value?.owners ?? (raw.filter(i => !isAggregate(i)) as TeamSummary[]);
    const byRef = new Map(groups.map(g => [g.groupRef, g]));
    return { groups, owners, byRef };
  }, [value]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      return (
        <EmptyState
          missing="data"
          title="No team figures"
          description="The backend does not offer team figures yet."
        />
      );
    }
    return <ResponseErrorPanel error={error} />;
  }

  const { groups, owners, byRef } = data;
  if (groups.length === 0) {
    return owners.length > 0 ? (
      <div data-testid="cicd-security-teams-table">
        <InfoCard title="Owners">
          <OwnersTable owners={owners} />
        </InfoCard>
      </div>
    ) : (
      <EmptyState
        missing="data"
        title="No teams yet"
        description="No group owns a scanned component yet."
      />
    );
  }

  const currentGroup = current ? byRef.get(current) : undefined;
  const level = currentGroup
    ? currentGroup.children
        .map(c => byRef.get(c))
        .filter((g): g is TeamAggregate => Boolean(g))
    : groups.filter(g => !g.parent || !byRef.has(g.parent));

  const valueOf = (g: TeamAggregate): number | string => {
    switch (sortKey) {
      case 'name':
        return teamTitle(g).toLocaleLowerCase('en');
      case 'components':
        return g.rollup.components;
      case 'change':
        return g.rollup.change30d ?? -Infinity;
      case 'score':
        return g.rollup.averageScore ?? -Infinity;
      default:
        return (
          g.rollup.categories[sortKey as keyof ScoreStats['categories']] ??
          -Infinity
        );
    }
  };
  const sorted = [...level].sort((a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    const cmp =
      typeof va === 'string'
        ? va.localeCompare(vb as string)
        : (va as number) - (vb as number);
    return order === 'asc' ? cmp : -cmp;
  });
  // Rank by average score, best first, whatever the display order.
  const ranks = new Map(
    [...level]
      .sort(
        (a, b) => (b.rollup.averageScore ?? -1) - (a.rollup.averageScore ?? -1),
      )
      .map((g, i) => [g.groupRef, i + 1]),
  );
  const visible = sorted.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);

  const path: TeamAggregate[] = [];
  for (
    let g = currentGroup;
    g;
    g = g.parent ? byRef.get(g.parent) : undefined
  ) {
    path.unshift(g);
    if (path.length > 20) break;
  }

  const sortBy = (key: SortKey) => {
    setPage(0);
    url.set({
      sort: key,
      order: key === sortKey && order === 'asc' ? 'desc' : 'asc',
    });
  };
  const sortLabel = (key: SortKey, label: string) => (
    <TableSortLabel
      active={sortKey === key}
      direction={sortKey === key ? order : 'asc'}
      onClick={() => sortBy(key)}
    >
      {label}
    </TableSortLabel>
  );
  const toggleCompare = (ref: string) => {
    const next = compare.includes(ref)
      ? compare.filter(r => r !== ref)
      : [...compare, ref].slice(-4);
    url.set({ compare: next.join(',') });
  };
  const compared = compare
    .map(r => byRef.get(r))
    .filter((g): g is TeamAggregate => Boolean(g));

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 24 }}>
      <Breadcrumbs aria-label="Group hierarchy">
        {currentGroup ? (
          <MuiLink
            component="button"
            onClick={() => {
              setPage(0);
              url.set({ group: '' });
            }}
          >
            All groups
          </MuiLink>
        ) : (
          <Typography color="textPrimary">All groups</Typography>
        )}
        {path.map((g, i) =>
          i === path.length - 1 ? (
            <Typography key={g.groupRef} color="textPrimary">
              {teamTitle(g)}
            </Typography>
          ) : (
            <MuiLink
              key={g.groupRef}
              component="button"
              onClick={() => {
                setPage(0);
                url.set({ group: g.groupRef });
              }}
            >
              {teamTitle(g)}
            </MuiLink>
          ),
        )}
      </Breadcrumbs>

      {compared.length >= 2 && (
        <Comparison teams={compared} onClear={() => url.set({ compare: '' })} />
      )}

      {level.length > 0 && (
        <InfoCard
          title={
            currentGroup
              ? `Groups in ${teamTitle(currentGroup)}`
              : 'Teams and departments'
          }
          subheader="Worst average score first (# is the rank, best first), with each category's average as a heatmap (red is low, green is high). Open a group to see the groups and components below it; tick two or more to compare them."
          action={<AsOf computedAt={value?.computedAt} />}
        >
          <div
            className={classes.scroll}
            data-testid="cicd-security-teams-table"
          >
            <Table
              size="small"
              aria-label="Teams by category score (heatmap)"
              data-testid="teams-heatmap"
              className={classes.heatmap}
            >
              <TableHead>
                <TableRow>
                  <TableCell
                    padding="checkbox"
                    title="Tick two or more groups to compare them"
                  >
                    <VisuallyHidden>Compare</VisuallyHidden>
                  </TableCell>
                  <TableCell>#</TableCell>
                  <TableCell>{sortLabel('name', 'Group')}</TableCell>
                  <TableCell align="right">
                    {sortLabel('components', 'Components')}
                  </TableCell>
                  <TableCell align="right">
                    {sortLabel('score', 'Average')}
                  </TableCell>
                  <TableCell align="right">
                    {sortLabel('change', '30 days')}
                  </TableCell>
                  {CHECK_CATEGORIES.map(c => (
                    <TableCell
                      key={c.id}
                      align="center"
                      className={classes.cell}
                      title={c.title}
                    >
                      {sortLabel(c.id, c.code)}
                    </TableCell>
                  ))}
                  {wide && <TableCell>Grades</TableCell>}
                </TableRow>
              </TableHead>
              <TableBody>
                {visible.map(g => {
                  const isOpen = open.includes(g.groupRef);
                  const componentsLink = (
                    <Link
                      to={`${componentsPath}?owner=${encodeURIComponent(
                        g.groupRef,
                      )}`}
                    >
                      View&nbsp;components
                    </Link>
                  );
                  return (
                    <Fragment key={g.groupRef}>
                      <TableRow data-testid="team-row" hover>
                        <TableCell padding="checkbox">
                          <Checkbox
                            checked={compare.includes(g.groupRef)}
                            onChange={() => toggleCompare(g.groupRef)}
                            inputProps={{
                              'aria-label': `Compare ${teamTitle(g)}`,
                            }}
                          />
                        </TableCell>
                        <TableCell>
                          {wide ? (
                            ranks.get(g.groupRef)
                          ) : (
                            <Box display="flex" alignItems="center">
                              <IconButton
                                size="small"
                                aria-expanded={isOpen}
                                aria-label={`${
                                  isOpen ? 'Hide' : 'Show'
                                } grades of ${teamTitle(g)}`}
                                onClick={() =>
                                  setOpen(
                                    isOpen
                                      ? open.filter(r => r !== g.groupRef)
                                      : [...open, g.groupRef],
                                  )
                                }
                              >
                                {isOpen ? (
                                  <ExpandMoreIcon fontSize="small" />
                                ) : (
                                  <ChevronRightIcon fontSize="small" />
                                )}
                              </IconButton>
                              {ranks.get(g.groupRef)}
                            </Box>
                          )}
                        </TableCell>
                        <TableCell className={classes.group}>
                          <CellText
                            title={`${teamTitle(g)} (${g.groupRef})`}
                            maxWidth={wide ? 280 : 200}
                          >
                            <MuiLink
                              component="button"
                              className={classes.name}
                              onClick={() => {
                                setPage(0);
                                url.set({ group: g.groupRef });
                              }}
                              data-testid="team-drilldown"
                            >
                              {teamTitle(g)}
                            </MuiLink>
                          </CellText>
                          <Typography
                            variant="caption"
                            color="textSecondary"
                            component="div"
                            className={classes.caption}
                          >
                            {g.type ? `${g.type} · ` : ''}
                            {g.children.length > 0
                              ? `${g.children.length}\u00a0groups · `
                              : ''}
                            {componentsLink}
                          </Typography>
                        </TableCell>
                        <TableCell align="right">
                          {g.rollup.components}
                        </TableCell>
                        <TableCell align="right">
                          {formatScore(g.rollup.averageScore)}
                        </TableCell>
                        <TableCell align="right">
                          <Change value={g.rollup.change30d} />
                        </TableCell>
                        {CHECK_CATEGORIES.map(c => (
                          <TableCell key={c.id} className={classes.cell}>
                            <HeatCell
                              score={g.rollup.categories[c.id] ?? null}
                              label={`${teamTitle(g)}, ${c.title}`}
                            />
                          </TableCell>
                        ))}
                        {wide && (
                          <TableCell>
                            <GradeSpread grades={g.rollup.grades} />
                          </TableCell>
                        )}
                      </TableRow>
                      {!wide && isOpen && (
                        <TableRow
                          className={classes.details}
                          data-testid="team-details"
                        >
                          <TableCell />
                          <TableCell colSpan={5 + CHECK_CATEGORIES.length}>
                            <Box
                              display="flex"
                              flexWrap="wrap"
                              alignItems="center"
                              style={{ gap: '8px 24px' }}
                            >
                              <span>
                                <Typography
                                  variant="caption"
                                  color="textSecondary"
                                  component="span"
                                >
                                  Grades{' '}
                                </Typography>
                                <GradeSpread grades={g.rollup.grades} />
                              </span>
                              <Typography variant="body2" component="span">
                                {g.direct.components} owned directly ·{' '}
                                {g.rollup.openCriticalFindings} open critical
                                findings
                              </Typography>
                            </Box>
                          </TableCell>
                        </TableRow>
                      )}
                    </Fragment>
                  );
                })}
              </TableBody>
            </Table>
            {sorted.length > PAGE_SIZE && (
              <TablePagination
                component="div"
                count={sorted.length}
                page={page}
                rowsPerPage={PAGE_SIZE}
                rowsPerPageOptions={[PAGE_SIZE]}
                onPageChange={(_e, p) => setPage(p)}
              />
            )}
          </div>
        </InfoCard>
      )}

      {currentGroup && (
        <GroupComponents group={currentGroup} componentsPath={componentsPath} />
      )}

      {!currentGroup && owners.some(o => !byRef.has(o.owner)) && (
        <InfoCard title="Owners outside the group hierarchy">
          <OwnersTable owners={owners.filter(o => !byRef.has(o.owner))} />
        </InfoCard>
      )}
    </Box>
  );
}
