import type { InventoryPackage } from '../parsers/lockfiles';
import type { OsvRecord } from './osvSchema';
import { isVersionEcosystem } from './versions';
import {
  lookupPackage,
  OsvIndex,
  PackageLookup,
  readOsvDirectory,
  ReadOsvOptions,
} from './osvDirectory';

/**
 * Where the known vulnerabilities of packages come from: a directory of OSV
 * records read locally (air-gapped installs, the CLI's `--osv-dir`), or an
 * OSV API client with a shared cache (a backend module). Checks ask it for
 * every package of an inventory at once.
 */
export interface AdvisoryDatabase {
  /** What the data is, for reasons and logs: `OSV directory /srv/osv (1,234 records)`. */
  readonly description: string;
  /** One lookup per package, in the order given. */
  lookup(packages: readonly InventoryPackage[]): Promise<PackageLookup[]>;
  /**
   * Every record about a package, whatever its version: for checks with
   * their own reading of versions (GitHub Actions' moving tags). Optional:
   * a database that cannot list them leaves those checks to their own data.
   */
  recordsFor?(ecosystem: string, name: string): Promise<OsvRecord[]>;
}

/** An advisory database over OSV records already indexed in memory. */
export function osvIndexDatabase(
  index: OsvIndex,
  description: string,
): AdvisoryDatabase {
  return {
    description,
    async lookup(packages) {
      return packages.map(pkg => lookupPackage(index, pkg));
    },
    async recordsFor(ecosystem, name) {
      return isVersionEcosystem(ecosystem)
        ? index.recordsFor(ecosystem, name)
        : [];
    },
  };
}

/**
 * Read a directory of OSV records (one record per `.json` file, nested
 * folders allowed) into an advisory database. Files that cannot be read are
 * returned as `problems` (path and reason); they never stop the others. A
 * directory without any readable record is an error.
 */
export async function openOsvDirectory(
  dir: string,
  options?: ReadOsvOptions,
): Promise<{
  database: AdvisoryDatabase;
  problems: OsvIndex['problems'];
  records: number;
}> {
  const index = await readOsvDirectory(dir, options);
  if (index.size === 0) {
    // An empty or unreadable directory would make every dependency look safe.
    const first = index.problems[0];
    throw new Error(
      `no OSV record could be read${
        first ? ` (${first.file}: ${first.message})` : ''
      }`,
    );
  }
  return {
    database: osvIndexDatabase(
      index,
      `OSV directory ${dir} (${index.size.toLocaleString('en-US')} record${
        index.size === 1 ? '' : 's'
      })`,
    ),
    problems: index.problems,
    records: index.size,
  };
}
