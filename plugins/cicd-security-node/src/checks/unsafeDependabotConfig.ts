import { getKeyNode, getNode, parseYaml, seqItems } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome } from './types';

const PATHS = ['.github/dependabot.yml', '.github/dependabot.yaml'];
/** Cooldown shorter than this leaves little time for a compromised release to be noticed and pulled. */
const MIN_COOLDOWN_DAYS = 7;
/** Ecosystems Dependabot does not (yet) support `cooldown` for. */
const NO_COOLDOWN = new Set(['opentofu']);

/**
 * Dependabot updates run package managers on new releases as soon as they
 * appear; `insecure-external-code-execution: allow` lets those releases run
 * code with Dependabot's credentials, and without a cooldown a freshly
 * published (possibly malicious) version is proposed within hours.
 */
export const unsafeDependabotConfig = createScorecardCheck({
  id: 'unsafe-dependabot-config',
  title: 'Dependabot config is safe',
  description:
    'Dependabot update entries do not allow insecure external code execution and wait a cooldown period (at least 7 days) before proposing a new release.',
  category: 'third-party-software',
  severity: 'medium',
  platforms: ['repository'],
  frameworks: [
    { framework: 'zizmor', control: 'dependabot-execution' },
    { framework: 'zizmor', control: 'dependabot-cooldown' },
  ],
  remediationUrl:
    'https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference#cooldown-',
  run(snapshot) {
    const path = PATHS.find(p => snapshot.exists(p));
    if (!path) return outcome.notApplicable('no .github/dependabot.yml');
    const text = snapshot.read(path);
    if (text === undefined)
      return outcome.inconclusive(`${path} could not be read`);
    const { file, problems } = parseYaml(path, text);
    snapshot.problems.push(...problems);
    const root = file?.root();
    if (!file || !root)
      return outcome.inconclusive(`${path} is not valid YAML`);
    const updates = seqItems(getNode(root, 'updates'));
    if (!updates.length)
      return outcome.notApplicable(`${path} has no updates: entries`);
    const findings: CheckFinding[] = [];
    let total = 0;
    let bad = 0;
    for (const entry of updates) {
      const eco = file.located(getNode(entry, 'package-ecosystem'));
      const dir =
        file.located(getNode(entry, 'directory'))?.value ??
        String(file.located(getNode(entry, 'directories'))?.value ?? '');
      const name = `${eco?.value ?? 'update'}${dir ? ` (${dir})` : ''}`;
      const anchor = eco ?? { value: name, range: file.rangeOf(entry) };
      total += 1;
      let entryBad = false;
      const exec = file.located(
        getNode(entry, 'insecure-external-code-execution'),
      );
      if (exec && String(exec.value).toLowerCase() === 'allow') {
        entryBad = true;
        findings.push({
          message: `The ${name} update allows insecure-external-code-execution: the package manager may run code from the updated dependencies with Dependabot's registry credentials`,
          file: path,
          ...exec.range,
          snippet: file.lineText(exec.range.line).trim(),
          severity: 'high',
          fingerprintKey: `exec:${name}`,
          suggestedFix: {
            description: 'Remove the option (the default is deny)',
            replacement: 'insecure-external-code-execution: deny',
          },
        });
      }
      if (!NO_COOLDOWN.has(String(eco?.value ?? '').toLowerCase())) {
        const cooldown = getNode(entry, 'cooldown');
        const daysNode = file.located(getNode(cooldown, 'default-days'));
        const days = daysNode ? Number(daysNode.value) : undefined;
        const cooldownKey = file.located(getKeyNode(entry, 'cooldown'));
        if (!cooldown || days === undefined || !(days >= MIN_COOLDOWN_DAYS)) {
          entryBad = true;
          const at = daysNode ?? (cooldown ? cooldownKey : undefined) ?? anchor;
          findings.push({
            message: !cooldown
              ? `The ${name} update has no cooldown: a release published minutes ago (possibly by an attacker) is proposed at once`
              : days === undefined
              ? `The ${name} update's cooldown sets no default-days, so most releases are proposed at once`
              : `The ${name} update's cooldown of ${
                  daysNode!.value
                } day(s) is shorter than ${MIN_COOLDOWN_DAYS}`,
            file: path,
            line: at.range.line,
            column: at.range.column,
            endLine: at.range.endLine,
            endColumn: at.range.endColumn,
            snippet: file.lineText(at.range.line).trim(),
            fingerprintKey: `cooldown:${name}`,
            suggestedFix: {
              description: `Wait ${MIN_COOLDOWN_DAYS} days before proposing a new release`,
              replacement: `cooldown:\n  default-days: ${MIN_COOLDOWN_DAYS}`,
            },
          });
        }
      }
      if (entryBad) bad += 1;
    }
    if (total === 0)
      return outcome.notApplicable(`${path} has no updates: entries`);
    return outcome.proportional(total, findings, bad);
  },
});
