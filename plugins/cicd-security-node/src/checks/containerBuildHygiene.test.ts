import { containerBuildHygiene } from './containerBuildHygiene';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('container-build-hygiene', () => {
  describeCheckFixtures(containerBuildHygiene);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(containerBuildHygiene, 'fail');
    expect(summarise(outcome, containerBuildHygiene)).toMatchInlineSnapshot(`
      {
        "findings": [
          "Dockerfile:2:6 low FROM ubuntu builds on an untagged (latest) image: the base changes under the build without notice",
          "Dockerfile:4:66 low apt-get install installs curl without a pinned version: each build may get different packages",
          "Dockerfile:13:6 low FROM node:latest builds on the latest tag: the base changes under the build without notice",
          "Dockerfile:15:40 low apk add installs python3, make without a pinned version: each build may get different packages",
          "Dockerfile:20:6 low The final stage switches to USER root: the container's processes run as root",
          "api/Dockerfile:2:6 low The final stage (FROM python:3.12-slim) sets no USER, so the container runs as root unless the base image says otherwise",
        ],
        "score": 2.5,
        "status": "fail",
      }
    `);
  });

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
