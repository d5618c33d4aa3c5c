import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  NEW_COMPONENTS_CLAIM,
  ScorecardStore,
} from '../database/ScorecardStore';
import { ScanQueue } from './ScanQueue';
import {
  durationMs,
  ScorecardRefreshTask,
  shardOf,
  shardTaskId,
} from './ScorecardRefreshTask';

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
    getScanStates: jest.fn().mockResolvedValue(new Map()),
    claimNew: jest.fn().mockResolvedValue(true),
    pruneHistory: jest.fn(),
  } as unknown as jest.Mocked<ScorecardStore>;
}

describe('shardOf', () => {
  it('is stable, in range and spreads refs evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const shard = shardOf(`component:default/svc-${i}`, 4);
      expect(shard).toBe(shardOf(`component:default/svc-${i}`, 4));
      counts[shard]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(shardOf('component:default/A', 4)).toBe(
      shardOf('component:default/a', 4),
    );
    expect(shardOf('component:default/x', 1)).toBe(0);
  });
});

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

  function setup(
    options: {
      config?: object;
      concurrency?: number;
      shards?: number;
      rescore?: boolean;
      queue?: ScanQueue;
    } = {},
  ) {
    const scheduler = mockServices.scheduler.mock();
    const logger = mockServices.logger.mock();
    const store = mockStore();
    const scanner: { scan: jest.Mock; rescore?: jest.Mock } = {
      scan: jest.fn(),
      ...(options.rescore
        ? { rescore: jest.fn(async (refs: string[]) => refs.length) }
        : {}),
    };
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
      shards: options.shards ?? 4,
      startJitterMs: 0,
      ...(options.queue ? { queue: options.queue } : {}),
    });
    return { task, scheduler, logger, store, scanner, auth, catalog };
  }

  it('schedules one global task per shard with the default schedule', async () => {
    const { task, scheduler } = setup();
    await task.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(5);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith({
      id: 'cicd-security-new-entities',
      scope: 'global',
      frequency: { minutes: 1 },
      initialDelay: { seconds: 15 },
      timeout: { minutes: 10 },
      fn: expect.any(Function),
    });
    for (let i = 0; i < 4; i++) {
      expect(scheduler.scheduleTask).toHaveBeenCalledWith({
        id: `cicd-security-refresh-shard-${i}-of-4`,
        scope: 'global',
        frequency: { minutes: 30 },
        initialDelay: { seconds: 5 },
        timeout: { minutes: 10 },
        fn: expect.any(Function),
      });
    }
    expect(shardTaskId(2, 8)).toBe('cicd-security-refresh-shard-2-of-8');
  });

  it('reads the schedule from config', async () => {
    const { task, scheduler } = setup({
      shards: 1,
      config: {
        cicdSecurity: {
          schedule: { frequency: { hours: 2 }, timeout: { minutes: 30 } },
        },
      },
    });
    await task.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'cicd-security-refresh-shard-0-of-1',
        frequency: { hours: 2 },
        timeout: { minutes: 30 },
      }),
    );
  });

  it('spreads the first runs of replicas with a random initial delay', async () => {
    const scheduler = mockServices.scheduler.mock();
    const task = new ScorecardRefreshTask({
      ...setup(),
      config: mockServices.rootConfig(),
      scheduler,
      concurrency: 1,
      shards: 2,
      startJitterMs: 5000,
    });
    await task.start();
    for (const [def] of scheduler.scheduleTask.mock.calls.filter(
      ([d]) => d.id !== 'cicd-security-new-entities',
    )) {
      const delay = def.initialDelay as {
        seconds: number;
        milliseconds: number;
      };
      expect(delay.seconds).toBe(5);
      expect(delay.milliseconds).toBeGreaterThanOrEqual(0);
      expect(delay.milliseconds).toBeLessThan(5000);
    }
  });

  it('shards cover every component exactly once, incrementally', async () => {
    const { task, scheduler, scanner, store } = setup();
    scanner.scan.mockImplementation(async (entity: Entity) => ({
      entityRef: `component:default/${entity.metadata.name}`,
      state: 'ok',
      action: 'scanned',
    }));
    const previous = {
      entityRef: 'component:default/svc-3',
      state: 'ok' as const,
      revision: 'r1',
    };
    store.getScanStates.mockImplementation(async refs =>
      refs.includes(previous.entityRef)
        ? new Map([[previous.entityRef, previous]])
        : new Map(),
    );
    await task.start();
    let total = 0;
    for (const [def] of scheduler.scheduleTask.mock.calls.filter(([d]) =>
      d.id.includes('-shard-'),
    )) {
      const before = scanner.scan.mock.calls.length;
      await (def.fn as () => Promise<void>)();
      const names = scanner.scan.mock.calls
        .slice(before)
        .map(([e]) => e.metadata.name);
      const shard = Number(def.id.match(/shard-(\d+)-of/)![1]);
      for (const name of names) {
        expect(shardOf(`component:default/${name}`, 4)).toBe(shard);
      }
      total += names.length;
    }
    expect(total).toBe(450);
    const names = scanner.scan.mock.calls.map(([e]) => e.metadata.name);
    expect(new Set(names).size).toBe(450);
    expect(scanner.scan.mock.calls.every(([e]) => e.kind === 'Component')).toBe(
      true,
    );
    const svc3 = scanner.scan.mock.calls.find(
      ([e]) => e.metadata.name === 'svc-3',
    )!;
    expect(svc3[1]).toEqual({ incremental: true, previous });
    const svc4 = scanner.scan.mock.calls.find(
      ([e]) => e.metadata.name === 'svc-4',
    )!;
    expect(svc4[1]).toEqual({ incremental: true, previous: undefined });
  });

  it('scans only components never stored, between full cycles', async () => {
    const { task, scanner, store, logger } = setup();
    scanner.scan.mockImplementation(async (entity: Entity) => ({
      entityRef: `component:default/${entity.metadata.name}`,
      state: 'ok',
      action: 'scanned',
    }));
    store.listEntityRefs.mockResolvedValue(
      Array.from({ length: 448 }, (_, i) => `component:default/svc-${i + 2}`),
    );
    const summary = await task.runNewEntities();
    expect(
      scanner.scan.mock.calls.map(([e]) => e.metadata.name).sort(),
    ).toEqual(['svc-0', 'svc-1']);
    expect(summary.scanned).toBe(2);
    // Nothing new: no scan and no log line.
    store.listEntityRefs.mockResolvedValue(
      Array.from({ length: 450 }, (_, i) => `component:default/svc-${i}`),
    );
    logger.info.mockClear();
    await task.runNewEntities();
    expect(scanner.scan).toHaveBeenCalledTimes(2);
    expect(logger.info).not.toHaveBeenCalled();
  });

  it("leaves a first scan the new-components task holds to it, and takes over a claim past that task's timeout", async () => {
    const { task, store, scanner } = setup({
      config: {
        cicdSecurity: {
          newEntitiesSchedule: {
            frequency: { minutes: 1 },
            timeout: { minutes: 10 },
          },
        },
      },
    });
    scanner.scan.mockResolvedValue({ state: 'ok', action: 'scanned' });
    const ref = (i: number) => `component:default/svc-${i}`;
    const minutesAgo = (m: number) =>
      new Date(Date.now() - m * 60_000).toISOString();
    store.getScanStates.mockImplementation(async (refs: string[]) => {
      const all = new Map([
        // Claimed by the new-components task a minute ago: it is scanning it.
        [
          ref(1),
          {
            entityRef: ref(1),
            state: 'scanning' as const,
            stateReason: NEW_COMPONENTS_CLAIM,
            updatedAt: minutesAgo(1),
          },
        ],
        // Claimed by it an hour ago: that run is dead (past its timeout).
        [
          ref(2),
          {
            entityRef: ref(2),
            state: 'scanning' as const,
            stateReason: NEW_COMPONENTS_CLAIM,
            updatedAt: minutesAgo(60),
          },
        ],
        // Claimed by a shard run: shard claims are taken over with the shard.
        [
          ref(3),
          {
            entityRef: ref(3),
            state: 'scanning' as const,
            updatedAt: minutesAgo(1),
          },
        ],
      ]);
      return new Map(refs.filter(r => all.has(r)).map(r => [r, all.get(r)!]));
    });
    await task.run();
    const scanned = new Set(
      scanner.scan.mock.calls.map(([e]) => e.metadata.name),
    );
    expect(scanned.has('svc-1')).toBe(false);
    expect(scanned.has('svc-2')).toBe(true);
    expect(scanned.has('svc-3')).toBe(true);
    // The new-components task marks its claims; shard runs do not.
    store.listEntityRefs.mockResolvedValue([]);
    store.claimNew.mockClear();
    await task.runNewEntities();
    expect(store.claimNew).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: ref(0) }),
      NEW_COMPONENTS_CLAIM,
    );
  });

  it('reads schedule durations in every form', () => {
    expect(durationMs({ minutes: 10 })).toBe(600_000);
    expect(durationMs({ hours: 1, seconds: 30 })).toBe(3_630_000);
    expect(durationMs({ toMillis: () => 42 } as never)).toBe(42);
  });

  it('hands a shard back to the scheduler while busy, at most three times', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const { task, scheduler, scanner } = setup();
      let release!: () => void;
      const blocked = new Promise<void>(r => (release = r));
      scanner.scan.mockImplementation(async (entity: Entity) => {
        await blocked;
        return {
          entityRef: entity.metadata.name,
          state: 'ok',
          action: 'scanned',
        };
      });
      scheduler.triggerTask.mockResolvedValue();
      await task.start();
      const fnOf = (id: string) =>
        scheduler.scheduleTask.mock.calls.find(([d]) => d.id === id)![0]
          .fn as () => Promise<void>;
      const first = fnOf('cicd-security-refresh-shard-0-of-4')();
      await new Promise(r => setImmediate(r));
      const calls = scanner.scan.mock.calls.length;
      // Busy with shard 0: shard 1 is handed back three times, then runs here.
      for (let i = 0; i < 3; i++) {
        await fnOf('cicd-security-refresh-shard-1-of-4')();
        jest.advanceTimersByTime(250);
      }
      expect(scheduler.triggerTask).toHaveBeenCalledTimes(3);
      expect(scheduler.triggerTask).toHaveBeenCalledWith(
        'cicd-security-refresh-shard-1-of-4',
      );
      expect(scanner.scan.mock.calls.length).toBe(calls);
      const fourth = fnOf('cicd-security-refresh-shard-1-of-4')();
      release();
      await Promise.all([first, fourth]);
      expect(scanner.scan.mock.calls.length).toBeGreaterThan(calls);
      expect(scheduler.triggerTask).toHaveBeenCalledTimes(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('bounds concurrency over all shards of the replica', async () => {
    const { task, scanner, logger } = setup({ concurrency: 3 });
    let inFlight = 0;
    let maxInFlight = 0;
    scanner.scan.mockImplementation(async (entity: Entity) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise(resolve => setTimeout(resolve, 1));
      inFlight--;
      const name = entity.metadata.name;
      if (name === 'svc-1')
        return { entityRef: name, state: 'no-source', action: 'no-source' };
      if (name === 'svc-2')
        return { entityRef: name, state: 'ok', action: 'unchanged' };
      if (name === 'svc-3')
        return { entityRef: name, state: 'ok', action: 'rescored' };
      if (name === 'svc-4')
        return { entityRef: name, state: 'stale', action: 'stale' };
      return { entityRef: name, state: 'ok', action: 'scanned' };
    });
    const summaries = await Promise.all(
      [0, 1, 2, 3].map(i => task.runShard(i)),
    );
    expect(maxInFlight).toBe(3);
    const sum = (k: keyof (typeof summaries)[0]) =>
      summaries.reduce((n, s) => n + (s[k] as number), 0);
    expect(sum('scanned')).toBe(446);
    expect(sum('noSource')).toBe(1);
    expect(sum('unchanged')).toBe(1);
    expect(sum('rescored')).toBe(1);
    expect(sum('stale')).toBe(1);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^cicd-security refresh \(shard 1\/4\): \d+ scanned, \d+ unchanged, \d+ re-scored, \d+ stale, 0 failed, \d+ without source, \d+ ms$/,
      ),
    );
  });

  it('shares the concurrency limit and the queue with on-demand refreshes', async () => {
    const queue = new ScanQueue(2);
    const { task, scanner } = setup({ concurrency: 2, queue });
    let running = 0;
    let peak = 0;
    let overlaps = 0;
    const active = new Set<string>();
    const scanned: string[] = [];
    const scan = async (name: string, by: string, wait: Promise<unknown>) => {
      if (active.has(name)) overlaps++;
      active.add(name);
      running++;
      peak = Math.max(peak, running);
      scanned.push(`${by}:${name}`);
      await wait;
      running--;
      active.delete(name);
      return { entityRef: name, state: 'ok', action: 'scanned' };
    };
    scanner.scan.mockImplementation(async (entity: Entity) =>
      scan(entity.metadata.name, 'cycle', new Promise(r => setTimeout(r, 1))),
    );
    // A refresh that runs during the whole cycle holds one of the two slots;
    // the cycle leaves its entity alone.
    let release = () => {};
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    queue.enqueue(
      'component:default/svc-5',
      () => scan('svc-5', 'refresh', held),
      () => {},
    );
    expect(queue.statusOf('component:default/svc-5')).toBe('scanning');
    const summaries = await Promise.all(
      [0, 1, 2, 3].map(i => task.runShard(i)),
    );
    release();
    while (queue.size) await new Promise(resolve => setTimeout(resolve, 5));
    expect(peak).toBe(2);
    expect(overlaps).toBe(0);
    expect(scanned.filter(n => n.endsWith(':svc-5'))).toEqual([
      'refresh:svc-5',
    ]);
    const sum = (k: 'scanned' | 'unchanged') =>
      summaries.reduce((n, x) => n + x[k], 0);
    expect(sum('scanned')).toBe(449);
    expect(sum('unchanged')).toBe(1);
  });

  it('re-scores the entities that only need it in one batch per run', async () => {
    const { task, scanner, logger } = setup({ rescore: true });
    const even = (name: string) => Number(name.slice(4)) % 2 === 0;
    scanner.scan.mockImplementation(async (entity: Entity) => {
      const name = entity.metadata.name;
      return {
        entityRef: `component:default/${name}`,
        state: 'ok',
        action: even(name) ? 'needs-rescore' : 'scanned',
      };
    });
    const summary = await task.run();
    expect(summary).toMatchObject({
      scanned: 225,
      rescored: 225,
      unchanged: 0,
      failed: 0,
    });
    expect(scanner.scan).toHaveBeenCalledWith(expect.anything(), {
      incremental: true,
      previous: undefined,
      deferRescore: true,
    });
    expect(scanner.rescore).toHaveBeenCalledTimes(1);
    const refs: string[] = scanner.rescore!.mock.calls[0][0];
    expect(refs).toHaveLength(225);
    expect(new Set(refs)).toEqual(
      new Set(
        Array.from({ length: 225 }, (_, i) => `component:default/svc-${i * 2}`),
      ),
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/: 225 scanned, 0 unchanged, 225 re-scored, /),
    );

    // Per shard: one batch each.
    scanner.rescore!.mockClear();
    await Promise.all([0, 1, 2, 3].map(i => task.runShard(i)));
    expect(scanner.rescore).toHaveBeenCalledTimes(4);
  });

  it('counts a failed batched re-score as failed, for the next run to retry', async () => {
    const { task, scanner, logger } = setup({ rescore: true });
    scanner.scan.mockImplementation(async (entity: Entity) => ({
      entityRef: `component:default/${entity.metadata.name}`,
      state: 'ok',
      action: 'needs-rescore',
    }));
    scanner.rescore!.mockRejectedValue(new Error('database gone'));
    const summary = await task.run();
    expect(summary).toMatchObject({ rescored: 0, failed: 450 });
    expect(logger.error).toHaveBeenCalledWith(
      'Re-scoring 450 unchanged entities failed: database gone',
    );
  });

  it('does not defer re-scores to a scanner that cannot re-score', async () => {
    const { task, scanner } = setup();
    scanner.scan.mockResolvedValue({
      entityRef: 'x',
      state: 'ok',
      action: 'unchanged',
    });
    await task.runShard(0);
    expect(scanner.scan).toHaveBeenCalledWith(expect.anything(), {
      incremental: true,
      previous: undefined,
    });
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
        action: 'scanned',
      };
    });
    const summary = await task.run();
    expect(summary).toMatchObject({ scanned: 448, failed: 2 });
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
