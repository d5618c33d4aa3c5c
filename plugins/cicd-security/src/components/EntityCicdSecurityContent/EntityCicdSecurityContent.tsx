import { ReactNode } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  CodeSnippet,
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CheckResult,
  Scorecard,
  SOURCE_LOCATION_ANNOTATION,
  categoryTitle,
  cicdSecurityRefreshPermission,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Button,
  Grid,
  LinearProgress,
  Link as MuiLink,
  Tooltip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import { checkGuideRouteRef } from '../../routes';
import {
  checkGuidePath,
  formatDateTime,
  formatRelativeTime,
  formatScore,
  isFailing,
  shortRevision,
  sortChecks,
  useOptionalRouteRef,
} from '../../utils';
import {
  CategoryScores,
  CheckStatusChip,
  GradeBadge,
  ScorecardStateChip,
  SeverityChip,
} from '../ScoreDisplay';
import { CheckFindings, ScanProblems } from './CheckFindings';
import { useScorecard, UseScorecardResult } from './useScorecard';

const useStyles = makeStyles(theme => ({
  headline: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(3),
  },
  score: {
    fontSize: '2rem',
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1,
  },
  meta: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    flexGrow: 1,
  },
  mono: {
    fontFamily: 'monospace',
  },
  counts: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginTop: theme.spacing(2),
  },
}));

const sourceAnnotationExample = `metadata:
  annotations:
    ${SOURCE_LOCATION_ANNOTATION}: url:https://github.com/<org>/<repo>/tree/main/`;

/** Checks listed in the Findings section, below the table. */
function hasFindingsSection(check: CheckResult): boolean {
  return (
    isFailing(check) || check.status === 'error' || check.findings.length > 0
  );
}

/** Props of {@link EntityCicdSecurityContent}. */
export interface EntityCicdSecurityContentProps {
  /** How often to poll while a scan runs; 2 seconds by default. */
  pollIntervalMs?: number;
}

function RescanButton({ result }: { result: UseScorecardResult }) {
  const permission = usePermission({
    permission: cicdSecurityRefreshPermission,
  });
  if (result.rescanForbidden || (!permission.loading && !permission.allowed)) {
    return (
      <Tooltip title="You are not allowed to ask for a rescan">
        <span>
          <Button
            variant="outlined"
            startIcon={<RefreshIcon />}
            disabled
            data-testid="rescan-button"
          >
            Rescan
          </Button>
        </span>
      </Tooltip>
    );
  }
  return (
    <Button
      variant="outlined"
      color="primary"
      startIcon={<RefreshIcon />}
      onClick={() => result.rescan()}
      disabled={permission.loading || result.requesting || result.scanning}
      data-testid="rescan-button"
    >
      {result.scanning ? 'Scanning…' : 'Rescan'}
    </Button>
  );
}

function ScanProgress() {
  return (
    <Box mb={2} data-testid="scan-progress">
      <Typography variant="body2" gutterBottom>
        Scanning the repository…
      </Typography>
      <LinearProgress aria-label="Scan in progress" />
    </Box>
  );
}

function Summary({
  scorecard,
  action,
}: {
  scorecard: Scorecard;
  action: ReactNode;
}) {
  const classes = useStyles();
  const revision = shortRevision(scorecard.revision);
  const { counts } = scorecard;
  return (
    <InfoCard title="CI/CD security score" action={action}>
      <div className={classes.headline}>
        <GradeBadge
          grade={scorecard.grade}
          size="large"
          data-testid="cicd-security-grade"
        />
        <div>
          <span className={classes.score} data-testid="cicd-security-score">
            {formatScore(scorecard.score)}
          </span>
          <Typography component="span" color="textSecondary">
            {' '}
            / 10
          </Typography>
        </div>
        <div className={classes.meta}>
          <div>
            <ScorecardStateChip state={scorecard.state} />
          </div>
          <Typography variant="body2" color="textSecondary">
            Last scanned{' '}
            <span title={formatDateTime(scorecard.scannedAt)}>
              {formatRelativeTime(scorecard.scannedAt)}
            </span>
            {revision && (
              <>
                {' at '}
                <span className={classes.mono} title={scorecard.revision}>
                  {revision}
                </span>
              </>
            )}
          </Typography>
          {scorecard.sourceLocation && (
            <Typography
              variant="body2"
              color="textSecondary"
              className={classes.mono}
            >
              {scorecard.sourceLocation.replace(/^url:/, '')}
            </Typography>
          )}
        </div>
      </div>
      <div className={classes.counts}>
        <Typography variant="body2">{counts.passed} passed</Typography>
        <Typography variant="body2">{counts.failed} failed</Typography>
        <Typography variant="body2">{counts.warned} warnings</Typography>
        <Typography variant="body2">
          {counts.notApplicable} not applicable
        </Typography>
        {counts.inconclusive > 0 && (
          <Typography variant="body2">
            {counts.inconclusive} inconclusive
          </Typography>
        )}
        <Typography variant="body2">
          {counts.findings} findings ({counts.criticalFindings} critical)
        </Typography>
      </div>
    </InfoCard>
  );
}

function ChecksTable({
  checks,
  guideLink,
}: {
  checks: CheckResult[];
  guideLink: (checkId: string) => string;
}) {
  const columns: TableColumn<CheckResult>[] = [
    {
      title: 'Status',
      field: 'status',
      width: '8rem',
      render: check => <CheckStatusChip status={check.status} />,
    },
    {
      title: 'Check',
      field: 'title',
      render: check => (
        <>
          {hasFindingsSection(check) ? (
            <MuiLink href={`#check-${check.checkId}`}>{check.title}</MuiLink>
          ) : (
            <Link to={guideLink(check.checkId)}>{check.title}</Link>
          )}
          {check.reason && !isFailing(check) && (
            <Typography variant="caption" color="textSecondary" component="div">
              {check.reason}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Severity',
      field: 'severity',
      render: check => <SeverityChip severity={check.severity} />,
    },
    {
      title: 'Category',
      field: 'category',
      render: check => categoryTitle(check.category),
    },
    {
      title: 'Findings',
      render: check => check.findings.length,
      type: 'numeric',
    },
    {
      title: 'Score',
      field: 'score',
      type: 'numeric',
      render: check => formatScore(check.score),
    },
  ];
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
          sorting: false,
        }}
      />
    </div>
  );
}

function ScorecardView({
  scorecard,
  result,
}: {
  scorecard: Scorecard;
  result: UseScorecardResult;
}) {
  const resolveGuide = useOptionalRouteRef(checkGuideRouteRef);
  const guideLink = (checkId: string) => checkGuidePath(resolveGuide, checkId);
  const checks = sortChecks(scorecard.checks);
  const failing = checks.filter(hasFindingsSection);
  return (
    <Grid container spacing={3}>
      {result.scanning && (
        <Grid item xs={12}>
          <ScanProgress />
        </Grid>
      )}
      {scorecard.state === 'error' && (
        <Grid item xs={12}>
          <WarningPanel
            severity="error"
            title="The last scan failed"
            message={
              scorecard.stateReason ??
              'The scan did not finish. The results below are from the last successful scan.'
            }
          />
        </Grid>
      )}
      {scorecard.state === 'stale' && (
        <Grid item xs={12}>
          <WarningPanel
            title="These results may be out of date"
            message={scorecard.stateReason}
          />
        </Grid>
      )}
      {result.rescanError && (
        <Grid item xs={12}>
          <ResponseErrorPanel
            title="Could not ask for a rescan"
            error={result.rescanError}
          />
        </Grid>
      )}
      {result.error && (
        <Grid item xs={12}>
          <ResponseErrorPanel
            title="Could not reload the scorecard"
            error={result.error}
          />
        </Grid>
      )}
      <Grid item xs={12} md={6}>
        <Summary
          scorecard={scorecard}
          action={<RescanButton result={result} />}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Categories">
          <CategoryScores categories={scorecard.categories} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <ChecksTable checks={checks} guideLink={guideLink} />
      </Grid>
      {failing.length > 0 && (
        <Grid item xs={12}>
          <Typography variant="h5" component="h2" gutterBottom>
            Findings
          </Typography>
          {failing.map(check => (
            <CheckFindings
              key={check.checkId}
              check={check}
              guideLink={guideLink(check.checkId)}
              sourceLocation={scorecard.sourceLocation}
              defaultExpanded={isFailing(check)}
            />
          ))}
        </Grid>
      )}
      {scorecard.problems.length > 0 && (
        <Grid item xs={12}>
          <InfoCard
            title="Files the scan could not use"
            subheader="Parse errors and skipped files; checks did not see their content."
          >
            <ScanProblems problems={scorecard.problems} />
          </InfoCard>
        </Grid>
      )}
    </Grid>
  );
}

/**
 * The Security tab: the entity's grade, score, category scores, checks and
 * findings, with a rescan button.
 */
export function EntityCicdSecurityContent(
  props: EntityCicdSecurityContentProps,
) {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const result = useScorecard(entityRef, props.pollIntervalMs ?? 2000);
  const { scorecard } = result;

  if (result.loading) {
    return <Progress />;
  }
  if (result.error && !scorecard) {
    return <ResponseErrorPanel error={result.error} />;
  }

  const rescanButton = <RescanButton result={result} />;

  if (scorecard?.state === 'no-source') {
    return (
      <EmptyState
        missing="field"
        title="No source to scan"
        description={
          <>
            {scorecard.stateReason && (
              <Box component="span" display="block" mb={2}>
                {scorecard.stateReason}
              </Box>
            )}
            <Box component="span" display="block">
              CI/CD security scans the repository that the entity points at. Add
              the <code>{SOURCE_LOCATION_ANNOTATION}</code> annotation to the
              entity's <code>catalog-info.yaml</code>:
            </Box>
          </>
        }
        action={<CodeSnippet language="yaml" text={sourceAnnotationExample} />}
      />
    );
  }

  const hasResults =
    scorecard !== undefined &&
    (scorecard.score !== null || scorecard.checks.length > 0);

  if (!scorecard || !hasResults) {
    if (result.scanning) {
      return (
        <InfoCard title="CI/CD security score">
          <ScanProgress />
        </InfoCard>
      );
    }
    if (scorecard?.state === 'error') {
      return (
        <EmptyState
          missing="info"
          title="The scan failed"
          description={
            scorecard.stateReason ?? 'The repository could not be scanned.'
          }
          action={rescanButton}
        />
      );
    }
    return (
      <>
        {result.rescanError && (
          <ResponseErrorPanel
            title="Could not ask for a rescan"
            error={result.rescanError}
          />
        )}
        <EmptyState
          missing="data"
          title="Not scanned yet"
          description="This entity has not been scanned yet. Scans run on a schedule; you can also start one now."
          action={rescanButton}
        />
      </>
    );
  }

  return <ScorecardView scorecard={scorecard} result={result} />;
}
