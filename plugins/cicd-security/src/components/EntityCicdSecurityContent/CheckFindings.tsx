import { ReactNode, useState } from 'react';
import {
  CheckResult,
  Finding,
  ScanProblem,
  categoryTitle,
} from '@cicd-security/plugin-cicd-security-common';
import { Link } from '@backstage/core-components';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Button,
  Chip,
  Typography,
  makeStyles,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { CheckStatusChip, SeverityChip } from '../ScoreDisplay';
import { formatDateTime, formatLocation } from '../../utils';
import { useSourceLink } from './sourceLinks';
import { FindingMarkdown } from './FindingMarkdown';
import { isNewFinding } from './FindingFilters';

/** Findings listed before "Show N more" in a check's section. */
export const FINDINGS_SHOWN_FIRST = 3;

const useStyles = makeStyles(theme => ({
  summary: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    width: '100%',
  },
  title: {
    flexGrow: 1,
    fontWeight: theme.typography.fontWeightMedium as number,
  },
  findings: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    width: '100%',
  },
  finding: {
    padding: theme.spacing(1.5, 0),
    borderTop: `1px solid ${theme.palette.divider}`,
    '&:first-child': { borderTop: 'none', paddingTop: 0 },
  },
  findingHeader: {
    display: 'flex',
    alignItems: 'baseline',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  location: {
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    wordBreak: 'break-all',
  },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    margin: theme.spacing(1, 0, 0),
    padding: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
  },
  fix: {
    marginTop: theme.spacing(1),
  },
  fixLabel: {
    fontWeight: theme.typography.fontWeightBold as number,
  },
  newChip: {
    fontWeight: theme.typography.fontWeightBold as number,
  },
}));

/** Links a finding's file and line to its source (moved to `./sourceLinks`). */
export { useSourceLink };

function FindingLocation({
  finding,
  sourceLocation,
}: {
  finding: Finding;
  sourceLocation?: string;
}) {
  const classes = useStyles();
  const sourceLink = useSourceLink(sourceLocation);
  const location = formatLocation(finding);
  if (!location || !finding.file) {
    return null;
  }
  const href = sourceLink(finding.file, finding.line);
  const text = (
    <code className={classes.location} data-testid="finding-location">
      {location}
    </code>
  );
  return href ? (
    <Link to={href} title="Open in the source repository">
      {text}
    </Link>
  ) : (
    text
  );
}

const SUPPRESSION_LABELS: Record<string, string> = {
  inline: 'Suppressed in the code',
  config: 'Suppressed in the configuration',
  waiver: 'Waived in the portal',
  duplicate: 'Counted under another check',
};

export function describeSuppression(suppressed: {
  kind: string;
  reason?: string;
  expires?: string;
}): string {
  let text =
    SUPPRESSION_LABELS[suppressed.kind] ?? `Suppressed (${suppressed.kind})`;
  text += suppressed.reason ? `: ${suppressed.reason}` : ' (no reason given)';
  if (suppressed.expires) {
    text += ` · expires ${formatDateTime(suppressed.expires)}`;
  }
  return text;
}

export function FindingItem({
  finding,
  sourceLocation,
}: {
  finding: Finding;
  sourceLocation?: string;
}) {
  const classes = useStyles();
  return (
    <li className={classes.finding} data-testid="finding">
      <div className={classes.findingHeader}>
        <SeverityChip severity={finding.severity} />
        {isNewFinding(finding) && (
          <Chip
            size="small"
            color="secondary"
            label="New"
            title="Not in the previous scan"
            className={classes.newChip}
            data-testid="new-finding"
          />
        )}
        <FindingLocation finding={finding} sourceLocation={sourceLocation} />
        {finding.suppressed && (
          <Typography
            variant="caption"
            color="textSecondary"
            data-testid="suppression"
          >
            {describeSuppression(finding.suppressed)}
          </Typography>
        )}
      </div>
      <Typography variant="body2" style={{ marginTop: 4 }}>
        <WithLinks text={finding.message} />
      </Typography>
      {finding.alsoReportedBy?.length ? (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="also-reported-by"
          style={{ marginTop: 4 }}
        >
          <strong>The same problem, also reported by</strong>{' '}
          {finding.alsoReportedBy.map((a, i) => (
            <span key={a.fingerprint}>
              {i > 0 && '; '}
              <code>{a.checkId}</code> ({a.severity}): {a.message}
            </span>
          ))}
          . Counted once, here.
        </Typography>
      ) : null}
      {finding.snippet && (
        <pre className={classes.code} aria-label="Code snippet">
          {finding.snippet}
        </pre>
      )}
      {finding.suggestedFix && (
        <div className={classes.fix} data-testid="suggested-fix">
          <Typography variant="body2" className={classes.fixLabel}>
            Suggested fix:
          </Typography>
          <FindingMarkdown text={finding.suggestedFix.description} />
          {finding.suggestedFix.replacement && (
            <pre className={classes.code} aria-label="Suggested replacement">
              {finding.suggestedFix.replacement}
            </pre>
          )}
        </div>
      )}
    </li>
  );
}

function plural(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A failing or warning check, expandable to its findings: the first few are
 * listed, the rest behind "Show N more".
 */
export function CheckFindings({
  check,
  guideLink,
  sourceLocation,
  defaultExpanded,
  expanded,
  onExpandedChange,
  findings,
  action,
}: {
  check: CheckResult;
  guideLink: string;
  sourceLocation?: string;
  defaultExpanded?: boolean;
  /** Controlled open state; `defaultExpanded` applies when absent. */
  expanded?: boolean;
  onExpandedChange?: (expanded: boolean) => void;
  /**
   * The open findings to list when filters apply; all of the check's open
   * findings when absent.
   */
  findings?: Finding[];
  /** Shown next to the guide link, e.g. the Waive button. */
  action?: ReactNode;
}) {
  const classes = useStyles();
  const [showAll, setShowAll] = useState(false);
  const active = check.findings.filter(f => !f.suppressed);
  const count = active.length;
  const suppressedCount = check.findings.length - count;
  const listed = findings ?? active;
  const filtered = findings !== undefined && findings.length !== count;
  const hidden = showAll
    ? 0
    : Math.max(0, listed.length - FINDINGS_SHOWN_FIRST);
  const visible = hidden > 0 ? listed.slice(0, FINDINGS_SHOWN_FIRST) : listed;
  return (
    <Accordion
      defaultExpanded={expanded === undefined ? defaultExpanded : undefined}
      expanded={expanded}
      onChange={
        onExpandedChange ? (_e, open) => onExpandedChange(open) : undefined
      }
      id={`check-${check.checkId}`}
      data-testid={`check-findings-${check.checkId}`}
      TransitionProps={{ unmountOnExit: false }}
    >
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        aria-controls={`check-${check.checkId}-content`}
      >
        <div className={classes.summary}>
          <CheckStatusChip status={check.status} />
          <Typography className={classes.title} component="h3">
            {check.title}
          </Typography>
          <SeverityChip severity={check.severity} />
          <Typography
            variant="body2"
            color="textSecondary"
            data-testid="check-findings-count"
          >
            {categoryTitle(check.category)} ·{' '}
            {filtered
              ? `${listed.length} of ${plural(count, 'finding', 'findings')}`
              : plural(count, 'finding', 'findings')}
            {suppressedCount > 0 ? ` (+${suppressedCount} suppressed)` : ''}
          </Typography>
        </div>
      </AccordionSummary>
      <AccordionDetails id={`check-${check.checkId}-content`}>
        <Box width="100%">
          {check.reason && (
            <Typography variant="body2" color="textSecondary" paragraph>
              {check.reason}
            </Typography>
          )}
          {visible.length > 0 && (
            <ul className={classes.findings}>
              {visible.map((finding, index) => (
                <FindingItem
                  key={`${finding.fingerprint}-${index}`}
                  finding={finding}
                  sourceLocation={sourceLocation}
                />
              ))}
            </ul>
          )}
          {(hidden > 0 ||
            (showAll && listed.length > FINDINGS_SHOWN_FIRST)) && (
            <Button
              size="small"
              color="primary"
              onClick={() => setShowAll(!showAll)}
              aria-expanded={showAll}
              data-testid="show-more-findings"
            >
              {hidden > 0
                ? `Show ${hidden} more ${hidden === 1 ? 'finding' : 'findings'}`
                : `Show the first ${FINDINGS_SHOWN_FIRST} only`}
            </Button>
          )}
          <Box
            mt={1}
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            style={{ gap: 16 }}
          >
            <Link to={guideLink} data-testid="how-to-fix">
              How to fix
            </Link>
            {action}
          </Box>
        </Box>
      </AccordionDetails>
    </Accordion>
  );
}

/** Files the scan could not read or parse. */
export function ScanProblems({ problems }: { problems: ScanProblem[] }) {
  const classes = useStyles();
  return (
    <ul className={classes.findings}>
      {problems.map((problem, index) => (
        <li
          key={`${problem.file}-${index}`}
          className={classes.finding}
          data-testid="scan-problem"
        >
          <div className={classes.findingHeader}>
            <code className={classes.location}>{formatLocation(problem)}</code>
            <Typography variant="caption" color="textSecondary">
              {problem.kind === 'parse-error' ? 'parse error' : 'skipped'}
            </Typography>
          </div>
          <Typography variant="body2">{problem.message}</Typography>
        </li>
      ))}
    </ul>
  );
}

/** http(s) addresses in a finding's text (an advisory, a guide), ending before closing punctuation. */
const WEB_ADDRESS = /https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/g;

/** Text with its web addresses as links (Backstage's Link opens them in a new window). */
export function WithLinks({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(WEB_ADDRESS)) {
    const start = m.index ?? 0;
    if (start > last) parts.push(text.slice(last, start));
    parts.push(
      <Link key={start} to={m[0]}>
        {m[0]}
      </Link>,
    );
    last = start + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
