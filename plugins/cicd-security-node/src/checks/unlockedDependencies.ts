import { RepoSnapshot } from '../snapshot';
import { LineIndex, stripTrailingComment } from '../parsers/text';
import {
  commandWords,
  getEnvAssignments,
  getScriptBlocks,
  programName,
  ScriptBlock,
  scriptLocation,
  ShellCommand,
  shellCommands,
} from '../parsers/scripts';
import {
  declaredNpmDependencyFields,
  isVendoredPath,
  NPM_LOCKFILES,
  parseJsonManifest,
  PYTHON_LOCKFILES,
} from '../parsers/lockfiles';
import { CheckFinding, createScorecardCheck, outcome } from './types';

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** True when one of the lockfiles sits in `dir` or, with `upwards`, a directory above it. */
function hasLock(
  snapshot: RepoSnapshot,
  dir: string,
  locks: readonly string[],
  upwards: boolean,
): boolean {
  let d: string | undefined = dir;
  while (d !== undefined) {
    const here = d;
    if (locks.some(l => snapshot.exists(join(here, l)))) return true;
    if (!upwards || here === '') break;
    d = dirOf(here);
  }
  return false;
}

interface Ctx {
  snapshot: RepoSnapshot;
  findings: CheckFinding[];
  /** Instances looked at, and those with a problem. */
  total: number;
  bad: Set<string>;
}

let lastIndex: { text: string; lines: LineIndex } | undefined;

function fileFinding(
  ctx: Ctx,
  path: string,
  text: string,
  offset: number,
  length: number,
  message: string,
  fix: string,
  replacement?: string,
) {
  // One index per file, not one per finding (thousands in a hostile file).
  if (lastIndex?.text !== text)
    lastIndex = { text, lines: new LineIndex(text) };
  const lines = lastIndex.lines;
  const r = lines.range(offset, length);
  ctx.bad.add(path);
  ctx.findings.push({
    message,
    file: path,
    ...r,
    snippet: lines.lineText(r.line).trim(),
    fingerprintKey: `${path}:${lines.lineText(r.line).trim()}`,
    suggestedFix: { description: fix, replacement },
  });
}

/** Offset of the first match of `re` in `text`, or 0. */
function offsetOf(
  text: string,
  re: RegExp,
): { offset: number; length: number } {
  const m = re.exec(text);
  return m
    ? { offset: m.index, length: m[0].length }
    : { offset: 0, length: 0 };
}

function checkManifests(ctx: Ctx) {
  const { snapshot } = ctx;
  for (const path of snapshot.files()) {
    if (isVendoredPath(path)) continue;
    const base = path.slice(path.lastIndexOf('/') + 1);
    const dir = dirOf(path);
    const need = (
      text: string,
      at: { offset: number; length: number },
      message: string,
      fix: string,
    ) => {
      fileFinding(ctx, path, text, at.offset, at.length, message, fix);
    };
    if (base === 'package.json') {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      const manifest = parseJsonManifest(text);
      if (!manifest.ok) {
        snapshot.problems.push({
          file: path,
          kind: 'parse-error',
          message: `not valid JSON: ${manifest.message}`,
        });
        continue;
      }
      const deps = declaredNpmDependencyFields(manifest.value);
      if (!deps.length) continue;
      ctx.total++;
      if (!hasLock(snapshot, dir, NPM_LOCKFILES, true)) {
        need(
          text,
          offsetOf(text, new RegExp(`"${deps[0]}"`)),
          `${path} declares dependencies but no lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml…) is committed`,
          'Commit the lockfile your package manager writes (npm install --package-lock-only)',
        );
      }
    } else if (base === 'pyproject.toml') {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      const tool = /^\[tool\.(poetry|pdm|uv)\b[^\]]*\]/m.exec(text);
      if (!tool) continue;
      ctx.total++;
      if (!hasLock(snapshot, dir, PYTHON_LOCKFILES, true)) {
        need(
          text,
          { offset: tool.index, length: tool[0].length },
          `${path} is managed by ${tool[1]} but ${tool[1]}.lock is not committed`,
          `Run \`${tool[1]} lock\` and commit the lockfile`,
        );
      }
    } else if (base === 'Pipfile') {
      const text = snapshot.read(path) ?? '';
      ctx.total++;
      if (!snapshot.exists(join(dir, 'Pipfile.lock'))) {
        need(
          text,
          { offset: 0, length: 0 },
          `${path} has no Pipfile.lock`,
          'Run `pipenv lock` and commit Pipfile.lock',
        );
      }
    } else if (/^requirements[^/]*\.txt$/.test(base)) {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      checkRequirements(ctx, path, text);
    } else if (base === 'go.mod') {
      const text = snapshot.read(path);
      if (text === undefined || !/^require\b/m.test(text)) continue;
      ctx.total++;
      if (
        !snapshot.exists(join(dir, 'go.sum')) &&
        !hasLock(snapshot, dir, ['go.work.sum'], true)
      ) {
        need(
          text,
          offsetOf(text, /^require\b/m),
          `${path} has requirements but go.sum is not committed`,
          'Run `go mod tidy` and commit go.sum',
        );
      }
    } else if (base === 'Gemfile' || base === 'gems.rb') {
      const text = snapshot.read(path) ?? '';
      ctx.total++;
      const lock = base === 'Gemfile' ? 'Gemfile.lock' : 'gems.locked';
      if (!snapshot.exists(join(dir, lock))) {
        need(
          text,
          offsetOf(text, /^\s*gem\b.*$/m),
          `${path} has no ${lock}`,
          `Run \`bundle lock\` and commit ${lock}`,
        );
      }
    } else if (base === 'Cargo.toml') {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      const binary =
        /^\[\[bin\]\]/m.test(text) || snapshot.exists(join(dir, 'src/main.rs'));
      if (!binary) continue;
      ctx.total++;
      if (!hasLock(snapshot, dir, ['Cargo.lock'], true)) {
        need(
          text,
          offsetOf(text, /^\[package\]/m),
          `${path} builds a program but Cargo.lock is not committed`,
          'Commit Cargo.lock (Cargo recommends it for binaries)',
        );
      }
    }
  }
}

/** Requirement lines must be pinned with `==` unless the file uses hashes. */
function checkRequirements(ctx: Ctx, path: string, text: string) {
  ctx.total++;
  if (/--hash[=\s]/.test(text)) return;
  const lines = text.split('\n');
  let offset = 0;
  for (const raw of lines) {
    const line = stripTrailingComment(raw).trim();
    const start = offset + (raw.length - raw.trimStart().length);
    offset += raw.length + 1;
    if (!line || line.startsWith('#') || line.startsWith('-')) continue;
    // A requirement is short; the expressions below backtrack on long
    // hostile lines, so they see at most the first 512 characters.
    const probe = line.length > 512 ? line.slice(0, 512) : line;
    if (/:\/\/|\s@\s|^git\+|^\.|^\//.test(probe)) continue;
    if (
      /===?\s*[^\s*,;]+(\s*;.*)?$/.test(probe) &&
      !/[<>~!]=|==[^,;]*\*/.test(probe)
    )
      continue;
    const name = /^[A-Za-z0-9._\-[\]]+/.exec(line)?.[0] ?? line;
    fileFinding(
      ctx,
      path,
      text,
      start,
      line.length,
      `${name} in ${path} is not pinned to an exact version (==) or a hash`,
      'Pin every requirement (pip-compile --generate-hashes writes exact versions with hashes)',
    );
  }
}

function optionArg(words: string[], short: string, long: string): string[] {
  const out: string[] = [];
  words.forEach((w, k) => {
    if (w === short || w === long) out.push(words[k + 1] ?? '');
    else if (w.startsWith(`${long}=`)) out.push(w.slice(long.length + 1));
    else if (
      w.startsWith(short) &&
      w.length > short.length &&
      !w.startsWith('--')
    )
      out.push(w.slice(short.length));
  });
  return out.filter(Boolean);
}

interface Install {
  message: string;
  fix: string;
  replacement?: string;
}

/**
 * Why an install command does not install exactly what the lockfile says;
 * `ok` for a locked install, undefined when the command installs no lockfile.
 */
function unlockedInstall(
  ctx: Ctx,
  block: ScriptBlock,
  cmd: ShellCommand,
  frozenBundle: boolean,
): Install | 'ok' | undefined {
  const words = commandWords(cmd);
  const prog = programName(words[0]).toLowerCase();
  const args = words.slice(1).map(w => w.value);
  const sub = args.find(a => !a.startsWith('-'));
  const flags = args.filter(a => a.startsWith('-'));
  const operands = (from: number) =>
    args.slice(from).filter(a => !a.startsWith('-'));
  if (
    prog === 'npm' &&
    (sub === 'install' || sub === 'i' || sub === 'isntall' || sub === 'add')
  ) {
    if (flags.some(f => f === '-g' || f === '--global')) return undefined;
    if (operands(args.indexOf(sub) + 1).length) return undefined;
    return {
      message: `\`npm ${sub}\` may update package-lock.json instead of installing exactly what it pins`,
      fix: 'Use `npm ci`',
      replacement: 'npm ci',
    };
  }
  if (prog === 'yarn' && (sub === undefined || sub === 'install')) {
    if (flags.some(f => f === '--frozen-lockfile' || f === '--immutable'))
      return 'ok';
    return {
      message: `\`${['yarn', ...(sub ? [sub] : [])].join(
        ' ',
      )}\` may rewrite yarn.lock instead of failing when it is out of date`,
      fix: 'Use `yarn install --frozen-lockfile` (Yarn 1) or `yarn install --immutable` (Yarn 2+)',
      replacement: 'yarn install --frozen-lockfile',
    };
  }
  if (prog === 'pnpm' && (sub === 'install' || sub === 'i')) {
    if (flags.some(f => f === '--frozen-lockfile')) return 'ok';
    if (operands(args.indexOf(sub) + 1).length) return undefined;
    return {
      message: `\`pnpm ${sub}\` without --frozen-lockfile may update pnpm-lock.yaml`,
      fix: 'Use `pnpm install --frozen-lockfile`',
      replacement: 'pnpm install --frozen-lockfile',
    };
  }
  const pip = /^pip[0-9.]*$/.test(prog)
    ? 1
    : /^python[0-9.]*$/.test(prog) &&
      args[0] === '-m' &&
      /^pip[0-9.]*$/.test(args[1] ?? '')
    ? 3
    : 0;
  if (pip && args[pip - 1] === 'install') {
    const rest = args.slice(pip);
    const reqs = optionArg(rest, '-r', '--requirement');
    if (!reqs.length) return undefined;
    if (rest.includes('--require-hashes')) return 'ok';
    const constraints = optionArg(rest, '-c', '--constraint');
    const hashed = (f: string) => {
      const text = readNear(ctx.snapshot, block.file, f);
      return text !== undefined && /--hash[=\s]/.test(text);
    };
    if (reqs.every(hashed) || (constraints.length && constraints.every(hashed)))
      return 'ok';
    return {
      message: `\`pip install -r ${reqs[0]}\` does not check hashes, so any matching version from the index is installed`,
      fix: 'Generate hashes (pip-compile --generate-hashes) and install with --require-hashes',
      replacement: `pip install --require-hashes -r ${reqs[0]}`,
    };
  }
  if (prog === 'bundle' && (sub === 'install' || sub === undefined)) {
    if (
      frozenBundle ||
      flags.some(f => f === '--frozen' || f === '--deployment')
    )
      return 'ok';
    return {
      message: '`bundle install` may update Gemfile.lock; freeze it in CI',
      fix: 'Set BUNDLE_FROZEN=true (or `bundle config set frozen true`) before `bundle install`',
      replacement: 'bundle config set frozen true && bundle install',
    };
  }
  return undefined;
}

/** A file named by a script: relative to the repository root or to the pipeline file's folder. */
function readNear(
  snapshot: RepoSnapshot,
  from: string,
  name: string,
): string | undefined {
  const clean = name.replace(/^\.\//, '');
  return snapshot.read(clean) ?? snapshot.read(join(dirOf(from), clean));
}

const BUNDLE_FROZEN_RE =
  /BUNDLE_(FROZEN|DEPLOYMENT)\s*[=:]\s*["']?(true|1)\b|bundle\s+config\s+(set\s+)?(--\w+\s+)?(frozen|deployment)\s+["']?true/i;

function checkInstalls(ctx: Ctx) {
  const frozenFiles = new Set(
    getEnvAssignments(ctx.snapshot)
      .filter(e => BUNDLE_FROZEN_RE.test(`${e.name}=${e.value}`))
      .map(e => e.file),
  );
  getScriptBlocks(ctx.snapshot).forEach((block, n) => {
    const frozen =
      frozenFiles.has(block.file) || BUNDLE_FROZEN_RE.test(block.text);
    for (const cmd of shellCommands(block.text)) {
      const prog = programName(commandWords(cmd)[0]).toLowerCase();
      if (!/^(npm|yarn|pnpm|pip[0-9.]*|python[0-9.]*|bundle)$/.test(prog))
        continue;
      const problem = unlockedInstall(ctx, block, cmd, frozen);
      if (!problem) continue;
      ctx.total++;
      if (problem === 'ok') continue;
      const loc = scriptLocation(block, cmd.offset, cmd.end - cmd.offset);
      ctx.bad.add(`script:${n}:${cmd.offset}`);
      ctx.findings.push({
        message: problem.message,
        ...loc,
        fingerprintKey: `${block.context ?? ''}:${loc.snippet}`,
        suggestedFix: {
          description: problem.fix,
          replacement: problem.replacement,
        },
      });
    }
  });
}

/**
 * Without a committed lockfile and a frozen install, every build resolves
 * dependencies afresh, so a newly published (possibly malicious) version
 * reaches the build without anyone reviewing it.
 */
export const unlockedDependencies = createScorecardCheck({
  id: 'unlocked-dependencies',
  title: 'Lockfiles committed & frozen installs in CI',
  description:
    'Dependency manifests have a committed lockfile (or hashes), and pipelines install exactly what it pins (npm ci, --frozen-lockfile, --require-hashes…).',
  category: 'third-party-software',
  severity: 'medium',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
    'dockerfile',
    'shell',
    'repository',
  ],
  remediationUrl: 'https://docs.npmjs.com/cli/v10/commands/npm-ci',
  run(snapshot) {
    const ctx: Ctx = { snapshot, findings: [], total: 0, bad: new Set() };
    checkManifests(ctx);
    checkInstalls(ctx);
    if (ctx.total === 0)
      return outcome.notApplicable(
        'no dependency manifests or install commands',
      );
    return outcome.proportional(
      Math.max(ctx.total, ctx.bad.size),
      ctx.findings,
      ctx.bad.size,
    );
  },
});
