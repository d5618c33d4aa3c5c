import { templateValues, truthy, WorkflowStep } from '../parsers/githubActions';
import { parseUses, withInput } from './githubActions';

/**
 * Actions that restore a cache, with their defaults and the input that
 * turns caching on or off, as their documentation gives them. Data: add an
 * action by adding a row.
 */
export interface CacheAwareAction {
  /** `owner/repo` or `owner/repo/path`, lower case. */
  action: string;
  /**
   * Whether the action restores a cache when the toggle is not given; a
   * function of the major version when that changed between versions.
   */
  defaultOn: boolean | ((major: number | undefined) => boolean);
  /**
   * The input that decides: `on-when-set` caches when the input has a value
   * (`cache: npm`), `on-when-true` when it is true, `off-when-true` unless
   * it is true (`cache-disabled: true`).
   */
  toggle?: {
    input: string;
    mode: 'on-when-set' | 'on-when-true' | 'off-when-true';
  };
  /** Another input that, when true, makes the action restore nothing. */
  lookupOnly?: string;
  /** What is restored, for messages. */
  what: string;
}

export const CACHE_AWARE_ACTIONS: readonly CacheAwareAction[] = [
  {
    action: 'actions/cache',
    defaultOn: true,
    lookupOnly: 'lookup-only',
    what: 'a cache',
  },
  {
    action: 'actions/cache/restore',
    defaultOn: true,
    lookupOnly: 'lookup-only',
    what: 'a cache',
  },
  {
    action: 'actions/setup-node',
    defaultOn: false,
    toggle: { input: 'cache', mode: 'on-when-set' },
    what: 'the package manager cache',
  },
  {
    action: 'actions/setup-python',
    defaultOn: false,
    toggle: { input: 'cache', mode: 'on-when-set' },
    what: 'the package manager cache',
  },
  {
    action: 'actions/setup-java',
    defaultOn: false,
    toggle: { input: 'cache', mode: 'on-when-set' },
    what: 'the build tool cache',
  },
  {
    action: 'actions/setup-dotnet',
    defaultOn: false,
    toggle: { input: 'cache', mode: 'on-when-true' },
    what: 'the NuGet cache',
  },
  {
    action: 'actions/setup-go',
    // Caching is on by default since v4.
    defaultOn: major => major === undefined || major >= 4,
    toggle: { input: 'cache', mode: 'on-when-true' },
    what: 'the Go module and build cache',
  },
  {
    action: 'swatinem/rust-cache',
    defaultOn: true,
    lookupOnly: 'lookup-only',
    what: 'the Cargo cache',
  },
  {
    action: 'gradle/actions/setup-gradle',
    defaultOn: true,
    toggle: { input: 'cache-disabled', mode: 'off-when-true' },
    what: 'the Gradle cache',
  },
  {
    action: 'gradle/gradle-build-action',
    defaultOn: true,
    toggle: { input: 'cache-disabled', mode: 'off-when-true' },
    what: 'the Gradle cache',
  },
  {
    action: 'astral-sh/setup-uv',
    defaultOn: false,
    toggle: { input: 'enable-cache', mode: 'on-when-true' },
    what: 'the uv cache',
  },
  {
    action: 'ruby/setup-ruby',
    defaultOn: false,
    toggle: { input: 'bundler-cache', mode: 'on-when-true' },
    what: 'the Bundler cache',
  },
  {
    action: 'ramsey/composer-install',
    defaultOn: true,
    toggle: { input: 'ignore-cache', mode: 'off-when-true' },
    what: 'the Composer cache',
  },
  {
    action: 'shivammathur/cache-extensions',
    defaultOn: true,
    what: 'the PHP extensions cache',
  },
];

/** How a step restores a cache. */
export interface CacheRestore {
  /** e.g. `actions/setup-node with cache: npm restores the package manager cache`. */
  description: string;
  /** The toggle is an expression whose value the files cannot tell. */
  decidedAtRunTime: boolean;
}

/**
 * Whether a step restores a cache, reading the action's toggle the way the
 * action does; a toggle given by an expression is evaluated (literal
 * alternatives, `fromJSON` of literals), and one whose value cannot be known
 * is reported as decided at run time.
 */
export function cacheRestore(step: WorkflowStep): CacheRestore | undefined {
  const u = step.uses && parseUses(step.uses.value);
  if (!u) return undefined;
  const id = u.path ? `${u.repo}/${u.path.toLowerCase()}` : u.repo;
  const major = Number(/^v?(\d+)/.exec(u.ref ?? '')?.[1] ?? NaN);
  const input = (name: string) => withInput(step, name)?.value.value;
  if (id === 'docker/build-push-action') {
    const from = input('cache-from') ?? '';
    return /type=gha/.test(from)
      ? {
          description: `${id} with cache-from: type=gha restores the build cache`,
          decidedAtRunTime: false,
        }
      : undefined;
  }
  const entry = CACHE_AWARE_ACTIONS.find(a => a.action === id);
  if (!entry) return undefined;
  const lookupOnly = entry.lookupOnly && input(entry.lookupOnly);
  if (lookupOnly !== undefined && lookupOnly !== '') {
    const v = values(lookupOnly);
    if (!v.unknown && v.values.every(x => isTrue(x))) return undefined;
  }
  const defaultOn =
    typeof entry.defaultOn === 'function'
      ? entry.defaultOn(Number.isNaN(major) ? undefined : major)
      : entry.defaultOn;
  const raw = entry.toggle && input(entry.toggle.input);
  if (!entry.toggle || raw === undefined) {
    return defaultOn
      ? {
          description: `${id} restores ${entry.what}${
            entry.toggle ? ' by default' : ''
          }`,
          decidedAtRunTime: false,
        }
      : undefined;
  }
  const { mode, input: name } = entry.toggle;
  const v = values(raw);
  const on = (x: unknown) =>
    mode === 'on-when-set'
      ? x !== null && x !== false && String(x).trim() !== ''
      : mode === 'on-when-true'
      ? isTrue(x)
      : !isTrue(x);
  const anyOn = v.values.some(on);
  if (!anyOn && !v.unknown) return undefined;
  const shown = raw.trim();
  const always = !v.unknown && v.values.every(on);
  return {
    description: always
      ? `${id} with ${name}: ${shown} restores ${entry.what}`
      : `${id} restores ${entry.what} when ${name}: ${shown} says so, which is decided at run time`,
    decidedAtRunTime: !always,
  };
}

function values(text: string) {
  return templateValues(text.trim());
}

function isTrue(x: unknown): boolean {
  if (typeof x === 'string') return /^true$/i.test(x.trim());
  return x === true || (typeof x === 'number' && truthy(x));
}
