import { ReactNode, useState } from 'react';
import {
  CheckResult,
  FactReading,
  Finding,
  Scorecard,
  categoryTitle,
} from '@cicd-security/plugin-cicd-security-common';
import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
  makeStyles,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { cicdSecurityApiRef } from '../../api';
import { ENTITY_HISTORY_LIMIT, takePrefetched } from '../prefetch';
import {
  formatDateTime,
  formatLocation,
  formatRelativeTime,
  formatScore,
} from '../../utils';
import { TrendChart } from '../Charts';
import { SeverityChip } from '../ScoreDisplay';
import { describeSuppression, useSourceLink } from './CheckFindings';
import { fixFirstByCheck, formatWhatIf } from './FixFirst';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    padding: theme.spacing(1, 0),
    borderTop: `1px solid ${theme.palette.divider}`,
    '&:first-child': { borderTop: 'none' },
  },
  mono: { fontFamily: 'monospace', fontSize: '0.85rem' },
  left: { color: theme.palette.text.secondary },
}));

/** The entity's score over its past scans. */
export function ScoreTrend({
  entityRef,
  revision,
}: {
  entityRef: string;
  /** Reloads the history when a new scan lands. */
  revision?: string;
}) {
  const api = useApi(cicdSecurityApiRef);
  const { value, error, loading } = useAsync(
    () =>
      takePrefetched(api, 'getScorecardHistory', entityRef, {
        limit: ENTITY_HISTORY_LIMIT,
      }),
    [api, entityRef, revision],
  );
  let body: ReactNode;
  if (loading && !value) {
    body = (
      <Typography variant="body2" color="textSecondary">
        Loading history…
      </Typography>
    );
  } else if (error) {
    body = (
      <Typography variant="body2" color="textSecondary">
        The history could not be loaded.
      </Typography>
    );
  }
  const points = (value?.items ?? [])
    .slice()
    .reverse()
    .map(p => ({ date: p.scannedAt, value: p.score }));
  return (
    <InfoCard title="Score over time">
      {body ?? (
        <TrendChart
          label="Score over time"
          points={points}
          data-testid="score-trend"
        />
      )}
    </InfoCard>
  );
}

/** How the score was computed: which checks counted, their weights, what was left out and why. */
export function ScoreExplanationCard({
  scorecard,
  checkTitle,
}: {
  scorecard: Scorecard;
  checkTitle: (checkId: string) => string;
}) {
  const classes = useStyles();
  const [showAll, setShowAll] = useState(false);
  const explanation = scorecard.explanation;
  if (!explanation) {
    return null;
  }
  const whatIf = fixFirstByCheck(scorecard);
  // What costs points first: the largest what-if gain, then the lowest score;
  // a long list of passing checks opens on request.
  const counted = explanation.checks
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.counted)
    .sort(
      (a, b) =>
        (whatIf.get(b.c.checkId)?.gain ?? 0) -
          (whatIf.get(a.c.checkId)?.gain ?? 0) ||
        (a.c.score ?? 10) - (b.c.score ?? 10) ||
        a.i - b.i,
    )
    .map(({ c }) => c);
  const shown = showAll ? counted : counted.slice(0, EXPLANATION_ROWS);
  const left = explanation.checks.filter(c => !c.counted);
  const bands = explanation.gradeBands;
  return (
    <InfoCard
      title="How the score is computed"
      subheader={`Each category score is the weighted mean of its checks (weights by severity); the overall score is the weighted mean of the categories that applied. Grades: A ≥ ${bands.A}, B ≥ ${bands.B}, C ≥ ${bands.C}, D ≥ ${bands.D}, F below.`}
    >
      <div data-testid="score-explanation">
        <Typography variant="subtitle2" gutterBottom>
          {counted.length} checks counted
        </Typography>
        <Table size="small" aria-label="Checks that counted towards the score">
          <TableHead>
            <TableRow>
              <TableCell>Check</TableCell>
              <TableCell>Category</TableCell>
              <TableCell align="right">Weight</TableCell>
              <TableCell align="right">Score</TableCell>
              <TableCell align="right">Overall score if it passed</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map(c => (
              <TableRow key={c.checkId}>
                <TableCell>
                  {checkTitle(c.checkId)}
                  {c.note && <span className={classes.left}> — {c.note}</span>}
                </TableCell>
                <TableCell>
                  {categoryTitle(c.category)} (category weight{' '}
                  {explanation.categoryWeights[c.category] ?? 1})
                </TableCell>
                <TableCell align="right">{c.weight}</TableCell>
                <TableCell align="right">{formatScore(c.score)}</TableCell>
                <TableCell align="right">
                  {whatIf.has(c.checkId)
                    ? formatWhatIf(scorecard.score, whatIf.get(c.checkId)!)
                    : ''}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {counted.length > EXPLANATION_ROWS && (
          <Button
            size="small"
            onClick={() => setShowAll(!showAll)}
            aria-expanded={showAll}
            data-testid="score-explanation-toggle"
          >
            {showAll
              ? `Show the first ${EXPLANATION_ROWS}`
              : `Show all ${counted.length} checks`}
          </Button>
        )}
        {left.length > 0 && (
          <Box mt={2}>
            <Typography variant="subtitle2" gutterBottom>
              {left.length} checks left out
            </Typography>
            <ul className={classes.list}>
              {left.map(c => (
                <li
                  key={c.checkId}
                  className={classes.item}
                  data-testid="left-out-check"
                >
                  <Typography variant="body2">
                    {checkTitle(c.checkId)}{' '}
                    <span className={classes.left}>
                      — {c.note ?? 'not counted'}
                    </span>
                  </Typography>
                </li>
              ))}
            </ul>
          </Box>
        )}
      </div>
    </InfoCard>
  );
}

function SuppressedFinding({
  finding,
  sourceLocation,
}: {
  finding: Finding;
  sourceLocation?: string;
}) {
  const classes = useStyles();
  const link = useSourceLink(sourceLocation);
  const location = formatLocation(finding);
  const href = finding.file ? link(finding.file, finding.line) : undefined;
  return (
    <>
      {location &&
        (href ? (
          <Link to={href} className={classes.mono}>
            {location}
          </Link>
        ) : (
          <span className={classes.mono}>{location}</span>
        ))}{' '}
      {finding.message}
    </>
  );
}

/** Waived checks and suppressed findings, apart from the open ones. */
export function WaivedAndSuppressed({
  checks,
  sourceLocation,
}: {
  checks: CheckResult[];
  sourceLocation?: string;
}) {
  const classes = useStyles();
  const waived = checks.filter(c => c.waiver);
  const suppressed = checks.flatMap(c =>
    c.findings.filter(f => f.suppressed).map(f => ({ check: c, finding: f })),
  );
  if (waived.length === 0 && suppressed.length === 0) {
    return null;
  }
  return (
    <InfoCard
      title="Waived and suppressed"
      subheader="Accepted risks: they stay visible here but do not lower the score until they expire."
    >
      <div data-testid="waived-and-suppressed">
        {waived.length > 0 && (
          <>
            <Typography variant="subtitle2">Waived checks</Typography>
            <ul className={classes.list}>
              {waived.map(c => (
                <li
                  key={c.checkId}
                  className={classes.item}
                  data-testid="waived-check"
                >
                  <Typography variant="body2">
                    <strong>{c.title}</strong> ({c.findings.length}{' '}
                    {c.findings.length === 1 ? 'finding' : 'findings'})
                  </Typography>
                  <Typography variant="body2" color="textSecondary">
                    Waived by {c.waiver!.createdBy}: {c.waiver!.reason} ·
                    expires {formatDateTime(c.waiver!.expiresAt)}
                  </Typography>
                </li>
              ))}
            </ul>
          </>
        )}
        {suppressed.length > 0 && (
          <Box mt={waived.length > 0 ? 2 : 0}>
            <Typography variant="subtitle2">Suppressed findings</Typography>
            <ul className={classes.list}>
              {suppressed.map(({ check, finding }, i) => (
                <li
                  key={`${finding.fingerprint}-${i}`}
                  className={classes.item}
                  data-testid="suppressed-finding"
                >
                  <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                    <SeverityChip severity={finding.severity} />
                    <Typography variant="body2">
                      {check.title}:{' '}
                      <SuppressedFinding
                        finding={finding}
                        sourceLocation={sourceLocation}
                      />
                    </Typography>
                  </Box>
                  <Typography variant="body2" color="textSecondary">
                    {describeSuppression(finding.suppressed!)}
                  </Typography>
                </li>
              ))}
            </ul>
          </Box>
        )}
      </div>
    </InfoCard>
  );
}

/** Checks that could not reach a verdict, with what would complete them. */
export function InconclusiveChecks({ checks }: { checks: CheckResult[] }) {
  const classes = useStyles();
  const inconclusive = checks.filter(
    c => c.status === 'inconclusive' || c.status === 'error',
  );
  if (inconclusive.length === 0) {
    return null;
  }
  return (
    <InfoCard
      title="Checks without a verdict"
      subheader="Inconclusive checks are left out of the score (most need a permission the scanner does not have); a check that failed to run counts as 0, because what it checks could not be verified."
    >
      <ul className={classes.list} data-testid="inconclusive-checks">
        {inconclusive.map(c => (
          <li key={c.checkId} className={classes.item}>
            <Typography variant="body2">
              <strong>{c.title}</strong>{' '}
              {c.status === 'error' ? '(error)' : '(inconclusive)'}
            </Typography>
            <Typography variant="body2" color="textSecondary">
              {c.reason ?? 'No reason given'}
            </Typography>
          </li>
        ))}
      </ul>
    </InfoCard>
  );
}

/** A card with more facts than this lists them behind "Show the N facts". */
const FACTS_SHOWN_UNFOLDED = 6;

/** Counted checks the score explanation lists before "Show all". */
const EXPLANATION_ROWS = 10;

/** Why facts could not be read, each distinct reason once with its count. */
export function unreadableReasons(
  facts: FactReading[],
): Array<{ text: string; count: number }> {
  const counts = new Map<string, number>();
  for (const f of facts) {
    if (f.available) continue;
    const text = `${f.reason ?? 'no reason given'}${
      f.permission && !(f.reason ?? '').includes(f.permission)
        ? ` (needs ${f.permission})`
        : ''
    }`;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([text, count]) => ({ text, count }))
    .sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
}

function factStatus(f: FactReading): string {
  if (f.available) return 'Read';
  if (f.delayed) return 'Delayed';
  return 'Not readable';
}

/**
 * The settings the scan read from outside the repository's files (SCM
 * settings, alerts, declarations): each one's source and age, and for those
 * it could not read, why and the permission that would fix it.
 */
export function FactsRead({ facts }: { facts?: FactReading[] }) {
  const [showAll, setShowAll] = useState(false);
  if (!facts || facts.length === 0) {
    return null;
  }
  const unreadable = facts.filter(f => !f.available).length;
  const reasons = unreadableReasons(facts);
  const folded = facts.length > FACTS_SHOWN_UNFOLDED && !showAll;
  return (
    <InfoCard
      title="Settings read from outside the repository"
      subheader={`${facts.length} facts, ${facts.length - unreadable} read${
        unreadable ? `, ${unreadable} not readable` : ''
      }. A fact keeps the time it was read until a scan finds it changed.`}
    >
      {reasons.length > 0 && (
        <ul data-testid="facts-unreadable-reasons" style={{ marginTop: 0 }}>
          {reasons.map(r => (
            <li key={r.text}>
              <Typography variant="body2">
                {r.count === 1 ? '1 fact' : `${r.count} facts`} not readable:{' '}
                {r.text}
              </Typography>
            </li>
          ))}
        </ul>
      )}
      {facts.length > FACTS_SHOWN_UNFOLDED && (
        <Button
          size="small"
          onClick={() => setShowAll(!showAll)}
          data-testid="facts-read-toggle"
        >
          {showAll ? 'Hide the facts' : `Show the ${facts.length} facts`}
        </Button>
      )}
      {!folded && (
        <Table size="small" data-testid="facts-read">
          <TableHead>
            <TableRow>
              <TableCell>Fact</TableCell>
              <TableCell>Source</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Read</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {facts.map(f => (
              <TableRow key={f.name}>
                <TableCell>
                  <code>{f.name}</code>
                </TableCell>
                <TableCell>{f.source}</TableCell>
                <TableCell>
                  <Typography variant="body2">{factStatus(f)}</Typography>
                  {!f.available && (
                    <Typography variant="body2" color="textSecondary">
                      {f.reason}
                      {f.permission && !(f.reason ?? '').includes(f.permission)
                        ? ` (needs ${f.permission})`
                        : ''}
                    </Typography>
                  )}
                </TableCell>
                <TableCell title={formatDateTime(f.readAt)}>
                  {f.available
                    ? formatRelativeTime(f.readAt)
                    : `tried ${formatRelativeTime(f.readAt)}`}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
