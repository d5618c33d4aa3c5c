import { MAX_MATCHES_PER_FILE, scanSnapshotSecrets } from '../secrets';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/**
 * A credential committed to a CI configuration, Dockerfile or config file is
 * readable by everyone with read access to the repository and stays in its
 * history after it is deleted.
 */
export const hardcodedSecrets = createScorecardCheck({
  id: 'hardcoded-secrets',
  title: 'No hardcoded secrets in repo/CI files',
  description:
    'CI configurations, Dockerfiles, .env, .npmrc, settings.xml and other config and script files hold no literal credentials: provider tokens, private keys, passwords in connection strings or random-looking values assigned to secret-like names.',
  category: 'secrets-management',
  severity: 'critical',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
    'dockerfile',
    'shell',
    'repository',
  ],
  frameworks: [
    { framework: 'zizmor', control: 'hardcoded-container-credentials' },
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/secret-scanning/introduction/about-secret-scanning',
  run(snapshot) {
    const { files, matches, omitted } = scanSnapshotSecrets(snapshot);
    if (files === 0)
      return outcome.notApplicable('no configuration or script files to scan');
    const findings: CheckFinding[] = matches.map(m => {
      const where = {
        file: m.file,
        line: m.line,
        column: m.column,
        endLine: m.endLine,
        endColumn: m.endColumn,
        snippet: m.snippet,
        fingerprintKey: `${m.ruleId}:${m.hash}`,
      };
      const what = `${m.title} ${m.redacted}${
        m.name ? ` assigned to ${m.name}` : ''
      } is hardcoded in ${m.file}`;
      if (m.example) {
        // The value itself says it is a stand-in: low, with the reason.
        return {
          ...where,
          message: `${what}; it looks like a documentation example value (${
            m.exampleReason ?? 'a placeholder value'
          }), so it is reported at low severity: confirm it is not a real credential`,
          severity: 'low',
          suggestedFix: {
            description:
              'Confirm the value is not a real credential (the provider does not accept it). If it is real, rotate it and inject it at run time from the CI platform secret store; if it is a stand-in, prefer a reference such as `${{ secrets.NAME }}` so that nobody replaces it with a real value in place.',
          },
        };
      }
      return {
        ...where,
        message: `${what}; revoke it if it is real and read it from the CI secret store instead`,
        severity: m.severity,
        suggestedFix: {
          description:
            'Rotate the credential, remove it from the file and inject it at run time from the CI platform secret store (e.g. `${{ secrets.NAME }}`, masked GitLab variables, Jenkins credentials).',
        },
      };
    });
    // Past 100 secrets in one file, one finding says how many more there are.
    // Those were not looked at as examples: they count as real secrets.
    for (const o of omitted) {
      const worst = matches.some(
        m => m.file === o.file && m.severity === 'critical',
      )
        ? 'critical'
        : 'high';
      findings.push({
        message: `${o.count} more secret${o.count === 1 ? '' : 's'} in ${
          o.file
        } ${
          o.count === 1 ? 'was' : 'were'
        } not listed (at most ${MAX_MATCHES_PER_FILE} are listed per file); treat the whole file as compromised`,
        file: o.file,
        severity: worst,
        fingerprintKey: `omitted:${o.file}`,
        suggestedFix: {
          description:
            'Rotate every credential in the file, remove the file from the repository and inject the values at run time from the CI platform secret store.',
        },
      });
    }
    if (findings.length === 0) {
      return outcome.pass(
        `no secrets in ${files} scanned file${files === 1 ? '' : 's'}`,
      );
    }
    const examples = matches.filter(m => m.example).length;
    const real =
      matches.length - examples + omitted.reduce((n, o) => n + o.count, 0);
    const fileCount = (list: Array<{ file: string }>) => {
      const n = new Set(list.map(m => m.file)).size;
      return `${n} file(s)`;
    };
    // Each documentation example value costs a quarter of a point.
    const exampleCost = 0.25 * examples;
    if (real === 0) {
      // Only example values: a warning, never below 5.
      return outcome.warn(
        exampleCost,
        findings,
        `${examples} documentation example value${
          examples === 1 ? '' : 's'
        } in ${fileCount(
          matches,
        )}, reported at low severity; no real-looking secret`,
      );
    }
    const critical = findings.some(f => f.severity === 'critical');
    const score = critical ? 0 : Math.max(0, 10 - 2.5 * real - exampleCost);
    return outcome.fail(
      score,
      findings,
      `${real} hardcoded secret${real === 1 ? '' : 's'} in ${fileCount([
        ...matches.filter(m => !m.example),
        ...omitted,
      ])}${
        examples
          ? `, and ${examples} documentation example value${
              examples === 1 ? '' : 's'
            } reported at low severity`
          : ''
      }`,
    );
  },
});
