import {
  GithubIntegration,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { FactSubject } from '@cicd-security/plugin-cicd-security-node';

/** The GitHub repository a subject is, and the integration that serves it. */
export interface GithubRepository {
  host: string;
  owner: string;
  repo: string;
  integration: GithubIntegration;
}

const SLUG = 'github.com/project-slug';

/**
 * The GitHub repository of a subject: its `github.com/project-slug`
 * annotation, on the GitHub host of its source URL (github.com when the
 * source is elsewhere), or the owner and name in a source URL whose host is
 * a configured GitHub integration (GitHub Enterprise Server included):
 * `https://host/owner/repo/tree/branch/path`.
 */
export function githubRepositoryOf(
  subject: FactSubject,
  integrations: ScmIntegrationRegistry,
): GithubRepository | undefined {
  const url =
    subject.source.type === 'url'
      ? subject.source.target.replace(/^url:/, '')
      : undefined;
  const fromUrl = url ? integrations.github.byUrl(url) : undefined;
  const slug = subject.annotations?.[SLUG]?.trim();
  if (slug) {
    const [owner, repo, ...rest] = slug.split('/');
    if (!owner || !repo || rest.length) return undefined;
    const integration = fromUrl ?? integrations.github.byHost('github.com');
    if (!integration) return undefined;
    return {
      host: integration.config.host,
      owner,
      repo: repo.replace(/\.git$/, ''),
      integration,
    };
  }
  if (!url || !fromUrl) return undefined;
  let path: string[];
  try {
    path = new URL(url).pathname.split('/').filter(Boolean);
  } catch {
    return undefined;
  }
  const [owner, repo] = path;
  if (!owner || !repo) return undefined;
  return {
    host: fromUrl.config.host,
    owner: decodeURIComponent(owner),
    repo: decodeURIComponent(repo).replace(/\.git$/, ''),
    integration: fromUrl,
  };
}
