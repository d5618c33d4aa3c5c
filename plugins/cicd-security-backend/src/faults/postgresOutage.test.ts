import { DatabaseManager } from '@backstage/backend-defaults/database';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  builtinChecks,
  CheckRegistry,
} from '@cicd-security/plugin-cicd-security-node';
import fs from 'fs';
import { Knex } from 'knex';
import os from 'os';
import path from 'path';
import { DatabaseScorecardStore } from '../database/DatabaseScorecardStore';
import { EntityScanner } from '../scanner/EntityScanner';
import { ScorecardRefreshTask } from '../scheduler/ScorecardRefreshTask';
import {
  postgresBin,
  PrivatePostgres,
  startPrivatePostgres,
} from '../testing/privatePostgres';
import { halfWrittenScorecards } from '../testing/wholeScorecards';

/*
 * PostgreSQL crashes in the middle of a scan cycle and comes back: the real
 * refresh task, scanner and store, on the real Backstage database service,
 * against a private cluster this test starts (and stops) itself.
 */

jest.setTimeout(60_000);

const COMPONENTS = 30;
const available = !!postgresBin();
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(
    'SKIPPED: the PostgreSQL outage test needs initdb and pg_ctl (Debian package postgresql)',
  );
}
const describeWithPostgres = available ? describe : describe.skip;

function workflow(i: number, steps: number) {
  return [
    'name: ci',
    'on: [push]',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    ...Array.from(
      { length: steps },
      (_, s) => `      - uses: actions/tool-${s}@v1`,
    ),
    `      - run: echo ${i}`,
    '',
  ].join('\n');
}

describeWithPostgres(
  'PostgreSQL stopped and started during a scan cycle',
  () => {
    let pg: PrivatePostgres;
    let knex: Knex;
    let reposDir: string;
    let store: DatabaseScorecardStore;
    const names = Array.from(
      { length: COMPONENTS },
      (_, i) => `svc-${String(i).padStart(2, '0')}`,
    );
    const refOf = (name: string) => `component:default/${name}`;

    const writeRepos = (steps: number) => {
      names.forEach((name, i) => {
        const dir = path.join(reposDir, name, '.github', 'workflows');
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'ci.yml'), workflow(i, steps));
      });
    };

    beforeAll(async () => {
      // knex logs each refused connection to the console: expected here.
      const log = console.log;
      jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        if (!/connection error/i.test(String(args[0]))) log(...args);
      });
      pg = await startPrivatePostgres();
      reposDir = fs.realpathSync(
        fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-pg-outage-')),
      );
      const database = DatabaseManager.fromConfig(
        new ConfigReader({
          backend: {
            database: {
              client: 'pg',
              connection: pg.url,
              prefix: 'cicd_outage_',
            },
          },
        }),
      ).forPlugin('cicd-security', {
        logger: mockServices.logger.mock(),
        lifecycle: mockServices.lifecycle.mock(),
      });
      knex = await database.getClient();
      store = await DatabaseScorecardStore.create({ database });
    });

    afterAll(async () => {
      await knex?.destroy();
      pg?.destroy();
      if (reposDir) fs.rmSync(reposDir, { recursive: true, force: true });
    });

    it('fails the writes during the outage cleanly, recovers without a restart and never half-writes a scorecard', async () => {
      const logger = mockServices.logger.mock();
      const real = new EntityScanner({
        store,
        registry: new CheckRegistry(builtinChecks),
        logger,
        localRoots: [reposDir],
      });
      /** Called before each scan of the cycle, with its number (1, 2, …). */
      let beforeScan: (n: number) => Promise<void> = async () => {};
      let scans = 0;
      const scanner: Pick<EntityScanner, 'scan'> = {
        scan: async (entity, options) => {
          await beforeScan(++scans);
          return real.scan(entity, options);
        },
      };
      const entities: Entity[] = names.map(name => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name,
          annotations: {
            'backstage.io/source-location': `dir:${path.join(reposDir, name)}`,
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
      }));
      const task = new ScorecardRefreshTask({
        config: new ConfigReader({}),
        scheduler: mockServices.scheduler.mock(),
        logger,
        store,
        scanner,
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        concurrency: 4,
      });
      const findingsOf = async (name: string) =>
        (await store.getScorecard(refOf(name)))!.checks.find(
          c => c.checkId === 'unpinned-actions',
        )!.findings.length;

      // Cycle 1: the baseline, two unpinned actions per repository.
      writeRepos(2);
      expect(await task.run()).toMatchObject({
        scanned: COMPONENTS,
        failed: 0,
      });
      const baseline = new Map(
        (
          (await knex('cicd_security_scorecards').select(
            'entity_ref',
            'revision',
            'score',
            'counts',
          )) as Array<{ entity_ref: string; revision: string }>
        ).map(r => [r.entity_ref, r]),
      );
      expect(baseline.size).toBe(COMPONENTS);

      // Cycle 2: every repository changed (three unpinned actions); the
      // server crashes after a third of the scans started and is back after
      // two thirds.
      writeRepos(3);
      let outage = { from: 0, to: 0 };
      scans = 0;
      let stopped: Promise<void> | undefined;
      let restarted: Promise<void> | undefined;
      beforeScan = async n => {
        if (n === 10) {
          outage.from = Date.now();
          stopped = pg.stop('immediate');
          await stopped;
        } else if (n > 10 && n < 20) {
          await stopped;
        } else if (n >= 20) {
          restarted ??= pg.start().then(() => {
            outage.to = Date.now();
          });
          await restarted;
        }
      };
      const started = Date.now();
      const second = await task.run();
      const elapsed = Date.now() - started;
      beforeScan = async () => {};
      expect(outage.to).toBeGreaterThan(0);
      // The writes during the outage failed (and were counted), the others
      // were saved; the cycle ended by itself, without waiting for timeouts.
      expect(second.failed).toBeGreaterThanOrEqual(5);
      expect(second.scanned).toBeGreaterThanOrEqual(5);
      expect(second.scanned + second.failed).toBe(COMPONENTS);
      // Wall-clock on purpose (a fault test on a real PostgreSQL server):
      // a cycle that hung on the dead connections would run into the
      // driver's timeouts; the bound is generous for a shared machine.
      expect(elapsed).toBeLessThan(30_000);
      // eslint-disable-next-line no-console
      console.info(
        `PostgreSQL down for ${
          outage.to - outage.from
        } ms during a cycle of ${elapsed} ms: ${second.scanned} saved, ${
          second.failed
        } failed cleanly`,
      );
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringMatching(/Could not save the scan of component:default\//),
      );

      // Every scorecard is either the old one or the new one, whole.
      expect(await halfWrittenScorecards(knex)).toEqual([]);
      const rows = (await knex('cicd_security_scorecards').select(
        'entity_ref',
        'revision',
        'score',
        'counts',
      )) as Array<{ entity_ref: string; revision: string }>;
      expect(rows).toHaveLength(COMPONENTS);
      let kept = 0;
      for (const row of rows) {
        const old = baseline.get(row.entity_ref)!;
        const findings = await findingsOf(row.entity_ref.split('/')[1]);
        if (row.revision === old.revision) {
          kept++;
          expect({ ref: row.entity_ref, findings, row }).toEqual({
            ref: row.entity_ref,
            findings: 2,
            row: old,
          });
        } else {
          expect({ ref: row.entity_ref, findings }).toEqual({
            ref: row.entity_ref,
            findings: 3,
          });
        }
      }
      expect(kept).toBe(second.failed);

      // Cycle 3, same knex instance, no restart: everything catches up.
      const third = await task.run();
      expect(third).toMatchObject({ failed: 0 });
      expect(third.scanned).toBe(second.failed);
      for (const name of names) expect(await findingsOf(name)).toBe(3);
      expect(await halfWrittenScorecards(knex)).toEqual([]);

      // A cycle that starts while the database is down fails at once with
      // the reason, and the next one works again.
      await pg.stop('immediate');
      try {
        const down = Date.now();
        await expect(task.run()).rejects.toThrow(
          /cicd-security could not read the store/,
        );
        // Fails fast rather than waiting on connection timeouts (generous
        // bound, real server).
        expect(Date.now() - down).toBeLessThan(15_000);
      } finally {
        await pg.start();
      }
      expect(await task.run()).toMatchObject({
        failed: 0,
        unchanged: COMPONENTS,
      });
      outage = { from: 0, to: 0 };
    });
  },
);
