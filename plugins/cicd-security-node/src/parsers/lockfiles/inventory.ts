import { RepoSnapshot } from '../../snapshot';
import {
  baseName,
  FileCollector,
  MAX_LOCKFILE_BYTES,
  PackageInventory,
  errorMessage,
} from './model';
import { capProblems } from '../problems';
import { isVendoredPath, LockfileInput } from './manifests';
import { parseNpmLock } from './npm';
import { parseYarnLock } from './yarn';
import { parsePnpmLock } from './pnpm';
import { isRequirementsFile, parseRequirements } from './requirements';
import { parsePipfileLock, parsePythonTomlLock } from './python';
import { parseCargoLock } from './cargo';
import { parseGoMod, parseGoSum } from './go';
import { parseGemfileLock } from './ruby';
import { parseComposerLock } from './php';
import { parsePom } from './maven';
import { parseNugetLock } from './nuget';
import { collectActionReferences } from './actions';

type FormatParser = (input: LockfileInput) => void;

/** The parser of each lockfile or manifest, by file name. */
const PARSERS: Record<string, FormatParser> = {
  'package-lock.json': parseNpmLock,
  'npm-shrinkwrap.json': parseNpmLock,
  'yarn.lock': parseYarnLock,
  'pnpm-lock.yaml': parsePnpmLock,
  'poetry.lock': parsePythonTomlLock,
  'uv.lock': parsePythonTomlLock,
  'pdm.lock': parsePythonTomlLock,
  'pylock.toml': parsePythonTomlLock,
  'Pipfile.lock': parsePipfileLock,
  'Cargo.lock': parseCargoLock,
  'go.mod': parseGoMod,
  'go.sum': parseGoSum,
  'Gemfile.lock': parseGemfileLock,
  'gems.locked': parseGemfileLock,
  'composer.lock': parseComposerLock,
  'pom.xml': parsePom,
  'packages.lock.json': parseNugetLock,
};

/** True for a lockfile or manifest the inventory reads (outside vendored folders). */
export function isInventoryFile(path: string): boolean {
  return parserFor(path) !== undefined;
}

/** The parser for a repository path, or undefined when it is no lockfile or manifest read here. */
function parserFor(path: string): FormatParser | undefined {
  if (isVendoredPath(path)) return undefined;
  const base = baseName(path);
  if (Object.prototype.hasOwnProperty.call(PARSERS, base)) return PARSERS[base];
  if (isRequirementsFile(path)) return parseRequirements;
  // pylock.<name>.toml (PEP 751 named lockfiles).
  if (/^pylock\.[^/]+\.toml$/.test(base)) return parsePythonTomlLock;
  return undefined;
}

/**
 * The text of a lockfile, up to {@link MAX_LOCKFILE_BYTES} even when the
 * snapshot's own read cap is lower (package-lock.json files of a few MiB are
 * common), so that such lockfiles are listed without a note that they were
 * skipped. Text that is not UTF-8, and files past that size, are read the
 * snapshot's usual way (with its notes).
 */
function readLockfile(
  snapshot: RepoSnapshot,
  path: string,
): string | undefined {
  const bytes = snapshot.readLarge?.(path, MAX_LOCKFILE_BYTES);
  if (bytes) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: the snapshot decodes it and says so.
    }
  }
  return snapshot.read(path);
}

/** What the inventory lists besides lockfiles and manifests. */
export interface PackageInventoryOptions {
  /**
   * Also list the actions and reusable workflows that GitHub Actions
   * workflows and composite actions call (`uses: owner/repo[/path]@ref`),
   * as packages of the `GitHub Actions` ecosystem after the lockfile
   * packages, and their files among `files`. Off by default: the default
   * inventory is that of the package managers only.
   */
  githubActions?: boolean;
}

/**
 * Every package the repository's lockfiles and manifests list, built once
 * per snapshot. Vendored folders (node_modules, vendor, .venv, third_party)
 * are skipped. Problems are kept in the inventory, not added to the
 * snapshot's, so that reading the inventory changes no scan result.
 */
export function readPackageInventory(
  snapshot: RepoSnapshot,
  options: PackageInventoryOptions = {},
): PackageInventory {
  const lockfiles = snapshot.memo('lockfiles:inventory', () =>
    buildInventory(snapshot),
  );
  if (!options.githubActions) return lockfiles;
  return snapshot.memo('lockfiles:inventory+github-actions', () => {
    const actions = collectActionReferences(snapshot);
    return {
      packages: [...lockfiles.packages, ...actions.packages],
      files: [...new Set([...lockfiles.files, ...actions.files])].sort(),
      problems: [...lockfiles.problems, ...actions.problems],
    };
  });
}

function buildInventory(snapshot: RepoSnapshot): PackageInventory {
  const inventory: PackageInventory = { packages: [], files: [], problems: [] };
  const files = new Set<string>();
  for (const path of snapshot.files()) {
    const parse = parserFor(path);
    if (!parse) continue;
    const text = readLockfile(snapshot, path);
    if (text === undefined) continue;
    files.add(path);
    const out = new FileCollector(path);
    try {
      parse({ file: path, text, out, snapshot });
    } catch (e) {
      out.problem(`could not read the file: ${errorMessage(e)}`);
    }
    for (const p of out.packages) inventory.packages.push(p);
    for (const p of capProblems(out.problems)) inventory.problems.push(p);
    for (const f of out.included) files.add(f);
  }
  inventory.files = [...files].sort();
  return inventory;
}
