import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Typography, makeStyles } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { checkGuideRouteRef, entityContentRouteRef } from '../../routes';
import {
  checkGuidePath,
  formatRelativeTime,
  formatScore,
  isFailing,
  sortChecks,
  useOptionalRouteRef,
} from '../../utils';
import { GradeBadge, ScorecardStateChip, SeverityChip } from '../ScoreDisplay';

const useStyles = makeStyles(theme => ({
  headline: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  score: {
    fontSize: '1.75rem',
    fontWeight: theme.typography.fontWeightBold as number,
  },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
  },
}));

/** Props of {@link EntityCicdSecurityCard}. */
export interface EntityCicdSecurityCardProps {
  /** Link to the Security tab; found from the mounted tab, `security` (relative) otherwise. */
  tabLink?: string;
}

/** Overview card: grade, score and the three worst failing checks. */
export function EntityCicdSecurityCard(props: EntityCicdSecurityCardProps) {
  const classes = useStyles();
  const { entity } = useEntity();
  const api = useApi(cicdSecurityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const tabRoute = useOptionalRouteRef(entityContentRouteRef);
  const resolveGuide = useOptionalRouteRef(checkGuideRouteRef);
  const tabLink = props.tabLink ?? (tabRoute ? tabRoute({}) : 'security');
  const { value, loading, error } = useAsync(
    () => api.getScorecard(entityRef),
    [api, entityRef],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    const notFound = (error as { statusCode?: number }).statusCode === 404;
    content = notFound ? (
      <Typography color="textSecondary">Not scanned yet.</Typography>
    ) : (
      <ResponseErrorPanel error={error} />
    );
  } else if (value) {
    const worst = sortChecks(value.checks)
      .filter(c => isFailing(c) && !c.waiver)
      .slice(0, 3);
    content = (
      <>
        <div className={classes.headline}>
          <GradeBadge grade={value.grade} data-testid="cicd-security-grade" />
          <div>
            <span className={classes.score} data-testid="cicd-security-score">
              {formatScore(value.score)}
            </span>
            <Typography component="span" color="textSecondary">
              {' '}
              / 10
            </Typography>
          </div>
          <Box flexGrow={1} />
          <ScorecardStateChip state={value.state} reason={value.stateReason} />
        </div>
        {value.state === 'no-source' ? (
          <Typography color="textSecondary">
            {value.stateReason ?? 'The entity has no source to scan.'}
          </Typography>
        ) : (
          <>
            <Typography variant="subtitle2" gutterBottom>
              {worst.length > 0 ? 'Top failing checks' : 'No failing checks'}
            </Typography>
            <ul className={classes.list}>
              {worst.map(check => (
                <li key={check.checkId} className={classes.item}>
                  <SeverityChip severity={check.severity} />
                  <Typography variant="body2">
                    <Link to={checkGuidePath(resolveGuide, check.checkId)}>
                      {check.title}
                    </Link>
                  </Typography>
                </li>
              ))}
            </ul>
            <Typography variant="caption" color="textSecondary">
              Last scanned {formatRelativeTime(value.scannedAt)}
            </Typography>
          </>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="CI/CD security"
      deepLink={{ title: 'View security details', link: tabLink }}
    >
      {content}
    </InfoCard>
  );
}
