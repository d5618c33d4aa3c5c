import path from 'path';
import fs from 'fs';
import { ciDebugLogging } from './ciDebugLogging';
import {
  corpusDir,
  describeCheckFixtures,
  runOnFixture,
  summarise,
} from '../testing';
import { LocalDirectorySnapshot } from '../snapshot';

describe('ci-debug-logging', () => {
  describeCheckFixtures(ciDebugLogging);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(ciDebugLogging, 'fail');
    expect(summarise(outcome, ciDebugLogging)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:3:25 medium ACTIONS_RUNNER_DEBUG is set to true (workflow env): debug logging writes commands, variables and secrets into the build log",
          ".github/workflows/ci.yml:8:27 medium ACTIONS_STEP_DEBUG is set to true (job build env): debug logging writes commands, variables and secrets into the build log",
          ".github/workflows/ci.yml:12:31 medium ACTIONS_STEP_DEBUG is set to true (job build, step 1 env): debug logging writes commands, variables and secrets into the build log",
          ".gitlab-ci.yml:2:22 medium CI_DEBUG_SERVICES is set to true (global variables): debug logging writes commands, variables and secrets into the build log",
          ".gitlab-ci.yml:6:21 medium CI_DEBUG_TRACE is set to TRUE (job test variables): debug logging writes commands, variables and secrets into the build log",
          "azure-pipelines.yml:4:17 medium system.debug is set to true (variables): debug logging writes commands, variables and secrets into the build log",
          "azure-pipelines.yml:10:16 medium system.debug is set to true (build variables): debug logging writes commands, variables and secrets into the build log",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('points at the value of the variable', async () => {
    const { outcome } = await runOnFixture(ciDebugLogging, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings).toHaveLength(7);
    expect(outcome.findings[0]).toMatchObject({
      file: '.github/workflows/ci.yml',
      line: 3,
      column: 25,
    });
  });

  const corpus = corpusDir('poutine') ?? 'the poutine corpus';
  if (!fs.existsSync(corpus)) {
    // eslint-disable-next-line no-console
    console.warn(
      `SKIPPED ci-debug-logging calibration: ${corpus} is not present`,
    );
  }
  (fs.existsSync(corpus) ? it : it.skip)(
    'finds what poutine debug_enabled finds on its own fixtures',
    async () => {
      const expected = JSON.parse(
        fs.readFileSync(path.join(corpus, 'expected.json'), 'utf8'),
      ).expected.filter((e: any) => e.checkId === 'ci-debug-logging');
      const out = await ciDebugLogging.run(
        LocalDirectorySnapshot.create(path.join(corpus, 'repo')),
      );
      if (out.status !== 'fail') throw new Error(out.status);
      for (const e of expected) {
        for (const name of String(e.details).split(' ')) {
          expect(
            out.findings.some(
              f => f.file === e.path && f.message.startsWith(`${name} `),
            ),
          ).toBe(true);
        }
      }
      // poutine reports one finding per file for GitLab; we report each variable.
      expect(out.findings.map(f => `${f.file}:${f.line}`).sort()).toEqual([
        '.azure-pipelines.yml:7',
        '.github/workflows/debug_enabled_valid.yml:12',
        '.github/workflows/debug_enabled_valid.yml:16',
        '.github/workflows/debug_enabled_valid.yml:6',
        '.gitlab-ci.yml:37',
        '.gitlab-ci.yml:64',
      ]);
    },
  );
});
