import { YAMLMap } from 'yaml';
import { LocatedString, SourceRange, YamlFile } from '../yaml';

export type PermissionLevel = 'read' | 'write' | 'none';

/** A `permissions:` block, at workflow or job level. */
export interface PermissionsSpec {
  /** `read-all`, `write-all`, `{}` (empty = none), or a map of scopes. */
  kind: 'read-all' | 'write-all' | 'none' | 'scopes' | 'invalid';
  scopes: Record<string, PermissionLevel>;
  /** Where each scope is declared (for findings on a write scope). */
  scopeRanges: Record<string, SourceRange>;
  range: SourceRange;
  keyRange: SourceRange;
}

export interface WorkflowStep {
  /** 0-based position in the job. */
  index: number;
  id?: string;
  name?: string;
  uses?: LocatedString;
  run?: LocatedString;
  shell?: string;
  if?: LocatedString;
  with: Record<string, LocatedString>;
  /** Keys of `with:` that are present but not scalars (rare). */
  env: Record<string, LocatedString>;
  range: SourceRange;
  node: YAMLMap;
}

export interface WorkflowJob {
  id: string;
  idRange: SourceRange;
  name?: string;
  permissions?: PermissionsSpec;
  runsOn?: unknown;
  runsOnRange?: SourceRange;
  environment?: string;
  if?: LocatedString;
  /** Reusable workflow call: `jobs.<id>.uses`. */
  uses?: LocatedString;
  with: Record<string, LocatedString>;
  /** `secrets: inherit` or a map. */
  secrets?: 'inherit' | Record<string, LocatedString>;
  env: Record<string, LocatedString>;
  steps: WorkflowStep[];
  /** Container and service images with their locations. */
  images: Array<{ image: LocatedString; role: 'container' | 'service' }>;
  /** Plain JS of `strategy.matrix`, when present. */
  matrix?: unknown;
  /** A Docker action's `runs.args`, passed to its entrypoint. */
  dockerArgs?: LocatedString[];
  /** A Docker action's `runs.entrypoint`, `pre-entrypoint` and `post-entrypoint`. */
  dockerEntrypoints?: Array<{ key: string; value: LocatedString }>;
  node: YAMLMap;
}

/** A GitHub Actions workflow, or a composite/docker/node action metadata file. */
export interface Workflow {
  path: string;
  kind: 'workflow' | 'action';
  file: YamlFile;
  name?: string;
  /** Trigger names (`push`, `pull_request_target`…); empty for actions. */
  triggers: string[];
  /** Plain JS of each trigger's configuration. */
  triggerConfig: Record<string, unknown>;
  triggersRange?: SourceRange;
  permissions?: PermissionsSpec;
  env: Record<string, LocatedString>;
  jobs: WorkflowJob[];
  /** For actions: `runs.using` (composite, docker, node20…). */
  actionRuns?: string;
}
