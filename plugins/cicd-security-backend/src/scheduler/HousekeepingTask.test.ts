import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ScorecardStore } from '../database/ScorecardStore';
import { HousekeepingTask } from './HousekeepingTask';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

describe('HousekeepingTask', () => {
  function setup(config: object = {}) {
    const scheduler = mockServices.scheduler.mock();
    const logger = mockServices.logger.mock();
    const store = {
      listEntityRefs: jest
        .fn()
        .mockResolvedValue(['component:default/a', 'component:default/gone']),
      deleteEntities: jest.fn(),
      pruneHistory: jest.fn().mockResolvedValue({ deleted: 5, downsampled: 7 }),
    } as unknown as jest.Mocked<ScorecardStore>;
    const auth = mockServices.auth.mock();
    auth.getOwnServiceCredentials.mockResolvedValue({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:cicd-security' },
    });
    const catalog = catalogServiceMock({
      entities: [component('a'), component('b')],
    });
    const task = new HousekeepingTask({
      config: mockServices.rootConfig({ data: config }),
      scheduler,
      logger,
      store,
      catalog,
      auth,
      retention: { days: 180, fullResolutionDays: 14 },
      now: () => new Date('2026-06-30T12:00:00Z'),
    });
    return { task, scheduler, logger, store, catalog };
  }

  it('schedules its own global task', async () => {
    const { task, scheduler } = setup();
    await task.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith({
      id: 'cicd-security-housekeeping',
      scope: 'global',
      frequency: { hours: 6 },
      initialDelay: { minutes: 2 },
      timeout: { minutes: 30 },
      fn: expect.any(Function),
    });
  });

  it('reads its schedule from config', async () => {
    const { task, scheduler } = setup({
      cicdSecurity: {
        housekeepingSchedule: {
          frequency: { hours: 24 },
          timeout: { hours: 1 },
        },
      },
    });
    await task.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        frequency: { hours: 24 },
        timeout: { hours: 1 },
      }),
    );
  });

  it('removes entities that left the catalog and prunes history', async () => {
    const { task, store, logger } = setup();
    const summary = await task.run();
    expect(store.deleteEntities).toHaveBeenCalledWith([
      'component:default/gone',
    ]);
    expect(store.pruneHistory).toHaveBeenCalledWith({
      deleteBefore: new Date('2026-01-01T12:00:00Z'),
      downsampleBefore: new Date('2026-06-16T12:00:00Z'),
    });
    expect(summary).toMatchObject({
      removedEntities: 1,
      deletedScans: 5,
      downsampledScans: 7,
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^cicd-security housekeeping: 1 removed entities, 5 expired and 7 downsampled history rows, \d+ ms$/,
      ),
    );
  });

  it('removes nothing when the catalog cannot be read', async () => {
    const { task, store, catalog } = setup();
    jest.spyOn(catalog, 'queryEntities').mockRejectedValue(new Error('down'));
    await expect(task.run()).rejects.toThrow('could not read the catalog');
    expect(store.deleteEntities).not.toHaveBeenCalled();
  });
});
