import { getWorkflows, Workflow } from '../parsers/githubActions';
import { LocatedString } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import { at, calledScripts, localCalls } from '../analysis/githubActions';
import { RepoSnapshot } from '../snapshot';

/** Triggers whose runs hold a privileged token while someone else's data is in play. */
const DANGEROUS_TRIGGERS = ['pull_request_target', 'workflow_run'];

/**
 * A write to the environment file or path file: `>> $GITHUB_ENV`,
 * `tee -a "${GITHUB_PATH}"`, PowerShell `Out-File -FilePath $env:GITHUB_ENV`…
 */
const ENV_FILE_RE = /(\$\{?|\$env:|%)(GITHUB_ENV|GITHUB_PATH)\b/gi;
const WRITE_HINT_RE =
  />|\btee\b|out-file|add-content|set-content|\bappendfile|\bwritefile/i;

/**
 * The dangerous triggers of the workflows that call each local composite
 * action (`uses: ./.github/actions/x`), by the action's folder: the action
 * runs with their token and their data.
 */
function dangerousCallers(workflows: Workflow[]): Map<string, Set<string>> {
  const callers = new Map<string, Set<string>>();
  for (const { caller, target, via } of localCalls(workflows)) {
    if (via !== 'step') continue;
    const set = callers.get(target) ?? new Set<string>();
    for (const t of caller.triggers) {
      if (DANGEROUS_TRIGGERS.includes(t)) set.add(t);
    }
    if (set.size) callers.set(target, set);
  }
  return callers;
}

/** Lines of a repository script that write to the environment or path file. */
function scriptWrites(
  snapshot: RepoSnapshot,
  path: string,
  caller: string,
  dangerous: string[],
): CheckFinding[] {
  const text = snapshot.read(path);
  if (!text) return [];
  const out: CheckFinding[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && out.length < 100; i++) {
    const line = lines[i];
    if (/^\s*#/.test(line) || !WRITE_HINT_RE.test(line)) continue;
    ENV_FILE_RE.lastIndex = 0;
    const m = ENV_FILE_RE.exec(line);
    if (!m) continue;
    const file = m[2].toUpperCase();
    out.push({
      message: `script writes to ${file} and is run by ${caller}, triggered by ${dangerous.join(
        ', ',
      )}; values derived from the triggering pull request or run can then set ${
        file === 'GITHUB_PATH'
          ? 'PATH'
          : 'variables such as LD_PRELOAD or NODE_OPTIONS'
      } for every later step`,
      file: path,
      line: i + 1,
      column: m.index + 1,
      endLine: i + 1,
      endColumn: m.index + 1 + m[0].length,
      snippet: line.trim().slice(0, 200),
      fingerprintKey: `script:${file}:${line.trim()}`,
      suggestedFix: {
        description:
          'Have the script print the value as a step output ($GITHUB_OUTPUT) read through `env:`, or run it from a pull_request workflow without secrets',
      },
    });
  }
  return out;
}

function truthy(v: string | undefined) {
  return v !== undefined && /^(true|1|yes|on)$/i.test(v.trim());
}

/** `ACTIONS_ALLOW_UNSECURE_COMMANDS` set to true in an env block. */
function insecureCommands(
  wf: Workflow,
  env: Record<string, LocatedString>,
  where: string,
): CheckFinding[] {
  const v = env.ACTIONS_ALLOW_UNSECURE_COMMANDS;
  if (!v || !(truthy(v.value) || v.value.includes('${{'))) return [];
  return [
    {
      ...at(wf, v.range),
      message:
        'ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables the `::set-env` and `::add-path` workflow commands, so anything printed to the log can set environment variables or PATH for later steps',
      fingerprintKey: `${where}:insecure-commands`,
      suggestedFix: {
        description:
          'Remove ACTIONS_ALLOW_UNSECURE_COMMANDS and write to $GITHUB_ENV / $GITHUB_PATH instead',
      },
    },
  ];
}

/**
 * Writing to `$GITHUB_ENV` or `$GITHUB_PATH` in a workflow that runs with a
 * privileged token on someone else's data (pull_request_target, workflow_run)
 * lets that data set `LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV` or PATH for the
 * rest of the job; the old `::set-env` commands do the same from any log line.
 */
export const githubEnvAbuse = createScorecardCheck({
  id: 'github-env-abuse',
  title: 'No environment‑file / workflow‑command abuse',
  description:
    'Workflows triggered by pull_request_target or workflow_run do not write to $GITHUB_ENV or $GITHUB_PATH, and no workflow re-enables the insecure ::set-env / ::add-path commands.',
  category: 'access-control',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'zizmor', control: 'github-env' },
    { framework: 'zizmor', control: 'insecure-commands' },
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#setting-an-environment-variable',
  run(snapshot) {
    const workflows = getWorkflows(snapshot);
    if (workflows.length === 0)
      return outcome.notApplicable('no GitHub Actions workflow');
    const findings: CheckFinding[] = [];
    const callers = dangerousCallers(workflows);
    const scriptsSeen = new Set<string>();
    let total = 0;
    for (const wf of workflows) {
      // A composite action inherits the triggers of the workflows calling it.
      const dangerous =
        wf.kind === 'workflow'
          ? wf.triggers.filter(t => DANGEROUS_TRIGGERS.includes(t))
          : [...(callers.get(wf.path.replace(/\/[^/]+$/, '')) ?? [])];
      const inAction = wf.kind === 'action' && dangerous.length > 0;
      findings.push(...insecureCommands(wf, wf.env, 'workflow'));
      for (const job of wf.jobs) {
        findings.push(...insecureCommands(wf, job.env, job.id));
        for (const step of job.steps) {
          total++;
          findings.push(
            ...insecureCommands(wf, step.env, `${job.id}[${step.index}]`),
          );
          if (!dangerous.length || !step.run) continue;
          const run = step.run;
          // Scripts of the repository that the step runs, at their own lines.
          for (const script of calledScripts(snapshot, job, step)) {
            if (scriptsSeen.has(script)) continue;
            scriptsSeen.add(script);
            findings.push(
              ...scriptWrites(snapshot, script, wf.path, dangerous),
            );
          }
          ENV_FILE_RE.lastIndex = 0;
          let m: RegExpExecArray | null;
          while ((m = ENV_FILE_RE.exec(run.value))) {
            const lineStart = run.value.lastIndexOf('\n', m.index) + 1;
            const lineEnd = run.value.indexOf('\n', m.index);
            const line = run.value.slice(
              lineStart,
              lineEnd === -1 ? undefined : lineEnd,
            );
            if (!WRITE_HINT_RE.test(line)) continue;
            const range = wf.file.locateIn(run, m.index, m[0].length);
            findings.push({
              ...at(wf, range),
              message: `step writes to ${m[2].toUpperCase()} in ${
                inAction
                  ? 'a composite action called by a workflow'
                  : 'a workflow'
              } triggered by ${dangerous.join(
                ', ',
              )}; values derived from the triggering pull request or run can then set ${
                m[2].toUpperCase() === 'GITHUB_PATH'
                  ? 'PATH'
                  : 'variables such as LD_PRELOAD or NODE_OPTIONS'
              } for every later step`,
              fingerprintKey: `${job.id}[${step.index}]:${m[2]}:${line.trim()}`,
              suggestedFix: {
                description:
                  'Pass the value to later steps as a step output ($GITHUB_OUTPUT) read through `env:`, or move the work to a pull_request workflow without secrets',
              },
            });
          }
        }
      }
    }
    const bad = new Set(findings.map(f => f.fingerprintKey)).size;
    return outcome.proportional(Math.max(total, bad), findings, bad);
  },
});
