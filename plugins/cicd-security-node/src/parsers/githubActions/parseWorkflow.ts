import { isMap, isScalar, isSeq, Node, YAMLMap } from 'yaml';
import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import {
  getKeyNode,
  getNode,
  LocatedString,
  mapEntries,
  parseYaml,
  seqItems,
  toJS,
  YamlFile,
} from '../yaml';
import {
  PermissionLevel,
  PermissionsSpec,
  Workflow,
  WorkflowJob,
  WorkflowStep,
} from './model';

export interface ParseWorkflowResult {
  workflow?: Workflow;
  problems: ScanProblem[];
}

/**
 * Parse a GitHub Actions workflow or action metadata file into a typed model
 * that keeps the exact location of every node. Malformed input never throws:
 * it comes back as problems with a location.
 */
export function parseWorkflow(
  path: string,
  text: string,
  kind: 'workflow' | 'action' = guessKind(path),
): ParseWorkflowResult {
  const { file, problems } = parseYaml(path, text);
  if (!file) return { problems };
  const root = file.root();
  if (!root) {
    const empty = file.doc.contents === null;
    return {
      problems: [
        {
          file: path,
          line: 1,
          column: 1,
          kind: 'parse-error',
          message: empty
            ? 'empty document'
            : 'expected a mapping at the top level of the document',
        },
      ],
    };
  }
  try {
    return kind === 'action'
      ? { workflow: buildAction(file, root), problems }
      : buildWorkflow(file, root, problems);
  } catch (e) {
    return {
      problems: [
        ...problems,
        {
          file: path,
          line: 1,
          column: 1,
          kind: 'parse-error',
          message: `could not read the workflow: ${(e as Error).message}`,
        },
      ],
    };
  }
}

export function guessKind(path: string): 'workflow' | 'action' {
  return /(^|\/)action\.ya?ml$/.test(path) ? 'action' : 'workflow';
}

function buildWorkflow(
  file: YamlFile,
  root: YAMLMap,
  problems: ScanProblem[],
): ParseWorkflowResult {
  const onNode = getNode(root, 'on');
  const { triggers, triggerConfig } = readTriggers(file, onNode);
  const jobsNode = getNode(root, 'jobs');
  if (!onNode || !isMap(jobsNode)) {
    problems.push({
      file: file.path,
      line: 1,
      column: 1,
      kind: 'parse-error',
      message: !onNode
        ? 'not a GitHub Actions workflow: no `on:` triggers'
        : 'not a GitHub Actions workflow: `jobs:` is missing or not a mapping',
    });
  }
  const jobs: WorkflowJob[] = mapEntries(jobsNode).flatMap(([id, key, raw]) => {
    const node = deref(file, raw);
    return isMap(node) ? [buildJob(file, id, key, node)] : [];
  });
  const workflow: Workflow = {
    path: file.path,
    kind: 'workflow',
    file,
    name: scalarString(getNode(root, 'name')),
    triggers,
    triggerConfig,
    triggersRange: onNode ? file.rangeOf(getKeyNode(root, 'on')) : undefined,
    permissions: readPermissions(file, root),
    env: readStringMap(file, getNode(root, 'env')),
    jobs,
  };
  return { workflow, problems };
}

function buildAction(file: YamlFile, root: YAMLMap): Workflow {
  const runs = getNode(root, 'runs');
  const using = scalarString(getNode(runs, 'using'));
  const stepsNode = getNode(runs, 'steps');
  const jobs: WorkflowJob[] = [];
  if (isSeq(stepsNode)) {
    const pseudo: WorkflowJob = {
      id: 'composite',
      idRange: file.rangeOf(getKeyNode(runs, 'steps')),
      with: {},
      env: {},
      steps: readSteps(file, stepsNode),
      images: [],
      node: runs as YAMLMap,
    };
    jobs.push(pseudo);
  }
  const image = file.located(getNode(runs, 'image'));
  if (image && jobs.length === 0) {
    const argsNode = getNode(runs, 'args');
    const dockerArgs = isSeq(argsNode)
      ? argsNode.items.flatMap(item => {
          const loc = file.located(item as Node);
          return loc ? [loc] : [];
        })
      : [];
    const dockerEntrypoints = [
      'pre-entrypoint',
      'entrypoint',
      'post-entrypoint',
    ].flatMap(key => {
      const value = file.located(getNode(runs, key));
      return value ? [{ key, value }] : [];
    });
    jobs.push({
      id: 'docker',
      idRange: image.range,
      with: {},
      env: readStringMap(file, getNode(runs, 'env')),
      steps: [],
      images: [{ image, role: 'container' }],
      dockerArgs,
      dockerEntrypoints,
      node: runs as YAMLMap,
    });
  }
  return {
    path: file.path,
    kind: 'action',
    file,
    name: scalarString(getNode(root, 'name')),
    triggers: [],
    triggerConfig: {},
    env: {},
    jobs,
    actionRuns: using,
  };
}

function readTriggers(file: YamlFile, onNode: Node | undefined) {
  const triggers: string[] = [];
  const triggerConfig: Record<string, unknown> = {};
  if (isScalar(onNode)) {
    triggers.push(String(onNode.value));
  } else if (isSeq(onNode)) {
    for (const item of onNode.items) {
      if (isScalar(item)) triggers.push(String(item.value));
    }
  } else if (isMap(onNode)) {
    for (const [name, , value] of mapEntries(onNode)) {
      triggers.push(name);
      triggerConfig[name] = toJS(file, value);
    }
  }
  return { triggers, triggerConfig };
}

function buildJob(
  file: YamlFile,
  id: string,
  key: YAMLMap['items'][number]['key'],
  node: YAMLMap,
): WorkflowJob {
  const runsOnNode = getNode(node, 'runs-on');
  const envNode = getNode(node, 'environment');
  const secretsNode = getNode(node, 'secrets');
  const images: WorkflowJob['images'] = [];
  const container = getNode(node, 'container');
  const containerImage = file.located(
    isMap(container) ? getNode(container, 'image') : container,
  );
  if (containerImage) images.push({ image: containerImage, role: 'container' });
  for (const [, , svc] of mapEntries(getNode(node, 'services'))) {
    const img = file.located(isMap(svc) ? getNode(svc, 'image') : svc);
    if (img) images.push({ image: img, role: 'service' });
  }
  return {
    id,
    idRange: file.rangeOf(key as Node),
    name: scalarString(getNode(node, 'name')),
    permissions: readPermissions(file, node),
    runsOn: toJS(file, runsOnNode),
    runsOnRange: runsOnNode ? file.rangeOf(runsOnNode) : undefined,
    environment: isMap(envNode)
      ? scalarString(getNode(envNode, 'name'))
      : scalarString(envNode),
    if: file.located(getNode(node, 'if')),
    uses: file.located(getNode(node, 'uses')),
    with: readStringMap(file, getNode(node, 'with')),
    secrets:
      isScalar(secretsNode) && secretsNode.value === 'inherit'
        ? 'inherit'
        : isMap(secretsNode)
        ? readStringMap(file, secretsNode)
        : undefined,
    env: readStringMap(file, getNode(node, 'env')),
    steps: readSteps(file, getNode(node, 'steps')),
    images,
    matrix: toJS(file, getNode(getNode(node, 'strategy'), 'matrix')),
    node,
  };
}

function readSteps(
  file: YamlFile,
  stepsNode: Node | undefined,
): WorkflowStep[] {
  return seqItems(deref(file, stepsNode)).flatMap((raw, index) => {
    const item = deref(file, raw);
    if (!isMap(item)) return [];
    const step: WorkflowStep = {
      index,
      id: scalarString(getNode(item, 'id')),
      name: scalarString(getNode(item, 'name')),
      uses: file.located(getNode(item, 'uses')),
      run: file.located(getNode(item, 'run')),
      shell: scalarString(getNode(item, 'shell')),
      if: file.located(getNode(item, 'if')),
      with: readStringMap(file, getNode(item, 'with')),
      env: readStringMap(file, getNode(item, 'env')),
      range: file.rangeOf(item),
      node: item,
    };
    return [step];
  });
}

function readStringMap(
  file: YamlFile,
  node: Node | undefined,
): Record<string, LocatedString> {
  const out: Record<string, LocatedString> = {};
  for (const [k, , v] of mapEntries(deref(file, node))) {
    const loc = file.located(deref(file, v));
    if (loc) out[k] = loc;
  }
  return out;
}

function readPermissions(
  file: YamlFile,
  owner: YAMLMap,
): PermissionsSpec | undefined {
  const node = getNode(owner, 'permissions');
  const keyNode = getKeyNode(owner, 'permissions');
  if (!keyNode) return undefined;
  const base = {
    scopes: {} as Record<string, PermissionLevel>,
    scopeRanges: {} as PermissionsSpec['scopeRanges'],
    range: file.rangeOf(node ?? keyNode),
    keyRange: file.rangeOf(keyNode),
  };
  if (isScalar(node)) {
    const v = String(node.value);
    if (v === 'read-all') return { ...base, kind: 'read-all' };
    if (v === 'write-all') return { ...base, kind: 'write-all' };
    return { ...base, kind: 'invalid' };
  }
  if (isMap(node)) {
    if (node.items.length === 0) return { ...base, kind: 'none' };
    for (const [scope, k, v] of mapEntries(node)) {
      const level = scalarString(v);
      if (level === 'read' || level === 'write' || level === 'none') {
        base.scopes[scope] = level;
        base.scopeRanges[scope] = file.rangeOf(k);
      }
    }
    return { ...base, kind: 'scopes' };
  }
  if (node === undefined || (isScalar(node) && node.value === null)) {
    return { ...base, kind: 'none' };
  }
  return { ...base, kind: 'invalid' };
}

/**
 * Follow a YAML alias (`*anchor`) to the node it names, so that jobs, steps
 * and maps reused through anchors are read like written-out ones (their
 * locations are those of the anchored original).
 */
function deref(file: YamlFile, node: Node | undefined): Node | undefined {
  return file.deref(node);
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined
    ? String(node.value)
    : undefined;
}
