import { ReactNode } from 'react';
import { Typography, makeStyles, useTheme } from '@material-ui/core';
import { formatScore } from '../../utils';

const useStyles = makeStyles(theme => ({
  svg: {
    display: 'block',
    width: '100%',
    height: 'auto',
    overflow: 'visible',
  },
  axis: {
    fill: theme.palette.text.secondary,
    fontSize: 11,
  },
  empty: {
    padding: theme.spacing(2, 0),
  },
}));

export interface TrendPoint {
  /** ISO date or date-time. */
  date: string;
  value: number | null;
}

function shortDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleDateString('en', { month: 'short', day: 'numeric' });
}

/** A one-sentence text alternative of a score trend. */
export function describeTrend(label: string, points: TrendPoint[]): string {
  const known = points.filter(p => p.value !== null) as Array<{
    date: string;
    value: number;
  }>;
  if (known.length === 0) {
    return `${label}: no data yet`;
  }
  const first = known[0];
  const last = known[known.length - 1];
  const min = Math.min(...known.map(p => p.value));
  const max = Math.max(...known.map(p => p.value));
  if (known.length === 1) {
    return `${label}: ${formatScore(last.value)} on ${shortDate(last.date)}`;
  }
  return `${label}: from ${formatScore(first.value)} on ${shortDate(
    first.date,
  )} to ${formatScore(last.value)} on ${shortDate(last.date)} (${
    known.length
  } points, lowest ${formatScore(min)}, highest ${formatScore(max)})`;
}

/**
 * A small line chart of scores (0..10) over time, oldest first, drawn in SVG.
 * Screen readers get a summary through `aria-label`.
 */
export function TrendChart(props: {
  label: string;
  points: TrendPoint[];
  height?: number;
  'data-testid'?: string;
}) {
  const classes = useStyles();
  const theme = useTheme();
  const { points, label, height = 140 } = props;
  const width = 480;
  const pad = { left: 28, right: 8, top: 8, bottom: 20 };
  const description = describeTrend(label, points);
  const known = points.filter(p => p.value !== null);
  if (known.length === 0) {
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        className={classes.empty}
        data-testid={props['data-testid']}
      >
        No history yet: the trend appears after the next scans.
      </Typography>
    );
  }
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const x = (i: number) =>
    pad.left +
    (points.length === 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (v: number) => pad.top + innerH - (v / 10) * innerH;
  let d = '';
  let pen = false;
  points.forEach((p, i) => {
    if (p.value === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)} `;
    pen = true;
  });
  const ticks = [0, 5, 10];
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  return (
    <svg
      className={classes.svg}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={description}
      data-testid={props['data-testid']}
    >
      <title>{description}</title>
      {ticks.map(t => (
        <g key={t}>
          <line
            x1={pad.left}
            x2={width - pad.right}
            y1={y(t)}
            y2={y(t)}
            stroke={theme.palette.divider}
          />
          <text
            className={classes.axis}
            x={pad.left - 6}
            y={y(t) + 4}
            textAnchor="end"
          >
            {t}
          </text>
        </g>
      ))}
      {points.map((p, i) =>
        i % labelEvery === 0 || i === points.length - 1 ? (
          <text
            key={`l-${i}`}
            className={classes.axis}
            x={x(i)}
            y={height - 4}
            textAnchor="middle"
          >
            {shortDate(p.date)}
          </text>
        ) : null,
      )}
      <path
        d={d}
        fill="none"
        stroke={theme.palette.primary.main}
        strokeWidth={2}
      />
      {points.map((p, i) =>
        p.value === null ? null : (
          <circle
            key={`p-${i}`}
            cx={x(i)}
            cy={y(p.value)}
            r={points.length > 40 ? 1.5 : 3}
            fill={theme.palette.primary.main}
          >
            <title>{`${shortDate(p.date)}: ${formatScore(p.value)}`}</title>
          </circle>
        ),
      )}
    </svg>
  );
}

export interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Vertical bars with their values written above, e.g. the grade distribution. */
export function BarChart(props: {
  label: string;
  bars: Bar[];
  height?: number;
  unit?: string;
  'data-testid'?: string;
}) {
  const classes = useStyles();
  const theme = useTheme();
  const { bars, label, height = 160, unit = '' } = props;
  const width = 320;
  const pad = { top: 18, bottom: 22 };
  const max = Math.max(1, ...bars.map(b => b.value));
  const slot = width / Math.max(1, bars.length);
  const barW = slot * 0.6;
  const innerH = height - pad.top - pad.bottom;
  const description = `${label}: ${bars
    .map(b => `${b.label} ${b.value}${unit}`)
    .join(', ')}`;
  return (
    <svg
      className={classes.svg}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={description}
      data-testid={props['data-testid']}
    >
      <title>{description}</title>
      <line
        x1={0}
        x2={width}
        y1={height - pad.bottom}
        y2={height - pad.bottom}
        stroke={theme.palette.divider}
      />
      {bars.map((b, i) => {
        const h = (b.value / max) * innerH;
        const bx = i * slot + (slot - barW) / 2;
        return (
          <g key={b.label}>
            <rect
              x={bx}
              y={height - pad.bottom - h}
              width={barW}
              height={h}
              fill={b.color}
              rx={2}
            />
            <text
              className={classes.axis}
              x={bx + barW / 2}
              y={height - pad.bottom - h - 4}
              textAnchor="middle"
            >
              {b.value}
            </text>
            <text
              className={classes.axis}
              x={bx + barW / 2}
              y={height - 6}
              textAnchor="middle"
            >
              {b.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Red (0) to amber (5) to green (10), for heatmap cells. */
export function scoreColor(score: number | null): string {
  if (score === null) {
    return 'transparent';
  }
  const s = Math.max(0, Math.min(10, score));
  const hue = (s / 10) * 120;
  return `hsl(${hue.toFixed(0)}, 60%, 38%)`;
}

/** A coloured cell with the score written in it; used in the heatmap table. */
export function HeatCell(props: { score: number | null; label: string }) {
  const { score, label } = props;
  return (
    <span
      style={{
        display: 'block',
        minWidth: '3rem',
        padding: '4px 6px',
        textAlign: 'center',
        borderRadius: 4,
        color: score === null ? undefined : '#fff',
        backgroundColor: scoreColor(score),
        fontVariantNumeric: 'tabular-nums',
      }}
      title={`${label}: ${score === null ? 'no data' : formatScore(score)}`}
    >
      {score === null ? '–' : formatScore(score)}
    </span>
  );
}

/** Text hidden on screen but read by screen readers. */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return (
    <span
      style={{
        position: 'absolute',
        width: 1,
        height: 1,
        padding: 0,
        margin: -1,
        overflow: 'hidden',
        clip: 'rect(0, 0, 0, 0)',
        whiteSpace: 'nowrap',
        border: 0,
      }}
    >
      {children}
    </span>
  );
}
