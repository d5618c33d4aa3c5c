import { ReactNode, useMemo, useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  CodeSnippet,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  CheckResult,
  Scorecard,
  SOURCE_LOCATION_ANNOTATION,
  cicdSecurityRefreshPermission,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Button,
  Grid,
  LinearProgress,
  Tooltip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import RefreshIcon from '@material-ui/icons/Refresh';
import GetAppIcon from '@material-ui/icons/GetApp';
import { CicdSecurityApi, cicdSecurityApiRef } from '../../api';
import { DEFAULT_FRAMEWORK } from '../Compliance/FrameworkSelect';
import { ENTITY_HISTORY_LIMIT, prefetch } from '../prefetch';
import { checkGuideRouteRef } from '../../routes';
import {
  checkGuidePath,
  formatDateTime,
  formatRelativeTime,
  formatScore,
  isFailing,
  saveBlob,
  shortRevision,
  sortChecks,
  useOptionalRouteRef,
} from '../../utils';
import { EntityComplianceCard } from '../Compliance';
import { EvidenceDownloadButton } from '../Evidence';
import { EntityPoliciesCard } from '../Policies';
import {
  CategoryScores,
  GradeBadge,
  ScorecardStateChip,
  factsDelayed,
} from '../ScoreDisplay';
import { ScanProblems } from './CheckFindings';
import { FindingsByCheck } from './FindingsByCheck';
import { FixFirstCard } from './FixFirst';
import { ChangesSinceLastScan } from './ChangesSinceLastScan';
import {
  FactsRead,
  InconclusiveChecks,
  ScoreExplanationCard,
  ScoreTrend,
  WaivedAndSuppressed,
} from './ScoreDetails';
import { useScorecard, UseScorecardResult } from './useScorecard';
import {
  WaiveButton,
  WaiverDialog,
  WaiversCard,
  entityOwnerRef,
  useWaiverPermission,
} from '../Waivers';
import { EntityChecksTable, hasFindingsSection } from './EntityChecksTable';

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
    wordBreak: 'break-all',
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  summaryActions: {
    display: 'flex',
    justifyContent: 'flex-end',
    maxWidth: '100%',
    marginBottom: theme.spacing(1),
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

/** Props of {@link EntityCicdSecurityContent}. */
export interface EntityCicdSecurityContentProps {
  /** How often to poll while a scan runs; 2 seconds by default. */
  pollIntervalMs?: number;
}

function RescanButton({ result }: { result: UseScorecardResult }) {
  const { entity } = useEntity();
  const permission = usePermission({
    permission: cicdSecurityRefreshPermission,
    resourceRef: stringifyEntityRef(entity),
  });
  if (!permission.loading && !permission.allowed) {
    // Only users who may ask for a rescan see the button.
    return null;
  }
  if (result.rescanForbidden) {
    return (
      <Tooltip title="You are not allowed to ask for a rescan">
        <span>
          <Button
            variant="outlined"
            startIcon={<RefreshIcon />}
            disabled
            data-testid="rescan-button"
          >
            Rescan now
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
      {result.scanning ? 'Scanning…' : 'Rescan now'}
    </Button>
  );
}

function SarifButton() {
  const { entity } = useEntity();
  const api = useApi(cicdSecurityApiRef);
  const alertApi = useApi(alertApiRef);
  const [downloading, setDownloading] = useState(false);
  const download = async () => {
    setDownloading(true);
    try {
      const blob = await api.getSarif(stringifyEntityRef(entity));
      saveBlob(blob, `${entity.metadata.name}.sarif`);
    } catch (e) {
      alertApi.post({
        message: `Could not download the SARIF file: ${(e as Error).message}`,
        severity: 'error',
      });
    } finally {
      setDownloading(false);
    }
  };
  return (
    <Tooltip title="The findings as a SARIF 2.1.0 file, for code scanning tools">
      <Button
        variant="outlined"
        startIcon={<GetAppIcon />}
        onClick={download}
        disabled={downloading}
        data-testid="sarif-download-button"
      >
        {downloading ? 'Downloading…' : 'Download SARIF'}
      </Button>
    </Tooltip>
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

function SummaryActions({ result }: { result: UseScorecardResult }) {
  const classes = useStyles();
  return (
    <div className={classes.actions}>
      <SarifButton />
      {result.scorecard && (
        <EvidenceDownloadButton entityRef={result.scorecard.entityRef} />
      )}
      <RescanButton result={result} />
    </div>
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
    <InfoCard title="CI/CD security score">
      {/* In the card's body, not its header: the header's action slot never
          shrinks, and "Scanning…" beside "Download SARIF" ran past narrow cards. */}
      <div className={classes.summaryActions}>{action}</div>
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
            <ScorecardStateChip
              state={scorecard.state}
              reason={scorecard.stateReason}
            />
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
  // A link template (dir: sources with cicdSecurity.sources.linkTemplate),
  // the SCM URL, or the location as written.
  const sourceBase =
    scorecard.scmUrl ??
    scorecard.sourceLinkTemplate ??
    scorecard.sourceLocation;
  const checkTitle = (checkId: string) =>
    checks.find(c => c.checkId === checkId)?.title ?? checkId;
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const ownerRef = entityOwnerRef(entity);
  const alertApi = useApi(alertApiRef);
  const waivePermission = useWaiverPermission(entityRef);
  const [waiving, setWaiving] = useState<CheckResult>();
  const [waiversRevision, setWaiversRevision] = useState(0);
  const onWaive = waivePermission.allowed ? setWaiving : undefined;
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
            title={
              factsDelayed(scorecard.state, scorecard.stateReason)
                ? 'SCM settings could not be read yet: the results below are from the last scan'
                : 'These results may be out of date'
            }
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
      {scorecard.fixFirst && scorecard.fixFirst.length > 0 && (
        <Grid item xs={12}>
          <FixFirstCard scorecard={scorecard} guideLink={guideLink} />
        </Grid>
      )}
      <ChangesSinceLastScan scorecard={scorecard} />
      <Grid item xs={12} md={6}>
        <Summary
          scorecard={scorecard}
          action={<SummaryActions result={result} />}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Categories">
          <CategoryScores categories={scorecard.categories} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <ScoreTrend
          entityRef={scorecard.entityRef}
          revision={scorecard.scannedAt}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <InconclusiveChecks checks={checks} />
      </Grid>
      {scorecard.facts && scorecard.facts.length > 0 && (
        <Grid item xs={12}>
          <FactsRead facts={scorecard.facts} />
        </Grid>
      )}
      <Grid item xs={12}>
        <EntityPoliciesCard entityRef={entityRef} />
      </Grid>
      <Grid item xs={12}>
        <EntityChecksTable
          checks={checks}
          score={scorecard.score}
          fixFirst={scorecard.fixFirst}
          guideLink={guideLink}
          onWaive={onWaive}
        />
      </Grid>
      {failing.length > 0 && (
        <Grid item xs={12}>
          <FindingsByCheck
            checks={failing}
            guideLink={guideLink}
            sourceLocation={sourceBase}
            action={check =>
              onWaive && isFailing(check) ? (
                <WaiveButton check={check} onWaive={onWaive} size="small" />
              ) : undefined
            }
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <WaivedAndSuppressed checks={checks} sourceLocation={sourceBase} />
      </Grid>
      <Grid item xs={12}>
        <WaiversCard
          entityRef={entityRef}
          checkTitle={checkTitle}
          revision={waiversRevision}
          onChanged={() => result.reload()}
        />
      </Grid>
      <Grid item xs={12}>
        <EntityComplianceCard entityRef={entityRef} />
      </Grid>
      <Grid item xs={12}>
        <ScoreExplanationCard scorecard={scorecard} checkTitle={checkTitle} />
      </Grid>
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
      <WaiverDialog
        check={waiving}
        entityRef={entityRef}
        ownerRef={ownerRef}
        onClose={() => setWaiving(undefined)}
        onCreated={waiver => {
          setWaiving(undefined);
          alertApi.post({
            message: `“${checkTitle(waiver.checkId)}” is waived until ${
              formatDateTime(waiver.expiresAt) ?? waiver.expiresAt
            }. The score is being updated.`,
            severity: 'success',
            display: 'transient',
          });
          setWaiversRevision(r => r + 1);
          result.reload();
        }}
      />
    </Grid>
  );
}

/** Starts the requests of the tab's cards (see `prefetch.ts`). */
function prefetchEntityCards(api: CicdSecurityApi, entityRef: string) {
  prefetch(api, 'getScorecardHistory', entityRef, {
    limit: ENTITY_HISTORY_LIMIT,
  });
  prefetch(api, 'getEntityPolicies', entityRef);
  prefetch(api, 'listWaivers', { entityRef });
  prefetch(api, 'getCompliance', DEFAULT_FRAMEWORK, { entityRef });
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
  const api = useApi(cicdSecurityApiRef);
  // What the tab's cards show is asked for with the scorecard, not after it.
  useMemo(() => prefetchEntityCards(api, entityRef), [api, entityRef]);
  // So are the permissions of the rescan and waive buttons (the buttons read
  // the same answers), instead of a request and a re-render after the tab.
  usePermission({
    permission: cicdSecurityRefreshPermission,
    resourceRef: entityRef,
  });
  useWaiverPermission(entityRef);
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
