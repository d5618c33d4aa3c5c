import { isMap, isScalar, isSeq, Node, Scalar, YAMLMap } from 'yaml';
import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import {
  getNode,
  LocatedString,
  mapEntries,
  parseYaml,
  SourceRange,
  YamlFile,
} from '../yaml';

/** An `image:` or `services:` entry. */
export interface GitlabImage {
  name: LocatedString;
  /** `alias:` of a service. */
  alias?: string;
}

export type GitlabScriptKey = 'before_script' | 'script' | 'after_script';

/** One `include:` entry. */
export interface GitlabInclude {
  kind: 'local' | 'project' | 'remote' | 'template' | 'component';
  /** The path, URL, template name or component address. */
  value: LocatedString;
  /** `project:` of a project include. */
  project?: LocatedString;
  ref?: LocatedString;
  files: LocatedString[];
  range: SourceRange;
}

export interface GitlabJob {
  name: string;
  nameRange: SourceRange;
  /** Hidden jobs (templates) start with a dot. */
  hidden: boolean;
  stage?: string;
  image?: GitlabImage;
  services: GitlabImage[];
  variables: Record<string, LocatedString>;
  scripts: Record<GitlabScriptKey, LocatedString[]>;
  extends: string[];
  environment?: string;
  node: YAMLMap;
}

/** A GitLab CI configuration file (`.gitlab-ci.yml` or a local include). */
export interface GitlabCiFile {
  path: string;
  file: YamlFile;
  jobs: GitlabJob[];
  /** Global `variables:`. */
  variables: Record<string, LocatedString>;
  /** Top-level or `default:` image. */
  image?: GitlabImage;
  services: GitlabImage[];
  /** Top-level or `default:` scripts. */
  defaultScripts: Record<GitlabScriptKey, LocatedString[]>;
  includes: GitlabInclude[];
  stages: string[];
}

/** Top-level keys that are not jobs. */
export const GITLAB_RESERVED = new Set([
  'image',
  'services',
  'stages',
  'types',
  'before_script',
  'after_script',
  'variables',
  'cache',
  'include',
  'default',
  'workflow',
  'spec',
]);

const SCRIPT_KEYS: GitlabScriptKey[] = [
  'before_script',
  'script',
  'after_script',
];

/** Parse one GitLab CI file. Never throws; YAML errors come back as problems with a line. */
export function parseGitlabCi(
  path: string,
  text: string,
): { config?: GitlabCiFile; problems: ScanProblem[] } {
  // `spec:` headers of CI components are a separate YAML document.
  const docText =
    /^spec:\s*$/m.test(text) && /^---\s*$/m.test(text)
      ? text.replace(/^[\s\S]*?^---\s*$/m, m => m.replace(/[^\n]/g, ' '))
      : text;
  const { file, problems } = parseYaml(path, docText);
  if (!file) return { problems };
  const root = file.root();
  if (!root) {
    if (file.doc.contents === null) return { problems };
    return {
      problems: [
        ...problems,
        {
          file: path,
          line: 1,
          column: 1,
          kind: 'parse-error',
          message: 'expected a mapping at the top level',
        },
      ],
    };
  }
  try {
    return { config: build(file, root), problems };
  } catch (e) {
    return {
      problems: [
        ...problems,
        {
          file: path,
          line: 1,
          column: 1,
          kind: 'parse-error',
          message: `could not read the GitLab CI file: ${(e as Error).message}`,
        },
      ],
    };
  }
}

function build(file: YamlFile, root: YAMLMap): GitlabCiFile {
  const d = (n: unknown) => deref(file, n);
  const defaults = d(getNode(root, 'default'));
  const pick = (key: string) =>
    d(getNode(defaults, key)) ?? d(getNode(root, key));
  const defaultScripts = emptyScripts();
  for (const k of SCRIPT_KEYS) {
    if (k !== 'script') defaultScripts[k] = scriptLines(file, pick(k));
  }
  const jobs: GitlabJob[] = [];
  for (const [name, key, raw] of mapEntries(root)) {
    if (GITLAB_RESERVED.has(name)) continue;
    const node = mergedMap(file, d(raw));
    if (!node) continue;
    const scripts = emptyScripts();
    for (const k of SCRIPT_KEYS)
      scripts[k] = scriptLines(file, d(getNode(node, k)));
    const env = d(getNode(node, 'environment'));
    const ext = d(getNode(node, 'extends'));
    jobs.push({
      name,
      nameRange: file.rangeOf(key),
      hidden: name.startsWith('.'),
      stage: scalar(d(getNode(node, 'stage'))),
      image: readImage(file, d(getNode(node, 'image'))),
      services: readServices(file, d(getNode(node, 'services'))),
      variables: readVariables(file, d(getNode(node, 'variables'))),
      scripts,
      extends: isSeq(ext)
        ? ext.items.map(i => scalar(i)).filter((s): s is string => !!s)
        : scalar(ext)
        ? [scalar(ext)!]
        : [],
      environment: isMap(env) ? scalar(d(getNode(env, 'name'))) : scalar(env),
      node,
    });
  }
  const stagesNode = d(getNode(root, 'stages'));
  return {
    path: file.path,
    file,
    jobs,
    variables: readVariables(file, d(getNode(root, 'variables'))),
    image: readImage(file, pick('image')),
    services: readServices(file, pick('services')),
    defaultScripts,
    includes: readIncludes(file, d(getNode(root, 'include'))),
    stages: isSeq(stagesNode)
      ? stagesNode.items.map(s => scalar(s)).filter((s): s is string => !!s)
      : [],
  };
}

function emptyScripts(): Record<GitlabScriptKey, LocatedString[]> {
  return { before_script: [], script: [], after_script: [] };
}

/** Script lines: a string or a (nested) list of strings. */
function scriptLines(
  file: YamlFile,
  node: unknown,
  depth = 0,
): LocatedString[] {
  const n = deref(file, node);
  if (depth > 5 || n === undefined) return [];
  if (isScalar(n)) {
    const loc = file.located(n);
    return loc ? [loc] : [];
  }
  if (isSeq(n))
    return n.items.flatMap(item => scriptLines(file, item, depth + 1));
  return [];
}

function readImage(file: YamlFile, node: unknown): GitlabImage | undefined {
  const n = deref(file, node);
  if (isScalar(n)) {
    const loc = file.located(n);
    return loc ? { name: loc } : undefined;
  }
  if (isMap(n)) {
    const loc = file.located(deref(file, getNode(n, 'name')));
    return loc ? { name: loc, alias: scalar(getNode(n, 'alias')) } : undefined;
  }
  return undefined;
}

function readServices(file: YamlFile, node: unknown): GitlabImage[] {
  const n = deref(file, node);
  if (!isSeq(n)) return [];
  return n.items.flatMap(item => {
    const img = readImage(file, item);
    return img ? [img] : [];
  });
}

/** `VAR: value` or `VAR: { value: x, description: … }`. */
function readVariables(
  file: YamlFile,
  node: unknown,
): Record<string, LocatedString> {
  const out: Record<string, LocatedString> = {};
  for (const [k, , raw] of mapEntries(deref(file, node))) {
    const v = deref(file, raw);
    const loc = file.located(isMap(v) ? deref(file, getNode(v, 'value')) : v);
    if (loc) out[k] = loc;
  }
  return out;
}

function readIncludes(file: YamlFile, node: unknown): GitlabInclude[] {
  const n = deref(file, node);
  const items = isSeq(n) ? n.items : n === undefined ? [] : [n];
  const out: GitlabInclude[] = [];
  for (const raw of items) {
    const item = deref(file, raw);
    if (isScalar(item)) {
      const loc = file.located(item);
      if (!loc) continue;
      out.push({
        kind: /^https?:\/\//i.test(loc.value) ? 'remote' : 'local',
        value: loc,
        files: [],
        range: loc.range,
      });
      continue;
    }
    if (!isMap(item)) continue;
    const get = (k: string) => file.located(deref(file, getNode(item, k)));
    const range = file.rangeOf(item);
    const local = get('local');
    const remote = get('remote');
    const template = get('template');
    const component = get('component');
    const project = get('project');
    if (local) out.push({ kind: 'local', value: local, files: [], range });
    else if (remote)
      out.push({ kind: 'remote', value: remote, files: [], range });
    else if (template)
      out.push({ kind: 'template', value: template, files: [], range });
    else if (component)
      out.push({ kind: 'component', value: component, files: [], range });
    else if (project) {
      const fileNode = deref(file, getNode(item, 'file'));
      const files = isSeq(fileNode)
        ? fileNode.items
            .map(f => file.located(deref(file, f)))
            .filter((f): f is LocatedString => !!f)
        : [file.located(fileNode)].filter((f): f is LocatedString => !!f);
      out.push({
        kind: 'project',
        value: project,
        project,
        ref: get('ref'),
        files,
        range,
      });
    }
  }
  return out;
}

/** A mapping with `<<: *anchor` merge keys applied (explicit keys win). */
function mergedMap(file: YamlFile, node: unknown): YAMLMap | undefined {
  if (!isMap(node)) return undefined;
  const hasMerge = node.items.some(
    p => isScalar(p.key) && (p.key as Scalar).value === '<<',
  );
  if (!hasMerge) return node;
  const merged = new YAMLMap();
  const seen = new Set<string>();
  for (const p of node.items) {
    const k = isScalar(p.key) ? String((p.key as Scalar).value) : '';
    if (k !== '<<') {
      merged.items.push(p);
      seen.add(k);
    }
  }
  for (const p of node.items) {
    if (!isScalar(p.key) || (p.key as Scalar).value !== '<<') continue;
    const v = deref(file, p.value);
    const sources = isSeq(v) ? v.items.map(i => deref(file, i)) : [v];
    for (const src of sources) {
      if (!isMap(src)) continue;
      for (const sp of src.items) {
        const k = isScalar(sp.key) ? String((sp.key as Scalar).value) : '';
        if (k && !seen.has(k)) {
          merged.items.push(sp);
          seen.add(k);
        }
      }
    }
  }
  merged.range = node.range;
  return merged;
}

function deref(file: YamlFile, node: unknown): Node | undefined {
  return file.deref(node);
}

function scalar(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined
    ? String(node.value)
    : undefined;
}
