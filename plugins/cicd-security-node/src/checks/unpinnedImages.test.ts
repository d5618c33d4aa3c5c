import { unpinnedImages } from './unpinnedImages';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('unpinned-images', () => {
  describeCheckFixtures(unpinnedImages);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(unpinnedImages, 'fail');
    expect(summarise(outcome, unpinnedImages)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:5:16 medium node:20 (job test container) is pinned to tag 20, which can be moved; pin it by digest",
          ".github/workflows/ci.yml:8:16 medium postgres (job test service) is untagged, so latest and not pinned by digest: it can change with every push",
          ".github/workflows/ci.yml:12:15 medium alpine:latest (job test step uses) is tagged latest and not pinned by digest: it can change with every push",
          ".github/workflows/ci.yml:13:15 low \${{ matrix.image }} (job test step uses) is chosen at run time, so whether it is pinned by digest cannot be known from the files",
          ".gitlab-ci.yml:1:8 medium python:3.12-slim (default image) is pinned to tag 3.12-slim, which can be moved; pin it by digest",
          ".gitlab-ci.yml:5:13 medium docker:24-dind (job build service) is pinned to tag 24-dind, which can be moved; pin it by digest",
          "Dockerfile:3:6 medium golang:1.22 (FROM (stage 0 build)) is pinned to tag 1.22, which can be moved; pin it by digest",
          "Dockerfile:6:6 medium \${BASE} (FROM (stage 2)) is pinned to tag bookworm-slim, which can be moved; pin it by digest",
          "Jenkinsfile:4:13 medium maven:3.9-eclipse-temurin-21 (docker agent) is pinned to tag 3.9-eclipse-temurin-21, which can be moved; pin it by digest",
        ],
        "score": 2.7,
        "status": "fail",
      }
    `);
  });

  it('locates every reference and weighs untagged or latest images double', async () => {
    const { outcome } = await runOnFixture(unpinnedImages, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string) =>
      outcome.findings
        .filter(f => f.file === file)
        .map(f => [f.line, f.column]);
    expect(at('Dockerfile')).toEqual([
      [3, 6],
      [6, 6],
    ]);
    expect(at('.github/workflows/ci.yml')).toEqual([
      [5, 16],
      [8, 16],
      [12, 15],
      [13, 15],
    ]);
    expect(at('.gitlab-ci.yml')).toEqual([
      [1, 8],
      [5, 13],
    ]);
    expect(at('Jenkinsfile')).toEqual([[4, 13]]);
    // 11 references weigh 13 (unpinned postgres and alpine:latest count double); 8 are unpinned and weigh 10.
    // The image chosen at run time adds 1 to the total and a quarter to the unpinned weight.
    expect(outcome.score).toBe(2.7);
    const latest = outcome.findings.find(f => f.line === 12);
    expect(latest?.message).toMatch(/tagged latest/);
    expect(latest?.suggestedFix?.replacement).toBe(
      'docker://alpine:latest@sha256:<digest>',
    );
    const untagged = outcome.findings.find(f => f.line === 8);
    expect(untagged?.message).toMatch(/untagged/);
  });
});
