import { isMap, isSeq } from 'yaml';
import { getWorkflows } from '../parsers/githubActions';
import { getGitlabCi } from '../parsers/gitlabCi';
import { getJenkinsfiles } from '../parsers/jenkinsfile';
import { getAzurePipelines } from '../parsers/azurePipelines';
import { getCircleciConfigs } from '../parsers/circleci';
import { getNode, LocatedString, SourceRange, YamlFile } from '../parsers/yaml';
import { orbPinned } from '../analysis/orbs';
import { CheckFinding, createScorecardCheck, outcome } from './types';

const SHA_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;
/** Release-tag shapes: `v1`, `1.2.3`, `v2.0.0-rc.1`, `release-1.4`. */
const TAG_RE =
  /^(refs\/tags\/.+|v?\d+(\.\d+)*([-+._][0-9A-Za-z.-]+)?|[A-Za-z0-9_-]*[-_/]v?\d+\.\d+(\.\d+)?)$/;

/** Pinned when it names a commit or looks like a release tag rather than a branch. */
function refLooksPinned(ref: string | undefined): boolean {
  if (!ref) return false;
  const r = ref.trim();
  return SHA_RE.test(r) || TAG_RE.test(r);
}

/**
 * Shared pipeline code (includes, libraries, templates, orbs, reusable
 * workflows) runs with the caller's secrets. Following a branch means whoever
 * can push to that branch, in another repository, can change what this
 * pipeline runs.
 */
export const unpinnedSharedPipelineCode = createScorecardCheck({
  id: 'unpinned-shared-pipeline-code',
  title: 'Shared pipeline code pinned',
  description:
    'Pipeline code pulled from elsewhere (GitLab includes and components, Jenkins shared libraries, Azure template repositories, CircleCI orbs, GitHub reusable workflows) is pinned to a commit or release tag, not a branch or a floating version.',
  category: 'third-party-software',
  severity: 'high',
  platforms: [
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
    'github-actions',
  ],
  remediationUrl: 'https://docs.gitlab.com/ci/yaml/#includeproject',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let total = 0;
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
    const yamlAdd = (
      file: YamlFile,
      loc: LocatedString,
      message: string,
      key: string,
      fix: CheckFinding['suggestedFix'],
    ) =>
      add(
        file.path,
        loc.range,
        file.lineText(loc.range.line),
        message,
        key,
        fix,
      );

    // GitHub Actions: reusable workflows from other repositories.
    for (const wf of getWorkflows(snapshot)) {
      for (const job of wf.jobs) {
        const uses = job.uses;
        if (!uses || uses.value.startsWith('./')) continue;
        const at = uses.value.lastIndexOf('@');
        if (at === -1 || uses.value.includes('${{')) continue;
        total++;
        const ref = uses.value.slice(at + 1);
        if (refLooksPinned(ref)) continue;
        yamlAdd(
          wf.file,
          uses,
          `reusable workflow ${uses.value} follows the branch ${ref}`,
          `gha:${job.id}:${uses.value}`,
          {
            description:
              'Pin the reusable workflow to a full commit SHA and keep the tag in a comment',
            replacement: `uses: ${uses.value.slice(
              0,
              at,
            )}@<commit-sha> # <tag>`,
          },
        );
      }
    }

    // GitLab CI: project, remote and component includes.
    for (const gl of getGitlabCi(snapshot)) {
      const root = gl.file.root();
      const includeNode = getNode(root, 'include');
      const includeItems = isSeq(includeNode)
        ? includeNode.items
        : includeNode
        ? [includeNode]
        : [];
      const hasIntegrity = (remote: string) =>
        includeItems.some(
          i =>
            isMap(i) &&
            gl.file.located(getNode(i, 'remote'))?.value === remote &&
            !!gl.file.located(getNode(i, 'integrity')),
        );
      for (const inc of gl.includes) {
        if (inc.kind === 'project') {
          // The project's own files are not third-party code.
          if (/^\$\{?CI_PROJECT_PATH\}?$/.test(inc.value.value.trim()))
            continue;
          total++;
          const ref = inc.ref?.value;
          if (refLooksPinned(ref) && !ref!.includes('$')) continue;
          const loc = inc.ref ?? inc.value;
          yamlAdd(
            gl.file,
            loc,
            ref
              ? `include from project ${inc.value.value} follows ${ref}, which looks like a branch`
              : `include from project ${inc.value.value} has no ref: it follows the project's default branch`,
            `gl:project:${inc.value.value}:${inc.files
              .map(f => f.value)
              .join(',')}`,
            {
              description:
                'Pin the include to a commit SHA or a protected release tag',
              replacement: ref
                ? 'ref: <commit-sha>'
                : `project: ${inc.value.value}\n  ref: <commit-sha>`,
            },
          );
        } else if (inc.kind === 'remote') {
          total++;
          if (hasIntegrity(inc.value.value)) continue;
          yamlAdd(
            gl.file,
            inc.value,
            `remote include ${inc.value.value} is fetched at every run without an integrity hash`,
            `gl:remote:${inc.value.value}`,
            {
              description:
                'Vendor the file into the repository, or add `integrity: sha256-…` to the remote include',
              replacement: `remote: ${inc.value.value}\n  integrity: sha256-<hash>`,
            },
          );
        } else if (inc.kind === 'component') {
          total++;
          const v = inc.value.value;
          const at = v.lastIndexOf('@');
          const ref = at === -1 ? undefined : v.slice(at + 1);
          if (ref && ref !== '~latest' && refLooksPinned(ref)) continue;
          yamlAdd(
            gl.file,
            inc.value,
            `component ${v} ${ref ? `follows ${ref}` : 'has no version'}`,
            `gl:component:${at === -1 ? v : v.slice(0, at)}`,
            {
              description:
                'Pin the component to a released version or a commit SHA',
              replacement: `component: ${
                at === -1 ? v : v.slice(0, at)
              }@<version>`,
            },
          );
        }
      }
    }

    // Jenkins shared libraries.
    for (const jf of getJenkinsfiles(snapshot)) {
      for (const lib of jf.libraries) {
        if (lib.value.includes('$')) continue;
        total++;
        if (refLooksPinned(lib.ref)) continue;
        add(
          jf.path,
          lib.range,
          jf.lines.lineText(lib.range.line),
          lib.ref
            ? `shared library ${lib.name} follows ${lib.ref}, which looks like a branch`
            : `shared library ${lib.name} has no version: it loads the library's default version, usually a branch`,
          `jk:${lib.name}`,
          {
            description: 'Load the library at a release tag or commit SHA',
            replacement: `'${lib.name}@<tag-or-sha>'`,
          },
        );
      }
    }

    // Azure Pipelines: template repositories.
    for (const az of getAzurePipelines(snapshot)) {
      const root = az.file.root();
      const repos = getNode(getNode(root, 'resources'), 'repositories');
      if (!isSeq(repos)) continue;
      const text = az.file.text;
      for (const item of repos.items) {
        if (!isMap(item)) continue;
        const alias = az.file.located(getNode(item, 'repository'));
        if (!alias) continue;
        const type = az.file.located(getNode(item, 'type'))?.value ?? 'git';
        if (!/^(git|github|githubenterprise|bitbucket)$/i.test(type)) continue;
        // Only repositories that supply pipeline code: `template: x@alias` or `extends`.
        const usedAsTemplate = new RegExp(
          `@${alias.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`,
        ).test(text);
        if (!usedAsTemplate) continue;
        total++;
        const ref = az.file.located(getNode(item, 'ref'));
        if (ref && /^refs\/tags\//.test(ref.value)) continue;
        if (ref && SHA_RE.test(ref.value)) continue;
        yamlAdd(
          az.file,
          ref ?? alias,
          ref
            ? `template repository ${alias.value} follows ${ref.value}`
            : `template repository ${alias.value} has no ref: templates come from its default branch`,
          `az:${alias.value}`,
          {
            description: 'Pin the template repository to a protected tag',
            replacement: 'ref: refs/tags/<release-tag>',
          },
        );
      }
    }

    // CircleCI orbs.
    for (const cc of getCircleciConfigs(snapshot)) {
      for (const [alias, loc] of Object.entries(cc.orbs)) {
        total++;
        const { name, version, pinned } = orbPinned(loc.value);
        if (pinned) continue;
        yamlAdd(
          cc.file,
          loc,
          `orb ${alias} (${loc.value}) ${
            version ? `uses the floating version ${version}` : 'has no version'
          }: its code can change between runs`,
          `cc:${alias}`,
          {
            description: 'Pin the orb to an exact x.y.z release',
            replacement: `${alias}: ${name}@<x.y.z>`,
          },
        );
      }
    }

    if (!total)
      return outcome.notApplicable('no shared pipeline code is pulled in');
    return outcome.proportional(total, findings);
  },
});
