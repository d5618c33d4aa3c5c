import { Severity } from '@cicd-security/plugin-cicd-security-common';
import {
  getWorkflows,
  PermissionsSpec,
  RISKY_PERMISSION_TRIGGERS,
  triggersIn,
  Workflow,
} from '../parsers/githubActions';
import { SourceRange } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome, round1 } from './types';

/**
 * Scorecard's Token-Permissions deductions for a scope granted `write` at
 * the top level of a workflow, i.e. to every job.
 */
const TOP_LEVEL_WRITE_DEDUCTION: Record<
  string,
  { points: number; severity: Severity; why: string }
> = {
  contents: {
    points: 10,
    severity: 'high',
    why: 'lets any step push unreviewed commits and tags',
  },
  packages: {
    points: 10,
    severity: 'high',
    why: 'lets any step publish packages',
  },
  actions: {
    points: 10,
    severity: 'high',
    why: 'lets any step cancel, re-run or approve workflow runs',
  },
  'security-events': {
    points: 1,
    severity: 'medium',
    why: 'lets any step dismiss code-scanning alerts',
  },
  deployments: {
    points: 1,
    severity: 'medium',
    why: 'lets any step create deployments',
  },
  statuses: {
    points: 0.5,
    severity: 'medium',
    why: 'lets any step forge commit statuses',
  },
  checks: {
    points: 0.5,
    severity: 'medium',
    why: 'lets any step forge check runs',
  },
};

interface Located {
  message: string;
  range: SourceRange;
  severity: Severity;
  points: number;
  key: string;
}

function findingsFor(wf: Workflow): Located[] {
  const out: Located[] = [];
  const risky = triggersIn(wf, RISKY_PERMISSION_TRIGGERS);
  const top = wf.permissions;
  const riskyNote = risky.length
    ? `; it runs on ${risky.join(', ')}, where outsiders control the event`
    : '';
  // A workflow only ever called (workflow_call) gets its token from the
  // caller, which can only narrow it.
  const onlyCalled =
    wf.triggers.length > 0 && wf.triggers.every(t => t === 'workflow_call');
  if (!top) {
    // Job-level blocks replace the default entirely, so the top-level block
    // only matters for jobs that declare none.
    const bare = wf.jobs.filter(j => !j.permissions);
    if (bare.length > 0 && !onlyCalled) {
      const names = bare.map(j => j.id);
      out.push({
        message: `No top-level permissions: block, and job${
          names.length > 1 ? 's' : ''
        } ${names.join(', ')} declare${
          names.length > 1 ? '' : 's'
        } none either, so ${
          names.length > 1 ? 'they run' : 'it runs'
        } with the repository's default token permissions, which may be read-write${riskyNote}`,
        range: wf.triggersRange ?? {
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
        },
        severity: risky.length ? 'high' : 'medium',
        points: 10,
        key: 'top-level:missing',
      });
    }
  } else {
    out.push(...topLevelFindings(top, riskyNote, wf.jobs.length === 1));
  }
  for (const job of wf.jobs) {
    const p = job.permissions;
    if (!p) continue;
    if (p.kind === 'read-all') {
      out.push(readAll(p, `Job ${job.id} grants`, `${job.id}:read-all`));
      continue;
    }
    if (p.kind === 'write-all') {
      out.push({
        message: `Job ${job.id} grants permissions: write-all, every scope of the token with write access${riskyNote}`,
        range: p.range,
        severity: 'high',
        points: 10,
        key: `${job.id}:write-all`,
      });
      continue;
    }
    if (top?.kind === 'scopes') {
      for (const [scope, level] of Object.entries(p.scopes)) {
        if (level === 'write' && top.scopes[scope] === 'write') {
          out.push({
            message: `Job ${job.id} grants ${scope}: write, which the top level already grants to every job; keep write access on the jobs that need it only`,
            range: p.scopeRanges[scope] ?? p.range,
            severity: 'low',
            points: 0,
            key: `${job.id}:${scope}:both`,
          });
        }
      }
    }
  }
  if (!onlyCalled) return out;
  // What a called workflow asks for is what its caller grants at most: worth
  // seeing, not worth points.
  return out.map(f => ({
    ...f,
    message: `${f.message}; this workflow only runs when called (workflow_call), so its callers' permissions bound it`,
    severity: 'low',
    points: 0,
  }));
}

/** `permissions: read-all`: every scope readable, packages and security events included. */
function readAll(p: PermissionsSpec, who: string, key: string): Located {
  return {
    message: `${who} permissions: read-all, read access to every scope of the token (packages, security events, deployments, actions…); name the scopes the jobs read, e.g. contents: read`,
    range: p.range,
    severity: 'low',
    points: 0,
    key,
  };
}

function topLevelFindings(
  top: PermissionsSpec,
  riskyNote: string,
  onlyJob: boolean,
): Located[] {
  if (top.kind === 'write-all') {
    return [
      {
        message: `permissions: write-all gives every job write access to every scope of the token${riskyNote}`,
        range: top.range,
        severity: 'high',
        points: 10,
        key: 'top-level:write-all',
      },
    ];
  }
  if (top.kind === 'read-all') {
    return [
      readAll(top, 'The top level grants every job', 'top-level:read-all'),
    ];
  }
  if (top.kind !== 'scopes') return [];
  const out: Located[] = [];
  for (const [scope, level] of Object.entries(top.scopes)) {
    if (level !== 'write') continue;
    const d = TOP_LEVEL_WRITE_DEDUCTION[scope];
    if (onlyJob) {
      // With one job the top-level grant is that job's grant: the same
      // power, but a job added later would inherit it.
      out.push({
        message: `Top-level ${scope}: write is granted to the workflow's only job, which is the same as granting it on that job today; declare it on the job so that a job added later starts without it`,
        range: top.scopeRanges[scope] ?? top.range,
        severity: 'low',
        points: 0,
        key: `top-level:${scope}`,
      });
      continue;
    }
    out.push({
      message: `Top-level ${scope}: write is granted to every job${
        d ? ` and ${d.why}` : ''
      }; declare it on the job that needs it and keep the top level read-only${riskyNote}`,
      range: top.scopeRanges[scope] ?? top.range,
      severity: d?.severity ?? 'low',
      points: d?.points ?? 0,
      key: `top-level:${scope}`,
    });
  }
  return out;
}

/**
 * The `GITHUB_TOKEN` of a workflow with no `permissions:` gets the
 * repository's default, often read-write on everything; any compromised step
 * then holds that power.
 */
export const excessiveTokenPermissions = createScorecardCheck({
  id: 'excessive-token-permissions',
  title: 'Workflow token least privilege',
  description:
    'Workflows declare a read-only top-level permissions: block (or one per job) and grant write scopes only to the jobs that need them, so a compromised step cannot push code, publish packages or approve runs.',
  category: 'access-control',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'zizmor', control: 'excessive-permissions' },
    { framework: 'poutine', control: 'default_permissions_on_risky_events' },
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions',
  run(snapshot) {
    const workflows = getWorkflows(snapshot).filter(
      wf => wf.kind === 'workflow' && wf.jobs.length > 0,
    );
    if (workflows.length === 0)
      return outcome.notApplicable('no GitHub Actions workflow');
    const findings: CheckFinding[] = [];
    let deducted = 0;
    for (const wf of workflows) {
      for (const f of findingsFor(wf)) {
        deducted += f.points;
        findings.push({
          message: f.message,
          file: wf.path,
          line: f.range.line,
          column: f.range.column,
          endLine: f.range.endLine,
          endColumn: f.range.endColumn,
          snippet: wf.file.lineText(f.range.line).trim(),
          severity: f.severity,
          fingerprintKey: f.key,
          suggestedFix: {
            description:
              f.key === 'top-level:missing'
                ? 'Add a read-only top-level block and grant write scopes per job'
                : 'Keep the top level read-only and grant each write scope on the one job that needs it',
            replacement:
              f.key === 'top-level:missing'
                ? 'permissions:\n  contents: read'
                : undefined,
          },
        });
      }
    }
    const score = Math.max(0, 10 - deducted);
    if (findings.length === 0) {
      return outcome.pass(
        `${workflows.length} workflow(s) declare least-privilege permissions`,
      );
    }
    const serious = findings.some(f => f.severity !== 'low');
    if (score < 10 || serious) return outcome.fail(score, findings);
    return { status: 'warn', score: round1(score), findings };
  },
});
