import {
  CheckResult,
  CheckStatus,
  Finding,
  Grade,
  SEVERITIES,
  Severity,
} from '@cicd-security/plugin-cicd-security-common';
import { RouteRef, SubRouteRef, useRouteRef } from '@backstage/core-plugin-api';

/** Colours of the grades, from green to red, readable with white text. */
export const GRADE_COLORS: Record<Grade, string> = {
  A: '#2e7d32',
  B: '#558b2f',
  C: '#b7791f',
  D: '#d84315',
  F: '#c62828',
};

export const SEVERITY_COLORS: Record<Severity, string> = {
  critical: '#b71c1c',
  high: '#d84315',
  medium: '#b7791f',
  low: '#546e7a',
};

const STATUS_ORDER: Record<CheckStatus, number> = {
  fail: 0,
  warn: 1,
  error: 2,
  inconclusive: 3,
  pass: 4,
  'not-applicable': 5,
};

/** Failing and warning checks first, then by severity, then by title. */
export function sortChecks(checks: CheckResult[]): CheckResult[] {
  return [...checks].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.title.localeCompare(b.title),
  );
}

export function isFailing(check: CheckResult): boolean {
  return check.status === 'fail' || check.status === 'warn';
}

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '–' : score.toFixed(1);
}

/** `file:line:column`, as far as the finding knows it. */
export function formatLocation(finding: {
  file?: string;
  line?: number;
  column?: number;
}): string | undefined {
  if (!finding.file) {
    return undefined;
  }
  let location = finding.file;
  if (finding.line !== undefined) {
    location += `:${finding.line}`;
    if (finding.column !== undefined) {
      location += `:${finding.column}`;
    }
  }
  return location;
}

export function shortRevision(revision?: string): string | undefined {
  if (!revision) {
    return undefined;
  }
  if (/^[0-9a-f]{40}$/i.test(revision)) return revision.slice(0, 7);
  // Content hashes of local directories (`local-sha256:<64 hex>`) and long
  // ETags: keep a readable prefix; the full value is in the title.
  const hashed = /^([a-z0-9-]+:)?([0-9a-f]{16,})$/i.exec(revision);
  if (hashed) return `${hashed[1] ?? ''}${hashed[2].slice(0, 12)}`;
  return revision.length > 24 ? `${revision.slice(0, 20)}…` : revision;
}

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 hours ago"; the exact time belongs in a title attribute. */
export function formatRelativeTime(
  iso: string | undefined,
  now: number = Date.now(),
): string {
  if (!iso) {
    return 'never';
  }
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return iso;
  }
  const seconds = Math.round((then - now) / 1000);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['year', 365 * 24 * 3600],
    ['month', 30 * 24 * 3600],
    ['day', 24 * 3600],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      return relativeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return 'just now';
}

export function formatDateTime(iso: string | undefined): string | undefined {
  if (!iso) {
    return undefined;
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** Resolves a route ref, or returns undefined when the app has not mounted it. */
export function useOptionalRouteRef(
  routeRef: RouteRef<any> | SubRouteRef<any>,
): ((params?: Record<string, string>) => string) | undefined {
  try {
    // Always called, so the hook order stays the same across renders.
    return useRouteRef(routeRef as RouteRef<any>) as unknown as (
      params?: Record<string, string>,
    ) => string;
  } catch {
    return undefined;
  }
}

/** Where the check guide of a check lives, with a fallback when the page is not mounted. */
export function checkGuidePath(
  resolve: ((params?: Record<string, string>) => string) | undefined,
  checkId: string,
): string {
  return resolve
    ? resolve({ checkId })
    : `/cicd-security/checks/${encodeURIComponent(checkId)}`;
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
  };
  for (const finding of findings) {
    if (!finding.suppressed) {
      counts[finding.severity] += 1;
    }
  }
  return counts;
}

/** Saves a blob as a file through a temporary link. */
export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
