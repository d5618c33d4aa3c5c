import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  CicdSecurityFacts,
  FactProvider,
  FactSubject,
  factValue,
} from '@cicd-security/plugin-cicd-security-node';

type Platform = CicdSecurityFacts['scm.platform'];

/** Integration types of `@backstage/integration`, by the platform they mean. */
const BY_INTEGRATION_TYPE: Record<string, Platform> = {
  github: 'github',
  gitlab: 'gitlab',
  bitbucket: 'bitbucket',
  bitbucketCloud: 'bitbucket',
  bitbucketServer: 'bitbucket',
  azure: 'azure',
  gerrit: 'gerrit',
  gitea: 'gitea',
};

/**
 * The platform of a repository: from the configured integration that
 * serves its URL (GitHub Enterprise and self-managed GitLab hosts included),
 * else from well-known public hosts; `local` for folders.
 */
export function scmPlatformOf(
  subject: FactSubject,
  integrations?: ScmIntegrationRegistry,
): Platform {
  if (subject.source.type === 'dir') return 'local';
  const url = subject.source.target.replace(/^url:/, '');
  const type = integrations?.byUrl(url)?.type;
  if (type && BY_INTEGRATION_TYPE[type]) return BY_INTEGRATION_TYPE[type];
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'other';
  }
  if (host === 'github.com' || host.endsWith('.ghe.com')) return 'github';
  if (host === 'gitlab.com') return 'gitlab';
  if (host === 'bitbucket.org') return 'bitbucket';
  if (host === 'dev.azure.com' || host.endsWith('.visualstudio.com'))
    return 'azure';
  return 'other';
}

/**
 * Supplies `scm.platform` for every entity, so that the checks of one
 * platform's settings are not applicable on another and say what they need
 * where the platform is theirs.
 */
export function scmPlatformFactProvider(
  integrations?: ScmIntegrationRegistry,
): FactProvider {
  return {
    id: 'scm-platform',
    facts: ['scm.platform'],
    async fetch(subject) {
      return {
        'scm.platform': factValue(scmPlatformOf(subject, integrations)),
      };
    },
  };
}
