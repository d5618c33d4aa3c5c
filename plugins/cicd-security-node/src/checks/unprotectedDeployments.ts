import { isMap, isScalar, isSeq, YAMLMap } from 'yaml';
import { getWorkflows } from '../parsers/githubActions';
import { getGitlabCi } from '../parsers/gitlabCi';
import { getAzurePipelines } from '../parsers/azurePipelines';
import { getJenkinsfiles, tokenizeGroovy } from '../parsers/jenkinsfile';
import { getKeyNode, getNode, mapEntries, SourceRange } from '../parsers/yaml';
import { unavailableReason } from '../analysis/githubSettings';
import { GITLAB_PROTECTED_ENVIRONMENTS } from '../analysis/gitlabSettings';
import {
  CheckFinding,
  CheckOutcome,
  createScorecardCheck,
  outcome,
} from './types';

/** Job or stage names that say "this ships something". */
export const DEPLOY_NAME_RE =
  /(^|[^a-z])(deploy(ment)?s?|release|publish|prod|production|rollout|promote|ship)([^a-z]|$)/i;

const NOT_DEPLOY_NAME_RE =
  /test|lint|check|coverage|report|dry[-_ ]?run|preview|notes|drafter|changelog|label/i;

/**
 * A name that says deploy, and not "publish test results" or "release notes".
 * Only the literal text counts: a `${{ }}` expression in a display name
 * (`${{ matrix.debug && 'Debug' || 'Release' }}`) names a build variant.
 */
export function deployName(name: string | undefined): boolean {
  const literal = name?.replace(/\$\{\{[\s\S]*?\}\}/g, ' ');
  return (
    !!literal &&
    DEPLOY_NAME_RE.test(literal) &&
    !NOT_DEPLOY_NAME_RE.test(literal)
  );
}

/** Commands that change a running environment or publish a package. */
export const DEPLOY_CMD_RE =
  /\bkubectl\s+(apply|rollout|set\s+image|replace|create)\b|\bhelm\s+(upgrade|install)\b|\b(terraform|tofu)\s+apply\b|\bpulumi\s+up\b|\b(serverless|sls|cdk|firebase|flyctl|fly)\s+deploy\b|\baws\s+(ecs\s+update-service|deploy\b|cloudformation\s+deploy|lambda\s+update-function-code|s3\s+sync)|\bgcloud\b[^\n]*\bdeploy\b|\baz\s+(webapp|functionapp)\b[^\n]*\bdeploy\b|\bvercel\b[^\n]*--prod\b|\bnetlify\s+deploy\b[^\n]*--prod\b|\b(npm|pnpm|yarn)\s+publish\b|\btwine\s+upload\b|\bcargo\s+publish\b|\bgem\s+push\b|\bheroku\s+(container:release|releases)\b|\bansible-playbook\b/;

/** Actions that deploy or publish. */
const DEPLOY_ACTION_RE =
  /^[^/]+\/[^@]*(deploy|publish|gh-pages|release-gem)[^@]*@/i;

/** Azure tasks that deploy. */
const AZURE_DEPLOY_TASK_RE =
  /^(AzureWebApp|AzureRmWebAppDeployment|AzureFunctionApp|AzureWebAppContainer|KubernetesManifest|HelmDeploy|AzureResourceManagerTemplateDeployment|AzureResourceGroupDeployment|AzureStaticWebApp|ServiceFabricDeploy|SqlAzureDacpacDeployment|IISWebAppDeploymentOnMachineGroup)@/i;

/**
 * A deployment job without an approval gate lets anyone who can push to the
 * branch (or get a workflow to run) ship to production alone. Environments
 * with required reviewers put a second person between a commit and a release.
 */
export const unprotectedDeployments = createScorecardCheck({
  id: 'unprotected-deployments',
  title: 'Deployments gated by protected environments',
  description:
    'Jobs that deploy or publish (recognised by their name, commands and actions) run in an environment with required reviewers (GitHub, GitLab, Azure) or behind an input step (Jenkins).',
  category: 'access-control',
  severity: 'medium',
  platforms: ['github-actions', 'gitlab-ci', 'azure-pipelines', 'jenkins'],
  remediationUrl:
    'https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#required-reviewers',
  run(snapshot): CheckOutcome {
    const findings: CheckFinding[] = [];
    let total = 0;
    const unverified: string[] = [];
    const add = (
      file: string,
      range: SourceRange,
      snippet: string,
      message: string,
      key: string,
      fix: CheckFinding['suggestedFix'],
    ) =>
      findings.push({
        message,
        file,
        ...range,
        snippet: snippet.trim(),
        fingerprintKey: key,
        suggestedFix: fix,
      });

    // GitHub Actions.
    const envFact = snapshot.fact('github.environments');
    for (const wf of getWorkflows(snapshot)) {
      if (wf.kind !== 'workflow') continue;
      for (const job of wf.jobs) {
        if (job.uses) continue;
        const why =
          deployName(job.id) || deployName(job.name)
            ? 'its name'
            : job.steps.find(s => DEPLOY_ACTION_RE.test(s.uses?.value ?? ''))
            ? 'a deploy action'
            : job.steps.find(s => DEPLOY_CMD_RE.test(s.run?.value ?? ''))
            ? 'a deploy command'
            : undefined;
        if (!why) continue;
        total++;
        const envNode = getNode(job.node, 'environment');
        if (!job.environment && !envNode) {
          add(
            wf.path,
            job.idRange,
            wf.file.lineText(job.idRange.line),
            `job ${job.id} deploys (by ${why}) without an environment, so no reviewer can be required`,
            `gha:${job.id}`,
            {
              description:
                'Run the job in an environment that has required reviewers',
              replacement: `${job.id}:\n  environment: production`,
            },
          );
          continue;
        }
        const name = job.environment ?? '';
        if (!envFact.available || /\$\{\{/.test(name)) {
          unverified.push(`GitHub environment ${name || '(dynamic)'}`);
          continue;
        }
        const env = envFact.value.find(
          e => e.name.toLowerCase() === name.toLowerCase(),
        );
        if (env?.protection_rules?.some(r => r.type === 'required_reviewers'))
          continue;
        const r = wf.file.rangeOf(envNode as any);
        add(
          wf.path,
          r,
          wf.file.lineText(r.line),
          `job ${job.id} deploys to environment ${name}, which has no required reviewers`,
          `gha:${job.id}:${name}`,
          {
            description: `Add required reviewers to the ${name} environment in the repository settings`,
          },
        );
      }
    }

    // GitLab CI: the environment must be a protected environment.
    const protectedEnvs = snapshot.fact('gitlab.protectedEnvironments');
    for (const gl of getGitlabCi(snapshot)) {
      for (const job of gl.jobs) {
        if (job.hidden) continue;
        const scripts = [...job.scripts.script, ...job.scripts.before_script]
          .map(l => l.value)
          .join('\n');
        const why =
          deployName(job.name) || deployName(job.stage ?? '')
            ? 'its name or stage'
            : DEPLOY_CMD_RE.test(scripts)
            ? 'a deploy command'
            : undefined;
        if (!why) continue;
        total++;
        if (!job.environment) {
          add(
            gl.path,
            job.nameRange,
            gl.file.lineText(job.nameRange.line),
            `job ${job.name} deploys (by ${why}) without an environment, so it cannot be a protected environment with approvals`,
            `gl:${job.name}`,
            {
              description: `Give the job an environment and protect it (${GITLAB_PROTECTED_ENVIRONMENTS})`,
              replacement: `${job.name}:\n  environment: production`,
            },
          );
          continue;
        }
        // `${CI_JOB_NAME}` is known here; other variables are not.
        const name = job.environment.replace(
          /\$\{CI_JOB_NAME\}|\$CI_JOB_NAME(?![A-Za-z0-9_])/g,
          job.name,
        );
        if (!protectedEnvs.available) {
          unverified.push(
            `GitLab environment ${name} (${unavailableReason(
              'gitlab.protectedEnvironments',
              protectedEnvs,
            )})`,
          );
          continue;
        }
        if (/\$/.test(name)) {
          unverified.push(
            `GitLab environment ${name} (its name is set by a variable)`,
          );
          continue;
        }
        const env = protectedEnvs.value.find(e => e.name === name);
        const gap = env ? broadDeployAccess(env) : 'unprotected';
        if (!gap) continue;
        const keyNode = getKeyNode(job.node, 'environment');
        const r = keyNode ? gl.file.rangeOf(keyNode) : job.nameRange;
        add(
          gl.path,
          r,
          gl.file.lineText(r.line),
          gap === 'unprotected'
            ? `job ${job.name} deploys to environment ${name}, which is not a protected environment: anyone who can run its pipeline deploys without approval`
            : `job ${job.name} deploys to environment ${name}, which is protected but lets ${gap} deploy and requires no approval: anyone with that role ships alone`,
          `gl:${job.name}:${name}`,
          {
            description:
              gap === 'unprotected'
                ? `${GITLAB_PROTECTED_ENVIRONMENTS}: protect ${name} with "Allowed to deploy" set to Maintainers or a deployers group, and "Required approvals" at 1 or more (GitLab Premium; REST: POST /projects/:id/protected_environments with name=${name}, deploy_access_levels=[{"access_level":40}], required_approval_count=1)`
                : `${GITLAB_PROTECTED_ENVIRONMENTS}: edit ${name} and set "Required approvals" to 1 or more, or narrow "Allowed to deploy" to Maintainers or a deployers group (REST: PUT /projects/:id/protected_environments/${name} with required_approval_count=1)`,
          },
        );
      }
    }

    // Azure Pipelines.
    for (const az of getAzurePipelines(snapshot)) {
      // eslint-disable-next-line no-loop-func -- runs within this iteration only
      const walk = (node: unknown, depth: number): void => {
        if (depth > 40) return;
        if (isSeq(node)) {
          node.items.forEach(i => walk(i, depth + 1));
          return;
        }
        if (!isMap(node)) return;
        const deployment = az.file.located(getNode(node, 'deployment'));
        const jobName = az.file.located(getNode(node, 'job'));
        if (deployment) {
          total++;
          const env = getNode(node, 'environment');
          if (env)
            unverified.push(
              `Azure environment of deployment ${deployment.value}`,
            );
          else
            add(
              az.path,
              deployment.range,
              az.file.lineText(deployment.range.line),
              `deployment job ${deployment.value} has no environment, so no approvals apply`,
              `az:${deployment.value}`,
              {
                description: 'Target an environment with approvals and checks',
                replacement: 'environment: production',
              },
            );
          return;
        }
        if (jobName) {
          const why = deployName(jobName.value)
            ? 'its name'
            : deploysInside(
                node,
                (k, v) =>
                  (['script', 'bash', 'powershell', 'pwsh'].includes(k) &&
                    DEPLOY_CMD_RE.test(v)) ||
                  (k === 'task' && AZURE_DEPLOY_TASK_RE.test(v)),
              )
            ? 'its steps'
            : undefined;
          if (why) {
            total++;
            add(
              az.path,
              jobName.range,
              az.file.lineText(jobName.range.line),
              `job ${jobName.value} deploys (by ${why}) as a plain job: only deployment jobs get environment approvals`,
              `az:${jobName.value}`,
              {
                description:
                  'Make it a deployment job that targets an environment with approvals',
                replacement: `- deployment: ${jobName.value}\n  environment: production`,
              },
            );
          }
          return;
        }
        for (const [, , v] of mapEntries(node)) walk(v, depth + 1);
      };
      walk(az.file.root(), 0);
    }

    // Jenkins: a deploy stage needs an `input` step (or stage directive) before it ships.
    for (const jf of getJenkinsfiles(snapshot)) {
      const toks = tokenizeGroovy(jf.path, jf.text, jf.lines, []);
      const inputs = toks
        .filter(
          (t, k) =>
            t.t === 'id' &&
            t.v === 'input' &&
            !(toks[k - 1]?.t === 'p' && (toks[k - 1] as any).v === '.'),
        )
        .map(t => t.o);
      const stages: Array<{
        name: string;
        range: SourceRange;
        open: number;
        close: number;
        start: number;
      }> = [];
      for (let k = 0; k < toks.length; k++) {
        const t = toks[k];
        if (t.t !== 'id' || t.v !== 'stage') continue;
        let j = k + 1;
        if (toks[j]?.t === 'p' && (toks[j] as any).v === '(') j++;
        const s = toks[j];
        if (s?.t !== 'str') continue;
        let b = j + 1;
        while (
          b < toks.length &&
          !(toks[b].t === 'p' && (toks[b] as any).v === '{')
        ) {
          if (toks[b].t === 'id') break;
          b++;
        }
        if (toks[b]?.t !== 'p') continue;
        let depth = 0;
        let e = b;
        for (; e < toks.length; e++) {
          const te = toks[e];
          if (te.t === 'p' && te.v === '{') depth++;
          else if (te.t === 'p' && te.v === '}' && --depth === 0) break;
        }
        stages.push({
          name: s.s.value,
          range: s.s.range,
          open: toks[b].o,
          close: toks[Math.min(e, toks.length - 1)].o,
          start: t.o,
        });
      }
      for (const st of stages) {
        const leaf = !stages.some(
          o => o !== st && o.start > st.open && o.start < st.close,
        );
        if (!leaf) continue;
        const parentNamed = stages.some(
          o =>
            o !== st &&
            st.start > o.open &&
            st.start < o.close &&
            deployName(o.name),
        );
        const cmd = jf.shellSteps.find(
          s =>
            s.script.offset > st.open &&
            s.script.offset < st.close &&
            DEPLOY_CMD_RE.test(s.script.value),
        );
        if (!cmd && !deployName(st.name) && !parentNamed) continue;
        total++;
        const firstDeploy = cmd ? cmd.script.offset : st.open;
        const gated = inputs.some(
          o => o < firstDeploy || (o > st.open && o < st.close && !cmd),
        );
        if (gated) continue;
        add(
          jf.path,
          st.range,
          jf.lines.lineText(st.range.line),
          `stage ${st.name} deploys without an input step approving it first`,
          `jk:${st.name}`,
          {
            description:
              'Add an input directive with a submitter list to the stage',
            replacement: `input { message 'Deploy?'; submitter 'release-managers' }`,
          },
        );
      }
    }

    if (!total)
      return outcome.notApplicable('no deploy or publish job recognised');
    if (findings.length) {
      const failed = outcome.proportional(total, findings);
      // Unverified jobs count as gated in the score: the reason says so.
      return unverified.length && 'findings' in failed
        ? {
            ...failed,
            reason: `not verified, counted as gated: ${[
              ...new Set(unverified),
            ].join(', ')}`,
          }
        : failed;
    }
    if (unverified.length)
      return outcome.inconclusive(
        `deploy jobs use environments, but whether they require reviewers needs the SCM API (fact github.environments / gitlab.protectedEnvironments / Azure environment checks): ${[
          ...new Set(unverified),
        ].join(', ')}`,
      );
    return outcome.pass();
  },
});

/** Deploy access of these roles takes in every Developer of the project. */
const BROAD_DEPLOY_ROLES = new Set([
  'role:developer',
  'role:reporter',
  'role:planner',
  'role:guest',
]);

/**
 * Why a protected GitLab environment still lets one person deploy alone:
 * the role that may deploy when Developers may and no approval is needed,
 * else undefined (deploy access limited to Maintainers, users or groups,
 * or approvals required).
 */
function broadDeployAccess(env: {
  deployAccess: string[];
  requiredApprovals: number;
}): string | undefined {
  if (env.requiredApprovals > 0) return undefined;
  const broad = env.deployAccess.find(a => BROAD_DEPLOY_ROLES.has(a));
  return broad ? `${broad.slice('role:'.length)}s` : undefined;
}

/** Whether any `key: value` scalar inside a YAML map matches. */
function deploysInside(
  node: YAMLMap,
  test: (key: string, value: string) => boolean,
  depth = 0,
): boolean {
  if (depth > 30) return false;
  for (const [k, , v] of mapEntries(node)) {
    if (isScalar(v) && test(k, String(v.value ?? ''))) return true;
    if (isMap(v) && deploysInside(v, test, depth + 1)) return true;
    if (isSeq(v))
      for (const item of v.items)
        if (isMap(item) && deploysInside(item, test, depth + 1)) return true;
  }
  return false;
}
