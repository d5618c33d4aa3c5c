import { RepoSnapshot } from '../snapshot';
import { CicdSecurityFacts, Fact, FactName } from '../facts';
import { CheckOutcome, outcome } from '../checks/types';

/**
 * Shared rules of the checks that read a repository's SCM settings through
 * facts (`github.*`, and `gitlab.*` for the settings GitLab also has): which
 * platforms they apply to, archived repositories, and an inconclusive
 * result that names the missing permission when a fact could not be read.
 */

export interface SettingsScope {
  /**
   * The check has a GitLab counterpart (the catalogue marks it GH, GL) and
   * reads GitLab's facts there. Otherwise it is not applicable on GitLab.
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
 * settings facts (of GitLab too when `scope.gitlab`). Without
 * `scm.platform` (the CLI without facts) the facts present decide.
 */
export function githubSettingsScope(
  snapshot: RepoSnapshot,
  scope: SettingsScope,
): CheckOutcome | undefined {
  const platform = snapshot.fact('scm.platform');
  if (platform.available) {
    const name = platform.value;
    if (name === 'gitlab' && !scope.gitlab) {
      return outcome.notApplicable(
        'this check reads GitHub settings; the repository is on GitLab',
      );
    }
    if (name !== 'github' && name !== 'gitlab') {
      return outcome.notApplicable(
        `settings of a ${name} repository are not read by this check`,
      );
    }
  }
  if (scope.archived && isArchived(snapshot)) {
    return outcome.notApplicable(
      `the repository is archived: it is read-only, ${scope.archived}`,
    );
  }
  return undefined;
}

/** The SCM whose settings the facts describe. */
export type SettingsPlatform = 'github' | 'gitlab';

/**
 * `scm.platform` when it names GitHub or GitLab; without it (the CLI with a
 * facts file) GitLab when the file holds GitLab project facts, else GitHub.
 */
export function settingsPlatform(snapshot: RepoSnapshot): SettingsPlatform {
  const platform = snapshot.fact('scm.platform');
  if (platform.available) {
    return platform.value === 'gitlab' ? 'gitlab' : 'github';
  }
  return snapshot.fact('gitlab.project').available ||
    snapshot.fact('gitlab.defaultBranchRules').available
    ? 'gitlab'
    : 'github';
}

function isArchived(snapshot: RepoSnapshot): boolean {
  if (settingsPlatform(snapshot) === 'gitlab') {
    const project = snapshot.fact('gitlab.project');
    return project.available && project.value.archived;
  }
  const repo = snapshot.fact('github.repository');
  return repo.available && repo.value.archived;
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
  return readApiFact(snapshot, name, what, 'GitHub');
}

/**
 * Read a fact that an SCM's API supplies. When it is unavailable, the check
 * is inconclusive: `<what> needs the <service> API (fact <name>: <reason,
 * permission>)`.
 */
export function readApiFact<K extends FactName>(
  snapshot: RepoSnapshot,
  name: K,
  what: string,
  service: string,
): FactRead<CicdSecurityFacts[K]> {
  const fact = snapshot.fact(name);
  if (fact.available) return { ok: true, value: fact.value };
  const reason = `${what} needs the ${service} API (${unavailableReason(
    name,
    fact,
  )})`;
  return { ok: false, outcome: outcome.inconclusive(reason), reason };
}

/** The same setting's fact on each platform. */
const COUNTERPARTS = {
  'github.defaultBranchRules': 'gitlab.defaultBranchRules',
  'github.webhooks': 'gitlab.webhooks',
} as const;

type Counterpart = keyof typeof COUNTERPARTS;

/**
 * Read a setting that both platforms have, from the fact of the
 * repository's platform (`github.defaultBranchRules` or
 * `gitlab.defaultBranchRules`). When it is unavailable, the check is
 * inconclusive: `<what> needs the GitHub|GitLab API (fact …: reason)`.
 */
export function readSettingsFact<K extends Counterpart>(
  snapshot: RepoSnapshot,
  name: K,
  what: string,
): FactRead<
  CicdSecurityFacts[K] | CicdSecurityFacts[(typeof COUNTERPARTS)[K]]
> & { platform: SettingsPlatform } {
  const platform = settingsPlatform(snapshot);
  if (platform === 'github') {
    return { ...readGithubFact(snapshot, name, what), platform };
  }
  return {
    ...readApiFact(snapshot, COUNTERPARTS[name], what, 'GitLab'),
    platform,
  };
}

/** Where the default branch's rules are changed, for suggested fixes. */
export const BRANCH_RULES_PLACE =
  'Settings → Rules → Rulesets (a branch ruleset targeting the default branch), or Settings → Branches → branch protection rule';

/** Where a GitLab project's default branch is protected. */
export const GITLAB_PROTECTED_BRANCHES =
  'Settings → Repository → Protected branches';

/** Where a GitLab project's approval rules and settings are. */
export const GITLAB_APPROVALS =
  'Settings → Merge requests → Merge request approvals';

type BranchRules = CicdSecurityFacts['github.defaultBranchRules'];

/**
 * Whether a rule that blocks pushes applies to the branch: a ruleset or
 * classic protection on GitHub, a protected branch on GitLab (approval
 * rules and project settings alone leave direct pushes open).
 */
export function branchProtected(rules: BranchRules): boolean {
  return rules.sources.some(
    s =>
      s === 'classic' ||
      s.startsWith('ruleset:') ||
      s.startsWith('protected-branch:'),
  );
}

/**
 * The inconclusive outcome when a part of the rules that the check needs
 * could not be read (GitLab approval rules on the Free tier, push rules).
 */
export function unreadPart(
  rules: BranchRules,
  part: 'approvals' | 'pushRule' | 'bypass',
  what: string,
): CheckOutcome | undefined {
  const missing = rules.unread?.find(u => u.part === part);
  if (!missing) return undefined;
  const needs =
    missing.permission && !missing.reason.includes(missing.permission)
      ? ` (needs ${missing.permission})`
      : '';
  return outcome.inconclusive(`${what}: ${missing.reason}${needs}`);
}

/** `ruleset:main-protection, classic` → `ruleset "main-protection" and classic branch protection`; GitLab's sources likewise. */
export function describeRuleSources(sources: readonly string[]): string {
  const names = sources.map(s =>
    s === 'classic'
      ? 'classic branch protection'
      : s.startsWith('ruleset:')
      ? `ruleset "${s.slice('ruleset:'.length)}"`
      : s.startsWith('protected-branch:')
      ? `protected branch "${s.slice('protected-branch:'.length)}"`
      : s.startsWith('approval-rule:')
      ? `approval rule "${s.slice('approval-rule:'.length)}"`
      : s === 'push-rule'
      ? 'the push rule'
      : s === 'project'
      ? 'project merge settings'
      : s,
  );
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
