import { containerBuildHygiene } from './containerBuildHygiene';
import { describeCheckFixtures, runOnFixture } from '../testing';

describe('container-build-hygiene', () => {
  describeCheckFixtures(containerBuildHygiene);

  it('points at the offending token of each rule', async () => {
    const { outcome } = await runOnFixture(containerBuildHygiene, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string, line: number) =>
      outcome.findings.find(f => f.file === file && f.line === line)!;
    expect(at('Dockerfile', 2)).toMatchObject({ column: 6 });
    expect(at('Dockerfile', 2).message).toContain('untagged');
    expect(at('Dockerfile', 4)).toMatchObject({ column: 66 });
    expect(at('Dockerfile', 4).message).toContain('installs curl without');
    expect(at('Dockerfile', 15).message).toContain('python3, make');
    expect(at('Dockerfile', 20).message).toContain('USER root');
    expect(at('api/Dockerfile', 2).message).toContain('sets no USER');
    expect(outcome.findings).toHaveLength(6);
  });
});
