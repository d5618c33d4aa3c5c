import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ScorecardStore } from '../database/ScorecardStore';
import { ScorecardRefreshTask } from './ScorecardRefreshTask';

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

function mockStore(): jest.Mocked<ScorecardStore> {
  return {
    saveScan: jest.fn(),
    setState: jest.fn(),
    listScorecards: jest.fn(),
    getScorecard: jest.fn(),
    getHistory: jest.fn(),
    teamSummaries: jest.fn(),
    checkStats: jest.fn(),
    listEntityRefs: jest.fn().mockResolvedValue([]),
    deleteEntities: jest.fn(),
  };
}

describe('ScorecardRefreshTask', () => {
  const entities: Entity[] = [
    ...Array.from({ length: 450 }, (_, i) => component(`svc-${i}`)),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'team-a' },
      spec: { type: 'team', children: [] },
    },
  ];

  function setup(options: { config?: object; concurrency?: number } = {}) {
    const scheduler = mockServices.scheduler.mock();
    const logger = mockServices.logger.mock();
    const store = mockStore();
    const scanner = { scan: jest.fn() };
    const auth = mockServices.auth.mock();
    auth.getOwnServiceCredentials.mockResolvedValue({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:cicd-security' },
    });
    const catalog = catalogServiceMock({ entities });
    const task = new ScorecardRefreshTask({
      config: mockServices.rootConfig({ data: options.config ?? {} }),
      scheduler,
      logger,
      store,
      scanner,
      catalog,
      auth,
      concurrency: options.concurrency ?? 4,
    });
    return { task, scheduler, logger, store, scanner, auth, catalog };
  }

  it('schedules a global task with the default schedule', async () => {
    const { task, scheduler } = setup();
    await task.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith({
      id: 'cicd-security-refresh',
      scope: 'global',
      frequency: { minutes: 30 },
      initialDelay: { seconds: 5 },
      timeout: { minutes: 10 },
      fn: expect.any(Function),
    });
  });

  it('reads the schedule from config', async () => {
    const { task, scheduler } = setup({
      config: {
        cicdSecurity: {
          schedule: { frequency: { hours: 2 }, timeout: { minutes: 30 } },
        },
      },
    });
    await task.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'cicd-security-refresh',
        frequency: { hours: 2 },
        timeout: { minutes: 30 },
      }),
    );
  });

  it('scans every component across catalog pages with bounded concurrency', async () => {
    const { task, scheduler, scanner, auth, logger } = setup({
      concurrency: 3,
    });
    let inFlight = 0;
    let maxInFlight = 0;
    scanner.scan.mockImplementation(async (entity: Entity) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise(resolve => setTimeout(resolve, 1));
      inFlight--;
      return {
        entityRef: `component:default/${entity.metadata.name}`,
        state: entity.metadata.name === 'svc-1' ? 'no-source' : 'ok',
      };
    });
    await task.start();
    const fn = scheduler.scheduleTask.mock.calls[0][0]
      .fn as () => Promise<void>;
    await fn();

    expect(auth.getOwnServiceCredentials).toHaveBeenCalled();
    expect(scanner.scan).toHaveBeenCalledTimes(450);
    expect(
      new Set(scanner.scan.mock.calls.map(([e]) => e.metadata.name)).size,
    ).toBe(450);
    expect(scanner.scan.mock.calls.every(([e]) => e.kind === 'Component')).toBe(
      true,
    );
    expect(maxInFlight).toBe(3);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^cicd-security refresh: 449 scanned, 0 failed, 1 without source, 0 removed, \d+ ms$/,
      ),
    );
  });

  it('keeps going when one entity throws, and counts it as failed', async () => {
    const { task, scanner } = setup();
    scanner.scan.mockImplementation(async (entity: Entity) => {
      if (entity.metadata.name === 'svc-7') throw new Error('kaboom');
      if (entity.metadata.name === 'svc-8') {
        return { entityRef: 'component:default/svc-8', state: 'error' };
      }
      return {
        entityRef: `component:default/${entity.metadata.name}`,
        state: 'ok',
      };
    });
    const summary = await task.run();
    expect(summary).toMatchObject({ scanned: 448, failed: 2 });
  });

  it('deletes data of entities that left the catalog', async () => {
    const { task, scanner, store } = setup();
    scanner.scan.mockResolvedValue({ entityRef: 'x', state: 'ok' });
    store.listEntityRefs.mockResolvedValue([
      'component:default/svc-1',
      'component:default/gone',
    ]);
    const summary = await task.run();
    expect(store.deleteEntities).toHaveBeenCalledWith([
      'component:default/gone',
    ]);
    expect(summary.deleted).toBe(1);
  });

  it('forwards catalog failures', async () => {
    const { task, catalog } = setup();
    jest
      .spyOn(catalog, 'queryEntities')
      .mockRejectedValue(new Error('catalog down'));
    await expect(task.run()).rejects.toThrow(
      'cicd-security could not read the catalog; caused by Error: catalog down',
    );
  });
});
