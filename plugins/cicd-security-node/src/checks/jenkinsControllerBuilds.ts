import { getJenkinsfiles } from '../parsers/jenkinsfile';
import { CheckFinding, createScorecardCheck, outcome } from './types';

const CONTROLLER_LABELS = new Set(['built-in', 'master', 'built-in-node']);

/**
 * A build on the controller runs with access to the controller's file
 * system: every credential, job configuration and the secrets that encrypt
 * them. `agent any` and an unlabelled `node {}` may land there.
 */
export const jenkinsControllerBuilds = createScorecardCheck({
  id: 'jenkins-controller-builds',
  title: 'Jenkins builds do not run on the controller',
  description:
    'Jenkinsfiles ask for a labelled agent (or a container agent) rather than `agent any`, an unlabelled `node {}` or the built-in node, so builds cannot run on the Jenkins controller.',
  category: 'third-party-software',
  severity: 'medium',
  platforms: ['jenkins'],
  remediationUrl:
    'https://www.jenkins.io/doc/book/security/controller-isolation/',
  run(snapshot) {
    const files = getJenkinsfiles(snapshot);
    if (!files.length) return outcome.notApplicable('no Jenkinsfile');
    const findings: CheckFinding[] = [];
    let total = 0;
    for (const jf of files) {
      for (const agent of jf.agents) {
        if (agent.kind === 'none') continue;
        total++;
        const label = agent.label?.trim();
        let problem: string | undefined;
        if (agent.kind === 'any')
          problem =
            '`agent any` lets the build run on any node, the controller included';
        else if ((agent.kind === 'node' || agent.kind === 'label') && !label)
          problem = `\`${
            agent.kind === 'node' ? 'node' : 'agent { label }'
          }\` without a label lets the build run on any node, the controller included`;
        else if (label && CONTROLLER_LABELS.has(label.toLowerCase()))
          problem = `label '${label}' is the Jenkins controller's built-in node`;
        if (!problem) continue;
        const r = agent.range;
        findings.push({
          message: problem,
          file: jf.path,
          line: r.line,
          column: r.column,
          endLine: r.endLine,
          endColumn: r.endColumn,
          snippet: jf.lines.lineText(r.line).trim(),
          fingerprintKey: `${agent.kind}:${label ?? ''}`,
          suggestedFix: {
            description:
              'Run the build on a labelled agent (or a container agent) and set the built-in node to 0 executors',
            replacement:
              agent.kind === 'node' &&
              !/^\s*agent/.test(jf.lines.lineText(r.line))
                ? "node('linux')"
                : "agent { label 'linux' }",
          },
        });
      }
    }
    if (!total)
      return outcome.notApplicable(
        'no agent or node declaration in the Jenkinsfiles',
      );
    return outcome.proportional(total, findings);
  },
});
