import { getWorkflows } from '../parsers/githubActions';
import { getGitlabCi } from '../parsers/gitlabCi';
import { getAzurePipelines } from '../parsers/azurePipelines';
import { LocatedString, YamlFile } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Variables that turn on verbose CI logs, per platform. */
const GITHUB_DEBUG = new Set(['ACTIONS_STEP_DEBUG', 'ACTIONS_RUNNER_DEBUG']);
const GITLAB_DEBUG = new Set(['CI_DEBUG_TRACE', 'CI_DEBUG_SERVICES']);
const AZURE_DEBUG = new Set(['system.debug', 'agent.diagnostic']);

function enabled(value: string): boolean {
  return /^\s*(true|1|yes|on)\s*$/i.test(value);
}

/**
 * Debug logging prints every command with its expanded environment, request
 * bodies and, on GitLab, the values of all variables: masked secrets leak
 * through encodings and partial matches into logs that many people can read.
 */
export const ciDebugLogging = createScorecardCheck({
  id: 'ci-debug-logging',
  title: 'CI debug logging off',
  description:
    'Pipelines do not switch on debug logging (ACTIONS_STEP_DEBUG/ACTIONS_RUNNER_DEBUG, CI_DEBUG_TRACE/CI_DEBUG_SERVICES, system.debug) in their files, which would write secrets and internals into build logs.',
  category: 'secrets-management',
  severity: 'medium',
  platforms: ['github-actions', 'gitlab-ci', 'azure-pipelines'],
  frameworks: [{ framework: 'poutine', control: 'debug_enabled' }],
  remediationUrl: 'https://docs.gitlab.com/ci/variables/#enable-debug-logging',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let files = 0;
    const check = (
      file: YamlFile,
      vars:
        | Record<string, LocatedString>
        | Array<{ name: string; value: LocatedString }>,
      names: Set<string>,
      where: string,
    ) => {
      const entries = Array.isArray(vars)
        ? vars.map(v => [v.name, v.value] as const)
        : Object.entries(vars);
      for (const [name, value] of entries) {
        const known = [...names].find(
          n => n.toLowerCase() === name.toLowerCase(),
        );
        if (!known || !enabled(value.value)) continue;
        findings.push({
          message: `${name} is set to ${value.value} (${where}): debug logging writes commands, variables and secrets into the build log`,
          file: file.path,
          line: value.range.line,
          column: value.range.column,
          endLine: value.range.endLine,
          endColumn: value.range.endColumn,
          snippet: file.lineText(value.range.line).trim(),
          fingerprintKey: `${where}:${name}`,
          suggestedFix: {
            description: `Remove ${name}; turn debug logging on for a single re-run from the CI's UI when needed`,
            replacement: '',
          },
        });
      }
    };
    for (const wf of getWorkflows(snapshot)) {
      files++;
      check(wf.file, wf.env, GITHUB_DEBUG, 'workflow env');
      for (const job of wf.jobs) {
        check(wf.file, job.env, GITHUB_DEBUG, `job ${job.id} env`);
        for (const step of job.steps) {
          check(
            wf.file,
            step.env,
            GITHUB_DEBUG,
            `job ${job.id}, step ${step.name ?? step.id ?? step.index + 1} env`,
          );
        }
      }
    }
    for (const gl of getGitlabCi(snapshot)) {
      files++;
      check(gl.file, gl.variables, GITLAB_DEBUG, 'global variables');
      for (const job of gl.jobs)
        check(
          gl.file,
          job.variables,
          GITLAB_DEBUG,
          `job ${job.name} variables`,
        );
    }
    for (const az of getAzurePipelines(snapshot)) {
      files++;
      for (const v of az.variables) {
        check(
          az.file,
          [{ name: v.name, value: v.value }],
          AZURE_DEBUG,
          v.context ? `${v.context} variables` : 'variables',
        );
      }
    }
    if (!files)
      return outcome.notApplicable(
        'no GitHub Actions, GitLab CI or Azure Pipelines files',
      );
    if (!findings.length) return outcome.pass();
    return outcome.fail(0, findings);
  },
});
