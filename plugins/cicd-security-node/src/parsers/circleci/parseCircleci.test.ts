import { InMemorySnapshot } from '../../snapshot';
import { circleciPaths, getCircleciConfigs, parseCircleci } from '.';

const CONFIG = `version: 2.1
orbs:
  node: circleci/node@5.1.0
  aws-cli: circleci/aws-cli@volatile
executors:
  py:
    docker:
      - image: cimg/python:3.12
        environment:
          PIP_NO_CACHE: "1"
commands:
  setup:
    steps:
      - run: pip install -r requirements.txt
defaults: &defaults
  docker:
    - image: cimg/node:20.11
jobs:
  build:
    <<: *defaults
    environment:
      NODE_ENV: test
    steps:
      - checkout
      - run: npm ci
      - run:
          name: Test
          command: |
            npm test
          environment:
            CI: "true"
      - node/install-packages
workflows:
  main:
    jobs: [build]
`;

describe('parseCircleci', () => {
  const { config, problems } = parseCircleci('.circleci/config.yml', CONFIG);

  it('parses without problems', () => {
    expect(problems).toEqual([]);
    expect(config).toBeDefined();
  });

  it('reads orbs with their references and lines', () => {
    expect(
      Object.entries(config!.orbs).map(([name, ref]) => [
        name,
        ref.value,
        ref.range.line,
        ref.range.column,
      ]),
    ).toEqual([
      ['node', 'circleci/node@5.1.0', 3, 9],
      ['aws-cli', 'circleci/aws-cli@volatile', 4, 12],
    ]);
  });

  it('reads run steps in both forms, in jobs and commands, with their lines', () => {
    expect(
      config!.runs.map(r => [
        r.command.value.trim(),
        r.context,
        r.command.range.line,
      ]),
    ).toEqual([
      ['npm ci', 'jobs.build.steps', 25],
      ['npm test', 'jobs.build.steps', 28],
      ['pip install -r requirements.txt', 'commands.setup.steps', 14],
    ]);
  });

  it('reads docker images, following merge keys, and executor images', () => {
    expect(
      config!.images.map(i => [i.image.value, i.context, i.image.range.line]),
    ).toEqual([
      ['cimg/node:20.11', 'jobs.build.<<.docker', 17],
      ['cimg/python:3.12', 'executors.py.docker', 8],
    ]);
  });

  it('reads environment entries of jobs, executors, docker images and run steps', () => {
    expect(
      config!.environment.map(e => [e.name, e.value.value, e.value.range.line]),
    ).toEqual([
      ['NODE_ENV', 'test', 22],
      ['CI', 'true', 31],
      ['PIP_NO_CACHE', '1', 10],
    ]);
  });

  it('reads the environment of a run step', () => {
    expect(config!.environment.map(e => e.name)).toContain('CI');
  });

  it('ignores workflows and top-level keys that hold no steps', () => {
    const { config: c } = parseCircleci(
      '.circleci/config.yml',
      'version: 2.1\nworkflows:\n  w:\n    jobs:\n      - run: not-a-step\n',
    );
    expect(c!.runs).toEqual([]);
    expect(c!.orbs).toEqual({});
  });

  it('reports malformed YAML as a located problem and does not throw', () => {
    const text =
      'version: 2.1\njobs:\n  build:\n    steps:\n      - run: "unterminated\n';
    const run = () => parseCircleci('.circleci/config.yml', text);
    expect(run).not.toThrow();
    const { config: c, problems: p } = run();
    expect(c).toBeUndefined();
    expect(p.length).toBeGreaterThan(0);
    expect(p[0]).toMatchObject({
      file: '.circleci/config.yml',
      kind: 'parse-error',
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it('copes with files of the wrong shape', () => {
    for (const text of [
      '',
      '# comment only\n',
      '- a\n- b\n',
      'orbs: [not, a, map]\njobs: 3\n',
      'jobs:\n  build:\n    steps:\n      - run: {}\n      - run: [1, 2]\n',
    ]) {
      const run = () => parseCircleci('.circleci/config.yml', text);
      expect(run).not.toThrow();
      expect(run().config?.runs ?? []).toEqual([]);
    }
  });
});

describe('getCircleciConfigs', () => {
  it('reads the YAML files directly under .circleci/ only', () => {
    const snapshot = new InMemorySnapshot({
      '.circleci/config.yml': 'jobs:\n  a:\n    steps:\n      - run: one\n',
      '.circleci/continue.yaml': 'jobs:\n  b:\n    steps:\n      - run: two\n',
      '.circleci/scripts/x.yml':
        'jobs:\n  c:\n    steps:\n      - run: three\n',
      'config.yml': 'jobs:\n  d:\n    steps:\n      - run: four\n',
    });
    expect(circleciPaths(snapshot).sort()).toEqual([
      '.circleci/config.yml',
      '.circleci/continue.yaml',
    ]);
    expect(
      getCircleciConfigs(snapshot)
        .flatMap(c => c.runs.map(r => r.command.value))
        .sort(),
    ).toEqual(['one', 'two']);
  });

  it('records a malformed configuration as a snapshot problem', () => {
    const snapshot = new InMemorySnapshot({
      '.circleci/config.yml': 'jobs: [\n',
    });
    expect(getCircleciConfigs(snapshot)).toEqual([]);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        file: '.circleci/config.yml',
        kind: 'parse-error',
        line: expect.any(Number),
      }),
    ]);
  });
});
