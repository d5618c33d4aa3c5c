import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  CHECK_CATEGORIES,
  GRADES,
} from '@cicd-security/plugin-cicd-security-common';
import { Grid, Typography, makeStyles } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { takePrefetched } from '../prefetch';
import { rootRouteRef } from '../../routes';
import {
  GRADE_COLORS,
  formatDateTime,
  formatRelativeTime,
  formatScore,
  useOptionalRouteRef,
} from '../../utils';
import { BarChart, TrendChart } from '../Charts';
import { CategoryScores } from '../ScoreDisplay';
import { formatChange } from './TeamsView';

const useStyles = makeStyles(theme => ({
  kpi: {
    fontSize: '2.25rem',
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.1,
  },
}));

function Kpi(props: {
  title: string;
  value: string;
  detail?: string;
  testId: string;
  link?: { title: string; link: string };
}) {
  const classes = useStyles();
  return (
    <InfoCard title={props.title} deepLink={props.link}>
      <div className={classes.kpi} data-testid={props.testId}>
        {props.value}
      </div>
      {props.detail && (
        <Typography variant="body2" color="textSecondary">
          {props.detail}
        </Typography>
      )}
    </InfoCard>
  );
}

/**
 * How fresh cached org-wide figures are: "as of 2 minutes ago", with the
 * exact time as a tooltip. Renders nothing when the backend does not say.
 */
export function AsOf({ computedAt }: { computedAt?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!computedAt || Number.isNaN(Date.parse(computedAt))) return null;
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="span"
      data-testid="as-of"
      title={`Figures computed ${formatDateTime(
        computedAt,
      )}; org-wide figures are reused for a few seconds, so a scan may take that long to show here.`}
    >
      as of {formatRelativeTime(computedAt, Math.max(now, Date.now()))}
    </Typography>
  );
}

/** The average card's second line; plain words until there is a change to show. */
function averageDetail(change30d: number | null | undefined): string {
  if (typeof change30d !== 'number' || !Number.isFinite(change30d)) {
    return 'Out of 10 · No change to compare yet';
  }
  return `Out of 10 · ${formatChange(change30d)} over 30 days`;
}

/** KPIs, grade distribution and the org-wide trend. */
export function OverviewTab() {
  const api = useApi(cicdSecurityApiRef);
  const root = useOptionalRouteRef(rootRouteRef);
  const base = (root ? root({}) : '/cicd-security').replace(/\/$/, '');
  const { value, loading, error } = useAsync(
    () => takePrefetched(api, 'getOverview'),
    [api],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      return (
        <EmptyState
          missing="data"
          title="No overview yet"
          description="The backend does not offer org-wide figures yet; the Components tab lists every scorecard."
        />
      );
    }
    return <ResponseErrorPanel error={error} />;
  }
  if (!value) {
    return null;
  }
  const { stats, shareAB, trend, computedAt } = value;
  const gradeBars = GRADES.map(g => ({
    label: g,
    value: stats.grades[g] ?? 0,
    color: GRADE_COLORS[g],
  }));
  const categories = CHECK_CATEGORIES.map(c => ({
    category: c.id,
    score: stats.categories[c.id] ?? null,
    applicable: stats.scanned,
    failing: 0,
  }));

  return (
    <Grid container spacing={3} data-testid="cicd-security-overview">
      <Grid item xs={12} style={{ paddingBottom: 0, textAlign: 'right' }}>
        <AsOf computedAt={computedAt} />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Kpi
          title="Average score"
          value={formatScore(stats.averageScore)}
          detail={averageDetail(stats.change30d)}
          testId="kpi-average-score"
        />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Kpi
          title="Graded A or B"
          value={shareAB === null ? '–' : `${Math.round(shareAB * 100)}%`}
          detail={`${(stats.grades.A ?? 0) + (stats.grades.B ?? 0)} of ${
            stats.scanned
          } scanned components`}
          testId="kpi-share-ab"
          link={{ title: 'See them', link: `${base}/components?grade=A,B` }}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Kpi
          title="Open critical findings"
          value={String(stats.openCriticalFindings)}
          detail="Not suppressed or waived"
          testId="kpi-critical"
          link={{
            title: 'Worst components',
            link: `${base}/components?sort=criticalFindings&order=desc`,
          }}
        />
      </Grid>
      <Grid item xs={12} sm={6} md={3}>
        <Kpi
          title="Components"
          value={String(stats.components)}
          detail={`${stats.scanned} scanned · median ${formatScore(
            stats.medianScore,
          )}`}
          testId="kpi-components"
        />
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title="Grade distribution">
          <BarChart
            label="Components per grade"
            bars={gradeBars}
            data-testid="grade-distribution"
          />
          <Typography variant="body2" color="textSecondary">
            {GRADES.map(g => (
              <span key={g} style={{ marginRight: 12 }}>
                <Link to={`${base}/components?grade=${g}`}>
                  {stats.grades[g] ?? 0} {g}
                </Link>
              </span>
            ))}
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={7}>
        <InfoCard title="Average score over time">
          <TrendChart
            label="Average score of all components"
            points={trend.map(t => ({ date: t.date, value: t.averageScore }))}
            height={180}
            data-testid="org-trend"
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Average per category">
          <CategoryScores categories={categories} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
