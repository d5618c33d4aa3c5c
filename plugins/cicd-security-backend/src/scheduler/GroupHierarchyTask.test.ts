import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GroupHierarchyStore } from '../database/GroupHierarchyStore';
import { GroupHierarchyTask } from './GroupHierarchyTask';

const group = (name: string, spec: object, title?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, ...(title ? { title } : {}) },
  spec: { children: [], ...spec },
});

describe('GroupHierarchyTask', () => {
  it('schedules itself and stores the groups of the catalog', async () => {
    const scheduler = mockServices.scheduler.mock();
    const replace = jest.fn().mockResolvedValue({ groups: 3, links: 5 });
    const task = new GroupHierarchyTask({
      scheduler,
      logger: mockServices.logger.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock({
        entities: [
          group('org', { type: 'organization' }, 'The org'),
          group('dept', { type: 'department', parent: 'org' }),
          group('team', {
            type: 'team',
            parent: 'group:default/dept',
            profile: { displayName: 'Team!' },
          }),
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'not-a-group' },
          },
        ],
      }),
      store: { replace } as unknown as GroupHierarchyStore,
    });
    await task.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'cicd-security-group-hierarchy',
        scope: 'global',
        frequency: { minutes: 30 },
      }),
    );
    await scheduler.scheduleTask.mock.calls[0][0].fn(
      new AbortController().signal,
    );
    expect(replace).toHaveBeenCalledWith(
      expect.arrayContaining([
        {
          groupRef: 'group:default/org',
          title: 'The org',
          type: 'organization',
        },
        {
          groupRef: 'group:default/dept',
          type: 'department',
          parent: 'group:default/org',
        },
        {
          groupRef: 'group:default/team',
          title: 'Team!',
          type: 'team',
          parent: 'group:default/dept',
        },
      ]),
    );
    expect(replace.mock.calls[0][0]).toHaveLength(3);
  });
});
