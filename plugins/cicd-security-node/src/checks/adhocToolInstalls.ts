import { getWorkflows } from '../parsers/githubActions';
import {
  commandWords,
  getScriptBlocks,
  programName,
  scriptLocation,
  shellCommands,
  ShellWord,
} from '../parsers/scripts';
import { RepoSnapshot } from '../snapshot';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Tools that are routinely upgraded in place and are not what this check is about. */
const PIP_SELF = new Set(['pip', 'setuptools', 'wheel', 'pip-tools']);

/** Names the repository's own package.json files declare: `npx` runs those from node_modules. */
function localNodePackages(snapshot: RepoSnapshot): Set<string> {
  return snapshot.memo('adhoc-tool-installs:node-deps', () => {
    const out = new Set<string>();
    for (const f of snapshot.files()) {
      if (!/(^|\/)package\.json$/.test(f) || /node_modules\//.test(f)) continue;
      try {
        const pkg = JSON.parse(snapshot.read(f) ?? '{}');
        for (const k of [
          'dependencies',
          'devDependencies',
          'optionalDependencies',
          'peerDependencies',
        ])
          for (const name of Object.keys(pkg[k] ?? {})) out.add(name);
        if (out.has('typescript')) out.add('tsc');
      } catch {
        // not JSON: ignore
      }
    }
    return out;
  });
}

interface Hit {
  word: ShellWord;
  tool: string;
  message: string;
  fix: string;
}

/** Positional (non-option) words after index `from`, skipping option arguments listed in `withArg`. */
function positionals(
  words: ShellWord[],
  from: number,
  withArg: Set<string>,
): Array<{ w: ShellWord; i: number }> {
  const out: Array<{ w: ShellWord; i: number }> = [];
  for (let i = from; i < words.length; i++) {
    const v = words[i].value;
    if (v.startsWith('-')) {
      if (withArg.has(v)) i++;
      continue;
    }
    if (/^[<>&|]|^\d?>/.test(v)) break;
    out.push({ w: words[i], i });
  }
  return out;
}

function npmName(spec: string): { name: string; version?: string } {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at === -1
    ? { name: spec }
    : { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

const NPM_PINNED = /^\d+\.\d+\.\d+([-+].*)?$/;

/** Unpinned installs in one command; `installs` counts every tool install seen. */
function inspect(
  words: ShellWord[],
  local: Set<string>,
  count: () => void,
): Hit[] {
  const hits: Hit[] = [];
  const prog = programName(words[0]);
  const v = words.map(w => w.value);
  const isVar = (s: string) => /[$`]/.test(s);
  // npm i -g / yarn global add / pnpm add -g
  const globalNpm =
    (prog === 'npm' &&
      /^(i|install|add)$/.test(v[1] ?? '') &&
      v.some(x => x === '-g' || x === '--global')) ||
    (prog === 'yarn' && v[1] === 'global' && v[2] === 'add') ||
    (prog === 'pnpm' &&
      /^(add|i|install)$/.test(v[1] ?? '') &&
      v.some(x => x === '-g' || x === '--global'));
  if (globalNpm) {
    for (const { w } of positionals(
      words,
      prog === 'yarn' ? 3 : 2,
      new Set(['--registry', '--prefix']),
    )) {
      if (isVar(w.value) || /^[./]|\.tgz$|:/.test(w.value)) continue;
      count();
      const { name, version } = npmName(w.value);
      if (version && NPM_PINNED.test(version)) continue;
      hits.push({
        word: w,
        tool: name,
        message: `global install of ${w.value} ${
          version ? `takes the range ${version}` : 'has no version'
        }: every run may get a different release`,
        fix: `${name}@<x.y.z>`,
      });
    }
    return hits;
  }
  if (
    prog === 'npx' ||
    (prog === 'pnpm' && v[1] === 'dlx') ||
    (prog === 'yarn' && v[1] === 'dlx')
  ) {
    const from = prog === 'npx' ? 1 : 2;
    const withArg = new Set([
      '-p',
      '--package',
      '-c',
      '--call',
      '--registry',
      '--cache',
    ]);
    // `npx -p pkg cmd`: the package is the option argument.
    let spec: ShellWord | undefined;
    for (let i = from; i < words.length; i++) {
      if (words[i].value === '-p' || words[i].value === '--package') {
        spec = words[i + 1];
        break;
      }
      if (words[i].value.startsWith('--package=')) {
        spec = {
          ...words[i],
          value: words[i].value.slice('--package='.length),
        };
        break;
      }
    }
    spec ??= positionals(words, from, withArg)[0]?.w;
    if (!spec || isVar(spec.value) || /^[./]/.test(spec.value)) return hits;
    const { name, version } = npmName(spec.value);
    if (local.has(name)) return hits;
    count();
    if (version && NPM_PINNED.test(version)) return hits;
    hits.push({
      word: spec,
      tool: name,
      message: `${prog} runs ${spec.value} ${
        version ? `at ${version}` : 'without a version'
      }, downloading whatever is published at the time`,
      fix: `${name}@<x.y.z>`,
    });
    return hits;
  }
  // pip install / python -m pip install / pipx install
  let pipAt = -1;
  if (/^pip(3(\.\d+)?)?$/.test(prog) && v[1] === 'install') pipAt = 2;
  else if (
    /^python(3(\.\d+)?)?$|^py$/.test(prog) &&
    v[1] === '-m' &&
    /^pip3?$/.test(v[2] ?? '') &&
    v[3] === 'install'
  )
    pipAt = 4;
  else if (prog === 'pipx' && v[1] === 'install') pipAt = 2;
  else if (prog === 'uv' && v[1] === 'tool' && v[2] === 'install') pipAt = 3;
  else if (prog === 'uv' && v[1] === 'pip' && v[2] === 'install') pipAt = 3;
  if (pipAt !== -1) {
    if (
      v.some(
        x =>
          /^(-r|--requirement|-c|--constraint|-e|--editable)$/.test(x) ||
          /^--requirement=/.test(x),
      )
    )
      return hits;
    const withArg = new Set([
      '-i',
      '--index-url',
      '--extra-index-url',
      '-f',
      '--find-links',
      '--target',
      '-t',
      '--python',
      '--prefix',
      '--root',
      '--platform',
    ]);
    for (const { w } of positionals(words, pipAt, withArg)) {
      const spec = w.value;
      if (
        isVar(spec) ||
        /^[./~]|\.whl$|\.tar\.gz$|\.zip$|:\/\/|^git\+/.test(spec)
      )
        continue;
      const name = spec.replace(/\[.*?\]/, '').split(/[=<>!~;@ ]/)[0];
      if (!name || PIP_SELF.has(name.toLowerCase())) continue;
      count();
      if (/===?/.test(spec)) continue;
      hits.push({
        word: w,
        tool: name,
        message: `pip install ${spec} ${
          /[<>~]/.test(spec) ? 'takes a version range' : 'has no version'
        }: every run may get a different release`,
        fix: `${name}==<x.y.z>`,
      });
    }
    return hits;
  }
  // go install pkg@latest
  if (prog === 'go' && (v[1] === 'install' || v[1] === 'get')) {
    for (const { w } of positionals(
      words,
      2,
      new Set(['-tags', '-ldflags', '-gcflags', '-o', '-modfile']),
    )) {
      const at = w.value.lastIndexOf('@');
      if (at === -1) continue; // module mode: the version comes from go.mod
      count();
      const ref = w.value.slice(at + 1);
      if (!/^(latest|master|main|head|upgrade)$/i.test(ref)) continue;
      const name = w.value.slice(0, at);
      hits.push({
        word: w,
        tool: name,
        message: `go ${v[1]} ${w.value} takes whatever was last pushed`,
        fix: `${name}@v<x.y.z>`,
      });
    }
    return hits;
  }
  // gem install x (no -v)
  if (prog === 'gem' && v[1] === 'install') {
    if (v.some(x => /^(-v|--version)$|^--version=/.test(x))) {
      positionals(
        words,
        2,
        new Set(['-v', '--version', '--source', '-s', '-i', '--install-dir']),
      ).forEach(count);
      return hits;
    }
    for (const { w } of positionals(
      words,
      2,
      new Set(['--source', '-s', '-i', '--install-dir', '-n', '--bindir']),
    )) {
      if (isVar(w.value) || /\.gem$/.test(w.value)) continue;
      count();
      if (/:\d/.test(w.value)) continue; // gem install name:1.2.3
      hits.push({
        word: w,
        tool: w.value,
        message: `gem install ${w.value} has no -v version: every run may get a different release`,
        fix: `${w.value} -v <x.y.z>`,
      });
    }
    return hits;
  }
  // cargo install x (no --version / @version)
  if (prog === 'cargo' && v[1] === 'install') {
    if (
      v.some(x =>
        /^(--version|--vers|--path|--git)$|^--(version|vers|path|git)=/.test(x),
      )
    ) {
      count();
      return hits;
    }
    for (const { w } of positionals(
      words,
      2,
      new Set([
        '--root',
        '--features',
        '-F',
        '--target',
        '--registry',
        '--index',
        '--branch',
        '--tag',
        '--rev',
        '-j',
        '--jobs',
        '--profile',
        '--bin',
        '--example',
      ]),
    )) {
      if (isVar(w.value)) continue;
      count();
      if (/@\d/.test(w.value)) continue;
      hits.push({
        word: w,
        tool: w.value,
        message: `cargo install ${w.value} has no version: every run may get a different release`,
        fix: `${w.value}@<x.y.z>`,
      });
    }
  }
  return hits;
}

/**
 * Tools installed on the fly at their latest version are dependencies that
 * no lock file, review or update bot sees: a compromised release runs in the
 * pipeline, with its secrets, the moment it is published.
 */
export const adhocToolInstalls = createScorecardCheck({
  id: 'adhoc-tool-installs',
  title: 'No ad-hoc unpinned tool installs in CI',
  description:
    'Tools installed by pipelines and image builds (npm -g, npx, pip, go install, gem, cargo, setup-* actions) name an exact version instead of taking whatever is latest.',
  category: 'third-party-software',
  severity: 'low',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
    'dockerfile',
  ],
  frameworks: [{ framework: 'zizmor', control: 'unpinned-tools' }],
  remediationUrl:
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let total = 0;
    const count = () => {
      total++;
    };
    const local = localNodePackages(snapshot);
    for (const block of getScriptBlocks(snapshot)) {
      if (block.platform === 'shell' || block.shell === 'cmd') continue;
      for (const cmd of shellCommands(block.text)) {
        const words = commandWords(cmd);
        if (!words.length) continue;
        for (const hit of inspect(words, local, count)) {
          const loc = scriptLocation(block, hit.word.offset, hit.word.length);
          findings.push({
            message: `${hit.message}${
              block.context ? ` (${block.context})` : ''
            }`,
            ...loc,
            fingerprintKey: `${block.context ?? ''}:${hit.tool}`,
            suggestedFix: {
              description: 'Install an exact version',
              replacement: hit.fix,
            },
          });
        }
      }
    }
    for (const wf of getWorkflows(snapshot)) {
      for (const job of wf.jobs) {
        for (const step of job.steps) {
          const uses = step.uses?.value ?? '';
          if (!/^[^/]+\/setup-[^@/]+@/i.test(uses)) continue;
          for (const [key, val] of Object.entries(step.with)) {
            if (!/(^|-)version$/.test(key)) continue;
            total++;
            if (!/^(latest|\*|x)$/i.test(val.value.trim())) continue;
            findings.push({
              message: `${uses.split('@')[0]} installs ${key}: ${
                val.value
              }, which moves with every release (job ${job.id})`,
              file: wf.path,
              ...val.range,
              snippet: wf.file.lineText(val.range.line).trim(),
              fingerprintKey: `${job.id}:${uses.split('@')[0]}:${key}`,
              suggestedFix: {
                description: `Name an exact ${key}`,
                replacement: `${key}: <x.y.z>`,
              },
            });
          }
        }
      }
    }
    if (!total)
      return outcome.notApplicable(
        'no tool installs in pipelines or Dockerfiles',
      );
    return outcome.proportional(total, findings);
  },
});
