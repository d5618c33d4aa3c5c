import { buildSarif } from '@cicd-security/plugin-cicd-security-node';
import { Report } from '../report';
import { readGuide } from '../guides';

/**
 * SARIF 2.1.0 of a CLI report. The builder lives in the node package so the
 * portal's SARIF export has the very same shape.
 */
export function formatSarif(report: Report, docsBase: string): object {
  return buildSarif({
    version: report.version,
    docsBase,
    checks: report.checks,
    targets: report.targets,
    readGuide,
  });
}
