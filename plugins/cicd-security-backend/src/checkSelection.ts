import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AdvisoryDatabase,
  builtinChecks,
  CheckRegistry,
  withAdvisoryData,
  openOsvDirectory,
  ScorecardCheck,
} from '@cicd-security/plugin-cicd-security-node';
import path from 'path';

/**
 * The checks the plugin runs: the built-in checks and those added by
 * modules, less the ones disabled in `cicdSecurity.checks`. Disabled ids that
 * name no check are reported with a warning and otherwise ignored.
 */
export function selectChecks(options: {
  /** Checks added through the checks extension point. */
  extensionChecks: ScorecardCheck[];
  /** Check ids disabled in the configuration. */
  disabledChecks: string[];
  logger: Pick<LoggerService, 'warn'>;
  /** The built-in checks (tests replace them). */
  builtins?: ScorecardCheck[];
}): CheckRegistry {
  const { disabledChecks, logger } = options;
  const allChecks = new CheckRegistry([
    ...(options.builtins ?? builtinChecks),
    ...options.extensionChecks,
  ]);
  const unknown = disabledChecks.filter(id => !allChecks.get(id));
  if (unknown.length) {
    logger.warn(
      `cicdSecurity.checks names unknown checks: ${unknown.join(', ')}`,
    );
  }
  return allChecks.select({
    skip: disabledChecks.filter(id => allChecks.get(id)),
  });
}

/**
 * The built-in checks, with open-vulnerable-dependencies reading the OSV
 * records of `directory` (`cicdSecurity.osv.directory`) when one is set.
 * Records that cannot be read are logged and skipped; a directory that
 * cannot be read at all leaves the check without advisory data (it then
 * says so on every component), and never stops the plugin.
 */
export async function builtinsWithAdvisories(
  directory: string | undefined,
  logger: Pick<LoggerService, 'warn' | 'info'>,
  builtins: ScorecardCheck[] = builtinChecks,
): Promise<ScorecardCheck[]> {
  if (!directory) return builtins;
  const dir = path.resolve(directory);
  try {
    const { database, problems, records } = await openOsvDirectory(dir);
    for (const p of problems.slice(0, 20)) {
      logger.warn(`OSV record ${p.file} skipped: ${p.message}`);
    }
    if (problems.length > 20) {
      logger.warn(`${problems.length - 20} more OSV records skipped`);
    }
    logger.info(
      `open-vulnerable-dependencies reads ${records} OSV records from ${dir}`,
    );
    return withAdvisoryData(builtins, database);
  } catch (e) {
    logger.warn(
      `cicdSecurity.osv.directory ${dir} could not be read: ${
        (e as Error).message
      }; open-vulnerable-dependencies has no advisory data`,
    );
    return builtins;
  }
}

/**
 * The built-in checks, with open-vulnerable-dependencies reading the
 * advisory database a module set through the advisories extension point
 * when there is one (it wins over `cicdSecurity.osv.directory`, which is
 * then ignored with a warning), else as {@link builtinsWithAdvisories}.
 * Logs which data the check reads.
 */
export async function builtinsWithAdvisoryData(options: {
  /** `cicdSecurity.osv.directory`. */
  directory: string | undefined;
  /** The database a module set, if one did. */
  database: AdvisoryDatabase | undefined;
  logger: Pick<LoggerService, 'warn' | 'info'>;
  builtins?: ScorecardCheck[];
}): Promise<ScorecardCheck[]> {
  const { directory, database, logger, builtins = builtinChecks } = options;
  if (!database) return builtinsWithAdvisories(directory, logger, builtins);
  if (directory) {
    logger.warn(
      `cicdSecurity.osv.directory ${directory} is ignored: a module supplies the advisory data (${database.description})`,
    );
  }
  logger.info(
    `open-vulnerable-dependencies and known-vulnerable-actions read ${database.description}`,
  );
  return withAdvisoryData(builtins, database);
}
