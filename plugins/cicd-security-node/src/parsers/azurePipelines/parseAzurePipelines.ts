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

export type AzureScriptKind = 'script' | 'bash' | 'powershell' | 'pwsh';

/** An Azure Pipelines file: script steps, containers and variables. */
export interface AzurePipeline {
  path: string;
  file: YamlFile;
  scripts: Array<{
    kind: AzureScriptKind;
    script: LocatedString;
    context: string;
  }>;
  containers: Array<{ image: LocatedString; context: string }>;
  /** `variables:` entries (map form and `- name: / value:` list form) and step `env:`. */
  variables: Array<{ name: string; value: LocatedString; context: string }>;
}

const SCRIPT_KEYS = new Set<AzureScriptKind>([
  'script',
  'bash',
  'powershell',
  'pwsh',
]);

/** Parse one Azure Pipelines YAML file (pipeline or template). Never throws. */
export function parseAzurePipeline(
  path: string,
  text: string,
): { pipeline?: AzurePipeline; problems: ScanProblem[] } {
  const { file, problems } = parseYaml(path, text);
  const root = file?.root();
  if (!file || !root) return { problems };
  const p: AzurePipeline = {
    path,
    file,
    scripts: [],
    containers: [],
    variables: [],
  };
  const readVars = (v: unknown, context: string) => {
    if (isMap(v)) {
      for (const [name, , val] of mapEntries(v)) {
        const loc = file.located(val);
        if (loc) p.variables.push({ name, value: loc, context });
      }
    } else if (isSeq(v)) {
      for (const item of v.items) {
        const name = file.located(getNode(item, 'name'));
        const val = file.located(getNode(item, 'value'));
        if (name && val)
          p.variables.push({ name: name.value, value: val, context });
      }
    }
  };
  const walk = (node: unknown, context: string, depth: number): void => {
    const n = isAlias(node) ? safeResolve(file, node) : node;
    if (depth > 40 || !n) return;
    if (isSeq(n)) {
      for (const item of n.items) walk(item, context, depth + 1);
      return;
    }
    if (!isMap(n)) return;
    const name =
      file.located(getNode(n, 'job'))?.value ??
      file.located(getNode(n, 'deployment'))?.value ??
      file.located(getNode(n, 'stage'))?.value;
    const ctx = name ? name : context;
    for (const [key, , value] of mapEntries(n)) {
      if (SCRIPT_KEYS.has(key as AzureScriptKind)) {
        const loc = file.located(value);
        if (loc)
          p.scripts.push({
            kind: key as AzureScriptKind,
            script: loc,
            context: ctx,
          });
        continue;
      }
      if (key === 'container') {
        const loc = file.located(
          isMap(value) ? getNode(value, 'image') : value,
        );
        // A container job refers to a `resources.containers` alias when it has no registry path or tag.
        if (loc && (isMap(value) || /[:/@]/.test(loc.value))) {
          p.containers.push({ image: loc, context: ctx });
        }
        continue;
      }
      if (key === 'containers' && isSeq(value)) {
        for (const item of value.items) {
          const img = file.located(getNode(item, 'image'));
          if (img) p.containers.push({ image: img, context: 'resources' });
        }
        continue;
      }
      if (key === 'variables' || key === 'env') {
        readVars(value, ctx);
        continue;
      }
      walk(value, ctx, depth + 1);
    }
  };
  walk(root, '', 0);
  return { pipeline: p, problems };
}

function safeResolve(file: YamlFile, node: unknown): Node | undefined {
  return file.deref(node);
}

const AZURE_RE =
  /(^|\/)\.?azure-pipelines[^/]*\.ya?ml$|^\.azure-pipelines\/.+\.ya?ml$|^\.azuredevops\/.+\.ya?ml$/;

/** Paths of Azure Pipelines files. */
export function azurePipelinePaths(snapshot: RepoSnapshot): string[] {
  return snapshot.files().filter(f => AZURE_RE.test(f));
}

/** Every Azure Pipelines file, parsed once per snapshot. */
export function getAzurePipelines(snapshot: RepoSnapshot): AzurePipeline[] {
  return parseFilesOnce(
    snapshot,
    'azure-pipelines:files',
    () => azurePipelinePaths(snapshot),
    'Azure Pipelines file',
    (path, text) => {
      const { pipeline, problems } = parseAzurePipeline(path, text);
      return { value: pipeline, problems };
    },
  );
}
