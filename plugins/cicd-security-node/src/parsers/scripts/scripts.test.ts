import { InMemorySnapshot } from '../../snapshot';
import {
  commandWords,
  getEnvAssignments,
  getImageReferences,
  getScriptBlocks,
  shellCommands,
} from '.';

const D = '0123456789abcdef'.repeat(4);

function snapshot() {
  return new InMemorySnapshot({
    '.github/workflows/ci.yml': [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    container: node:20',
      '    env:',
      '      A: one',
      '    steps:',
      '      - uses: docker://alpine:3.19',
      '      - run: |',
      '          echo one',
      '          curl -s https://example.com | sh',
      '',
    ].join('\n'),
    '.gitlab-ci.yml':
      'image: python:3.12\nbuild:\n  services: [postgres:16]\n  script:\n    - echo a\n    - echo b\n',
    Jenkinsfile:
      "pipeline {\n  agent { docker { image 'maven:3.9' } }\n  stages { stage('b') { steps { sh 'make build' } } }\n}\n",
    Dockerfile: `FROM golang:1.22@sha256:${D} AS build\nRUN go build \\\n  ./...\nFROM build\n`,
    '.circleci/config.yml':
      'version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/node:20.11\n    steps:\n      - checkout\n      - run: npm test\n      - run:\n          name: lint\n          command: npm run lint\n',
    'azure-pipelines.yml':
      'pool:\n  vmImage: ubuntu-latest\ncontainer: ubuntu:22.04\nsteps:\n  - script: make\n  - pwsh: Write-Host hi\n',
    'scripts/build.sh': '#!/bin/bash\nmake\n',
    'tools/run': '#!/usr/bin/env bash\necho run\n',
    'README.md': 'not a script',
  });
}

describe('getScriptBlocks', () => {
  it('collects every script of every platform with its location', () => {
    const snap = snapshot();
    const blocks = getScriptBlocks(snap);
    expect(
      blocks.map(b => [b.platform, b.file, b.text.trim().split('\n')[0]]),
    ).toEqual([
      ['github-actions', '.github/workflows/ci.yml', 'echo one'],
      ['gitlab-ci', '.gitlab-ci.yml', 'echo a'],
      ['jenkins', 'Jenkinsfile', 'make build'],
      ['dockerfile', 'Dockerfile', 'go build \\'],
      ['circleci', '.circleci/config.yml', 'npm test'],
      ['circleci', '.circleci/config.yml', 'npm run lint'],
      ['azure-pipelines', 'azure-pipelines.yml', 'make'],
      ['azure-pipelines', 'azure-pipelines.yml', 'Write-Host hi'],
      ['shell', 'scripts/build.sh', '#!/bin/bash'],
      ['shell', 'tools/run', '#!/usr/bin/env bash'],
    ]);
    const gha = blocks[0];
    const at = gha.text.indexOf('| sh');
    expect(gha.locate(at, 4)).toMatchObject({ line: 12, column: 39 });
    const gl = blocks[1];
    expect(gl.text).toBe('echo a\necho b');
    expect(gl.locate(gl.text.indexOf('echo b'), 6)).toMatchObject({
      line: 6,
      column: 7,
    });
    expect(blocks[2].locate(0, 4)).toMatchObject({ line: 3, column: 37 });
    expect(blocks[3].locate(blocks[3].text.indexOf('./...'), 5)).toMatchObject({
      line: 3,
      column: 3,
    });
    expect(blocks[7].shell).toBe('powershell');
    expect(getScriptBlocks(snap)).toBe(blocks);
  });

  it('lists image references with locations, skipping stages and scratch', () => {
    const refs = getImageReferences(snapshot());
    expect(
      refs.map(r => [r.platform, r.image, r.tag, !!r.digest, r.range.line]),
    ).toEqual([
      ['dockerfile', `golang:1.22@sha256:${D}`, '1.22', true, 1],
      ['github-actions', 'node:20', '20', false, 5],
      ['github-actions', 'alpine:3.19', '3.19', false, 9],
      ['gitlab-ci', 'python:3.12', '3.12', false, 1],
      ['gitlab-ci', 'postgres:16', '16', false, 3],
      ['jenkins', 'maven:3.9', '3.9', false, 2],
      ['circleci', 'cimg/node:20.11', '20.11', false, 5],
      ['azure-pipelines', 'ubuntu:22.04', '22.04', false, 3],
    ]);
  });

  it('lists environment assignments', () => {
    expect(
      getEnvAssignments(snapshot()).map(e => [e.platform, e.name, e.value]),
    ).toEqual([['github-actions', 'A', 'one']]);
  });

  it('records problems for malformed files without throwing', () => {
    const snap = new InMemorySnapshot({
      '.gitlab-ci.yml': 'build:\n  script: [\n',
      Jenkinsfile: "sh '''never closed",
      '.circleci/config.yml': 'jobs: {',
      'azure-pipelines.yml': 'steps:\n  - script: "open\n',
    });
    expect(() => getScriptBlocks(snap)).not.toThrow();
    expect(snap.problems.map(p => p.file).sort()).toEqual([
      '.circleci/config.yml',
      '.gitlab-ci.yml',
      'Jenkinsfile',
      'azure-pipelines.yml',
    ]);
    expect(snap.problems.every(p => (p.line ?? 0) > 0)).toBe(true);
  });
});

describe('shellCommands', () => {
  it('splits pipelines and lists, keeping quoted words whole', () => {
    const cmds = shellCommands(
      'FOO=1 sudo -E curl -s "https://x y" | bash -s -- a && echo $(date) # c\nnext \\\n  line',
    );
    expect(cmds.map(c => [c.words.map(w => w.value), c.next])).toEqual([
      [['FOO=1', 'sudo', '-E', 'curl', '-s', 'https://x y'], '|'],
      [['bash', '-s', '--', 'a'], '&&'],
      [['echo', '$(date)'], '\n'],
      [['next', 'line'], ''],
    ]);
    expect(commandWords(cmds[0]).map(w => w.value)).toEqual([
      'curl',
      '-s',
      'https://x y',
    ]);
    expect(cmds[3].words[1].offset).toBe(cmds[3].offset + 9);
  });
});

describe('shellCommands on hostile input', () => {
  it.each([
    ['vertical tab', '\x0b'],
    ['form feed', '\f'],
    ['no-break space', '\u00a0'],
    ['line separator', '\u2028'],
  ])('treats a %s as a separator and always ends', (_name, space) => {
    const cmds = shellCommands(`curl${space}-fsSL${space}x | sh`);
    expect(cmds.map(c => c.words.map(w => w.value))).toEqual([
      ['curl', '-fsSL', 'x'],
      ['sh'],
    ]);
  });
});
