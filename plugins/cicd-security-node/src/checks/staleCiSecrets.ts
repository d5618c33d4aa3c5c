import {
  githubSettingsScope,
  readGithubFact,
} from '../analysis/githubSettings';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** A secret not updated for this many days is due for rotation. */
const MAX_AGE_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A CI secret that has not changed for a year has had a year to be copied
 * from logs, forks of the pipeline or former maintainers' machines; the
 * longer a credential lives, the longer a leak of it stays useful.
 */
export const staleCiSecrets = createScorecardCheck({
  id: 'stale-ci-secrets',
  title: 'Repository CI secrets rotated',
  description: `Every repository Actions secret was updated within the last ${MAX_AGE_DAYS} days, so a leaked CI credential does not stay valid for years.`,
  category: 'secrets-management',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'legitify', control: 'repository_secret_is_stale' },
  ],
  remediationUrl: 'https://docs.github.com/en/rest/actions/secrets',
  run(snapshot) {
    const scope = githubSettingsScope(snapshot, {
      gitlab: false,
      archived: 'its workflows do not run, so its secrets are not used',
    });
    if (scope) return scope;
    const read = readGithubFact(
      snapshot,
      'github.actionsSecrets',
      'the age of the repository secrets',
    );
    if (!read.ok) return read.outcome;
    const { asOf, secrets } = read.value;
    if (secrets.length === 0) {
      return outcome.pass('the repository has no Actions secrets');
    }
    const now = Date.parse(asOf);
    const findings: CheckFinding[] = [];
    for (const s of secrets) {
      const days = Math.floor((now - Date.parse(s.updatedAt)) / DAY_MS);
      if (days <= MAX_AGE_DAYS) continue;
      const date = s.updatedAt.slice(0, 10);
      findings.push({
        message: `The repository secret ${s.name} was last updated ${days} days ago (${date}), more than ${MAX_AGE_DAYS}: rotate it, or replace it with OIDC (short-lived credentials) or an environment secret`,
        fingerprintKey: `secret:${s.name}`,
        suggestedFix: {
          description: `Issue a new credential for ${s.name} where it was created, revoke the old one, and store the new one: Settings → Secrets and variables → Actions → ${s.name} → Update (REST: PUT /repos/{owner}/{repo}/actions/secrets/${s.name}). For cloud access prefer OIDC (id-token: write and a role to assume), which needs no stored secret; a secret that only deployments use belongs in a protected environment.`,
        },
      });
    }
    const total = secrets.length;
    if (findings.length === 0) {
      return outcome.pass(
        `${total} repository secret${
          total === 1 ? ' was' : 's were all'
        } updated within ${MAX_AGE_DAYS} days`,
      );
    }
    return outcome.proportional(total, findings);
  },
});
