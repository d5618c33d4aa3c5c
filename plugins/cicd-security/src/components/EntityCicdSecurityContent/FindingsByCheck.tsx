import { ReactNode, useEffect, useMemo, useState } from 'react';
import {
  CheckResult,
  Finding,
  SEVERITIES,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import { Box, Button, Typography } from '@material-ui/core';
import { isFailing } from '../../utils';
import { CheckFindings } from './CheckFindings';
import {
  FindingFiltersBar,
  hasActiveFilter,
  carriesNewField,
  matchesFilters,
  useFindingFilters,
} from './FindingFilters';

const CHECK_ANCHOR = /^#check-(.+)$/;

/**
 * The open findings of a scorecard, one collapsible section per failing or
 * warning check (its title, severity and count; the first few findings, the
 * rest behind "Show N more"), with severity, file, text and "new only"
 * filters kept in the URL's query.
 */
export function FindingsByCheck({
  checks,
  guideLink,
  sourceLocation,
  action,
}: {
  /** The checks that have a findings section, in display order. */
  checks: CheckResult[];
  guideLink: (checkId: string) => string;
  sourceLocation?: string;
  /** Shown next to a check's guide link, e.g. the Waive button. */
  action?: (check: CheckResult) => ReactNode;
}) {
  const { filters, update, clear } = useFindingFilters();
  const active = hasActiveFilter(filters);

  const open = useMemo(
    () =>
      checks.map(check => ({
        check,
        findings: check.findings.filter(f => !f.suppressed),
      })),
    [checks],
  );
  const all = useMemo(
    () =>
      open.flatMap(({ check, findings }) =>
        findings.map(finding => ({ check, finding })),
      ),
    [open],
  );
  const files = useMemo(() => {
    const counts = new Map<string, number>();
    for (const { finding } of all) {
      if (finding.file) {
        counts.set(finding.file, (counts.get(finding.file) ?? 0) + 1);
      }
    }
    return [...counts.entries()]
      .map(([file, count]) => ({ file, count }))
      .sort((a, b) => a.file.localeCompare(b.file));
  }, [all]);
  const severityCounts = useMemo(() => {
    const counts = Object.fromEntries(SEVERITIES.map(s => [s, 0])) as Record<
      Severity,
      number
    >;
    for (const { finding } of all) {
      counts[finding.severity] = (counts[finding.severity] ?? 0) + 1;
    }
    return counts;
  }, [all]);

  const groups = open
    .map(({ check, findings }) => ({
      check,
      matching: active
        ? findings.filter((f: Finding) => matchesFilters(check, f, filters))
        : findings,
    }))
    // A filter hides the checks without a matching finding.
    .filter(g => !active || g.matching.length > 0);
  const shown = groups.reduce((n, g) => n + g.matching.length, 0);

  // The first few failing and warning checks start open (all of them when
  // a filter narrows the list); the reader's choices win after.
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const openAtFirst = defaultOpenChecks(
    groups.map(g => g.check),
    active,
  );
  const isExpanded = (check: CheckResult) =>
    expanded[check.checkId] ?? openAtFirst.has(check.checkId);
  const setAll = (value: boolean) =>
    setExpanded(Object.fromEntries(checks.map(c => [c.checkId, value])));

  // "Show findings" links (#check-<id>) open the check's section.
  useEffect(() => {
    const openFromHash = () => {
      const m = CHECK_ANCHOR.exec(window.location.hash);
      if (m) {
        const checkId = decodeURIComponent(m[1]);
        setExpanded(previous => ({ ...previous, [checkId]: true }));
      }
    };
    openFromHash();
    window.addEventListener('hashchange', openFromHash);
    return () => window.removeEventListener('hashchange', openFromHash);
  }, []);

  return (
    <div data-testid="findings-by-check">
      <Box
        display="flex"
        alignItems="baseline"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <Typography
          variant="h5"
          component="h2"
          gutterBottom
          style={{ flexGrow: 1 }}
        >
          Findings
        </Typography>
        <Button
          size="small"
          onClick={() => setAll(true)}
          data-testid="expand-all-checks"
        >
          Expand all
        </Button>
        <Button
          size="small"
          onClick={() => setAll(false)}
          data-testid="collapse-all-checks"
        >
          Collapse all
        </Button>
      </Box>
      <FindingFiltersBar
        filters={filters}
        onChange={update}
        onClear={clear}
        files={files}
        severityCounts={severityCounts}
        shown={shown}
        total={all.length}
        hasNewField={all.some(({ finding }) => carriesNewField(finding))}
      />
      {groups.length === 0 && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="no-matching-findings"
        >
          No finding matches these filters.{' '}
          <Button size="small" color="primary" onClick={clear}>
            Clear filters
          </Button>
        </Typography>
      )}
      {groups.map(({ check, matching }) => (
        <CheckFindings
          key={check.checkId}
          check={check}
          guideLink={guideLink(check.checkId)}
          sourceLocation={sourceLocation}
          expanded={isExpanded(check)}
          onExpandedChange={value =>
            setExpanded(previous => ({ ...previous, [check.checkId]: value }))
          }
          findings={matching}
          action={action?.(check)}
        />
      ))}
    </div>
  );
}

/** How many failing or warning checks show their findings when the tab opens. */
export const CHECKS_OPEN_AT_FIRST = 3;

/**
 * The checks whose section starts open: the first
 * {@link CHECKS_OPEN_AT_FIRST} failing or warning checks in the order shown,
 * or every failing or warning check when a filter narrows the list.
 */
export function defaultOpenChecks(
  checks: CheckResult[],
  filtered: boolean,
): Set<string> {
  const failing = checks.filter(isFailing).map(c => c.checkId);
  return new Set(filtered ? failing : failing.slice(0, CHECKS_OPEN_AT_FIRST));
}
