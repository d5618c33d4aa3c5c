import {
  attackerControlledReferences,
  codeSinkInputs,
  envReference,
  expressionContexts,
  runLanguage,
  findExpressions,
  getWorkflows,
  isTaintedOutput,
  PRIVILEGED_TRIGGERS,
  triggersIn,
  Workflow,
  WorkflowJob,
  WorkflowStep,
} from '../parsers/githubActions';
import { getNode, LocatedString } from '../parsers/yaml';
import { Severity } from '@cicd-security/plugin-cicd-security-common';
import {
  commandWords,
  getScriptBlocks,
  lineAround,
  programName,
  ScriptBlock,
  scriptLocation,
  ShellCommand,
  shellCommands,
  sliceScriptBlock,
} from '../parsers/scripts';
import { getJenkinsfiles, Jenkinsfile } from '../parsers/jenkinsfile';
import { RepoSnapshot } from '../snapshot';
import {
  CheckFinding,
  createScorecardCheck,
  lowerSeverity,
  outcome,
} from './types';
import { at, withInput } from '../analysis/githubActions';

/** Default environment variables of the runner that carry attacker-controlled text. */
const TAINTED_SHELL_VARS = new Set(['GITHUB_HEAD_REF']);
const MAX_DEPTH = 8;

interface Scope {
  wf: Workflow;
  job: WorkflowJob;
  /** The step being evaluated; `undefined` for job-level values. */
  step?: WorkflowStep;
}

/** Where an expression's attacker-controlled text comes from. */
interface Taint {
  sources: string[];
  /** The chain of indirections, e.g. `env.TITLE`, `steps.meta.outputs.title`. */
  via: string[];
  /**
   * `input` when every source is an input (`inputs.*`) that a caller or a
   * user with write access chooses, rather than text anyone can write.
   */
  strength?: 'input';
}

/** Input types whose values cannot carry code (`workflow_dispatch` choices, booleans…). */
const SAFE_INPUT_TYPES = new Set([
  'boolean',
  'number',
  'choice',
  'environment',
]);

function merge(
  into: Taint | undefined,
  t: Taint | undefined,
): Taint | undefined {
  if (!t) return into;
  if (!into)
    return {
      sources: [...t.sources],
      via: [...t.via],
      ...(t.strength ? { strength: t.strength } : {}),
    };
  for (const s of t.sources)
    if (!into.sources.includes(s)) into.sources.push(s);
  for (const v of t.via) if (!into.via.includes(v)) into.via.push(v);
  // Attacker text anywhere makes the whole value attacker-controlled.
  if (!t.strength || !into.strength) delete into.strength;
  return into;
}

/**
 * Follows attacker-controlled values through `env:`, `$GITHUB_ENV`,
 * `$GITHUB_OUTPUT` step outputs, job outputs and matrix values.
 */
class TaintTracker {
  /** Taint of every `${{ … }}` in a string value. */
  ofValue(value: string, scope: Scope, depth: number): Taint | undefined {
    let t: Taint | undefined;
    for (const span of findExpressions(value)) {
      t = merge(t, this.ofExpression(span.inner, scope, depth));
    }
    return t;
  }

  ofExpression(inner: string, scope: Scope, depth: number): Taint | undefined {
    if (depth > MAX_DEPTH) return undefined;
    let t: Taint | undefined;
    const direct = attackerControlledReferences(inner);
    if (direct.length) t = { sources: direct, via: [] };
    for (const ref of expressionContexts(inner)) {
      const indirect = this.ofReference(ref, scope, depth + 1);
      if (indirect)
        t = merge(t, {
          ...indirect,
          // An input is its own source, not an indirection.
          via: indirect.sources.includes(ref)
            ? indirect.via
            : [ref, ...indirect.via],
        });
    }
    return t;
  }

  private ofReference(
    ref: string,
    scope: Scope,
    depth: number,
  ): Taint | undefined {
    const parts = ref.split('.');
    if (parts[0] === 'env' && parts[1])
      return this.ofEnv(parts[1], scope, depth);
    if (parts[0] === 'steps' && parts[2] === 'outputs' && parts[3]) {
      return this.ofStepOutput(parts[1], parts[3], scope, depth);
    }
    if (parts[0] === 'needs' && parts[2] === 'outputs' && parts[3]) {
      const job = scope.wf.jobs.find(j => j.id === parts[1]);
      const out =
        job &&
        scope.wf.file.located(getNode(getNode(job.node, 'outputs'), parts[3]));
      return out
        ? this.ofValue(out.value, { wf: scope.wf, job }, depth)
        : undefined;
    }
    if (parts[0] === 'matrix') return this.ofMatrix(parts[1], scope, depth);
    if (
      (parts[0] === 'inputs' && parts[1]) ||
      (parts[0] === 'github' &&
        parts[1] === 'event' &&
        parts[2] === 'inputs' &&
        parts[3])
    ) {
      const name = parts[0] === 'inputs' ? parts[1] : parts[3];
      return this.ofInput(name, ref, scope);
    }
    return undefined;
  }

  /**
   * An input is code the caller chooses: a composite action's caller, or
   * whoever dispatches or calls the workflow. Typed workflow inputs
   * (boolean, number, choice, environment) cannot carry code.
   */
  private ofInput(name: string, ref: string, scope: Scope): Taint | undefined {
    if (scope.wf.kind === 'workflow') {
      for (const trigger of ['workflow_dispatch', 'workflow_call']) {
        const config = scope.wf.triggerConfig[trigger] as
          | { inputs?: Record<string, { type?: unknown } | null> }
          | undefined
          | null;
        const declared = config?.inputs?.[name];
        if (declared && SAFE_INPUT_TYPES.has(String(declared.type))) {
          return undefined;
        }
      }
    }
    return { sources: [ref], via: [], strength: 'input' };
  }

  private ofEnv(name: string, scope: Scope, depth: number): Taint | undefined {
    const { wf, job, step } = scope;
    const declared = step?.env[name] ?? job.env[name] ?? wf.env[name];
    if (declared) {
      return this.ofValue(declared.value, { wf, job }, depth);
    }
    // Set by an earlier step through `$GITHUB_ENV`.
    let t: Taint | undefined;
    for (const earlier of this.stepsBefore(scope)) {
      t = merge(
        t,
        this.ofFileWrite(
          earlier,
          'GITHUB_ENV',
          name,
          { wf, job, step: earlier },
          depth,
        ),
      );
    }
    return t;
  }

  private ofStepOutput(
    id: string,
    name: string,
    scope: Scope,
    depth: number,
  ): Taint | undefined {
    const producer = scope.job.steps.find(s => s.id === id);
    if (!producer) return undefined;
    const uses = producer.uses?.value ?? '';
    if (isTaintedOutput(uses, name)) {
      return { sources: [`${uses.split('@')[0]} output ${name}`], via: [] };
    }
    return this.ofFileWrite(
      producer,
      'GITHUB_OUTPUT',
      name,
      { ...scope, step: producer },
      depth,
    );
  }

  private ofMatrix(
    key: string | undefined,
    scope: Scope,
    depth: number,
  ): Taint | undefined {
    const matrix = scope.job.matrix;
    const jobScope = { wf: scope.wf, job: scope.job };
    if (typeof matrix === 'string')
      return this.ofValue(matrix, jobScope, depth);
    if (!key || !matrix || typeof matrix !== 'object') return undefined;
    const m = matrix as Record<string, unknown>;
    const values: unknown[] = [m[key]];
    for (const extra of ['include']) {
      const list = m[extra];
      if (typeof list === 'string') values.push(list);
      else if (Array.isArray(list))
        for (const entry of list) values.push(entry?.[key]);
    }
    let t: Taint | undefined;
    for (const s of strings(values))
      t = merge(t, this.ofValue(s, jobScope, depth));
    return t;
  }

  /**
   * Taint of what a `run:` step writes under `name` to `$GITHUB_OUTPUT` or
   * `$GITHUB_ENV` (`name=value`, `name<<EOF … EOF`, `::set-output`).
   */
  private ofFileWrite(
    step: WorkflowStep,
    fileVar: 'GITHUB_OUTPUT' | 'GITHUB_ENV',
    name: string,
    scope: Scope,
    depth: number,
  ): Taint | undefined {
    const run = step.run?.value;
    if (!run) return undefined;
    let t: Taint | undefined;
    let heredoc: { name: string; end: string } | undefined;
    const target = new RegExp(`\\$\\{?${fileVar}\\b`);
    for (const line of run.split('\n')) {
      let value: string | undefined;
      if (heredoc) {
        const closing = new RegExp(
          `^(?:echo\\s+)?['"]?${heredoc.end}['"]?(?:\\s*>>.*)?$`,
        );
        if (closing.test(line.trim())) {
          heredoc = undefined;
          continue;
        }
        if (heredoc.name === name) value = line;
      } else if (target.test(line)) {
        const start = new RegExp(`\\b${escape(name)}<<\\s*['"]?(\\w+)`).exec(
          line,
        );
        const assign = new RegExp(`(?:^|[\\s"'])${escape(name)}=(.*)$`).exec(
          line,
        );
        if (start) heredoc = { name, end: start[1] };
        else if (assign) value = assign[1];
        else if (/<<\s*['"]?(\w+)/.test(line)) {
          const other = /(\w[\w-]*)<<\s*['"]?(\w+)/.exec(line);
          if (other) heredoc = { name: other[1], end: other[2] };
        }
      } else if (fileVar === 'GITHUB_OUTPUT') {
        const legacy = new RegExp(
          `::set-output name=${escape(name)}::(.*)$`,
        ).exec(line);
        if (legacy) value = legacy[1];
      }
      if (value === undefined) continue;
      t = merge(t, this.ofValue(value, scope, depth));
      t = merge(t, this.ofShellVars(value, scope, depth));
    }
    return t;
  }

  /** Shell variables (`$TITLE`, `${TITLE}`) whose env value is tainted. */
  private ofShellVars(
    text: string,
    scope: Scope,
    depth: number,
  ): Taint | undefined {
    let t: Taint | undefined;
    for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const name = m[1];
      if (TAINTED_SHELL_VARS.has(name)) {
        t = merge(t, { sources: ['github.head_ref'], via: [`$${name}`] });
        continue;
      }
      const env = this.ofEnv(name, scope, depth + 1);
      if (env)
        t = merge(t, { sources: env.sources, via: [`$${name}`, ...env.via] });
    }
    return t;
  }

  private stepsBefore(scope: Scope): WorkflowStep[] {
    if (!scope.step) return [];
    const index = scope.step.index;
    return scope.job.steps.filter(s => s.index < index);
  }
}

function strings(values: unknown[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  values.forEach(walk);
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function envName(ref: string): string {
  const last =
    ref
      .split('.')
      .filter(p => p !== '*')
      .pop() ?? 'VALUE';
  return last.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

interface Sink {
  value: LocatedString;
  /** What reads the text as code, for messages: `a run: script`. */
  where: string;
  /** The language the text is read in (how it reads an environment variable). */
  language: string;
  /** The code runs on another host, which the step's env: does not reach. */
  remote?: boolean;
  /**
   * The text becomes one argument of a program, not shell code (a Docker
   * action's args: with an entrypoint that is not a shell): argument
   * injection, one severity lower.
   */
  argv?: boolean;
}

function lowerForArgv(severity: Severity, argv: boolean | undefined): Severity {
  return argv ? lowerSeverity(severity) : severity;
}

/** A shell as an entrypoint: `sh`, `/bin/bash`, `pwsh`… */
const SHELL_ENTRYPOINT_RE =
  /^(?:\/(?:usr\/)?(?:local\/)?bin\/)?(?:sh|bash|dash|ash|zsh|pwsh|powershell)$/;

/**
 * A Docker action's places where a caller's text lands: `args:` (each an
 * argument of the entrypoint, or shell code when the entrypoint is a shell
 * run with `-c`) and the entrypoints themselves.
 */
function dockerSinks(job: WorkflowJob): Sink[] {
  if (!job.dockerArgs?.length && !job.dockerEntrypoints?.length) return [];
  const entry = job.dockerEntrypoints?.find(e => e.key === 'entrypoint')?.value;
  const shell =
    entry !== undefined && SHELL_ENTRYPOINT_RE.test(entry.value.trim());
  const out: Sink[] = [];
  for (const arg of job.dockerArgs ?? []) {
    out.push({
      value: arg,
      where: shell
        ? `the args: of this Docker action, which its shell entrypoint (${entry!.value.trim()}) runs as code`
        : "the args: of this Docker action, passed to its entrypoint as arguments (argument injection; shell code if the image's entrypoint runs them in a shell)",
      language: 'shell',
      ...(shell ? {} : { argv: true }),
    });
  }
  for (const e of job.dockerEntrypoints ?? []) {
    out.push({
      value: e.value,
      where: `the ${e.key}: of this Docker action (the program it runs)`,
      language: 'shell',
    });
  }
  return out;
}

/** Whether a job runs on Windows, where `run:` defaults to pwsh. */
function onWindows(job: WorkflowJob): boolean {
  const labels = Array.isArray(job.runsOn) ? job.runsOn : [job.runsOn];
  return labels.some(l => typeof l === 'string' && /^windows/i.test(l));
}

/**
 * The places of a step whose text is read as code: `run:` (in its shell)
 * and the inputs that well-known actions execute (`actions/github-script`'s
 * `script:`, `azure/cli`'s `inlineScript:`…, a data table).
 */
function sinks(job: WorkflowJob, step: WorkflowStep): Sink[] {
  const out: Sink[] = [];
  if (step.run) {
    out.push({
      value: step.run,
      where: 'a run: script',
      language: runLanguage(step.shell, onWindows(job)),
    });
  }
  const uses = step.uses?.value;
  if (uses) {
    for (const sink of codeSinkInputs(uses)) {
      const found = withInput(step, sink.input);
      if (!found) continue;
      const { key, value } = found;
      out.push({
        value,
        where:
          sink.action === 'actions/github-script'
            ? 'an actions/github-script script'
            : `the ${key}: input of ${sink.action}, which it runs as ${
                sink.language
              }${sink.remote ? ' on a remote host' : ''}`,
        language: sink.language,
        ...(sink.remote ? { remote: true } : {}),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// GitLab CI, Azure Pipelines, Jenkins and CircleCI
// ---------------------------------------------------------------------------

/** GitLab predefined variables whose text an outsider chooses (MR, commit, branch). */
const GITLAB_TAINTED_VARS = new Set([
  'CI_MERGE_REQUEST_TITLE',
  'CI_MERGE_REQUEST_DESCRIPTION',
  'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME',
  'CI_COMMIT_MESSAGE',
  'CI_COMMIT_TITLE',
  'CI_COMMIT_DESCRIPTION',
  'CI_COMMIT_TAG_MESSAGE',
  'CI_COMMIT_BRANCH',
  'CI_COMMIT_REF_NAME',
  'CI_COMMIT_AUTHOR',
  'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME',
]);

/** Azure Pipelines predefined variables carrying attacker-chosen text. */
const AZURE_TAINTED_VARS = new Map(
  [
    'Build.SourceBranch',
    'Build.SourceBranchName',
    'Build.SourceVersionMessage',
    'System.PullRequest.SourceBranch',
    'System.PullRequest.SourceBranchName',
  ].map(v => [v.toLowerCase(), v]),
);

/** Jenkins environment variables carrying attacker-chosen text (multibranch, GitHub/GitLab plugins). */
const JENKINS_TAINTED_ENV = new Set([
  'BRANCH_NAME',
  'CHANGE_TITLE',
  'CHANGE_BRANCH',
  'CHANGE_AUTHOR',
  'CHANGE_AUTHOR_DISPLAY_NAME',
  'CHANGE_AUTHOR_EMAIL',
  'GIT_BRANCH',
  'TAG_NAME',
  'ghprbPullTitle',
  'ghprbPullDescription',
  'ghprbPullLongDescription',
  'ghprbSourceBranch',
  'ghprbCommentBody',
  'gitlabSourceBranch',
  'gitlabMergeRequestTitle',
  'gitlabMergeRequestDescription',
]);

/** CircleCI pipeline values carrying attacker-chosen text. */
const CIRCLECI_TAINTED_RE =
  /^pipeline\.(?:git\.(?:branch|tag)|trigger_parameters\.[\w.]*(?:branch|tag|ref|title|message|body|author)[\w.]*)$/i;

/**
 * The quoting at increasing offsets of a shell script: outside quotes, in
 * '…' or in "…". Each call goes on from the previous one, so a block is read
 * once whatever its number of matches.
 */
function quoteScanner(
  text: string,
): (offset: number) => 'none' | 'single' | 'double' {
  let state: 'none' | 'single' | 'double' = 'none';
  let i = 0;
  return offset => {
    for (; i < offset && i < text.length; i++) {
      const c = text[i];
      if (state === 'single') {
        if (c === "'") state = 'none';
      } else if (c === '\\') {
        i++;
      } else if (c === '"') {
        state = state === 'double' ? 'none' : 'double';
      } else if (c === "'" && state === 'none') {
        state = 'single';
      } else if (c === '\n' && state === 'none') {
        state = 'none';
      }
    }
    return state;
  };
}

/** `eval …` or `sh -c …`: the command re-reads its arguments as code. */
function reparsedAt(cmds: ShellCommand[], offset: number): string | undefined {
  for (const cmd of cmds) {
    if (cmd.offset > offset) break;
    if (offset > cmd.end) continue;
    const words = commandWords(cmd);
    const prog = programName(words[0]);
    if (prog === 'eval') return 'eval';
    if (
      /^(ba|z|da|k)?sh$/.test(prog) &&
      words.slice(1).some(w => /^-[a-z]*c[a-z]*$/.test(w.value))
    )
      return `${prog} -c`;
  }
  return undefined;
}

interface Hit {
  block: ScriptBlock;
  offset: number;
  length: number;
  message: string;
  severity: Severity;
  fix: { description: string; replacement?: string };
  key: string;
}

function gitlabHits(block: ScriptBlock): Hit[] {
  const out: Hit[] = [];
  const text = block.text;
  for (const m of text.matchAll(
    /\$\[\[\s*inputs\.([\w-]+)\s*((?:\|[^\]]*)?)\]\]/g,
  )) {
    if (!/\bexpand_vars\b/.test(m[2])) continue;
    out.push({
      block,
      offset: m.index!,
      length: m[0].length,
      message: `${m[0]} pastes input ${
        m[1]
      } into a script: line with CI/CD variables expanded, before the shell reads it; whoever sets the input (or a variable it names, such as a merge request title) writes code. Pass it through variables: and reference "$INPUT_${envLike(
        m[1],
      )}" instead`,
      severity: 'high',
      fix: {
        description: `Pass the input through a job variable and quote it in the script`,
        replacement: `variables:\n  INPUT_${envLike(m[1])}: $[[ inputs.${
          m[1]
        } ]]`,
      },
      key: `inputs.${m[1]}`,
    });
  }
  const quoteAt = quoteScanner(text);
  let cmds: ShellCommand[] | undefined;
  for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)) {
    const name = m[1];
    if (!GITLAB_TAINTED_VARS.has(name)) continue;
    if (m[0].startsWith('${') && !m[0].endsWith('}')) continue;
    if (m.index! > 0 && text[m.index! - 1] === '\\') continue;
    const quote = quoteAt(m.index!);
    if (quote === 'single') continue;
    cmds ??= shellCommands(text);
    const reparsed = reparsedAt(cmds, m.index!);
    if (!reparsed && quote === 'double') continue;
    out.push({
      block,
      offset: m.index!,
      length: m[0].length,
      message: reparsed
        ? `${m[0]} (attacker-controlled ${name}) is handed to ${reparsed}, which runs its text as code`
        : `${
            m[0]
          } (attacker-controlled ${name}) is used unquoted in a script: line; its text is split and glob-expanded, letting a crafted ${
            /BRANCH|REF/.test(name) ? 'branch name' : 'message or title'
          } inject arguments`,
      severity: reparsed ? 'high' : 'medium',
      fix: reparsed
        ? {
            description: `Do not pass ${name} to ${reparsed}; use it as a quoted argument ("$${name}")`,
          }
        : {
            description: `Quote the variable`,
            replacement: `"$${name}"`,
          },
      key: name,
    });
  }
  return out;
}

function envLike(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

function azureHits(block: ScriptBlock): Hit[] {
  const out: Hit[] = [];
  const text = block.text;
  const re =
    /\$\(\s*([A-Za-z][\w.]*)\s*\)|\$\{\{\s*variables(?:\.([A-Za-z][\w.]*)|\[\s*'([^']+)'\s*\])\s*\}\}/g;
  for (const m of text.matchAll(re)) {
    const written = m[1] ?? m[2] ?? m[3];
    const name = AZURE_TAINTED_VARS.get(written.toLowerCase());
    if (!name) continue;
    const env = envLike(name);
    const ps = block.shell === 'powershell';
    const use = ps ? `$env:${env}` : `"$${env}"`;
    out.push({
      block,
      offset: m.index!,
      length: m[0].length,
      message: `${m[0]} pastes attacker-controlled ${name} into the script before it runs (macro and template syntax are expanded first, like \${{ }} in GitHub Actions); the text becomes code. Map it in env: and reference ${use} instead`,
      severity: 'high',
      fix: {
        description: `Map the variable in the step's env: and reference ${use} in the script`,
        replacement: `env:\n  ${env}: $(${name})`,
      },
      key: name,
    });
  }
  return out;
}

function circleciHits(block: ScriptBlock): Hit[] {
  const out: Hit[] = [];
  for (const m of block.text.matchAll(/<<\s*([\w.-]+)\s*>>/g)) {
    if (!CIRCLECI_TAINTED_RE.test(m[1])) continue;
    const env = envLike(m[1].split('.').pop()!);
    out.push({
      block,
      offset: m.index!,
      length: m[0].length,
      message: `${m[0]} pastes attacker-controlled ${m[1]} into a run command before the shell reads it; a crafted branch or tag name becomes code. Pass it through environment: and reference "$${env}" instead`,
      severity: 'high',
      fix: {
        description: `Set it in the step's environment: and quote the variable in the command`,
        replacement: `environment:\n  ${env}: << ${m[1]} >>`,
      },
      key: m[1],
    });
  }
  return out;
}

function jenkinsHits(jf: Jenkinsfile): Hit[] {
  const out: Hit[] = [];
  for (const st of jf.shellSteps) {
    const s = st.script;
    if (!s.interpolated || (s.quote !== '"' && s.quote !== '"""')) continue;
    const block = sliceScriptBlock(
      jf.path,
      jf.lines,
      s.value,
      s.offset,
      'jenkins',
      `${st.step} step`,
    );
    const re =
      /\$\{\s*(?:(params|env)\s*\.\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\}|\$(?:(params|env)\.)?([A-Za-z_][A-Za-z0-9_]*)/g;
    for (const m of s.value.matchAll(re)) {
      if (m.index! > 0 && s.value[m.index! - 1] === '\\') continue;
      const scope = m[1] ?? m[3];
      const name = m[2] ?? m[4];
      let source: string | undefined;
      if (scope === 'params') source = `build parameter params.${name}`;
      else if (JENKINS_TAINTED_ENV.has(name))
        source = `${scope ? 'env.' : ''}${name}`;
      if (!source) continue;
      const shellVar = scope === 'params' ? name.toUpperCase() : name;
      out.push({
        block,
        offset: m.index!,
        length: m[0].length,
        message: `${m[0]} interpolates ${
          scope === 'params' ? source : `attacker-controlled ${source}`
        } into a double-quoted ${
          st.step
        } script: Groovy pastes the text in before the shell reads it, so it becomes code. Use a single-quoted script and let the shell read ${
          scope === 'params'
            ? `the value from the environment (withEnv)`
            : `$${name}`
        }`,
        severity: 'high',
        fix: {
          description: `Use a single-quoted script string and reference "$${shellVar}" as a shell variable${
            scope === 'params'
              ? ` (withEnv(["${shellVar}=\${params.${name}}"]) { … })`
              : ''
          }`,
        },
        key: `${scope ?? ''}.${name}`,
      });
    }
  }
  return out;
}

/** Injection findings and the number of scripts outside GitHub Actions. */
function otherPlatforms(snapshot: RepoSnapshot): {
  scripts: number;
  findings: CheckFinding[];
} {
  const hits: Hit[] = [];
  let scripts = 0;
  for (const block of getScriptBlocks(snapshot)) {
    if (block.platform === 'gitlab-ci') hits.push(...gitlabHits(block));
    else if (block.platform === 'azure-pipelines')
      hits.push(...azureHits(block));
    else if (block.platform === 'circleci') hits.push(...circleciHits(block));
    else if (block.platform !== 'jenkins') continue;
    scripts++;
  }
  for (const jf of getJenkinsfiles(snapshot)) hits.push(...jenkinsHits(jf));
  const findings = hits.map(h => {
    const loc = scriptLocation(h.block, h.offset, h.length);
    return {
      message: h.message,
      ...loc,
      snippet: lineAround(h.block.text, h.offset),
      severity: h.severity,
      fingerprintKey: `${h.block.context ?? ''}:${h.key}`,
      suggestedFix: h.fix,
    };
  });
  return { scripts, findings };
}

/**
 * `${{ … }}` is pasted into a script before the shell (or JavaScript) reads
 * it, so an issue title or branch name chosen by an outsider becomes code.
 */
export const scriptInjection = createScorecardCheck({
  id: 'script-injection',
  title: 'No script/template injection',
  description:
    'Attacker-controlled values (issue and pull request titles and bodies, branch names, commit messages…) never reach a script as code: GitHub Actions ${{ }} in run:/github-script (directly or through env, step outputs or matrix values), GitLab $[[ inputs | expand_vars ]] and unquoted/eval’d merge request and commit variables, Azure $(Build.SourceBranch…) macros, Jenkins Groovy-interpolated params/env in sh, CircleCI << pipeline.git.branch >>.',
  category: 'access-control',
  severity: 'critical',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'azure-pipelines',
    'jenkins',
    'circleci',
  ],
  frameworks: [
    { framework: 'zizmor', control: 'template-injection' },
    { framework: 'poutine', control: 'injection' },
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections',
  run(snapshot) {
    const tracker = new TaintTracker();
    const findings: CheckFinding[] = [];
    /** Findings of inputs (not attacker text) written into code. */
    const inputFindings = new Set<CheckFinding>();
    let scripts = 0;
    for (const wf of getWorkflows(snapshot)) {
      const privileged = triggersIn(wf, PRIVILEGED_TRIGGERS);
      for (const job of wf.jobs) {
        const jobSinks: Array<{ sink: Sink; step?: WorkflowStep }> = [
          ...job.steps.flatMap(step =>
            sinks(job, step).map(sink => ({ sink, step })),
          ),
          ...dockerSinks(job).map(sink => ({ sink })),
        ];
        for (const { sink, step } of jobSinks) {
          scripts++;
          const scope: Scope = { wf, job, step };
          for (const span of findExpressions(sink.value.value)) {
            const taint = tracker.ofExpression(span.inner, scope, 0);
            if (!taint) continue;
            const range = wf.file.locateIn(
              sink.value,
              span.start,
              span.end - span.start,
            );
            const expr = sink.value.value.slice(span.start, span.end);
            const where = sink.where;
            const via = taint.via.length
              ? ` through ${taint.via.join(' → ')}`
              : '';
            const trigger = privileged.length
              ? ` in a workflow triggered by ${privileged.join(', ')}`
              : '';
            const name = envName(
              taint.via[0]?.startsWith('env.')
                ? taint.via[0]
                : taint.sources[0],
            );
            const use = `${envReference(sink.language, name)}${
              sink.remote
                ? ' (passing the variable to the remote host, e.g. with the action’s envs: input)'
                : ''
            }`;
            const input = taint.strength === 'input';
            const what = input
              ? wf.kind === 'action'
                ? `the action input ${taint.sources.join(
                    ', ',
                  )}, which its caller chooses,`
                : `the workflow input ${taint.sources.join(
                    ', ',
                  )}, which whoever dispatches or calls the workflow chooses,`
              : `attacker-controlled ${taint.sources.join(', ')}`;
            const finding: CheckFinding = {
              message: `${expr} expands ${what}${via} into ${where}${
                input ? '' : trigger
              }; the text becomes code before the script runs. Move the value to env: and reference ${use} instead`,
              ...at(wf, range),
              // Inputs are seen without swamping the score: the caller
              // (an action's) or a user with write access chooses them.
              severity: lowerForArgv(
                input
                  ? wf.kind === 'action'
                    ? 'medium'
                    : 'low'
                  : privileged.length
                  ? 'critical'
                  : 'high',
                sink.argv,
              ),
              fingerprintKey: `${job.id}:${
                step ? step.id ?? step.index : 'docker'
              }:${span.inner}`,
              suggestedFix: {
                description: `Move the value to env: and reference ${use} in the script`,
                replacement: `env:\n  ${name}: ${expr}`,
              },
            };
            findings.push(finding);
            if (input) inputFindings.add(finding);
          }
        }
      }
    }
    const other = otherPlatforms(snapshot);
    scripts += other.scripts;
    findings.push(...other.findings);
    if (scripts === 0) return outcome.notApplicable('no pipeline script step');
    if (findings.length === 0)
      return outcome.pass(`${scripts} script(s) checked`);
    if (findings.some(f => !inputFindings.has(f)))
      return outcome.fail(0, findings);
    // Only inputs written into code: a warning, each medium costing 1 point
    // and each low a quarter, down to 5 at most.
    const cost = findings.reduce(
      (sum, f) => sum + (f.severity === 'medium' ? 1 : 0.25),
      0,
    );
    return outcome.warn(
      cost,
      findings,
      `${findings.length} input(s) written into code; no attacker-controlled text`,
    );
  },
});
