import { InMemorySnapshot } from '../../snapshot';
import { getGitlabCi, parseGitlabCi } from '.';

const CI = `include:
  - local: /ci/build.yml
  - 'ci/lint.yml'
  - project: group/templates
    ref: main
    file: [/a.yml, /b.yml]
  - remote: https://example.com/ci.yml
  - template: Security/SAST.gitlab-ci.yml
variables:
  GLOBAL: one
  DESCRIBED:
    value: two
    description: a variable with a description
default:
  image: node:20
  before_script:
    - npm ci
stages: [build, test]
.defaults: &defaults
  image:
    name: alpine:3.19
  tags: [docker]
test:
  <<: *defaults
  stage: test
  services:
    - postgres:16
    - name: redis:7
      alias: cache
  variables:
    JOB_VAR: "x"
  script:
    - echo one
    - |
      curl -fsSL https://example.com/install.sh \\
        | sh
    - [echo nested]
`;

describe('parseGitlabCi', () => {
  const { config, problems } = parseGitlabCi('.gitlab-ci.yml', CI);

  it('reads jobs, images, services and variables', () => {
    expect(problems).toEqual([]);
    expect(config!.jobs.map(j => [j.name, j.hidden])).toEqual([
      ['.defaults', true],
      ['test', false],
    ]);
    const test = config!.jobs[1];
    expect(test.image?.name.value).toBe('alpine:3.19');
    expect(test.services.map(s => [s.name.value, s.alias])).toEqual([
      ['postgres:16', undefined],
      ['redis:7', 'cache'],
    ]);
    expect(Object.keys(test.variables)).toEqual(['JOB_VAR']);
    expect(config!.variables.DESCRIBED.value).toBe('two');
    expect(config!.image?.name.value).toBe('node:20');
    expect(config!.defaultScripts.before_script.map(s => s.value)).toEqual([
      'npm ci',
    ]);
    expect(config!.stages).toEqual(['build', 'test']);
  });

  it('keeps script lines located, block scalars included', () => {
    const script = config!.jobs[1].scripts.script;
    expect(script.map(s => s.value.split('\n')[0])).toEqual([
      'echo one',
      'curl -fsSL https://example.com/install.sh \\',
      'echo nested',
    ]);
    const block = script[1];
    const at = block.value.indexOf('| sh');
    expect(config!.file.locateIn(block, at, 4)).toMatchObject({
      line: 36,
      column: 9,
    });
  });

  it('lists include entries of every kind', () => {
    expect(
      config!.includes.map(i => [
        i.kind,
        i.value.value,
        i.ref?.value,
        i.files.length,
      ]),
    ).toEqual([
      ['local', '/ci/build.yml', undefined, 0],
      ['local', 'ci/lint.yml', undefined, 0],
      ['project', 'group/templates', 'main', 2],
      ['remote', 'https://example.com/ci.yml', undefined, 0],
      ['template', 'Security/SAST.gitlab-ci.yml', undefined, 0],
    ]);
  });

  it('reports bad YAML with a line and does not throw', () => {
    const bad = parseGitlabCi(
      '.gitlab-ci.yml',
      'test:\n  script:\n    - echo "unterminated\n  image: [\n',
    );
    expect(bad.config).toBeUndefined();
    expect(bad.problems.length).toBeGreaterThan(0);
    expect(bad.problems[0]).toMatchObject({
      file: '.gitlab-ci.yml',
      kind: 'parse-error',
    });
    expect(bad.problems[0].line).toBeGreaterThan(0);
    expect(
      parseGitlabCi('.gitlab-ci.yml', '- a list').problems[0].message,
    ).toMatch(/mapping/);
    expect(parseGitlabCi('.gitlab-ci.yml', '').problems).toEqual([]);
  });

  it('follows local includes from the snapshot', () => {
    const snap = new InMemorySnapshot({
      '.gitlab-ci.yml':
        'include:\n  - local: /ci/build.yml\n  - ci/*.gitlab-ci.yml\n',
      'ci/build.yml': 'build:\n  script: [make]\n',
      'ci/a.gitlab-ci.yml': 'a:\n  script: [echo a]\n',
      'ci/b.gitlab-ci.yml': 'b:\n  script: [echo b]\n  include: [bad',
    });
    const files = getGitlabCi(snap);
    expect(files.map(f => f.path)).toEqual([
      '.gitlab-ci.yml',
      'ci/build.yml',
      'ci/a.gitlab-ci.yml',
    ]);
    expect(
      snap.problems.some(p => p.file === 'ci/b.gitlab-ci.yml' && p.line),
    ).toBe(true);
    expect(getGitlabCi(snap)).toBe(files);
  });
});
