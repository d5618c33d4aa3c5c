/**
 * Where text becomes code in a workflow: `run:` scripts in every shell, and
 * inputs of well-known actions that execute what they are given. An
 * expression written into any of them runs whatever its value says, quoted
 * or not: GitHub substitutes `${{ }}` before the shell or interpreter reads
 * the text. The table is data: add an action by adding a row.
 */

export type CodeLanguage =
  | 'bash'
  | 'sh'
  | 'pwsh'
  | 'powershell'
  | 'python'
  | 'cmd'
  | 'javascript';

/** An action input whose value the action executes. */
export interface CodeSinkInput {
  /** `owner/repo` (or `owner/repo/path`), lower case. */
  action: string;
  input: string;
  language: CodeLanguage;
  /** Runs on another machine (over SSH), not on the runner. */
  remote?: boolean;
}

export const CODE_SINK_INPUTS: readonly CodeSinkInput[] = [
  { action: 'actions/github-script', input: 'script', language: 'javascript' },
  { action: 'azure/cli', input: 'inlinescript', language: 'bash' },
  { action: 'azure/powershell', input: 'inlinescript', language: 'powershell' },
  {
    action: 'appleboy/ssh-action',
    input: 'script',
    language: 'bash',
    remote: true,
  },
  {
    action: 'garygrossgarten/github-action-ssh',
    input: 'command',
    language: 'bash',
    remote: true,
  },
  {
    action: 'google-github-actions/ssh-compute',
    input: 'command',
    language: 'bash',
    remote: true,
  },
  { action: 'nick-fields/retry', input: 'command', language: 'bash' },
  { action: 'wandalen/wretry.action', input: 'command', language: 'bash' },
  { action: 'mathiasvr/command-output', input: 'run', language: 'bash' },
  { action: 'addnab/docker-run-action', input: 'run', language: 'sh' },
  { action: 'uraimo/run-on-arch-action', input: 'run', language: 'sh' },
  {
    action: 'jannekem/run-python-script-action',
    input: 'script',
    language: 'python',
  },
  {
    action: 'cardinalby/js-eval-action',
    input: 'expression',
    language: 'javascript',
  },
  { action: 'mikefarah/yq', input: 'cmd', language: 'sh' },
  { action: 'sergeysova/jq-action', input: 'cmd', language: 'sh' },
];

/** The inputs of an action (a `uses:` value, ref included) that it executes. */
export function codeSinkInputs(uses: string): CodeSinkInput[] {
  const name = uses.split('@')[0].trim().toLowerCase();
  return CODE_SINK_INPUTS.filter(
    s => name === s.action || name.startsWith(`${s.action}/`),
  );
}

/**
 * The language a `run:` step's text is read in, from its `shell:` (or the
 * job's or workflow's default). GitHub's default is bash on Linux and macOS,
 * pwsh on Windows; a custom command template (`perl {0}`) is named by its
 * program.
 */
export function runLanguage(
  shell: string | undefined,
  windows = false,
): CodeLanguage | string {
  if (!shell) return windows ? 'pwsh' : 'bash';
  const program = shell.trim().split(/\s+/)[0].toLowerCase();
  switch (program) {
    case 'bash':
    case 'sh':
    case 'pwsh':
    case 'powershell':
    case 'python':
    case 'cmd':
      return program;
    case 'node':
      return 'javascript';
    default:
      return program;
  }
}

/**
 * How a script reads an environment variable in its language: the safe
 * replacement for an expression written into the code.
 */
export function envReference(
  language: CodeLanguage | string,
  name: string,
): string {
  switch (language) {
    case 'pwsh':
    case 'powershell':
      return `$env:${name}`;
    case 'cmd':
      return `%${name}%`;
    case 'python':
      return `os.environ["${name}"]`;
    case 'javascript':
      return `process.env.${name}`;
    default:
      return `"$${name}"`;
  }
}
