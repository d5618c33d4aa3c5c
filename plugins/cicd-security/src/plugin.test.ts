import { cicdSecurityPlugin, isCicdSecurityAvailable } from './plugin';
import { entity, entityWithoutSource } from './testing/data';

describe('cicd-security plugin', () => {
  it('is created with its id and routes', () => {
    expect(cicdSecurityPlugin.getId()).toBe('cicd-security');
    expect(Object.keys(cicdSecurityPlugin.routes)).toEqual([
      'root',
      'checkGuide',
      'entityContent',
      'sourceView',
    ]);
  });

  it('is available for entities that say where their source lives', () => {
    expect(isCicdSecurityAvailable(entity)).toBe(true);
    expect(isCicdSecurityAvailable(entityWithoutSource)).toBe(false);
    expect(
      isCicdSecurityAvailable({
        ...entityWithoutSource,
        metadata: {
          ...entityWithoutSource.metadata,
          annotations: {
            'cicd-security.io/source-location': 'dir:./examples/repos/x',
          },
        },
      }),
    ).toBe(true);
  });
});
