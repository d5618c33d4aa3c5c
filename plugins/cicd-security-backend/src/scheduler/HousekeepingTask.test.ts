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
    const waivers = { applyExpired: jest.fn().mockResolvedValue(2) };
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
      waivers,
      catalog,
      auth,
      retention: { days: 180, fullResolutionDays: 14 },
      now: () => new Date('2026-06-30T12:00:00Z'),
    });
    return { task, scheduler, logger, store, waivers, catalog };
  }

  it('schedules its own global tasks', async () => {
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
    expect(scheduler.scheduleTask).toHaveBeenCalledWith({
      id: 'cicd-security-waiver-expiry',
      scope: 'global',
      frequency: { minutes: 1 },
      initialDelay: { seconds: 30 },
      timeout: { minutes: 5 },
      fn: expect.any(Function),
    });
  });

  it('reads the waiver expiry schedule from config', async () => {
    const { task, scheduler } = setup({
      cicdSecurity: {
        waivers: {
          expirySchedule: {
            frequency: { minutes: 5 },
            timeout: { minutes: 2 },
          },
        },
      },
    });
    await task.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'cicd-security-waiver-expiry',
        frequency: { minutes: 5 },
      }),
    );
  });

  it('applies expired waivers in the waiver expiry task', async () => {
    const { task, scheduler, waivers, logger } = setup();
    await task.start();
    const expiry = scheduler.scheduleTask.mock.calls
      .map(([t]) => t)
      .find(t => t.id === 'cicd-security-waiver-expiry')!;
    await expiry.fn(new AbortController().signal);
    expect(waivers.applyExpired).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith(
      'Rescored the entities of 2 expired waiver(s)',
    );
  });

  it('goes on when expired waivers cannot be applied', async () => {
    const { task, waivers, logger, store } = setup();
    waivers.applyExpired.mockRejectedValue(new Error('db down'));
    const summary = await task.run();
    expect(summary.expiredWaivers).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not apply expired waivers: Error: db down',
    );
    expect(store.pruneHistory).toHaveBeenCalled();
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

  it('rescores after expired waivers, removes entities that left the catalog and prunes history', async () => {
    const { task, store, waivers, logger } = setup();
    const summary = await task.run();
    expect(waivers.applyExpired).toHaveBeenCalledTimes(1);
    expect(store.deleteEntities).toHaveBeenCalledWith([
      'component:default/gone',
    ]);
    expect(store.pruneHistory).toHaveBeenCalledWith({
      deleteBefore: new Date('2026-01-01T12:00:00Z'),
      downsampleBefore: new Date('2026-06-16T12:00:00Z'),
    });
    expect(summary).toMatchObject({
      expiredWaivers: 2,
      removedEntities: 1,
      deletedScans: 5,
      downsampledScans: 7,
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^cicd-security housekeeping: 1 removed entities, 5 expired and 7 downsampled history rows, 2 expired waivers, \d+ ms$/,
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
