import { GithubCredentialType } from '@backstage/integration';
import { FactName } from '@cicd-security/plugin-cicd-security-node';
import {
  dependabotAlertsFact,
  graphqlDependabotAlert,
} from './dependabotAlerts';
import { GithubAnswer, GraphqlEnvelope, GraphqlError } from './GithubClient';
import { EndpointNeed, neededPermission } from './permissions';

/**
 * The facts one GraphQL query reads when `cicdSecurity.github.graphql` is
 * on: those GitHub's GraphQL API gives exactly as the REST API does. The
 * others (security_and_analysis, Dependabot security updates, Actions
 * settings, webhooks, deploy key ids and last use, private vulnerability
 * reporting, environments' branch policies, the rulesets and classic
 * protection that apply to the default branch, code scanning and secret
 * scanning alerts) have no equivalent there and stay on REST.
 */
export const GRAPHQL_FACTS = [
  'github.repository',
  'github.vulnerabilityAlerts',
  'github.dependabotAlerts',
  'github.collaborators',
] as const satisfies readonly FactName[];

export type GraphqlFactName = (typeof GRAPHQL_FACTS)[number];

/** What the query said about one fact. */
export type GraphqlFact =
  | { value: unknown }
  | { unavailable: string; permission?: string }
  /** GraphQL could not say (a page more, a field unknown to the server): ask REST. */
  | { rest: string };

export interface GraphqlFacts {
  facts: Partial<Record<GraphqlFactName, GraphqlFact>>;
  /** The default branch and the caller's admin right, when the query gave them. */
  repo?: { default_branch: string; admin?: boolean };
}

/** `page` lists are read in the query; more than a page goes to REST. */
const PAGE = 100;

export function graphqlQuery(asked: readonly GraphqlFactName[]): string {
  const has = (name: GraphqlFactName) => asked.includes(name);
  const alerts =
    has('github.vulnerabilityAlerts') || has('github.dependabotAlerts');
  const collaborator = `totalCount pageInfo { hasNextPage } edges { permission node { login } }`;
  return [
    'query($owner: String!, $name: String!) {',
    '  repository(owner: $owner, name: $name) {',
    '    isArchived visibility isPrivate pushedAt viewerPermission',
    '    defaultBranchRef { name }',
    alerts ? '    hasVulnerabilityAlertsEnabled' : '',
    has('github.dependabotAlerts')
      ? [
          '    url',
          `    vulnerabilityAlerts(states: [OPEN], first: ${PAGE}) { totalCount pageInfo { hasNextPage } nodes { number vulnerableManifestPath securityAdvisory { ghsaId identifiers { type value } severity } securityVulnerability { package { ecosystem name } vulnerableVersionRange firstPatchedVersion { identifier } severity } } }`,
        ].join('\n')
      : '',
    has('github.collaborators')
      ? [
          `    allCollaborators: collaborators(affiliation: ALL, first: ${PAGE}) { ${collaborator} }`,
          `    outsideCollaborators: collaborators(affiliation: OUTSIDE, first: ${PAGE}) { ${collaborator} }`,
        ].join('\n')
      : '',
    '  }',
    '}',
  ]
    .filter(Boolean)
    .join('\n');
}

const NEED_METADATA: EndpointNeed = { app: 'metadata=read', scope: 'repo' };
const NEED_ADMINISTRATION: EndpointNeed = {
  app: 'administration=read',
  scope: 'repo',
  admin: true,
};
const NEED_DEPENDABOT: EndpointNeed = {
  app: 'vulnerability_alerts=read',
  scope: 'security_events',
};

/** The response key under `repository` → the fact it feeds and what it is. */
const FIELDS: Record<
  string,
  { fact: GraphqlFactName; what: string; need: EndpointNeed }
> = {
  hasVulnerabilityAlertsEnabled: {
    fact: 'github.vulnerabilityAlerts',
    what: 'whether Dependabot alerts are enabled',
    need: NEED_ADMINISTRATION,
  },
  vulnerabilityAlerts: {
    fact: 'github.dependabotAlerts',
    what: 'the Dependabot alerts',
    need: NEED_DEPENDABOT,
  },
  allCollaborators: {
    fact: 'github.collaborators',
    what: 'the administrators',
    need: NEED_METADATA,
  },
  outsideCollaborators: {
    fact: 'github.collaborators',
    what: 'the outside collaborators',
    need: NEED_METADATA,
  },
};
const REPOSITORY_FIELD = {
  fact: 'github.repository' as const,
  what: 'the repository',
  need: NEED_METADATA,
};

/**
 * The facts of a GraphQL answer. An error with a `path` makes only the
 * facts of that field unavailable (with the permission, as a REST 403
 * does); an error that names no field of ours, or no answer at all, sends
 * the facts it leaves without data to REST.
 */
export function graphqlFacts(
  answer: GithubAnswer<GraphqlEnvelope>,
  asked: readonly GraphqlFactName[],
  ctx: { slug: string; type: GithubCredentialType },
): GraphqlFacts {
  const out: GraphqlFacts = { facts: {} };
  const set = (name: GraphqlFactName, fact: GraphqlFact) => {
    // The first refusal of a fact is kept (collaborators have two fields).
    if (
      asked.includes(name) &&
      !(out.facts[name] && 'unavailable' in out.facts[name]!)
    ) {
      out.facts[name] = fact;
    }
  };
  if (answer.status !== 200 || !answer.value) {
    for (const name of asked) {
      set(name, {
        rest: `the GraphQL API answered ${answer.status}${
          answer.message ? ` ("${answer.message}")` : ''
        }`,
      });
    }
    return out;
  }
  const { data, errors = [] } = answer.value;
  const repo = data?.repository as Record<string, any> | null | undefined;

  for (const error of errors) refuse(error, set, asked, ctx);
  if (!repo) {
    for (const name of asked) {
      if (!out.facts[name]) {
        set(name, { rest: 'the GraphQL API gave no repository' });
      }
    }
    return out;
  }

  const admin =
    ctx.type === 'token' && typeof repo.viewerPermission === 'string'
      ? repo.viewerPermission === 'ADMIN'
      : undefined;
  const branch = repo.defaultBranchRef?.name;
  if (typeof branch === 'string') out.repo = { default_branch: branch, admin };

  if (!out.facts['github.repository']) {
    if (typeof branch !== 'string' || typeof repo.isArchived !== 'boolean') {
      // An empty repository has no default branch ref; REST names it.
      set('github.repository', { rest: 'no default branch in GraphQL' });
    } else {
      set('github.repository', {
        value: {
          archived: repo.isArchived,
          default_branch: branch,
          visibility:
            typeof repo.visibility === 'string'
              ? repo.visibility.toLowerCase()
              : undefined,
          private: repo.isPrivate,
          pushed_at: repo.pushedAt ?? null,
        },
      });
    }
  }

  const enabled = repo.hasVulnerabilityAlertsEnabled;
  // As for REST's 404: "off" is not believed from a known non-administrator.
  const believedOff = enabled === false && admin !== false;
  if (!out.facts['github.vulnerabilityAlerts']) {
    if (enabled === true || believedOff) {
      set('github.vulnerabilityAlerts', { value: enabled });
    } else if (enabled === false) {
      set('github.vulnerabilityAlerts', {
        unavailable: `GitHub says Dependabot alerts are off for ${ctx.slug}, which it shows only to administrators`,
        permission: neededPermission(undefined, NEED_ADMINISTRATION, ctx.type),
      });
    } else {
      set('github.vulnerabilityAlerts', {
        rest: 'no hasVulnerabilityAlertsEnabled in GraphQL',
      });
    }
  }

  if (!out.facts['github.dependabotAlerts']) {
    const alerts = repo.vulnerabilityAlerts;
    if (enabled !== true) {
      // The list of a repository whose alerts are off is empty, not "none
      // open": REST says which.
      set('github.dependabotAlerts', {
        rest: 'Dependabot alerts are not known to be on',
      });
    } else if (!alerts || alerts.pageInfo?.hasNextPage) {
      set('github.dependabotAlerts', {
        rest: 'more than a page of Dependabot alerts',
      });
    } else {
      const nodes: Record<string, any>[] = alerts.nodes ?? [];
      const url = typeof repo.url === 'string' ? repo.url : undefined;
      set('github.dependabotAlerts', {
        value: dependabotAlertsFact(
          nodes.map(a => graphqlDependabotAlert(a, url)),
        ),
      });
    }
  }

  if (!out.facts['github.collaborators']) {
    const all = repo.allCollaborators;
    const outside = repo.outsideCollaborators;
    if (
      !all ||
      !outside ||
      all.pageInfo?.hasNextPage ||
      outside.pageInfo?.hasNextPage
    ) {
      set('github.collaborators', {
        rest: 'more than a page of collaborators',
      });
    } else {
      const logins = (c: Record<string, any>, admins: boolean) =>
        (c.edges ?? [])
          .filter(
            (e: Record<string, any>) => !admins || e?.permission === 'ADMIN',
          )
          .map((e: Record<string, any>) => String(e?.node?.login));
      set('github.collaborators', {
        value: { admins: logins(all, true), outside: logins(outside, false) },
      });
    }
  }
  return out;
}

/** The facts an error takes away, with why and the permission. */
function refuse(
  error: GraphqlError,
  set: (name: GraphqlFactName, fact: GraphqlFact) => void,
  asked: readonly GraphqlFactName[],
  ctx: { slug: string; type: GithubCredentialType },
): void {
  const said = error.message ? ` ("${error.message}")` : '';
  const key = error.path?.[0] === 'repository' ? error.path[1] : undefined;
  const scopes = /requires one of the following scopes: \[([^\]]*)\]/.exec(
    error.message ?? '',
  );
  const scopePermission = scopes
    ? `the token scope ${scopes[1]
        .split(',')
        .map(s => s.trim().replace(/^'|'$/g, ''))
        .filter(Boolean)
        .join(' or ')}`
    : undefined;
  const field =
    typeof key === 'string'
      ? FIELDS[key] ?? REPOSITORY_FIELD
      : error.path?.[0] === 'repository'
      ? undefined // the repository itself
      : scopes
      ? Object.entries(FIELDS).find(([name]) =>
          new RegExp(`'${name}'`).test(error.message ?? ''),
        )?.[1]
      : undefined;
  const targets = field ? [field] : [];
  if (!field && error.path?.[0] === 'repository') {
    // The repository itself: every fact of the query.
    for (const name of asked) {
      if (error.type === 'NOT_FOUND') {
        set(name, {
          unavailable: `the repository ${ctx.slug} is not visible with the configured GitHub credentials (GraphQL NOT_FOUND${said})`,
          permission:
            ctx.type === 'app'
              ? `a GitHub App installation with access to ${ctx.slug} (Metadata: read)`
              : 'the token scope repo',
        });
      } else {
        set(name, {
          unavailable: `GitHub refused to show the repository ${
            ctx.slug
          } (GraphQL ${error.type ?? 'error'}${said})`,
          permission: neededPermission(undefined, NEED_METADATA, ctx.type),
        });
      }
    }
    return;
  }
  for (const target of targets) {
    if (
      error.type === 'FORBIDDEN' ||
      error.type === 'NOT_FOUND' ||
      error.type === 'INSUFFICIENT_SCOPES'
    ) {
      set(target.fact, {
        unavailable: `GitHub refused to show ${target.what} (GraphQL ${error.type}${said})`,
        permission:
          scopePermission ?? neededPermission(undefined, target.need, ctx.type),
      });
    } else {
      set(target.fact, {
        rest: `GraphQL ${error.type ?? 'error'} for ${target.what}${said}`,
      });
    }
  }
}
