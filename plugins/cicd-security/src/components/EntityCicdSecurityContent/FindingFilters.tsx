import { useMemo } from 'react';
import {
  CheckResult,
  Finding,
  SEVERITIES,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import {
  Button,
  Checkbox,
  Chip,
  FormControl,
  FormControlLabel,
  InputLabel,
  MenuItem,
  Select,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { useUrlState } from '../CicdSecurityPage/useUrlState';

/**
 * The query parameters of the findings filters, so that a link to a filtered
 * Security tab can be shared and a reload keeps the filters.
 */
export const FINDING_FILTER_PARAMS = {
  /** Comma-separated severities, e.g. `critical,high`. */
  severity: 'severity',
  /** One file, as the findings name it (path from the repository root). */
  file: 'file',
  /** Free text, matched in the message, file, check and snippet. */
  text: 'q',
  /** `1`: only the findings that are new since the previous scan. */
  newOnly: 'new',
} as const;

export interface FindingFilters {
  severities: Severity[];
  file: string;
  text: string;
  newOnly: boolean;
}

export function hasActiveFilter(filters: FindingFilters): boolean {
  return (
    filters.severities.length > 0 ||
    filters.file !== '' ||
    filters.text.trim() !== '' ||
    filters.newOnly
  );
}

/** Whether the scan said the finding was not in the previous scan. */
export function isNewFinding(finding: Finding): boolean {
  return finding.newSinceLastScan === true;
}

/** Whether the scan says, for this finding, if it is new (older scans do not). */
export function carriesNewField(finding: Finding): boolean {
  return typeof finding.newSinceLastScan === 'boolean';
}

export function matchesFilters(
  check: CheckResult,
  finding: Finding,
  filters: FindingFilters,
): boolean {
  if (
    filters.severities.length > 0 &&
    !filters.severities.includes(finding.severity)
  ) {
    return false;
  }
  if (filters.file && finding.file !== filters.file) {
    return false;
  }
  if (filters.newOnly && !isNewFinding(finding)) {
    return false;
  }
  const text = filters.text.trim().toLowerCase();
  if (text) {
    const haystack = [
      finding.message,
      finding.file,
      finding.snippet,
      finding.suggestedFix?.description,
      check.title,
      check.checkId,
      ...(finding.alsoReportedBy ?? []).flatMap(a => [a.checkId, a.message]),
    ]
      .filter(Boolean)
      .join('\n')
      .toLowerCase();
    if (!haystack.includes(text)) {
      return false;
    }
  }
  return true;
}

/** The findings filters, read from and written to the URL's query. */
export function useFindingFilters() {
  const { get, set } = useUrlState();
  const severityParam = get(FINDING_FILTER_PARAMS.severity);
  const file = get(FINDING_FILTER_PARAMS.file);
  const text = get(FINDING_FILTER_PARAMS.text);
  const newOnly = get(FINDING_FILTER_PARAMS.newOnly) === '1';
  const filters = useMemo<FindingFilters>(() => {
    const wanted = severityParam
      .split(',')
      .map(s => s.trim().toLowerCase())
      .filter(Boolean);
    return {
      // Unknown severities in a hand-edited link are ignored.
      severities: SEVERITIES.filter(s => wanted.includes(s)),
      file,
      text,
      newOnly,
    };
  }, [severityParam, file, text, newOnly]);
  const update = (change: Partial<FindingFilters>) => {
    const values: Record<string, string | undefined> = {};
    if (change.severities !== undefined) {
      values[FINDING_FILTER_PARAMS.severity] = SEVERITIES.filter(s =>
        change.severities!.includes(s),
      ).join(',');
    }
    if (change.file !== undefined) {
      values[FINDING_FILTER_PARAMS.file] = change.file;
    }
    if (change.text !== undefined) {
      values[FINDING_FILTER_PARAMS.text] = change.text;
    }
    if (change.newOnly !== undefined) {
      values[FINDING_FILTER_PARAMS.newOnly] = change.newOnly ? '1' : undefined;
    }
    set(values);
  };
  const clear = () =>
    update({ severities: [], file: '', text: '', newOnly: false });
  return { filters, update, clear };
}

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    marginBottom: theme.spacing(2),
  },
  severities: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
  },
  file: { minWidth: 220, maxWidth: '100%' },
  text: { minWidth: 200 },
  count: { marginLeft: 'auto' },
}));

function plural(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

/** Severity, file, text and "new only" filters over a scorecard's open findings. */
export function FindingFiltersBar({
  filters,
  onChange,
  onClear,
  files,
  severityCounts,
  shown,
  total,
  hasNewField,
}: {
  filters: FindingFilters;
  onChange: (change: Partial<FindingFilters>) => void;
  onClear: () => void;
  /** Files with open findings, and how many each. */
  files: Array<{ file: string; count: number }>;
  severityCounts: Record<Severity, number>;
  shown: number;
  total: number;
  /** Whether the scan says which findings are new (the filter is offered only then). */
  hasNewField: boolean;
}) {
  const classes = useStyles();
  const active = hasActiveFilter(filters);
  const toggleSeverity = (severity: Severity) =>
    onChange({
      severities: filters.severities.includes(severity)
        ? filters.severities.filter(s => s !== severity)
        : [...filters.severities, severity],
    });
  const fileOptions =
    filters.file && !files.some(f => f.file === filters.file)
      ? [...files, { file: filters.file, count: 0 }]
      : files;
  return (
    <div
      className={classes.bar}
      role="search"
      aria-label="Filter the findings"
      data-testid="finding-filters"
    >
      <div
        className={classes.severities}
        role="group"
        aria-label="Severity"
        data-testid="severity-filter"
      >
        {SEVERITIES.map(severity => {
          const selected = filters.severities.includes(severity);
          return (
            <Chip
              key={severity}
              size="small"
              clickable
              color={selected ? 'primary' : 'default'}
              variant={selected ? 'default' : 'outlined'}
              label={`${severity} (${severityCounts[severity]})`}
              aria-pressed={selected}
              onClick={() => toggleSeverity(severity)}
              data-testid={`severity-filter-${severity}`}
            />
          );
        })}
      </div>
      <FormControl
        size="small"
        variant="outlined"
        className={classes.file}
        disabled={fileOptions.length === 0}
      >
        <InputLabel id="finding-file-filter-label">File</InputLabel>
        <Select
          labelId="finding-file-filter-label"
          label="File"
          value={filters.file}
          onChange={e => onChange({ file: String(e.target.value ?? '') })}
          data-testid="file-filter"
        >
          <MenuItem value="">
            <em>All files</em>
          </MenuItem>
          {fileOptions.map(f => (
            <MenuItem key={f.file} value={f.file}>
              {f.file} ({f.count})
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <TextField
        size="small"
        variant="outlined"
        label="Search findings"
        className={classes.text}
        value={filters.text}
        onChange={e => onChange({ text: e.target.value })}
        inputProps={{ 'data-testid': 'text-filter' }}
      />
      {(hasNewField || filters.newOnly) && (
        <FormControlLabel
          control={
            <Checkbox
              size="small"
              checked={filters.newOnly}
              onChange={e => onChange({ newOnly: e.target.checked })}
              inputProps={{ 'aria-label': 'New since the last scan only' }}
            />
          }
          label="New only"
        />
      )}
      {active && (
        <Button size="small" onClick={onClear} data-testid="clear-filters">
          Clear filters
        </Button>
      )}
      <Typography
        variant="body2"
        color="textSecondary"
        className={classes.count}
        data-testid="findings-count"
        aria-live="polite"
      >
        {active
          ? `${shown} of ${plural(total, 'finding', 'findings')}`
          : plural(total, 'finding', 'findings')}
      </Typography>
    </div>
  );
}
