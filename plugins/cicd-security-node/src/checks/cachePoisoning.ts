import { getWorkflows, Workflow, WorkflowJob } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import { at, localCalls, parseUses } from '../analysis/githubActions';
import { cacheRestore } from '../analysis/cacheActions';

/** Actions whose steps publish something (packages, images, releases). */
const PUBLISHING_ACTIONS = new Set([
  'pypa/gh-action-pypi-publish',
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'goreleaser/goreleaser-action',
  'actions/create-release',
  'js-devtools/npm-publish',
  'rubygems/release-gem',
  'cargo-bins/release-pr',
  'svenstaro/upload-release-action',
  'anchore/sbom-action',
]);
const PUBLISH_COMMAND_RE =
  /\b(?:npm|yarn|pnpm)\s+publish\b|\btwine\s+upload\b|\bcargo\s+publish\b|\bgem\s+push\b|\bdocker\s+(?:image\s+)?push\b|\bmvn\b[^\n]*\bdeploy\b|\bgradlew?\b[^\n]*\bpublish|\b(?:poetry|uv|hatch|flit)\s+publish\b|\bgh\s+release\s+(?:create|upload)\b|\bdotnet\s+nuget\s+push\b|\bgoreleaser\s+release\b/;

function isTrue(v: string | undefined) {
  return v !== undefined && /^true$/i.test(v.trim());
}

/** Why a workflow or job publishes, or undefined. */
function releaseTrigger(wf: Workflow): string | undefined {
  if (wf.triggers.includes('release')) return 'the release trigger';
  const push = wf.triggerConfig.push as
    | { tags?: unknown; branches?: unknown }
    | undefined;
  if (push && typeof push === 'object' && push.tags !== undefined)
    return 'pushed tags';
  return undefined;
}

/**
 * Reusable workflows of the repository (`uses: ./.github/workflows/x.yml`)
 * called by a workflow that releases: they run as part of the release.
 */
function calledByReleases(workflows: Workflow[]): Map<string, string> {
  const called = new Map<string, string>();
  for (const { caller, target, via } of localCalls(workflows)) {
    const trigger = via === 'job' ? releaseTrigger(caller) : undefined;
    if (trigger && !called.has(target)) {
      called.set(target, `${trigger}, through ${caller.path}`);
    }
  }
  return called;
}

function publishes(job: WorkflowJob): string | undefined {
  for (const step of job.steps) {
    const u = step.uses && parseUses(step.uses.value);
    if (u && PUBLISHING_ACTIONS.has(u.repo)) return u.repo;
    if (
      u?.repo === 'docker/build-push-action' &&
      isTrue(step.with.push?.value)
    ) {
      return 'docker/build-push-action with push: true';
    }
    const m = step.run && PUBLISH_COMMAND_RE.exec(step.run.value);
    if (m) return `\`${m[0]}\``;
  }
  return undefined;
}

/**
 * Caches are shared across the workflows of a repository, and any workflow
 * run on the default branch (including a pull request's own code through
 * pull_request_target or a compromised dependency) can write one. A release
 * job that restores a cache can ship what an attacker put there.
 */
export const cachePoisoning = createScorecardCheck({
  id: 'cache-poisoning',
  title: 'No cache restore in release workflows',
  description:
    'Jobs that publish (release or tag triggers, publishing steps) do not restore caches through actions/cache or setup-* actions with caching on, so a poisoned cache cannot reach a release.',
  category: 'access-control',
  severity: 'medium',
  platforms: ['github-actions'],
  frameworks: [{ framework: 'zizmor', control: 'cache-poisoning' }],
  remediationUrl:
    'https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/caching-dependencies-to-speed-up-workflows',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let total = 0;
    const badJobs = new Set<string>();
    const workflows = getWorkflows(snapshot);
    const called = calledByReleases(workflows);
    for (const wf of workflows) {
      if (wf.kind !== 'workflow') continue;
      const trigger = releaseTrigger(wf) ?? called.get(wf.path);
      for (const job of wf.jobs) {
        const why = trigger ?? publishes(job);
        if (!why) continue;
        total++;
        for (const step of job.steps) {
          const restore = cacheRestore(step);
          if (!restore || !step.uses) continue;
          // A toggle decided at run time is seen at low severity and does
          // not count the job as restoring.
          if (!restore.decidedAtRunTime) badJobs.add(`${wf.path}#${job.id}`);
          findings.push({
            ...at(wf, step.uses.range),
            ...(restore.decidedAtRunTime ? { severity: 'low' as const } : {}),
            message: `${restore.description} in job "${
              job.id
            }", which publishes (${
              trigger ? `workflow runs on ${trigger}` : `it runs ${why}`
            }); a cache written by another workflow can poison the release`,
            fingerprintKey: `${job.id}[${step.index}]:${step.uses.value}`,
            suggestedFix: {
              description:
                'Turn caching off in release jobs (remove actions/cache, drop `cache:` / set `cache: false`, `cache-disabled: true`), or build the release from a clean, cache-free job',
            },
          });
        }
      }
    }
    if (total === 0)
      return outcome.notApplicable('no release or publishing job');
    if (badJobs.size === 0 && findings.length > 0) {
      return {
        status: 'warn',
        score: 10,
        findings,
        reason: 'release jobs restore caches only if a run-time toggle says so',
      };
    }
    return outcome.proportional(total, findings, badJobs.size);
  },
});
