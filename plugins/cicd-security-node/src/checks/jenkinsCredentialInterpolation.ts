import { getJenkinsfiles } from '../parsers/jenkinsfile';
import { exampleReason } from '../secrets';
import { CheckFinding, createScorecardCheck, outcome } from './types';

const SECRET_NAME_RE =
  /(pass(word|wd)?|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential)s?$|^(pass(word)?|secret|token)/i;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A literal that looks like a real value, not a placeholder or an expression. */
function literalSecret(value: string): boolean {
  const v = value.trim();
  if (v.length < 6) return false;
  if (
    /^(changeme|change-me|dummy|example|placeholder|xxx+|\*+|none|null|true|false)$/i.test(
      v,
    )
  )
    return false;
  if (/\s/.test(v) && v.length > 60) return false;
  return true;
}

/**
 * Groovy expands `"${TOKEN}"` before the shell runs: the secret becomes part
 * of the command line, visible in process listings, and Jenkins' masking can
 * miss it in transformed form. Single quotes let the shell read it from the
 * environment instead.
 */
export const jenkinsCredentialInterpolation = createScorecardCheck({
  id: 'jenkins-credential-interpolation',
  title: 'Jenkins credentials not Groovy-interpolated',
  description:
    'Shell steps read credentials from the environment (single-quoted `$VAR`) instead of Groovy-interpolating them into the command line, and the `environment {}` block holds no literal secrets.',
  category: 'secrets-management',
  severity: 'high',
  platforms: ['jenkins'],
  // A literal secret in `environment {}`: the same secret hardcoded-secrets finds.
  sameProblemAs: ['hardcoded-secrets'],
  remediationUrl:
    'https://www.jenkins.io/doc/book/pipeline/jenkinsfile/#string-interpolation',
  run(snapshot) {
    const files = getJenkinsfiles(snapshot);
    if (!files.length) return outcome.notApplicable('no Jenkinsfile');
    const findings: CheckFinding[] = [];
    let total = 0;
    let examples = 0;
    for (const jf of files) {
      const names = [
        ...new Set(jf.credentialVariables.map(v => v.name)),
      ].filter(n => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
      for (const st of jf.shellSteps) {
        const text = st.script.value;
        if (!names.length) continue;
        const usesAny = names.some(n =>
          new RegExp(`\\b${escapeRe(n)}\\b`).test(text),
        );
        if (!usesAny) continue;
        total++;
        if (st.script.quote !== '"' && st.script.quote !== '"""') continue;
        const re = new RegExp(
          `(\\\\*)\\$(?:\\{\\s*(?:env\\.)?(${names
            .map(escapeRe)
            .join('|')})\\s*\\}|(?:env\\.)?(${names
            .map(escapeRe)
            .join('|')})\\b)`,
          'g',
        );
        for (let m = re.exec(text); m; m = re.exec(text)) {
          // `\$TOKEN` leaves the expansion to the shell.
          if (m[1].length % 2 === 1) continue;
          const name = m[2] ?? m[3];
          const start = m.index + m[1].length;
          const len = m[0].length - m[1].length;
          const r = jf.lines.range(st.script.offset + start, len);
          findings.push({
            message: `credential variable ${name} is interpolated by Groovy into a double-quoted ${st.step} script; the secret lands on the command line`,
            file: jf.path,
            ...r,
            snippet: jf.lines.lineText(r.line).trim(),
            fingerprintKey: `${st.step}:${name}`,
            suggestedFix: {
              description: `Let the shell expand the variable: escape the dollar sign (\\$${name}) or use a single-quoted script`,
              replacement: `\\$${name}`,
            },
          });
        }
      }
      for (const e of jf.environment) {
        if (!e.value || e.credentialsId) continue;
        if (!SECRET_NAME_RE.test(e.name)) continue;
        total++;
        if (e.value.interpolated || !literalSecret(e.value.value)) continue;
        const r = e.value.range;
        const line = jf.lines.lineText(r.line).trim();
        const example = exampleReason(e.value.value.trim());
        if (example) examples++;
        findings.push({
          message: example
            ? `environment variable ${e.name} holds a literal that looks like a documentation example value (${example}); reported at low severity: confirm it is not real`
            : `environment variable ${e.name} holds a literal secret in the Jenkinsfile`,
          ...(example ? { severity: 'low' as const } : {}),
          file: jf.path,
          ...r,
          snippet: line.split(e.value.value).join('****'),
          fingerprintKey: `env:${e.name}`,
          suggestedFix: {
            description:
              'Store the value as a Jenkins credential, rotate it, and bind it with credentials()',
            replacement: `${e.name} = credentials('${e.name
              .toLowerCase()
              .replace(/_/g, '-')}')`,
          },
        });
      }
    }
    if (!total)
      return outcome.notApplicable(
        'no shell step uses a bound credential and no secret-named environment entry',
      );
    // Documentation example values are seen, at low severity, but do not fail the check.
    const bad = findings.length - examples;
    if (!bad && findings.length) {
      return outcome.warn(
        0.25 * examples,
        findings,
        'only documentation example values',
      );
    }
    return outcome.proportional(total, findings, bad);
  },
});
