import { isMap, isSeq } from 'yaml';
import { getWorkflows } from '../parsers/githubActions';
import { getGitlabCi } from '../parsers/gitlabCi';
import { getCircleciConfigs } from '../parsers/circleci';
import { getNode, LocatedString, mapEntries, YamlFile } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** A value that comes from a secret store or variable rather than the file. */
function isReference(value: string): boolean {
  return /\$\{\{|\$\{?[A-Za-z_]|<<\s*(pipeline\.)?parameters\.|\$\(/.test(
    value,
  );
}

function redactedLine(file: YamlFile, loc: LocatedString): string {
  const line = file.lineText(loc.range.line).trim();
  return loc.value.length >= 4 ? line.split(loc.value).join('****') : line;
}

/**
 * A registry password written in a pipeline file is readable by everyone who
 * can read the repository, forever (git history), and cannot be rotated
 * without a commit.
 */
export const hardcodedRegistryCredentials = createScorecardCheck({
  id: 'hardcoded-registry-credentials',
  title: 'No literal container/service registry credentials',
  description:
    'Registry credentials for job containers and services (GitHub Actions `credentials.password`, GitLab `DOCKER_AUTH_CONFIG`, CircleCI `auth.password`) come from secrets, not literal values in the pipeline file.',
  category: 'secrets-management',
  severity: 'high',
  platforms: ['github-actions', 'gitlab-ci', 'circleci'],
  frameworks: [
    { framework: 'zizmor', control: 'hardcoded-container-credentials' },
  ],
  // A registry password or token in a file: the same secret hardcoded-secrets finds.
  sameProblemAs: ['hardcoded-secrets'],
  remediationUrl:
    'https://docs.github.com/en/actions/using-workflows/workflow-syntax-for-github-actions#jobsjob_idcontainercredentials',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let total = 0;
    const judge = (
      file: YamlFile,
      loc: LocatedString | undefined,
      what: string,
      key: string,
      fix: string,
    ) => {
      if (!loc) return;
      total++;
      if (isReference(loc.value) || !loc.value.trim()) return;
      findings.push({
        message: `${what} is a literal value in the pipeline file`,
        file: file.path,
        ...loc.range,
        snippet: redactedLine(file, loc),
        fingerprintKey: key,
        suggestedFix: {
          description: 'Move the value to a secret and reference it',
          replacement: fix,
        },
      });
    };
    for (const wf of getWorkflows(snapshot)) {
      if (wf.kind !== 'workflow') continue;
      for (const job of wf.jobs) {
        const containers: Array<[string, unknown]> = [
          ['container', getNode(job.node, 'container')],
          ...mapEntries(getNode(job.node, 'services')).map(
            ([name, , v]) => [`service ${name}`, v] as [string, unknown],
          ),
        ];
        for (const [role, node] of containers) {
          if (!isMap(node)) continue;
          const creds = getNode(node, 'credentials');
          if (!isMap(creds)) continue;
          judge(
            wf.file,
            wf.file.located(getNode(creds, 'password')),
            `the registry password of job ${job.id} ${role}`,
            `${job.id}:${role}:password`,
            'password: ${{ secrets.REGISTRY_PASSWORD }}',
          );
        }
      }
    }
    for (const gl of getGitlabCi(snapshot)) {
      const scopes: Array<[string, Record<string, LocatedString>]> = [
        ['global variables', gl.variables],
        ...gl.jobs.map(
          j =>
            [`job ${j.name}`, j.variables] as [
              string,
              Record<string, LocatedString>,
            ],
        ),
      ];
      for (const [where, vars] of scopes) {
        const loc = vars.DOCKER_AUTH_CONFIG;
        judge(
          gl.file,
          loc,
          `DOCKER_AUTH_CONFIG (${where})`,
          `${where}:DOCKER_AUTH_CONFIG`,
          'Define DOCKER_AUTH_CONFIG as a masked, protected CI/CD variable in the project settings',
        );
      }
    }
    for (const cc of getCircleciConfigs(snapshot)) {
      const walk = (node: unknown, path: string, depth: number): void => {
        if (depth > 30) return;
        if (isSeq(node)) {
          node.items.forEach(i => walk(i, path, depth + 1));
          return;
        }
        if (!isMap(node)) return;
        for (const [key, , value] of mapEntries(node)) {
          if (key === 'docker' && isSeq(value)) {
            for (const item of value.items) {
              const image =
                cc.file.located(getNode(item, 'image'))?.value ?? 'image';
              const auth = getNode(item, 'auth');
              if (isMap(auth))
                judge(
                  cc.file,
                  cc.file.located(getNode(auth, 'password')),
                  `the registry password of ${image} (${path})`,
                  `${path}:${image}:password`,
                  'password: $DOCKERHUB_PASSWORD',
                );
              const aws = getNode(item, 'aws_auth');
              if (isMap(aws))
                judge(
                  cc.file,
                  cc.file.located(getNode(aws, 'aws_secret_access_key')),
                  `the AWS secret key of ${image} (${path})`,
                  `${path}:${image}:aws`,
                  'aws_secret_access_key: $ECR_AWS_SECRET_ACCESS_KEY',
                );
            }
            continue;
          }
          walk(value, depth < 2 ? `${path}.${key}` : path, depth + 1);
        }
      };
      const root = cc.file.root();
      walk(getNode(root, 'jobs'), 'jobs', 0);
      walk(getNode(root, 'executors'), 'executors', 0);
    }
    if (!total)
      return outcome.notApplicable(
        'no registry credentials declared in pipeline files',
      );
    return outcome.proportional(total, findings);
  },
});
