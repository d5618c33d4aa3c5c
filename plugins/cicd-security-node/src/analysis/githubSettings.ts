import { RepoSnapshot } from '../snapshot';
import { CicdSecurityFacts, Fact, FactName } from '../facts';
import { CheckOutcome, outcome } from '../checks/types';

/**
 * Shared rules of the checks that read a GitHub repository's settings
 * through facts (`github.*`): which platforms they apply to, archived
 * repositories, and an inconclusive result that names the missing
 * permission when a fact could not be read.
 */

export interface SettingsScope {
  /**
   * The check has a GitLab counterpart (the catalogue marks it GH, GL): on
   * GitLab it is inconclusive until GitLab settings are read. Otherwise it
   * is not applicable there.
   */
  gitlab: boolean;
  /**
   * When set, an archived repository makes the check not applicable; the
   * text says why the setting does not matter there.
   */
  archived?: string;
}

/**
 * The outcome when the check does not apply to this repository (another
 * platform, an archived repository), or undefined when it should read the
 * GitHub facts. Without `scm.platform` (the CLI without facts) the GitHub
 * facts decide.
 */
export function githubSettingsScope(
  snapshot: RepoSnapshot,
  scope: SettingsScope,
): CheckOutcome | undefined {
  const platform = snapshot.fact('scm.platform');
  if (platform.available) {
    const name = platform.value;
    if (name === 'gitlab') {
      return scope.gitlab
        ? outcome.inconclusive(
            'GitLab settings are not read yet: needs the GitLab module',
          )
        : outcome.notApplicable(
            'this check reads GitHub settings; the repository is on GitLab',
          );
    }
    if (name !== 'github') {
      return outcome.notApplicable(
        `settings of a ${name} repository are not read by this check`,
      );
    }
  }
  if (scope.archived) {
    const repo = snapshot.fact('github.repository');
    if (repo.available && repo.value.archived) {
      return outcome.notApplicable(
        `the repository is archived: it is read-only, ${scope.archived}`,
      );
    }
  }
  return undefined;
}

/** Why a fact is unavailable, with the permission that would complete it. */
export function unavailableReason(
  name: FactName,
  fact: Extract<Fact, { available: false }>,
): string {
  const reason =
    fact.permission && !fact.reason.includes(fact.permission)
      ? `${fact.reason} (needs ${fact.permission})`
      : fact.reason;
  return `fact ${name}: ${reason}`;
}

/** A fact's value, or the inconclusive outcome that says what is missing. */
export type FactRead<T> =
  | { ok: true; value: T }
  | { ok: false; outcome: CheckOutcome; reason: string };

/**
 * Read a GitHub fact. When it is unavailable, the check is inconclusive:
 * `<what> needs the GitHub API (fact <name>: <reason, permission>)`.
 */
export function readGithubFact<K extends FactName>(
  snapshot: RepoSnapshot,
  name: K,
  what: string,
): FactRead<CicdSecurityFacts[K]> {
  const fact = snapshot.fact(name);
  if (fact.available) return { ok: true, value: fact.value };
  const reason = `${what} needs the GitHub API (${unavailableReason(
    name,
    fact,
  )})`;
  return { ok: false, outcome: outcome.inconclusive(reason), reason };
}

/** Where the default branch's rules are changed, for suggested fixes. */
export const BRANCH_RULES_PLACE =
  'Settings → Rules → Rulesets (a branch ruleset targeting the default branch), or Settings → Branches → branch protection rule';

/** `ruleset:main-protection, classic` → `ruleset "main-protection" and classic branch protection`. */
export function describeRuleSources(sources: readonly string[]): string {
  const names = sources.map(s =>
    s === 'classic'
      ? 'classic branch protection'
      : s.startsWith('ruleset:')
      ? `ruleset "${s.slice('ruleset:'.length)}"`
      : s,
  );
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
