import { RepoSnapshot } from '../../snapshot';
import { LocatedString, SourceRange, YamlFile } from '../yaml';
import { parseImageRef } from '../text/imageRef';
import {
  getWorkflows,
  valuesAcrossMatrix,
  WorkflowJob,
} from '../githubActions';
import { getGitlabCi } from '../gitlabCi';
import { getJenkinsfiles } from '../jenkinsfile';
import { getDockerfiles } from '../dockerfile';
import { getCircleciConfigs } from '../circleci';
import { getAzurePipelines } from '../azurePipelines';
import { ScriptPlatform } from './scriptBlocks';

/** A container image a pipeline or an image build pulls. */
export interface ImageReference {
  /** The reference after resolving what can be resolved (Dockerfile ARG defaults). */
  image: string;
  /** The reference as written. */
  written: string;
  file: string;
  platform: ScriptPlatform;
  range: SourceRange;
  /** e.g. `FROM (stage 1)`, `job build container`, `job test service`. */
  context: string;
  /**
   * The reference holds variables or expressions whose value is unknown
   * (`${{ matrix.image }}`, `$CI_REGISTRY_IMAGE`, an ARG without default).
   */
  dynamic: boolean;
  name: string;
  tag?: string;
  digest?: string;
  /** The source line, for snippets. */
  lineText: string;
}

const DYNAMIC_RE = /\$\{\{|\$\{?[A-Za-z_]|<<\s*parameters\.|\$\(/;

function fromYaml(
  file: YamlFile,
  loc: LocatedString,
  platform: ScriptPlatform,
  context: string,
): ImageReference {
  const written = loc.value.trim();
  const parts = parseImageRef(written);
  return {
    image: written.replace(/^docker:\/\//, ''),
    written,
    file: file.path,
    platform,
    range: loc.range,
    context,
    dynamic: DYNAMIC_RE.test(written),
    ...parts,
    lineText: file.lineText(loc.range.line),
  };
}

/**
 * A GitHub Actions image whose text holds expressions, evaluated to the
 * values it can take (literal alternatives, the job's matrix): one reference
 * per concrete value, all at the expression's place, plus a dynamic one when
 * some value cannot be known from the files.
 */
function githubImageRefs(
  file: YamlFile,
  job: WorkflowJob,
  loc: LocatedString,
  context: string,
): ImageReference[] {
  const ref = fromYaml(file, loc, 'github-actions', context);
  if (!ref.dynamic || !loc.value.includes('${{')) return [ref];
  const { values, unknown } = valuesAcrossMatrix(loc.value.trim(), job.matrix);
  const refs: ImageReference[] = [];
  for (const value of values) {
    if (typeof value !== 'string' || !value.trim()) continue;
    const written = value.trim();
    refs.push({
      ...ref,
      ...parseImageRef(written),
      image: written.replace(/^docker:\/\//, ''),
      written,
      context: `${context}, a value of ${loc.value.trim()}`,
      dynamic: DYNAMIC_RE.test(written),
    });
  }
  if (unknown || refs.length === 0) refs.push(ref);
  return refs;
}

/**
 * Every container image reference of the snapshot: Dockerfile `FROM` (not
 * `scratch`, not earlier stages), GitHub Actions job containers, services and
 * `docker://` steps and actions, GitLab `image`/`services`, Jenkins docker
 * agents and `docker.image()`, CircleCI `docker:` images, Azure containers.
 */
export function getImageReferences(snapshot: RepoSnapshot): ImageReference[] {
  return snapshot.memo('scripts:images', () => {
    const out: ImageReference[] = [];
    for (const df of getDockerfiles(snapshot)) {
      for (const st of df.stages) {
        if (st.scratch || st.fromStage) continue;
        out.push({
          image: st.resolvedImage,
          written: st.image,
          file: df.path,
          platform: 'dockerfile',
          range: st.imageRange,
          context: `FROM (stage ${st.index}${st.alias ? ` ${st.alias}` : ''})`,
          dynamic: st.dynamic,
          ...parseImageRef(st.resolvedImage),
          lineText: df.lines.lineText(st.imageRange.line),
        });
      }
    }
    for (const wf of getWorkflows(snapshot)) {
      for (const job of wf.jobs) {
        for (const img of job.images) {
          out.push(
            ...githubImageRefs(
              wf.file,
              job,
              img.image,
              `job ${job.id} ${img.role}`,
            ),
          );
        }
        for (const step of job.steps) {
          if (step.uses && /^docker:\/\//i.test(step.uses.value)) {
            out.push(
              ...githubImageRefs(
                wf.file,
                job,
                step.uses,
                `job ${job.id} step uses`,
              ),
            );
          }
        }
      }
    }
    for (const gl of getGitlabCi(snapshot)) {
      if (gl.image)
        out.push(
          fromYaml(gl.file, gl.image.name, 'gitlab-ci', 'default image'),
        );
      for (const s of gl.services)
        out.push(fromYaml(gl.file, s.name, 'gitlab-ci', 'default service'));
      for (const job of gl.jobs) {
        if (job.image)
          out.push(
            fromYaml(
              gl.file,
              job.image.name,
              'gitlab-ci',
              `job ${job.name} image`,
            ),
          );
        for (const s of job.services) {
          out.push(
            fromYaml(gl.file, s.name, 'gitlab-ci', `job ${job.name} service`),
          );
        }
      }
    }
    for (const jf of getJenkinsfiles(snapshot)) {
      for (const img of jf.images) {
        const written = img.image.value.trim();
        out.push({
          image: written,
          written,
          file: jf.path,
          platform: 'jenkins',
          range: img.image.range,
          context:
            img.kind === 'agent-docker' ? 'docker agent' : 'docker.image()',
          dynamic: img.image.interpolated || /\$\{?[A-Za-z_]/.test(written),
          ...parseImageRef(written),
          lineText: jf.lines.lineText(img.image.range.line),
        });
      }
    }
    for (const cc of getCircleciConfigs(snapshot)) {
      for (const img of cc.images)
        out.push(fromYaml(cc.file, img.image, 'circleci', img.context));
    }
    for (const az of getAzurePipelines(snapshot)) {
      for (const c of az.containers) {
        out.push(
          fromYaml(
            az.file,
            c.image,
            'azure-pipelines',
            c.context ? `container ${c.context}` : 'container',
          ),
        );
      }
    }
    return out;
  });
}

/** An environment variable a pipeline or image sets to a literal value. */
export interface EnvAssignment {
  name: string;
  value: string;
  file: string;
  platform: ScriptPlatform;
  /** Range of the value (or of the name when the value has no location). */
  range: SourceRange;
  context: string;
  lineText: string;
}

/**
 * Environment variables set in pipeline files and Dockerfiles: GitHub Actions
 * `env:` (workflow, job, step), GitLab `variables:`, Jenkins `environment {}`,
 * Dockerfile `ENV` and `ARG` defaults, CircleCI `environment:`, Azure
 * `variables:`/`env:`.
 */
export function getEnvAssignments(snapshot: RepoSnapshot): EnvAssignment[] {
  return snapshot.memo('scripts:env', () => {
    const out: EnvAssignment[] = [];
    const yamlEnv = (
      file: YamlFile,
      map: Record<string, LocatedString>,
      platform: ScriptPlatform,
      context: string,
    ) => {
      for (const [name, loc] of Object.entries(map)) {
        out.push({
          name,
          value: loc.value,
          file: file.path,
          platform,
          range: loc.range,
          context,
          lineText: file.lineText(loc.range.line),
        });
      }
    };
    for (const wf of getWorkflows(snapshot)) {
      yamlEnv(wf.file, wf.env, 'github-actions', 'workflow env');
      for (const job of wf.jobs) {
        yamlEnv(wf.file, job.env, 'github-actions', `job ${job.id} env`);
        for (const step of job.steps) {
          yamlEnv(
            wf.file,
            step.env,
            'github-actions',
            `job ${job.id} step env`,
          );
        }
      }
    }
    for (const gl of getGitlabCi(snapshot)) {
      yamlEnv(gl.file, gl.variables, 'gitlab-ci', 'variables');
      for (const job of gl.jobs)
        yamlEnv(
          gl.file,
          job.variables,
          'gitlab-ci',
          `job ${job.name} variables`,
        );
    }
    for (const jf of getJenkinsfiles(snapshot)) {
      for (const e of jf.environment) {
        if (!e.value) continue;
        out.push({
          name: e.name,
          value: e.value.value,
          file: jf.path,
          platform: 'jenkins',
          range: e.value.range,
          context: 'environment',
          lineText: jf.lines.lineText(e.value.range.line),
        });
      }
    }
    for (const df of getDockerfiles(snapshot)) {
      for (const kv of [...df.env, ...df.args]) {
        if (kv.value === undefined) continue;
        const range = kv.valueRange ?? kv.range;
        out.push({
          name: kv.key,
          value: kv.value,
          file: df.path,
          platform: 'dockerfile',
          range,
          context: kv.instruction.keyword,
          lineText: df.lines.lineText(range.line),
        });
      }
    }
    for (const cc of getCircleciConfigs(snapshot)) {
      for (const e of cc.environment) {
        yamlEnv(cc.file, { [e.name]: e.value }, 'circleci', e.context);
      }
    }
    for (const az of getAzurePipelines(snapshot)) {
      for (const v of az.variables) {
        yamlEnv(
          az.file,
          { [v.name]: v.value },
          'azure-pipelines',
          v.context || 'variables',
        );
      }
    }
    return out;
  });
}
