import JSON5 from 'json5';
import { isMap, isScalar } from 'yaml';
import { RepoSnapshot } from '../snapshot';
import { getKeyNode, getNode, parseYaml, seqItems } from '../parsers/yaml';
import { detectEcosystems, Ecosystem } from '../analysis/ecosystems';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import { fixForPlatform } from '../analysis/ciPlatforms';

/** Dependabot ecosystem names that cover one of ours. */
const DEPENDABOT_ALIASES: Record<string, Ecosystem> = {
  npm: 'npm',
  yarn: 'npm',
  pnpm: 'npm',
  bun: 'npm',
  pip: 'pip',
  uv: 'pip',
  pipenv: 'pip',
  poetry: 'pip',
  gomod: 'gomod',
  bundler: 'bundler',
  cargo: 'cargo',
  maven: 'maven',
  gradle: 'gradle',
  composer: 'composer',
  nuget: 'nuget',
  terraform: 'terraform',
  docker: 'docker',
  'github-actions': 'github-actions',
};

/** Renovate managers that cover each ecosystem. */
const RENOVATE_MANAGERS: Record<Ecosystem, string[]> = {
  npm: ['npm'],
  pip: [
    'pip_requirements',
    'pip_setup',
    'pep621',
    'poetry',
    'pipenv',
    'setup-cfg',
    'pip-compile',
  ],
  gomod: ['gomod'],
  bundler: ['bundler'],
  cargo: ['cargo'],
  maven: ['maven'],
  gradle: ['gradle', 'gradle-wrapper'],
  composer: ['composer'],
  nuget: ['nuget'],
  terraform: ['terraform'],
  docker: ['dockerfile', 'docker-compose'],
  'github-actions': ['github-actions'],
  'gitlab-ci': ['gitlab-ci', 'gitlab-ci-include'],
};

const DEPENDABOT_PATHS = ['.github/dependabot.yml', '.github/dependabot.yaml'];
const RENOVATE_PATHS = [
  'renovate.json',
  'renovate.json5',
  '.github/renovate.json',
  '.github/renovate.json5',
  '.gitlab/renovate.json',
  '.gitlab/renovate.json5',
  '.renovaterc',
  '.renovaterc.json',
  '.renovaterc.json5',
];

interface ToolConfig {
  tool: 'Dependabot' | 'Renovate';
  file: string;
  /** Covered ecosystems; undefined = all (Renovate's default). */
  covers?: Set<Ecosystem>;
  /** 1-based location for findings about this config. */
  line: number;
  column: number;
  /** Why the config cannot be used, with its location. */
  error?: { message: string; line: number; column: number };
}

function readDependabot(snapshot: RepoSnapshot, file: string): ToolConfig {
  const text = snapshot.read(file) ?? '';
  const { file: yaml, problems } = parseYaml(file, text);
  if (!yaml) {
    snapshot.problems.push(...problems);
    const p = problems[0];
    return {
      tool: 'Dependabot',
      file,
      line: p?.line ?? 1,
      column: p?.column ?? 1,
      error: {
        message: p?.message ?? 'unreadable',
        line: p?.line ?? 1,
        column: p?.column ?? 1,
      },
    };
  }
  const root = yaml.doc.contents;
  const updatesKey = getKeyNode(root, 'updates');
  const updates = getNode(root, 'updates');
  const at = updatesKey ? yaml.rangeOf(updatesKey) : { line: 1, column: 1 };
  const covers = new Set<Ecosystem>();
  for (const item of seqItems(updates)) {
    if (!isMap(item)) continue;
    const eco = getNode(item, 'package-ecosystem');
    const name = isScalar(eco) ? String(eco.value) : '';
    if (DEPENDABOT_ALIASES[name]) covers.add(DEPENDABOT_ALIASES[name]);
  }
  if (!updatesKey || seqItems(updates).length === 0) {
    return {
      tool: 'Dependabot',
      file,
      line: at.line,
      column: at.column,
      covers,
      error: {
        message: 'has no `updates:` entries',
        line: at.line,
        column: at.column,
      },
    };
  }
  return { tool: 'Dependabot', file, line: at.line, column: at.column, covers };
}

/** Parse JSON or JSON5 text into plain JS, or throw. */
function parseJson5(text: string): unknown {
  return JSON5.parse(text);
}

function renovateCoverage(
  config: unknown,
): Set<Ecosystem> | undefined | 'disabled' {
  if (!config || typeof config !== 'object') return undefined;
  const c = config as Record<string, unknown>;
  if (c.enabled === false) return 'disabled';
  const enabled =
    Array.isArray(c.enabledManagers) && c.enabledManagers.length > 0
      ? new Set(c.enabledManagers.map(String))
      : undefined;
  const on = (m: string) => {
    const block = c[m];
    if (block && typeof block === 'object' && (block as any).enabled === false)
      return false;
    return !enabled || enabled.has(m);
  };
  const covers = new Set<Ecosystem>();
  for (const [eco, managers] of Object.entries(RENOVATE_MANAGERS)) {
    if (managers.some(on)) covers.add(eco as Ecosystem);
  }
  return covers;
}

function readRenovate(
  snapshot: RepoSnapshot,
  file: string,
  config?: unknown,
): ToolConfig {
  let parsed = config;
  if (parsed === undefined) {
    try {
      parsed = parseJson5(snapshot.read(file) ?? '');
    } catch (e) {
      const message = `${file} is not valid JSON: ${
        (e as Error).message.split('\n')[0]
      }`;
      snapshot.problems.push({
        file,
        line: 1,
        column: 1,
        kind: 'parse-error',
        message,
      });
      return {
        tool: 'Renovate',
        file,
        line: 1,
        column: 1,
        error: { message, line: 1, column: 1 },
      };
    }
  }
  const text = snapshot.read(file) ?? '';
  const lineOf = (re: RegExp) => {
    const m = re.exec(text);
    if (!m) return { line: 1, column: 1 };
    const before = text.slice(0, m.index);
    const line = before.split('\n').length;
    return { line, column: m.index - before.lastIndexOf('\n') };
  };
  const at =
    file === 'package.json'
      ? lineOf(/"renovate"\s*:/)
      : lineOf(/enabledManagers/);
  const covers = renovateCoverage(parsed);
  if (covers === 'disabled') {
    const off = lineOf(/["']?enabled["']?\s*:\s*false/);
    return {
      tool: 'Renovate',
      file,
      ...off,
      error: { message: 'disables Renovate (`enabled: false`)', ...off },
    };
  }
  return { tool: 'Renovate', file, ...at, covers };
}

function findConfigs(snapshot: RepoSnapshot): ToolConfig[] {
  const configs: ToolConfig[] = [];
  for (const f of DEPENDABOT_PATHS)
    if (snapshot.exists(f)) configs.push(readDependabot(snapshot, f));
  const renovate = RENOVATE_PATHS.find(f => snapshot.exists(f));
  if (renovate) configs.push(readRenovate(snapshot, renovate));
  else if (snapshot.exists('package.json')) {
    try {
      const pkg = JSON.parse(snapshot.read('package.json') ?? '');
      if (pkg && typeof pkg === 'object' && pkg.renovate) {
        configs.push(readRenovate(snapshot, 'package.json', pkg.renovate));
      }
    } catch {
      // An unreadable package.json is reported by the checks that need it.
    }
  }
  return configs;
}

const DEPENDABOT_UNSUPPORTED = new Set<Ecosystem>(['gitlab-ci']);

/**
 * Dependency update automation (Dependabot or Renovate) keeps dependencies,
 * base images and pipeline actions patched; an ecosystem it does not cover
 * quietly ages.
 */
export const dependencyUpdateTool = createScorecardCheck({
  id: 'dependency-update-tool',
  title: 'Dependency update automation covers all ecosystems',
  description:
    'Dependabot or Renovate is configured and covers every dependency ecosystem of the repository: packages, container images and CI actions.',
  category: 'third-party-software',
  severity: 'high',
  platforms: ['repository', 'github-actions', 'gitlab-ci', 'dockerfile'],
  remediationUrl:
    'https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference',
  run(snapshot) {
    const ecosystems = detectEcosystems(snapshot);
    const configs = findConfigs(snapshot);
    if (configs.length === 0) {
      if (ecosystems.size === 0) {
        return outcome.notApplicable(
          'no dependency manifests, Dockerfiles or workflows',
        );
      }
      const list = [...ecosystems.keys()];
      return outcome.fail(0, [
        {
          message: `No dependency update tool is configured; the repository uses ${list.join(
            ', ',
          )}. Add .github/dependabot.yml or a Renovate config`,
          fingerprintKey: 'no-update-tool',
          suggestedFix: fixForPlatform(snapshot, {
            'github-actions': {
              description:
                'Add a Dependabot configuration covering every ecosystem',
              replacement: dependabotYaml(
                list.filter(e => !DEPENDABOT_UNSUPPORTED.has(e)),
              ),
            },
            neutral: {
              description:
                'Add a Renovate configuration (renovate.json), which works on GitLab, Bitbucket and Azure DevOps as well as GitHub',
              replacement:
                '{\n  "$schema": "https://docs.renovatebot.com/renovate-schema.json",\n  "extends": ["config:recommended"]\n}',
            },
          }),
        },
      ]);
    }
    const usable = configs.filter(c => !c.error);
    const findings: CheckFinding[] = configs
      .filter(c => c.error)
      .map(c => ({
        message: `${c.tool} configuration ${c.file} ${c.error!.message}`,
        file: c.file,
        line: c.error!.line,
        column: c.error!.column,
        fingerprintKey: `invalid:${c.file}`,
      }));
    if (usable.length === 0)
      return outcome.fail(0, findings, 'no usable update tool configuration');
    const covered = (eco: Ecosystem) =>
      usable.some(c => !c.covers || c.covers.has(eco));
    const missing = [...ecosystems.keys()].filter(eco => !covered(eco));
    const main = usable[0];
    for (const eco of missing) {
      const dependabotOnly = usable.every(c => c.tool === 'Dependabot');
      findings.push({
        message: `${main.tool} (${
          main.file
        }) does not cover the ${eco} ecosystem used by ${ecosystems.get(eco)}${
          dependabotOnly && DEPENDABOT_UNSUPPORTED.has(eco)
            ? '; Dependabot has no such ecosystem, Renovate does'
            : ''
        }`,
        file: main.file,
        line: main.line,
        column: main.column,
        fingerprintKey: `missing:${eco}`,
        suggestedFix:
          main.tool === 'Dependabot' && !DEPENDABOT_UNSUPPORTED.has(eco)
            ? {
                description: `Add an \`updates:\` entry for ${eco}`,
                replacement: `  - package-ecosystem: ${eco}\n    directory: /\n    schedule:\n      interval: weekly`,
              }
            : {
                description: `Enable the Renovate manager(s) ${RENOVATE_MANAGERS[
                  eco
                ].join(', ')}`,
              },
      });
    }
    if (ecosystems.size === 0)
      return { status: 'pass', score: 10, findings: [] };
    if (findings.length === 0) return outcome.pass();
    const share = (10 * (ecosystems.size - missing.length)) / ecosystems.size;
    // A broken configuration next to a working one still costs half the score.
    return outcome.fail(
      usable.length < configs.length ? Math.min(share, 5) : share,
      findings,
    );
  },
});

function dependabotYaml(ecosystems: string[]): string {
  return [
    'version: 2',
    'updates:',
    ...ecosystems.flatMap(e => [
      `  - package-ecosystem: ${e}`,
      '    directory: /',
      '    schedule:',
      '      interval: weekly',
    ]),
  ].join('\n');
}
