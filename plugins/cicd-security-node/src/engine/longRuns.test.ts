import { builtinChecks } from '../checks';
import { InMemorySnapshot } from '../snapshot';
import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';

/*
 * Long runs of one character (blanks, backslashes, quotes, brackets, `${{`…)
 * placed where each file kind's parsers and checks look: the classic inputs
 * on which a backtracking regular expression goes quadratic. Each must scan
 * within a CPU budget with no check ending in `error`. The budget is loose:
 * it tells linear from quadratic at this length, not fast from slow.
 *
 * Long form: CICD_LONG_RUN_CHARS=200000 (and a budget to match,
 * CICD_LONG_RUN_BUDGET_MS=20000).
 */
const N = Number(process.env.CICD_LONG_RUN_CHARS ?? 30_000);
const BUDGET_MS = Number(process.env.CICD_LONG_RUN_BUDGET_MS ?? 6_000);

const kinds: Record<string, (r: string) => string> = {
  '.github/workflows/ci.yml': r =>
    `on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${r}x \${{ github.event.issue.title }}\n      - uses: a/b@${r}\n        with:\n          x: ${r}\n`,
  'action.yml': r =>
    `runs:\n  using: composite\n  steps:\n    - run: ${r}\n      shell: bash\n`,
  '.gitlab-ci.yml': r =>
    `job:\n  image: ${r}\n  script:\n    - curl ${r} | sh\n    - echo ${r}x\n  rules:\n    - if: ${r}\n`,
  Jenkinsfile: r =>
    `pipeline { agent any\n stages { stage("a") { steps { sh "curl ${r} | bash"\n sh '''${r}x'''\n } } } }\n@Library('${r}') _\n`,
  Dockerfile: r =>
    `FROM node:${r}\nRUN curl ${r} | sh\nADD ${r}x /x\nENV A=${r}\n`,
  'azure-pipelines.yml': r =>
    `steps:\n- script: curl ${r} | sh\n- task: A@${r}\n`,
  '.circleci/config.yml': r =>
    `version: 2.1\norbs:\n  a: b/c@${r}\njobs:\n  a:\n    docker: [{image: ${r}}]\n    steps:\n      - run: curl ${r}|sh\n`,
  'requirements.txt': r => `flask${r}x\n${r}==1\n`,
  'package.json': r =>
    JSON.stringify({
      dependencies: { a: `^1${r}` },
      scripts: { i: `curl ${r} | sh` },
    }),
  'package-lock.json': r =>
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { a: r } },
        'node_modules/a': { version: r, resolved: `http://${r}` },
      },
    }),
  CODEOWNERS: r => `* @a\n/.github/ ${r}\n${r.slice(0, 5000)} @b\n`,
  '.cicd-security.yaml': r =>
    `ignore:\n  paths: ['${r.slice(
      0,
      200,
    )}']\nwaivers:\n  - check: a\n    reason: ${r}\n    expires: ${r}\n`,
  'scripts/build.sh': r =>
    `curl ${r} | sh\nwget -O- ${r}x | bash\nexport TOKEN=${r}\n`,
  '.npmrc': r => `//r/:_authToken=${r}\nregistry=http://${r}\n`,
  '.github/dependabot.yml': r =>
    `version: 2\nupdates:\n  - package-ecosystem: ${r}\n    directory: /\n`,
  'renovate.json5': r => `{ extends: ['${r}'], /* ${r} */ }`,
  'go.mod': r => `module x\nrequire a ${r}\n`,
  Gemfile: r => `gem 'a', '${r}'\n`,
  'pom.xml': r =>
    `<project><dependency><version>${r}</version></dependency></project>`,
  'SECURITY.md': r => `# ${r}\n`,
};
const chars = [
  ' ',
  '\t',
  '=',
  '"',
  "'",
  '$',
  '{',
  '${{',
  '#',
  '-',
  ':',
  '\\',
  'a',
  '0',
  '/',
  '.',
  ',',
  '(',
  '[',
  '<',
  '%',
  '@',
  '*',
  '|',
  ' #',
  'a ',
  '- ',
  ': ',
  '"a',
  '\\\n',
];
const registry = new CheckRegistry(builtinChecks);

describe('long runs of one character', () => {
  it.each(Object.keys(kinds))('%s scans in bounded time', async file => {
    const slow: string[] = [];
    for (const c of chars) {
      const run = c.repeat(Math.ceil(N / c.length));
      const snapshot = new InMemorySnapshot({ [file]: kinds[file](run) });
      const cpu = process.cpuUsage();
      const result = await runScan(snapshot, registry);
      const used = process.cpuUsage(cpu);
      const ms = (used.user + used.system) / 1000;
      const errored = result.checks.filter(r => r.status === 'error');
      if (ms > BUDGET_MS || errored.length) {
        slow.push(
          `${JSON.stringify(c)}: ${Math.round(ms)} ms${errored
            .map(r => `, ${r.checkId}: ${r.reason}`)
            .join('')}`,
        );
      }
    }
    expect(slow).toEqual([]);
  });
});
