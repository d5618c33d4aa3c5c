/*
 * OSV API request benchmark: 1,000 generated repositories whose lockfiles
 * share most of their dependencies are scanned by open-vulnerable-dependencies
 * with the OSV module's advisory database (cache in SQLite, as in the
 * plugin's database) against a fake OSV API on 127.0.0.1, four components at
 * a time as the scheduler does. Prints the querybatch requests, the package
 * versions they asked, the record fetches, the distinct package versions of
 * the inventories and the ratio asked / distinct (goal: 1, each distinct
 * package version asked once per TTL), then scans everything again within
 * the TTL (goal: no request). Exits 1 if a package version is asked twice
 * or a second pass makes a request.
 *
 *   node bench/run.js osv-requests [--repos 1000] [--concurrency 4]
 */
import {
  createOpenVulnerableDependenciesCheck,
  InMemorySnapshot,
} from '@cicd-security/plugin-cicd-security-node';
import knexFactory from 'knex';
import { OsvApiClient } from '../plugins/cicd-security-backend-module-osv/src/api/OsvApiClient';
import {
  DatabaseOsvCache,
  migrateOsvCache,
} from '../plugins/cicd-security-backend-module-osv/src/cache/DatabaseOsvCache';
import { OsvApiAdvisoryDatabase } from '../plugins/cicd-security-backend-module-osv/src/OsvApiAdvisoryDatabase';
import {
  FakeOsv,
  FakeOsvRecord,
} from '../plugins/cicd-security-backend-module-osv/src/testing/fakeOsv';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const REPOS = arg('repos', 1000);
const CONCURRENCY = arg('concurrency', 4);
/** Packages every repository may pin; each pins most of them. */
const SHARED = 300;
const OWN = 5;

/** A deterministic pseudo-random sequence (LCG), so every run scans the same repositories. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function lockfile(rnd: () => number, repo: number): string {
  const packages: Record<string, { version: string }> = {};
  for (let p = 0; p < SHARED; p++) {
    if (rnd() < 0.15) continue; // most, not all
    // Most pin the common version; some an older or a newer one.
    const r = rnd();
    const patch = r < 0.8 ? 4 : r < 0.9 ? 3 : 5;
    packages[`node_modules/shared-${p}`] = { version: `1.${p % 7}.${patch}` };
  }
  for (let p = 0; p < OWN; p++) {
    packages[`node_modules/repo-${repo}-lib-${p}`] = { version: '0.1.0' };
  }
  return JSON.stringify({
    name: `repo-${repo}`,
    lockfileVersion: 3,
    packages: { '': { name: `repo-${repo}` }, ...packages },
  });
}

/** One record for every tenth shared package: versions below x.y.4 affected. */
function records(): FakeOsvRecord[] {
  const out: FakeOsvRecord[] = [];
  for (let p = 0; p < SHARED; p += 10) {
    out.push({
      schema_version: '1.6.0',
      id: `GHSA-bnch-${String(p).padStart(4, '0')}-0001`,
      modified: '2026-01-01T00:00:00Z',
      summary: `Benchmark vulnerability in shared-${p}`,
      database_specific: { severity: p % 20 === 0 ? 'HIGH' : 'MODERATE' },
      affected: [
        {
          package: { ecosystem: 'npm', name: `shared-${p}` },
          ranges: [
            {
              type: 'SEMVER',
              events: [{ introduced: '0' }, { fixed: `1.${p % 7}.4` }],
            },
          ],
        },
      ],
    });
  }
  return out;
}

async function scanAll(
  check: ReturnType<typeof createOpenVulnerableDependenciesCheck>,
  files: string[],
) {
  const statuses: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < files.length) {
        const i = next++;
        const out = await check.run(
          new InMemorySnapshot({ 'package-lock.json': files[i] }),
        );
        statuses[out.status] = (statuses[out.status] ?? 0) + 1;
      }
    }),
  );
  return statuses;
}

async function main() {
  const osv = new FakeOsv().add(...records());
  await osv.start();
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  try {
    await migrateOsvCache(knex);
    const client = new OsvApiClient({
      baseUrl: osv.baseUrl,
      timeoutMs: 15_000,
      retries: 3,
      concurrency: 4,
      maxRetryWaitMs: 60_000,
    });
    const database = new OsvApiAdvisoryDatabase({
      client,
      cache: new DatabaseOsvCache(knex),
      ttlMs: 24 * 3_600_000,
    });
    const check = createOpenVulnerableDependenciesCheck({ database });

    const rnd = random(42);
    const files = Array.from({ length: REPOS }, (_, i) => lockfile(rnd, i));
    const distinct = new Set<string>();
    let pinned = 0;
    for (const f of files) {
      for (const [p, { version }] of Object.entries(
        JSON.parse(f).packages as Record<string, { version?: string }>,
      )) {
        if (!p) continue;
        pinned++;
        distinct.add(`npm ${p.slice('node_modules/'.length)}@${version}`);
      }
    }

    const t0 = Date.now();
    const statuses = await scanAll(check, files);
    const ms = Date.now() - t0;
    const queried = osv.queried();
    const counts = new Map<string, number>();
    for (const q of queried) counts.set(q, (counts.get(q) ?? 0) + 1);
    const twice = [...counts].filter(([, n]) => n > 1);
    const fetches = osv.vulnFetches();

    console.log(
      `osv-requests: ${REPOS} repositories, ${pinned.toLocaleString(
        'en-US',
      )} pinned packages, ${
        distinct.size
      } distinct package@versions, ${CONCURRENCY} scans at a time`,
    );
    console.log(`  first pass (${(ms / 1000).toFixed(1)} s):`);
    console.log(
      `    querybatch requests         ${client.stats.querybatchRequests}`,
    );
    console.log(`    package@versions asked      ${queried.length}`);
    console.log(`    distinct package@versions   ${distinct.size}`);
    console.log(
      `    asked / distinct            ${(
        queried.length / distinct.size
      ).toFixed(3)} (goal 1.000)`,
    );
    console.log(
      `    vuln record fetches         ${fetches.length} (${
        new Set(fetches).size
      } distinct records)`,
    );
    console.log(`    retries                     ${client.stats.retries}`);
    console.log(`    check results               ${JSON.stringify(statuses)}`);

    osv.reset();
    const t1 = Date.now();
    const again = await scanAll(check, files);
    console.log(
      `  second pass within the TTL (${((Date.now() - t1) / 1000).toFixed(
        1,
      )} s): ${osv.requests.length} requests; check results ${JSON.stringify(
        again,
      )}`,
    );

    let failed = false;
    if (twice.length) {
      console.log(
        `FAIL: ${
          twice.length
        } package@versions asked more than once, e.g. ${twice
          .slice(0, 3)
          .map(([q, n]) => `${q} (${n}×)`)
          .join(', ')}`,
      );
      failed = true;
    }
    if (queried.length !== distinct.size) {
      console.log(
        `FAIL: ${queried.length} package@versions asked for ${distinct.size} distinct`,
      );
      failed = true;
    }
    if (osv.requests.length > 0) {
      console.log('FAIL: the second pass within the TTL made requests');
      failed = true;
    }
    if (new Set(fetches).size !== fetches.length) {
      console.log('FAIL: a record was fetched twice');
      failed = true;
    }
    if (failed) process.exitCode = 1;
  } finally {
    await knex.destroy();
    await osv.stop();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
