import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  scmPlatformFactProvider,
  scmPlatformOf,
} from './scmPlatformFactProvider';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [
        {
          host: 'ghe.acme.example',
          apiBaseUrl: 'https://ghe.acme.example/api/v3',
        },
      ],
      gitlab: [
        {
          host: 'git.acme.example',
          apiBaseUrl: 'https://git.acme.example/api/v4',
        },
      ],
    },
  }),
);

const url = (target: string) => ({ source: { type: 'url', target } });

describe('scm.platform', () => {
  it.each([
    ['https://github.com/acme/app/tree/main/', 'github'],
    ['url:https://github.com/acme/app/blob/main/catalog-info.yaml', 'github'],
    ['https://ghe.acme.example/acme/app', 'github'],
    ['https://acme.ghe.com/team/app', 'github'],
    ['https://gitlab.com/acme/app/-/tree/main', 'gitlab'],
    ['https://git.acme.example/group/app', 'gitlab'],
    ['https://bitbucket.org/acme/app/src/main/', 'bitbucket'],
    ['https://dev.azure.com/acme/proj/_git/app', 'azure'],
    ['https://code.example.org/acme/app', 'other'],
    ['not a url', 'other'],
  ])('%s is %s', (target, platform) => {
    expect(scmPlatformOf(url(target), integrations)).toBe(platform);
  });

  it('is local for folders, and supplied for every entity', async () => {
    const subject = { source: { type: 'dir', target: '/repos/app' } };
    expect(scmPlatformOf(subject, integrations)).toBe('local');
    const provider = scmPlatformFactProvider(integrations);
    expect(provider.appliesTo).toBeUndefined();
    expect(
      await provider.fetch(url('https://github.com/acme/app'), {
        facts: ['scm.platform'],
        signal: new AbortController().signal,
      }),
    ).toEqual({ 'scm.platform': { available: true, value: 'github' } });
  });
});
