import { dependencyUpdateTool } from './dependencyUpdateTool';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

describe('dependency-update-tool', () => {
  describeCheckFixtures(dependencyUpdateTool);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(dependencyUpdateTool, 'fail');
    expect(summarise(outcome, dependencyUpdateTool)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/dependabot.yml:3:1 high Dependabot (.github/dependabot.yml) does not cover the docker ecosystem used by Dockerfile",
          ".github/dependabot.yml:3:1 high Dependabot (.github/dependabot.yml) does not cover the github-actions ecosystem used by .github/workflows/ci.yml",
        ],
        "score": 3.3,
        "status": "fail",
      }
    `);
  });

  it.each([
    ['pass', 'pass', 10],
    ['fail', 'fail', 3.3],
    ['fail-renovate-restricted', 'fail', 5],
    ['pass-renovate-all', 'pass', 10],
    ['fail-no-tool', 'fail', 0],
    ['fail-malformed', 'fail', 0],
  ])('scores the %s fixture', async (name, status, score) => {
    const { outcome } = await runOnFixture(dependencyUpdateTool, name);
    expect(outcome).toMatchObject({ status, score });
  });

  it('reports one finding per missing ecosystem at the updates: key', async () => {
    const { outcome } = await runOnFixture(dependencyUpdateTool, 'fail');
    if (outcome.status !== 'fail') throw new Error();
    expect(
      outcome.findings.map(f => [f.file, f.line, f.column, f.fingerprintKey]),
    ).toEqual([
      ['.github/dependabot.yml', 3, 1, 'missing:docker'],
      ['.github/dependabot.yml', 3, 1, 'missing:github-actions'],
    ]);
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'package-ecosystem: docker',
    );
  });

  it('reads enabledManagers from a JSON5 Renovate config', async () => {
    const { outcome } = await runOnFixture(
      dependencyUpdateTool,
      'fail-renovate-restricted',
    );
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings).toMatchObject([
      {
        file: 'renovate.json5',
        line: 5,
        column: 3,
        fingerprintKey: 'missing:docker',
      },
    ]);
  });

  it('suggests a Dependabot config when no tool is set up', async () => {
    const { outcome } = await runOnFixture(
      dependencyUpdateTool,
      'fail-no-tool',
    );
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0].message).toContain('pip, gomod');
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'package-ecosystem: gomod',
    );
  });

  it('points at the syntax error of a malformed dependabot.yml and records a problem', async () => {
    const { outcome, snapshot } = await runOnFixture(
      dependencyUpdateTool,
      'fail-malformed',
    );
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({
      file: '.github/dependabot.yml',
      line: 4,
    });
    expect(outcome.findings[0].message).toMatch(
      /^Dependabot configuration .github\/dependabot.yml YAML /,
    );
    expect(snapshot.problems.some(p => p.kind === 'parse-error')).toBe(true);
  });

  it('reads every JSON5 form in a Renovate config: escaped quotes, unquoted keys, hex numbers, trailing commas', async () => {
    const snapshot = new InMemorySnapshot({
      'package.json': '{"name":"x","dependencies":{"a":"1.0.0"}}',
      'renovate.json5': [
        '// Renovate settings',
        '{',
        "  description: 'it\\'s ours',",
        "  extends: ['config:recommended',],",
        '  prConcurrentLimit: 0x0A,',
        "  enabledManagers: ['npm'], /* only npm */",
        '}',
      ].join('\n'),
    });
    const outcome = await dependencyUpdateTool.run(snapshot);
    expect(outcome).toMatchObject({ status: 'pass' });
    expect(snapshot.problems).toEqual([]);
  });
});
