import {
  CategoryScore,
  CheckStatus,
  Grade,
  GRADES,
  ScorecardState,
  Severity,
  categoryTitle,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Chip,
  LinearProgress,
  Tooltip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { GRADE_COLORS, SEVERITY_COLORS, formatScore } from '../../utils';

const useStyles = makeStyles(theme => ({
  badge: {
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: '#fff',
    fontWeight: theme.typography.fontWeightBold as number,
    borderRadius: theme.shape.borderRadius * 2,
    lineHeight: 1,
  },
  categoryRow: {
    display: 'grid',
    gridTemplateColumns: 'minmax(10rem, 14rem) 1fr 3.5rem',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  bar: {
    height: 10,
    borderRadius: 5,
  },
  spread: {
    display: 'inline-flex',
    gap: theme.spacing(0.5),
  },
  spreadItem: {
    minWidth: '2.2rem',
    padding: theme.spacing(0.25, 0.5),
    borderRadius: theme.shape.borderRadius,
    color: '#fff',
    fontSize: '0.75rem',
    textAlign: 'center',
  },
  spreadEmpty: {
    opacity: 0.3,
  },
}));

const sizes = { small: 28, medium: 48, large: 72 };

/** The letter grade in a coloured square; a grey dash when there is none. */
export function GradeBadge(props: {
  grade: Grade | null | undefined;
  size?: keyof typeof sizes;
  'data-testid'?: string;
}) {
  const classes = useStyles();
  const { grade, size = 'medium' } = props;
  const px = sizes[size];
  return (
    <Box
      component="span"
      className={classes.badge}
      data-testid={props['data-testid']}
      aria-label={grade ? `Grade ${grade}` : 'No grade'}
      title={grade ? `Grade ${grade}` : 'No grade'}
      style={{
        width: px,
        height: px,
        fontSize: px * 0.55,
        backgroundColor: grade ? GRADE_COLORS[grade] : '#9e9e9e',
      }}
    >
      {grade ?? '–'}
    </Box>
  );
}

function coloredChip(label: string, color: string, outlined = false) {
  return (
    <Chip
      size="small"
      label={label}
      style={
        outlined
          ? { borderColor: color, color }
          : { backgroundColor: color, color: '#fff' }
      }
      variant={outlined ? 'outlined' : 'default'}
    />
  );
}

export function SeverityChip({ severity }: { severity: Severity }) {
  return coloredChip(severity, SEVERITY_COLORS[severity]);
}

const STATUS_COLORS: Record<CheckStatus, string> = {
  pass: '#2e7d32',
  fail: '#c62828',
  warn: '#b7791f',
  error: '#6a1b9a',
  inconclusive: '#546e7a',
  'not-applicable': '#9e9e9e',
};

const STATUS_LABELS: Record<CheckStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  warn: 'Warn',
  error: 'Error',
  inconclusive: 'Inconclusive',
  'not-applicable': 'N/A',
};

export function CheckStatusChip({ status }: { status: CheckStatus }) {
  return coloredChip(
    STATUS_LABELS[status],
    STATUS_COLORS[status],
    status === 'not-applicable' || status === 'inconclusive',
  );
}

const STATE_LABELS: Record<ScorecardState, string> = {
  ok: 'Scanned',
  pending: 'Not scanned yet',
  scanning: 'Scanning',
  error: 'Scan failed',
  'no-source': 'No source',
  stale: 'Stale',
};

const STATE_COLORS: Record<ScorecardState, string> = {
  ok: '#2e7d32',
  pending: '#546e7a',
  scanning: '#1565c0',
  error: '#c62828',
  'no-source': '#9e9e9e',
  stale: '#b7791f',
};

/** Whether a stale scorecard waits for SCM facts (a rate limit), not for its source. */
export function factsDelayed(state: ScorecardState, reason?: string): boolean {
  return state === 'stale' && (reason ?? '').startsWith('facts delayed');
}

export function ScorecardStateChip({
  state,
  reason,
}: {
  state: ScorecardState;
  /** The state's reason: a stale scorecard waiting for SCM facts says so. */
  reason?: string;
}) {
  const label = factsDelayed(state, reason)
    ? 'Facts delayed'
    : STATE_LABELS[state];
  return coloredChip(label, STATE_COLORS[state], true);
}

/** One labelled bar per category, with the score spelled out for screen readers. */
export function CategoryScores({
  categories,
}: {
  categories: CategoryScore[];
}) {
  const classes = useStyles();
  return (
    <Box component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {categories.map(c => {
        const title = categoryTitle(c.category);
        const text =
          c.score === null
            ? `${title}: not applicable`
            : `${title}: ${formatScore(c.score)} out of 10`;
        const detail =
          c.score === null
            ? 'No check of this category applied'
            : `${c.applicable} checks counted, ${c.failing} failing`;
        return (
          <li
            key={c.category}
            className={classes.categoryRow}
            data-testid={`category-${c.category}`}
          >
            <Typography variant="body2">{title}</Typography>
            <Tooltip title={detail}>
              <LinearProgress
                className={classes.bar}
                variant="determinate"
                value={c.score === null ? 0 : c.score * 10}
                aria-label={text}
                aria-valuetext={text}
              />
            </Tooltip>
            <Typography variant="body2" align="right">
              {c.score === null ? 'n/a' : `${formatScore(c.score)}`}
            </Typography>
          </li>
        );
      })}
    </Box>
  );
}

/** Small coloured counts A–F, e.g. for a team's components. */
export function GradeSpread({ grades }: { grades: Record<Grade, number> }) {
  const classes = useStyles();
  return (
    <span
      className={classes.spread}
      aria-label={GRADES.map(g => `${grades[g] ?? 0} ${g}`).join(', ')}
    >
      {GRADES.map(g => (
        <span
          key={g}
          className={`${classes.spreadItem} ${
            grades[g] ? '' : classes.spreadEmpty
          }`}
          style={{ backgroundColor: GRADE_COLORS[g] }}
          title={`${grades[g] ?? 0} with grade ${g}`}
        >
          {g} {grades[g] ?? 0}
        </span>
      ))}
    </span>
  );
}
