import { InMemorySnapshot } from '../../snapshot';
import { azurePipelinePaths, getAzurePipelines, parseAzurePipeline } from '.';

const PIPELINE = `trigger: [main]
variables:
  GLOBAL: one
resources:
  containers:
    - container: builder
      image: node:20@sha256:abc
stages:
  - stage: Build
    jobs:
      - job: Compile
        container: builder
        variables:
          - name: LISTED
            value: two
        steps:
          - script: npm ci
          - bash: |
              echo "$(Build.SourceBranchName)"
            env:
              TOKEN: $(token)
          - powershell: Write-Host hi
          - pwsh: ./build.ps1
          - template: steps/test.yml@templates
      - deployment: Ship
        container: mcr.microsoft.com/dotnet/sdk:8.0
        strategy:
          runOnce:
            deploy:
              steps:
                - script: ./deploy.sh
`;

describe('parseAzurePipeline', () => {
  it('reads scripts of every kind with their job and exact line', () => {
    const { pipeline, problems } = parseAzurePipeline(
      'azure-pipelines.yml',
      PIPELINE,
    );
    expect(problems).toEqual([]);
    expect(
      pipeline!.scripts.map(s => [
        s.kind,
        s.script.value.trim(),
        s.context,
        s.script.range.line,
      ]),
    ).toEqual([
      ['script', 'npm ci', 'Compile', 17],
      ['bash', 'echo "$(Build.SourceBranchName)"', 'Compile', 18],
      ['powershell', 'Write-Host hi', 'Compile', 22],
      ['pwsh', './build.ps1', 'Compile', 23],
      ['script', './deploy.sh', 'Ship', 31],
    ]);
    expect(pipeline!.scripts[0].script.range).toMatchObject({
      line: 17,
      column: 21,
    });
  });

  it('reads containers: resources, image references, not bare aliases', () => {
    const { pipeline } = parseAzurePipeline('azure-pipelines.yml', PIPELINE);
    expect(
      pipeline!.containers.map(c => [
        c.image.value,
        c.context,
        c.image.range.line,
      ]),
    ).toEqual([
      ['node:20@sha256:abc', 'resources', 7],
      ['mcr.microsoft.com/dotnet/sdk:8.0', 'Ship', 26],
    ]);
  });

  it('reads variables in map and list form and step env', () => {
    const { pipeline } = parseAzurePipeline('azure-pipelines.yml', PIPELINE);
    expect(
      pipeline!.variables.map(v => [
        v.name,
        v.value.value,
        v.context,
        v.value.range.line,
      ]),
    ).toEqual([
      ['GLOBAL', 'one', '', 3],
      ['LISTED', 'two', 'Compile', 15],
      ['TOKEN', '$(token)', 'Compile', 21],
    ]);
  });

  it('leaves template references to the checks (no scripts from them)', () => {
    const { pipeline } = parseAzurePipeline(
      'azure-pipelines.yml',
      'steps:\n  - template: steps/build.yml@templates\n    parameters:\n      x: 1\n',
    );
    expect(pipeline!.scripts).toEqual([]);
    expect(pipeline!.file.root()).toBeDefined();
  });

  it('follows anchors and aliases', () => {
    const { pipeline, problems } = parseAzurePipeline(
      'azure-pipelines.yml',
      'x: &s\n  - script: make\njobs:\n  - job: A\n    steps: *s\n',
    );
    expect(problems).toEqual([]);
    expect(pipeline!.scripts.map(s => [s.script.value, s.context])).toEqual([
      ['make', ''],
      ['make', 'A'],
    ]);
  });

  it('reports malformed YAML as a located problem and does not throw', () => {
    const text = 'steps:\n  - script: npm ci\n   bad: [unclosed\n';
    const run = () => parseAzurePipeline('azure-pipelines.yml', text);
    expect(run).not.toThrow();
    const { pipeline, problems } = run();
    expect(pipeline).toBeUndefined();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({
      file: 'azure-pipelines.yml',
      kind: 'parse-error',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(problems[0].line).toBeGreaterThanOrEqual(2);
  });

  it('gives an empty pipeline for a file that is not a mapping', () => {
    for (const text of ['', '# only a comment\n', '- a\n- b\n', 'just text']) {
      const run = () => parseAzurePipeline('azure-pipelines.yml', text);
      expect(run).not.toThrow();
      const { pipeline } = run();
      expect(pipeline?.scripts ?? []).toEqual([]);
    }
  });

  it('stops at a deep nesting instead of overflowing the stack', () => {
    const deep = `steps:\n${Array.from(
      { length: 200 },
      (_, i) => `${'  '.repeat(i + 1)}k${i}:\n`,
    ).join('')}${'  '.repeat(201)}script: x\n`;
    expect(() => parseAzurePipeline('azure-pipelines.yml', deep)).not.toThrow();
  });
});

describe('getAzurePipelines', () => {
  it('finds pipeline and template files by their usual paths', () => {
    const snapshot = new InMemorySnapshot({
      'azure-pipelines.yml': 'steps:\n  - script: a\n',
      '.azure-pipelines/build.yaml': 'steps:\n  - script: b\n',
      '.azuredevops/templates/t.yml': 'steps:\n  - script: c\n',
      'ci/azure-pipelines.release.yml': 'steps:\n  - script: d\n',
      'other.yml': 'steps:\n  - script: e\n',
    });
    expect(azurePipelinePaths(snapshot).sort()).toEqual([
      '.azure-pipelines/build.yaml',
      '.azuredevops/templates/t.yml',
      'azure-pipelines.yml',
      'ci/azure-pipelines.release.yml',
    ]);
    expect(
      getAzurePipelines(snapshot)
        .flatMap(p => p.scripts.map(s => s.script.value))
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps the good files and records the bad one as a snapshot problem', () => {
    const snapshot = new InMemorySnapshot({
      'azure-pipelines.yml': 'steps:\n  - script: ok\n',
      '.azure-pipelines/broken.yml': 'steps: [\n',
    });
    const pipelines = getAzurePipelines(snapshot);
    expect(pipelines.map(p => p.path)).toEqual(['azure-pipelines.yml']);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        file: '.azure-pipelines/broken.yml',
        kind: 'parse-error',
        line: expect.any(Number),
      }),
    ]);
    // parsed once per snapshot
    expect(getAzurePipelines(snapshot)).toBe(pipelines);
  });
});
