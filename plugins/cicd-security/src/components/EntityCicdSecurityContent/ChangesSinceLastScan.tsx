import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import {
  FixedFinding,
  Scorecard,
} from '@cicd-security/plugin-cicd-security-common';
import { Box, Button, Grid, Typography, makeStyles } from '@material-ui/core';
import { formatDateTime, formatLocation, shortRevision } from '../../utils';
import { SeverityChip } from '../ScoreDisplay';

const useStyles = makeStyles(theme => ({
  counts: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(3),
    marginBottom: theme.spacing(1),
  },
  count: { fontWeight: theme.typography.fontWeightMedium as number },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    padding: theme.spacing(1, 0),
    '&:not(:last-child)': {
      borderBottom: `1px solid ${theme.palette.divider}`,
    },
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  title: { fontWeight: theme.typography.fontWeightMedium as number },
  location: {
    fontFamily: 'monospace',
    fontSize: '0.85em',
    wordBreak: 'break-all',
  },
  message: { overflowWrap: 'anywhere' },
}));

/** How many fixed findings the card lists before "Show all". */
const SHOWN = 10;

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

function FixedItem({ finding }: { finding: FixedFinding }) {
  const classes = useStyles();
  const location = formatLocation(finding);
  return (
    <li className={classes.item} data-testid="fixed-finding">
      <Box className={classes.header}>
        <SeverityChip severity={finding.severity} />
        <Typography variant="body2" className={classes.title}>
          {finding.checkTitle}
        </Typography>
        {location && (
          <Typography
            variant="body2"
            component="span"
            className={classes.location}
          >
            {location}
          </Typography>
        )}
      </Box>
      <Typography variant="body2" className={classes.message}>
        {finding.message}
      </Typography>
    </li>
  );
}

/**
 * What the latest scan changed: how many findings are new since the scan
 * before it (each is marked in the findings list) and which findings it no
 * longer reports. On a first scan, says there is nothing to compare with.
 * Renders nothing (not even its grid cell) for scorecards without the
 * comparison: never scanned, or stored before the portal compared scans.
 */
export function ChangesSinceLastScan({ scorecard }: { scorecard: Scorecard }) {
  const classes = useStyles();
  const [showAll, setShowAll] = useState(false);
  const changes = scorecard.changes;
  if (!changes || !scorecard.scannedAt) return null;

  const { comparedWith, newFindings, fixedFindings } = changes;
  if (!comparedWith) {
    return (
      <Grid item xs={12}>
        <InfoCard title="Since the last scan">
          <Typography variant="body2" data-testid="changes-first-scan">
            First scan: there is no earlier scan to compare with. From the next
            scan on, new findings are marked and fixed ones listed here.
          </Typography>
        </InfoCard>
      </Grid>
    );
  }

  const when = formatDateTime(comparedWith.scannedAt) ?? comparedWith.scannedAt;
  const revision = shortRevision(comparedWith.revision);
  const shown = showAll ? fixedFindings : fixedFindings.slice(0, SHOWN);
  return (
    <Grid item xs={12}>
      <InfoCard
        title="Since the last scan"
        subheader={
          <span title={comparedWith.revision}>
            Compared with the scan of {when}
            {revision ? ` (revision ${revision})` : ''}
          </span>
        }
      >
        <Box className={classes.counts}>
          <Typography
            variant="body1"
            className={classes.count}
            data-testid="changes-new"
          >
            {newFindings} new since the scan of {when}
          </Typography>
          <Typography
            variant="body1"
            className={classes.count}
            data-testid="changes-fixed"
          >
            {plural(fixedFindings.length, 'finding fixed', 'findings fixed')}
          </Typography>
        </Box>
        {newFindings > 0 && (
          <Typography variant="body2" color="textSecondary" paragraph>
            New findings are marked “New” in the findings below.
          </Typography>
        )}
        {fixedFindings.length > 0 && (
          <>
            <Typography variant="subtitle2" component="h3">
              Fixed since
            </Typography>
            <ul className={classes.list} aria-label="Fixed since">
              {shown.map(f => (
                <FixedItem key={`${f.checkId}:${f.fingerprint}`} finding={f} />
              ))}
            </ul>
            {fixedFindings.length > SHOWN && (
              <Button size="small" onClick={() => setShowAll(s => !s)}>
                {showAll
                  ? 'Show fewer'
                  : `Show all ${fixedFindings.length} fixed findings`}
              </Button>
            )}
          </>
        )}
      </InfoCard>
    </Grid>
  );
}
