import { isAlias, isMap, isSeq, Node } from 'yaml';
import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import {
  getNode,
  LocatedString,
  mapEntries,
  parseYaml,
  YamlFile,
} from '../yaml';
import { RepoSnapshot } from '../../snapshot';
import { parseFilesOnce } from '../parseFiles';

/** A CircleCI configuration: `run` steps, `docker` images and orbs. */
export interface CircleciConfig {
  path: string;
  file: YamlFile;
  runs: Array<{ command: LocatedString; context: string }>;
  images: Array<{ image: LocatedString; context: string }>;
  orbs: Record<string, LocatedString>;
  /** `environment:` entries anywhere (job, step, executor). */
  environment: Array<{ name: string; value: LocatedString; context: string }>;
}

/** Parse `.circleci/config.yml`. Never throws. */
export function parseCircleci(
  path: string,
  text: string,
): { config?: CircleciConfig; problems: ScanProblem[] } {
  const { file, problems } = parseYaml(path, text);
  const root = file?.root();
  if (!file || !root) return { problems };
  const config: CircleciConfig = {
    path,
    file,
    runs: [],
    images: [],
    orbs: {},
    environment: [],
  };
  for (const [k, , v] of mapEntries(getNode(root, 'orbs'))) {
    const loc = file.located(v);
    if (loc) config.orbs[k] = loc;
  }
  const walk = (node: unknown, context: string, depth: number): void => {
    const n = isAlias(node) ? safeResolve(file, node) : node;
    if (depth > 30 || !n) return;
    if (isSeq(n)) {
      for (const item of n.items) walk(item, context, depth + 1);
      return;
    }
    if (!isMap(n)) return;
    for (const [key, , value] of mapEntries(n)) {
      const v = isAlias(value) ? safeResolve(file, value) : value;
      const ctx =
        depth <= 2 ? `${context}${context ? '.' : ''}${key}` : context;
      if (key === 'run') {
        const cmd = file.located(isMap(v) ? getNode(v, 'command') : v);
        if (cmd) config.runs.push({ command: cmd, context: ctx });
        // A run step's own `environment:`.
        if (isMap(v)) {
          for (const [name, , val] of mapEntries(getNode(v, 'environment'))) {
            const loc = file.located(val);
            if (loc)
              config.environment.push({ name, value: loc, context: ctx });
          }
        }
        continue;
      }
      if (key === 'docker' && isSeq(v)) {
        for (const item of v.items) {
          const img = file.located(getNode(item, 'image'));
          if (img) config.images.push({ image: img, context: ctx });
          for (const [name, , val] of mapEntries(
            getNode(item, 'environment'),
          )) {
            const loc = file.located(val);
            if (loc)
              config.environment.push({ name, value: loc, context: ctx });
          }
        }
        continue;
      }
      if (key === 'environment' && isMap(v)) {
        for (const [name, , val] of mapEntries(v)) {
          const loc = file.located(val);
          if (loc) config.environment.push({ name, value: loc, context: ctx });
        }
        continue;
      }
      walk(v, ctx, depth + 1);
    }
  };
  walk(getNode(root, 'jobs'), 'jobs', 0);
  walk(getNode(root, 'commands'), 'commands', 0);
  walk(getNode(root, 'executors'), 'executors', 0);
  return { config, problems };
}

function safeResolve(file: YamlFile, node: unknown): Node | undefined {
  return file.deref(node);
}

/** Paths of CircleCI configurations. */
export function circleciPaths(snapshot: RepoSnapshot): string[] {
  return snapshot.files().filter(f => /^\.circleci\/[^/]+\.ya?ml$/.test(f));
}

/** Every CircleCI configuration, parsed once per snapshot. */
export function getCircleciConfigs(snapshot: RepoSnapshot): CircleciConfig[] {
  return parseFilesOnce(
    snapshot,
    'circleci:configs',
    () => circleciPaths(snapshot),
    'CircleCI configuration',
    (path, text) => {
      const { config, problems } = parseCircleci(path, text);
      return { value: config, problems };
    },
  );
}
