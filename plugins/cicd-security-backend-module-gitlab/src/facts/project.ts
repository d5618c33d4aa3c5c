import {
  GitLabIntegration,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { FactSubject } from '@cicd-security/plugin-cicd-security-node';

/** The GitLab project a subject is, and the integration that serves it. */
export interface GitlabProject {
  host: string;
  /** The full path: `group/subgroup/project`. */
  path: string;
  integration: GitLabIntegration;
}

const SLUG = 'gitlab.com/project-slug';

/** A path of at least a namespace and a project, each a plain segment. */
function validPath(segments: string[]): string | undefined {
  if (segments.length < 2) return undefined;
  if (segments.some(s => !s || s === '.' || s === '..' || s === '-')) {
    return undefined;
  }
  return segments.join('/');
}

/**
 * The GitLab project of a subject: its `gitlab.com/project-slug`
 * annotation (`group/subgroup/project`), on the GitLab host of its source
 * URL (gitlab.com when the source is elsewhere), or the project path in a
 * source URL whose host is a configured GitLab integration (self-managed
 * hosts included): `https://host/group/sub/project/-/tree/branch/path`
 * (or `/-/blob/`). The path before `/-/` is the project's full path.
 */
export function gitlabProjectOf(
  subject: FactSubject,
  integrations: ScmIntegrationRegistry,
): GitlabProject | undefined {
  const url =
    subject.source.type === 'url'
      ? subject.source.target.replace(/^url:/, '')
      : undefined;
  const fromUrl = url ? integrations.gitlab.byUrl(url) : undefined;
  const slug = subject.annotations?.[SLUG]?.trim();
  if (slug) {
    const path = validPath(
      slug
        .replace(/^\/+|\/+$/g, '')
        .replace(/\.git$/, '')
        .split('/'),
    );
    const integration = fromUrl ?? integrations.gitlab.byHost('gitlab.com');
    if (!path || !integration) return undefined;
    return { host: integration.config.host, path, integration };
  }
  if (!url || !fromUrl) return undefined;
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  // A GitLab under a relative URL (https://host/gitlab): its prefix is no
  // part of the project path.
  let prefix = '';
  try {
    prefix = new URL(fromUrl.config.baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    prefix = '';
  }
  if (prefix && pathname.startsWith(`${prefix}/`)) {
    pathname = pathname.slice(prefix.length);
  }
  const beforeDash = pathname.split('/-/')[0];
  let segments: string[];
  try {
    segments = beforeDash
      .split('/')
      .filter(Boolean)
      .map(s => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  if (segments.length) {
    segments[segments.length - 1] = segments[segments.length - 1].replace(
      /\.git$/,
      '',
    );
  }
  const path = validPath(segments);
  if (!path) return undefined;
  return { host: fromUrl.config.host, path, integration: fromUrl };
}
