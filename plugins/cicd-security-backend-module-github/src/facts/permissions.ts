import { GithubCredentialType } from '@backstage/integration';

/**
 * What an endpoint needs, as GitHub documents it: the GitHub App (and
 * fine-grained token) permission in GitHub's `name=level` form, and the
 * classic token scope. Used when the answer does not name it.
 */
export interface EndpointNeed {
  app: string;
  scope: string;
  /** The endpoint also needs admin rights on the repository. */
  admin?: boolean;
}

/** GitHub's names of the permissions, as its settings pages show them. */
const PERMISSION_NAMES: Record<string, string> = {
  actions: 'Actions',
  administration: 'Administration',
  checks: 'Checks',
  contents: 'Contents',
  deployments: 'Deployments',
  environments: 'Environments',
  metadata: 'Metadata',
  pull_requests: 'Pull requests',
  repository_advisories: 'Repository security advisories',
  repository_hooks: 'Webhooks',
  secret_scanning_alerts: 'Secret scanning alerts',
  secrets: 'Secrets',
  security_events: 'Code scanning alerts',
  statuses: 'Commit statuses',
  vulnerability_alerts: 'Dependabot alerts',
  workflows: 'Workflows',
  members: 'Members',
  organization_administration: 'Organization administration',
};

/** `administration=read` → `Administration: read`. */
function permissionName(pair: string): string {
  const [name, level] = pair.split('=').map(s => s.trim());
  const label =
    PERMISSION_NAMES[name] ??
    `${name.charAt(0).toUpperCase()}${name.slice(1).replace(/_/g, ' ')}`;
  return level ? `${label}: ${level}` : label;
}

/**
 * The permission to name in an unavailable fact: from GitHub's
 * `x-accepted-github-permissions` (alternatives separated by `;`, each a
 * `,`-separated set) or `x-accepted-oauth-scopes`, else from what the
 * endpoint is documented to need.
 */
export function neededPermission(
  headers: Headers | undefined,
  need: EndpointNeed,
  type: GithubCredentialType,
): string {
  const accepted = headers?.get('x-accepted-github-permissions')?.trim();
  const who = type === 'app' ? 'GitHub App' : 'fine-grained token';
  const admin = need.admin ? ' and admin rights on the repository' : '';
  if (accepted) return appPermission(who, accepted);
  const scopes = headers?.get('x-accepted-oauth-scopes')?.trim();
  if (type === 'token' && scopes) {
    return `the token scope ${scopes.split(/\s*,\s*/).join(' or ')}${admin}`;
  }
  if (type === 'app') return appPermission(who, need.app);
  return `the token scope ${
    need.scope
  }${admin} (or the fine-grained token permission ${need.app
    .split(',')
    .map(permissionName)
    .join(', ')})`;
}

function appPermission(who: string, accepted: string): string {
  const alternatives = accepted
    .split(';')
    .map(set => set.split(',').map(permissionName).filter(Boolean))
    .filter(set => set.length > 0);
  const plural = alternatives.some(set => set.length > 1) ? 's' : '';
  return `the ${who} permission${plural} ${alternatives
    .map(set => set.join(' and '))
    .join(' or ')}`;
}
