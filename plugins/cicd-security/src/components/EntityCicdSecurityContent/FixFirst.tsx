import { InfoCard, Link } from '@backstage/core-components';
import {
  FixFirstItem,
  Scorecard,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Box,
  Link as MuiLink,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { formatScore } from '../../utils';
import { SeverityChip } from '../ScoreDisplay';
import { FindingMarkdown } from './FindingMarkdown';

const useStyles = makeStyles(theme => ({
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
  title: {
    flexGrow: 1,
    fontWeight: theme.typography.fontWeightMedium as number,
  },
  gain: { fontWeight: theme.typography.fontWeightMedium as number },
}));

/** How many checks the card lists; the checks table shows the what-if of the others. */
const SHOWN = 5;
/** Longest suggested fix shown in the card (the finding shows all of it). */
const FIX_CHARS = 160;

/** `4.5 → 5.6 (+1.1)`: the score now, with the check passing, and the gain. */
export function formatWhatIf(
  score: number | null,
  item: Pick<FixFirstItem, 'scoreIfFixed' | 'gain'>,
): string {
  return `${formatScore(score)} → ${formatScore(
    item.scoreIfFixed,
  )} (+${item.gain.toFixed(1)})`;
}

/** The what-if of each check that has one, by check id. */
export function fixFirstByCheck(
  scorecard: Scorecard,
): Map<string, FixFirstItem> {
  return new Map((scorecard.fixFirst ?? []).map(f => [f.checkId, f]));
}

/**
 * The fix's first FIX_CHARS characters of Markdown. A cut inside a code span
 * closes the span, so the card never shows a raw backtick; a cut inside a
 * fenced block keeps only the text before the block.
 */
export function shortenFix(text: string): string {
  if (text.length <= FIX_CHARS) {
    return text;
  }
  let cut = text.slice(0, FIX_CHARS - 1);
  const fence = cut.indexOf('```');
  if (fence >= 0) {
    cut = cut.slice(0, fence);
  }
  cut = cut.trimEnd();
  if ((cut.match(/`/g) ?? []).length % 2 === 1) {
    cut += '`';
  }
  return `${cut}…`;
}

/**
 * The failing checks ranked by what passing each would add to the score
 * (computed by the backend with the scoring code of the stored score), with
 * the first suggested fix, the guide and a link to the check's findings.
 * Renders nothing when no check fails.
 */
export function FixFirstCard({
  scorecard,
  guideLink,
}: {
  scorecard: Scorecard;
  guideLink: (checkId: string) => string;
}) {
  const classes = useStyles();
  const items = scorecard.fixFirst ?? [];
  if (items.length === 0) {
    return null;
  }
  const shown = items.slice(0, SHOWN);
  const more = items.length - shown.length;
  return (
    <InfoCard
      title="Fix first"
      subheader="The failing checks ranked by what fixing each would add to the score."
    >
      <ul className={classes.list} data-testid="fix-first">
        {shown.map(item => {
          const check = scorecard.checks.find(c => c.checkId === item.checkId);
          const fix = check?.findings.find(f => !f.suppressed && f.suggestedFix)
            ?.suggestedFix?.description;
          return (
            <li
              key={item.checkId}
              className={classes.item}
              data-testid={`fix-first-${item.checkId}`}
            >
              <div className={classes.header}>
                <Typography className={classes.title}>{item.title}</Typography>
                <SeverityChip severity={item.severity} />
                <Typography variant="body2" className={classes.gain}>
                  {formatWhatIf(scorecard.score, item)}
                  {scorecard.grade && item.gradeIfFixed !== scorecard.grade
                    ? ` · grade ${scorecard.grade} → ${item.gradeIfFixed}`
                    : ''}
                </Typography>
              </div>
              <Typography variant="body2" color="textSecondary">
                {item.findings} {item.findings === 1 ? 'finding' : 'findings'}
                {fix ? ' · Suggested fix: ' : ''}
              </Typography>
              {fix && <FindingMarkdown text={shortenFix(fix)} />}
              <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mt={0.5}>
                <Link to={guideLink(item.checkId)}>How to fix</Link>
                <MuiLink href={`#check-${item.checkId}`}>Show findings</MuiLink>
              </Box>
            </li>
          );
        })}
      </ul>
      {more > 0 && (
        <Typography variant="body2" color="textSecondary">
          {more} more failing {more === 1 ? 'check' : 'checks'}: see “If fixed”
          in the checks table.
        </Typography>
      )}
    </InfoCard>
  );
}
