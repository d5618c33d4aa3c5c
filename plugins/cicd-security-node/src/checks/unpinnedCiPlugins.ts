import { isMap, isSeq } from 'yaml';
import { getAzurePipelines } from '../parsers/azurePipelines';
import { getCircleciConfigs } from '../parsers/circleci';
import { LineIndex } from '../parsers/text';
import { dockerfilePaths } from '../parsers/dockerfile';
import { mapEntries } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import { orbPinned } from '../analysis/orbs';

const PLUGINS_TXT_RE = /(^|\/)plugins\.txt$/;

/**
 * Azure tasks, CircleCI orbs and Jenkins plugins are third-party code run by
 * the CI system. An unversioned reference takes whatever the publisher ships
 * next, including preview and breaking releases.
 */
export const unpinnedCiPlugins = createScorecardCheck({
  id: 'unpinned-ci-plugins',
  title: 'CI tasks/plugins versions pinned (non-GH)',
  description:
    'Azure Pipelines tasks name a released major version (`Task@2`, not unversioned or `@0` preview), CircleCI orbs an exact x.y.z release and Jenkins plugins.txt entries a version.',
  category: 'third-party-software',
  severity: 'low',
  platforms: ['azure-pipelines', 'circleci', 'jenkins'],
  // An orb on a floating version: the same unpinned reference.
  sameProblemAs: ['unpinned-shared-pipeline-code'],
  remediationUrl:
    'https://learn.microsoft.com/en-us/azure/devops/pipelines/process/tasks#task-versions',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let total = 0;
    for (const az of getAzurePipelines(snapshot)) {
      // eslint-disable-next-line no-loop-func -- runs within this iteration only
      const walk = (node: unknown, depth: number): void => {
        if (depth > 40) return;
        if (isSeq(node)) {
          node.items.forEach(i => walk(i, depth + 1));
          return;
        }
        if (!isMap(node)) return;
        for (const [key, , value] of mapEntries(node)) {
          if (key === 'task') {
            const loc = az.file.located(value);
            if (!loc || /\$\{\{|\$\(/.test(loc.value)) continue;
            total++;
            const m = /^(.+?)@(\d+)$/.exec(loc.value.trim());
            if (m && m[2] !== '0') continue;
            const task = m ? m[1] : loc.value.trim();
            findings.push({
              message: m
                ? `task ${loc.value} is version 0, a preview release`
                : `task ${loc.value} has no version: the agent picks one, which may change`,
              file: az.path,
              ...loc.range,
              snippet: az.file.lineText(loc.range.line).trim(),
              fingerprintKey: `az:${loc.value}`,
              suggestedFix: {
                description: 'Name the task with a released major version',
                replacement: `task: ${task}@<major>`,
              },
            });
            continue;
          }
          walk(value, depth + 1);
        }
      };
      walk(az.file.root(), 0);
    }
    for (const cc of getCircleciConfigs(snapshot)) {
      for (const [alias, loc] of Object.entries(cc.orbs)) {
        total++;
        const { name, version, pinned } = orbPinned(loc.value);
        if (pinned) continue;
        findings.push({
          message: `orb ${loc.value} ${
            version
              ? `uses ${version}, not an exact x.y.z release`
              : 'has no version'
          }`,
          file: cc.path,
          ...loc.range,
          snippet: cc.file.lineText(loc.range.line).trim(),
          fingerprintKey: `cc:${alias}`,
          suggestedFix: {
            description: 'Pin the orb to an exact release',
            replacement: `${alias}: ${name}@<x.y.z>`,
          },
        });
      }
    }
    // plugins.txt is a common name: only read it in a Jenkins context.
    const jenkinsImage = dockerfilePaths(snapshot).some(p =>
      /jenkins-plugin-cli|install-plugins\.sh|jenkins\/jenkins/.test(
        snapshot.read(p) ?? '',
      ),
    );
    const pluginFiles = snapshot
      .files()
      .filter(
        f => PLUGINS_TXT_RE.test(f) && (jenkinsImage || /jenkins/i.test(f)),
      );
    for (const path of pluginFiles) {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      const lines = new LineIndex(text);
      let offset = 0;
      for (const raw of text.split('\n')) {
        const start = offset;
        offset += raw.length + 1;
        const content = raw.replace(/#.*$/, '').trim();
        if (!content) continue;
        // `plugin-id:version` (plugin installation manager / install-plugins.sh format).
        const m = /^([A-Za-z0-9_.-]+)(?::(\S+))?(\s.*)?$/.exec(content);
        if (!m) continue;
        total++;
        const version = m[2];
        if (version && !/^(latest|experimental)$/i.test(version)) continue;
        const col = raw.indexOf(content);
        const r = lines.range(start + col, content.length);
        findings.push({
          message: version
            ? `Jenkins plugin ${m[1]} is pinned to ${version}, which changes with every release`
            : `Jenkins plugin ${m[1]} has no version`,
          file: path,
          ...r,
          snippet: raw.trim(),
          fingerprintKey: `jk:${m[1]}`,
          suggestedFix: {
            description: 'Pin the plugin to the version you tested',
            replacement: `${m[1]}:<version>`,
          },
        });
      }
    }
    if (!total)
      return outcome.notApplicable(
        'no Azure Pipelines tasks, CircleCI orbs or Jenkins plugins.txt',
      );
    return outcome.proportional(total, findings);
  },
});
