import {
  GITLAB_PROTECTED_BRANCHES,
  branchProtected,
  githubSettingsScope,
  settingsPlatform,
  unavailableReason,
} from '../analysis/githubSettings';
import { RepoSnapshot } from '../snapshot';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Points lost for bypass actors, admins not bound by classic protection, and too many admins. */
const BYPASS_ACTORS = 4;
const ADMINS_NOT_ENFORCED = 3;
const TOO_MANY_ADMINS = 3;
/**
 * Admins allowed before the count is too many. The catalogue allows
 * max(3, 5% of collaborators); the facts list admins only, so the 5% part of
 * large teams is not applied.
 */
const MAX_ADMINS = 3;

function actorName(a: {
  actorType: string;
  actorId?: number | null;
  ruleset?: string;
}): string {
  if (a.actorType.startsWith('PushAccess:')) {
    return `${a.actorType.slice('PushAccess:'.length)} (allowed to push)`;
  }
  const who =
    a.actorType === 'OrganizationAdmin'
      ? 'organization admins'
      : a.actorType === 'DeployKey'
      ? 'deploy keys'
      : `${a.actorType}${
          a.actorId !== undefined && a.actorId !== null ? ` #${a.actorId}` : ''
        }`;
  return a.ruleset ? `${who} (ruleset "${a.ruleset}")` : who;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Protection that some people may skip protects against everyone but them:
 * bypass lists, admins not bound by the rule, and many admins (each can
 * change the rules) all reopen the door that branch protection closes.
 */
export const protectionBypass = createScorecardCheck({
  id: 'protection-bypass',
  title: 'No protection bypass & few admins',
  description:
    'Nobody may bypass the default branch’s rules (no ruleset bypass actors, classic protection enforced on admins), and few people administer the repository.',
  category: 'access-control',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'legitify', control: 'users_allowed_to_bypass_ruleset' },
    { framework: 'legitify', control: 'repository_has_too_many_admins' },
  ],
  remediationUrl:
    'https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/creating-rulesets-for-a-repository#granting-bypass-permissions-for-your-ruleset',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: true,
      archived: 'nobody can push to it, bypass or not',
    });
    if (scope) return scope;
    const gitlab = settingsPlatform(snapshot) === 'gitlab';
    const rulesName = gitlab
      ? 'gitlab.defaultBranchRules'
      : 'github.defaultBranchRules';
    const rules = snapshot.fact(rulesName);
    const unread: string[] = [];
    const notes: string[] = [];
    const findings: CheckFinding[] = [];
    let score = 10;

    if (!rules.available) {
      unread.push(unavailableReason(rulesName, rules));
    } else if (!branchProtected(rules.value)) {
      notes.push(
        `the default branch ${rules.value.branch} has no rule to bypass (see default-branch-protected)`,
      );
    } else {
      const r = rules.value;
      if (r.bypassActors.length > 0) {
        score -= BYPASS_ACTORS;
        for (const a of r.bypassActors) {
          findings.push({
            message: `${capitalise(
              actorName(a),
            )} may bypass the rules of the default branch ${r.branch}${
              a.bypassMode ? ` (bypass mode ${a.bypassMode})` : ''
            }: pushes and merges from them skip review and checks`,
            fingerprintKey: `bypass:${a.ruleset ?? ''}:${a.actorType}:${
              a.actorId ?? ''
            }`,
            suggestedFix: {
              description: gitlab
                ? `${GITLAB_PROTECTED_BRANCHES} → ${r.branch}: set "Allowed to push and merge" to No one, so that changes, theirs included, arrive through merge requests (REST: protect the branch again with push_access_level=0). A deploy key that must push belongs on another branch.`
                : `Settings → Rules → Rulesets → ${
                    a.ruleset ?? 'the ruleset'
                  } → Bypass list: remove ${actorName(
                    a,
                  )} (REST: PUT /repos/{owner}/{repo}/rulesets/{ruleset_id} without it in bypass_actors). Grant a bypass for emergencies only, in a ruleset you enable when needed.`,
            },
          });
        }
      } else if (gitlab && r.unread?.some(u => u.part === 'bypass')) {
        const u = r.unread.find(x => x.part === 'bypass')!;
        unread.push(
          `who may push to ${r.branch}: ${u.reason}${
            u.permission ? ` (needs ${u.permission})` : ''
          }`,
        );
      } else if (r.unreadBypassLists?.length) {
        unread.push(
          `the bypass lists of the ruleset(s) ${r.unreadBypassLists.join(
            ', ',
          )} could not be read (needs the GitHub App permission Administration: read, or a token of a repository administrator)`,
        );
      } else {
        notes.push(
          gitlab
            ? 'nobody may push to the default branch past merge requests'
            : 'no ruleset has bypass actors',
        );
      }
      if (r.enforceAdmins === false) {
        score -= ADMINS_NOT_ENFORCED;
        findings.push({
          message: `Classic branch protection of ${r.branch} is not enforced for administrators (enforce_admins false): admins push and merge past it`,
          fingerprintKey: 'admins-not-enforced',
          suggestedFix: {
            description: `Settings → Branches → edit the rule of ${r.branch} → tick "Do not allow bypassing the above settings" (REST: POST /repos/{owner}/{repo}/branches/${r.branch}/protection/enforce_admins).`,
          },
        });
      } else if (r.enforceAdmins === true) {
        notes.push('classic protection binds admins too');
      }
    }

    const admins = gitlab
      ? readGitlabAdmins(snapshot, unread)
      : readGithubAdmins(snapshot, unread);
    if (admins) {
      if (admins.length > MAX_ADMINS) {
        score -= TOO_MANY_ADMINS;
        findings.push({
          message: `${admins.length} people ${
            gitlab
              ? 'have the Owner or Maintainer role in the project'
              : 'have admin permission on the repository'
          } (${admins.join(
            ', ',
          )}); more than ${MAX_ADMINS} admins means more accounts that can change or lift its protection`,
          fingerprintKey: 'too-many-admins',
          suggestedFix: {
            description: gitlab
              ? 'Manage → Members: give the Developer role to those who do not administer the project (Maintainers can unprotect branches; REST: PUT /projects/:id/members/:user_id with access_level=30).'
              : 'Settings → Collaborators and teams: give the Maintain or Write role to those who do not administer the repository (REST: PUT /repos/{owner}/{repo}/collaborators/{username} with permission "maintain").',
          },
        });
      } else {
        notes.push(`${admins.length} admin${admins.length === 1 ? '' : 's'}`);
      }
    }

    if (findings.length > 0) {
      return outcome.fail(
        Math.max(0, score),
        findings,
        unread.length ? `not read: ${unread.join('; ')}` : undefined,
      );
    }
    if (unread.length > 0) {
      const seen = notes.length ? ` (${notes.join('; ')})` : '';
      return outcome.inconclusive(
        `nothing to report in what could be read${seen}, but whether the protection can be bypassed needs the ${
          gitlab ? 'GitLab' : 'GitHub'
        } API: ${unread.join('; ')}`,
      );
    }
    return outcome.pass(notes.join('; '));
  },
});

function readGithubAdmins(
  snapshot: RepoSnapshot,
  unread: string[],
): string[] | undefined {
  const collaborators = snapshot.fact('github.collaborators');
  if (collaborators.available) return collaborators.value.admins;
  unread.push(unavailableReason('github.collaborators', collaborators));
  return undefined;
}

/** GitLab: Owners and Maintainers, who may all change branch protection. */
function readGitlabAdmins(
  snapshot: RepoSnapshot,
  unread: string[],
): string[] | undefined {
  const members = snapshot.fact('gitlab.members');
  if (members.available) {
    return [
      ...new Set([...members.value.owners, ...members.value.maintainers]),
    ];
  }
  unread.push(unavailableReason('gitlab.members', members));
  return undefined;
}
