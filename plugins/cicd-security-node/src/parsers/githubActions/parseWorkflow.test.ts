import { parseWorkflow } from './parseWorkflow';
import { contextReferences, findExpressions } from './expressions';

const WORKFLOW = `name: CI
on:
  pull_request_target:
    types: [opened]
permissions:
  contents: read
  pull-requests: write
jobs:
  build:
    runs-on: ubuntu-latest
    permissions: write-all
    container: node:20
    services:
      db:
        image: postgres:16
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - name: greet
        run: |
          echo "hello"
          echo "\${{ github.event.pull_request.title }}"
        env:
          FOO: bar
  call:
    uses: org/repo/.github/workflows/x.yml@main
    secrets: inherit
`;

describe('parseWorkflow', () => {
  const { workflow, problems } = parseWorkflow(
    '.github/workflows/ci.yml',
    WORKFLOW,
  );

  it('reads triggers, permissions, jobs and steps', () => {
    expect(problems).toEqual([]);
    expect(workflow!.triggers).toEqual(['pull_request_target']);
    expect(workflow!.permissions).toMatchObject({
      kind: 'scopes',
      scopes: { contents: 'read', 'pull-requests': 'write' },
    });
    const [build, call] = workflow!.jobs;
    expect(build.permissions?.kind).toBe('write-all');
    expect(build.images.map(i => [i.role, i.image.value])).toEqual([
      ['container', 'node:20'],
      ['service', 'postgres:16'],
    ]);
    expect(build.steps).toHaveLength(2);
    expect(call.uses?.value).toBe('org/repo/.github/workflows/x.yml@main');
    expect(call.secrets).toBe('inherit');
  });

  it('keeps exact locations of values', () => {
    const step = workflow!.jobs[0].steps[0];
    expect(step.uses!.range).toMatchObject({ line: 17, column: 15 });
    expect(step.with.ref.range).toMatchObject({ line: 19, column: 16 });
    expect(workflow!.jobs[0].idRange).toMatchObject({ line: 9, column: 3 });
  });

  it('locates an expression inside a block scalar', () => {
    const run = workflow!.jobs[0].steps[1].run!;
    const [span] = findExpressions(run.value);
    const range = workflow!.file.locateIn(
      run,
      span.start,
      span.end - span.start,
    );
    expect(range).toMatchObject({ line: 23, column: 17 });
    expect(workflow!.file.lineText(23).slice(16, 19)).toBe('${{');
  });

  it('reports malformed YAML as a problem with a location, never throws', () => {
    const bad = parseWorkflow(
      '.github/workflows/bad.yml',
      'on: push\njobs:\n  a: [\n',
    );
    expect(bad.workflow).toBeUndefined();
    expect(bad.problems[0]).toMatchObject({
      file: '.github/workflows/bad.yml',
      kind: 'parse-error',
    });
    expect(bad.problems[0].line).toBeGreaterThan(0);
  });

  it('reports documents that are not workflows', () => {
    expect(
      parseWorkflow('.github/workflows/x.yml', '- a\n- b\n').problems[0]
        .message,
    ).toMatch(/mapping/);
    expect(
      parseWorkflow('.github/workflows/x.yml', '').problems[0].message,
    ).toMatch(/empty/);
    const noJobs = parseWorkflow('.github/workflows/x.yml', 'on: push\n');
    expect(noJobs.problems[0].message).toMatch(/jobs/);
  });

  it('survives alias bombs', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'on:',
      '  push: *e',
      'jobs: {}',
    ].join('\n');
    // Its parse time is measured by `node bench/run.js hostile`.
    const { workflow: wf } = parseWorkflow('.github/workflows/bomb.yml', bomb);
    expect(wf?.triggers).toEqual(['push']);
  });

  it('parses composite actions', () => {
    const { workflow: action } = parseWorkflow(
      'action.yml',
      'name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n    - run: echo hi\n      shell: bash\n',
    );
    expect(action!.kind).toBe('action');
    expect(action!.actionRuns).toBe('composite');
    expect(
      action!.jobs[0].steps.map(s => s.uses?.value ?? s.run?.value),
    ).toEqual(['actions/setup-node@v4', 'echo hi']);
  });
});

describe('expressions', () => {
  it('finds expressions and their context references', () => {
    const spans = findExpressions(
      "a ${{ github.event.issue.title }} b ${{ format('}}', env.X) }}",
    );
    expect(spans.map(s => s.inner)).toEqual([
      'github.event.issue.title',
      "format('}}', env.X)",
    ]);
    expect(contextReferences(spans[1].inner)).toEqual(['env.X']);
    expect(contextReferences("github.event['pull_request'].title")).toEqual([
      'github.event.pull_request.title',
    ]);
  });
});

describe('contextReferences with index syntax', () => {
  it('keeps literal keys and wildcards computed ones', () => {
    expect(contextReferences('github.event.commits[0].message')).toEqual([
      'github.event.commits.*.message',
    ]);
    expect(contextReferences("steps['meta'].outputs.tags")).toEqual([
      'steps.meta.outputs.tags',
    ]);
  });
});
