/**
 * Long runs of one character (blanks, backslashes, quotes, brackets, `${{`…)
 * placed where each file kind's parsers and checks look: the classic inputs
 * on which a backtracking regular expression goes quadratic. Shared by the
 * engine's long-run test (no check may end in `error`) and the hostile-input
 * benchmark (`node bench/run.js hostile`), which measures their CPU time.
 */

/** File path → file content around a run `r`. */
export const LONG_RUN_KINDS: Record<string, (r: string) => string> = {
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
export const LONG_RUN_CHARS = [
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
