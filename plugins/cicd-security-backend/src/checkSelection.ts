import { LoggerService } from '@backstage/backend-plugin-api';
import {
  builtinChecks,
  CheckRegistry,
  ScorecardCheck,
} from '@cicd-security/plugin-cicd-security-node';

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
