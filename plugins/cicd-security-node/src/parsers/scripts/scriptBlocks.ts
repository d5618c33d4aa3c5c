import { RepoSnapshot } from '../../snapshot';
import { LocatedString, SourceRange, YamlFile } from '../yaml';
import { LineIndex } from '../text/lineIndex';
import { getWorkflows } from '../githubActions';
import { getGitlabCi } from '../gitlabCi';
import { getJenkinsfiles } from '../jenkinsfile';
import { getDockerfiles } from '../dockerfile';
import { getCircleciConfigs } from '../circleci';
import { getAzurePipelines } from '../azurePipelines';

export type ScriptPlatform =
  | 'github-actions'
  | 'gitlab-ci'
  | 'jenkins'
  | 'dockerfile'
  | 'shell'
  | 'azure-pipelines'
  | 'circleci';

/** One piece of shell (or PowerShell) that a pipeline or image build runs. */
export interface ScriptBlock {
  file: string;
  platform: ScriptPlatform;
  /** The script text. Offsets into it are what `locate` takes. */
  text: string;
  /** Where `length` characters from `offset` of `text` sit in `file`. */
  locate(offset: number, length: number): SourceRange;
  /** Where the script sits, e.g. `job build, step 2` or `stage 0 RUN`. */
  context?: string;
  /** `powershell` for PowerShell/pwsh/bat scripts, `sh` otherwise. */
  shell: 'sh' | 'powershell' | 'cmd';
}

/** A script block over a YAML scalar, located through `YamlFile.locateIn`. */
export function yamlScriptBlock(
  file: YamlFile,
  loc: LocatedString,
  platform: ScriptPlatform,
  context?: string,
  shell: ScriptBlock['shell'] = 'sh',
): ScriptBlock {
  return {
    file: file.path,
    platform,
    text: loc.value,
    locate: (offset, length) => file.locateIn(loc, offset, length),
    context,
    shell,
  };
}

/** A script block over a slice of a file that starts at `base`. */
export function sliceScriptBlock(
  file: string,
  lines: LineIndex,
  text: string,
  base: number,
  platform: ScriptPlatform,
  context?: string,
  shell: ScriptBlock['shell'] = 'sh',
): ScriptBlock {
  return {
    file,
    platform,
    text,
    locate: (offset, length) => lines.range(base + offset, length),
    context,
    shell,
  };
}

/**
 * Several script pieces run one after another (GitLab `script:` lines) as one
 * block joined with line breaks, so that a download in one line and its
 * execution in the next are seen together.
 */
export function joinScriptBlocks(
  parts: ScriptBlock[],
  context?: string,
): ScriptBlock | undefined {
  if (!parts.length) return undefined;
  if (parts.length === 1)
    return { ...parts[0], context: context ?? parts[0].context };
  const starts: number[] = [];
  let text = '';
  for (const p of parts) {
    if (text) text += '\n';
    starts.push(text.length);
    text += p.text;
  }
  return {
    file: parts[0].file,
    platform: parts[0].platform,
    text,
    context,
    shell: parts[0].shell,
    locate(offset, length) {
      let k = 0;
      while (k + 1 < starts.length && starts[k + 1] <= offset) k++;
      const local = offset - starts[k];
      return parts[k].locate(
        local,
        Math.min(length, parts[k].text.length - local),
      );
    },
  };
}

const SHELL_EXT_RE = /\.(sh|bash|ksh|zsh)$/;
const SHEBANG_RE = /^#!\s*(\/usr)?\/bin\/(env\s+)?(ba|z|k|da)?sh\b/;
const MAX_SHEBANG_SCRIPT = 256 * 1024;

/** Repository shell scripts: `*.sh`, `*.bash`, or small files with a shell shebang. */
export function shellScriptPaths(snapshot: RepoSnapshot): string[] {
  return snapshot.files().filter(f => {
    if (/(^|\/)(node_modules|vendor|\.git)\//.test(f)) return false;
    if (SHELL_EXT_RE.test(f)) return true;
    const base = f.slice(f.lastIndexOf('/') + 1);
    if (
      base.includes('.') ||
      /^(Jenkinsfile|Dockerfile|Containerfile|Makefile)/i.test(base)
    )
      return false;
    const text = snapshot.read(f);
    return (
      text !== undefined &&
      text.length < MAX_SHEBANG_SCRIPT &&
      SHEBANG_RE.test(text)
    );
  });
}

/** Every piece of shell the snapshot's pipelines and images run, built once per snapshot. */
export function getScriptBlocks(snapshot: RepoSnapshot): ScriptBlock[] {
  return snapshot.memo('scripts:blocks', () => {
    const out: ScriptBlock[] = [];
    for (const wf of getWorkflows(snapshot)) {
      for (const job of wf.jobs) {
        for (const step of job.steps) {
          if (!step.run) continue;
          const windows =
            !step.shell && /windows/i.test(JSON.stringify(job.runsOn ?? ''));
          const shell =
            windows || /^(pwsh|powershell)/i.test(step.shell ?? '')
              ? 'powershell'
              : /^cmd/i.test(step.shell ?? '')
              ? 'cmd'
              : 'sh';
          out.push(
            yamlScriptBlock(
              wf.file,
              step.run,
              'github-actions',
              `job ${job.id}, step ${step.name ?? step.id ?? step.index + 1}`,
              shell,
            ),
          );
        }
      }
    }
    for (const gl of getGitlabCi(snapshot)) {
      const keys = ['before_script', 'script', 'after_script'] as const;
      for (const key of keys) {
        const block = joinScriptBlocks(
          gl.defaultScripts[key].map(l =>
            yamlScriptBlock(gl.file, l, 'gitlab-ci'),
          ),
          `default ${key}`,
        );
        if (block) out.push(block);
      }
      for (const job of gl.jobs) {
        for (const key of keys) {
          const block = joinScriptBlocks(
            job.scripts[key].map(l => yamlScriptBlock(gl.file, l, 'gitlab-ci')),
            `job ${job.name} ${key}`,
          );
          if (block) out.push(block);
        }
      }
    }
    for (const jf of getJenkinsfiles(snapshot)) {
      for (const st of jf.shellSteps) {
        out.push(
          sliceScriptBlock(
            jf.path,
            jf.lines,
            st.script.value,
            st.script.offset,
            'jenkins',
            `${st.step} step`,
            st.step === 'sh' ? 'sh' : st.step === 'bat' ? 'cmd' : 'powershell',
          ),
        );
      }
    }
    for (const df of getDockerfiles(snapshot)) {
      for (const run of df.runs) {
        out.push(
          sliceScriptBlock(
            df.path,
            df.lines,
            run.command,
            run.offset,
            'dockerfile',
            `RUN (stage ${run.instruction.stage})`,
          ),
        );
      }
    }
    for (const cc of getCircleciConfigs(snapshot)) {
      for (const r of cc.runs)
        out.push(yamlScriptBlock(cc.file, r.command, 'circleci', r.context));
    }
    for (const az of getAzurePipelines(snapshot)) {
      for (const s of az.scripts) {
        out.push(
          yamlScriptBlock(
            az.file,
            s.script,
            'azure-pipelines',
            s.context ? `job ${s.context}` : undefined,
            s.kind === 'powershell' || s.kind === 'pwsh' ? 'powershell' : 'sh',
          ),
        );
      }
    }
    for (const path of shellScriptPaths(snapshot)) {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      out.push(sliceScriptBlock(path, new LineIndex(text), text, 0, 'shell'));
    }
    return out;
  });
}
