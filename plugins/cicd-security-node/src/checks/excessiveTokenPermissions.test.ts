import fs from 'fs';
import path from 'path';
import { LocalDirectorySnapshot } from '../snapshot';
import { excessiveTokenPermissions } from './excessiveTokenPermissions';
import {
  corpusDescribe,
  corpusDir,
  describeCheckFixtures,
  runOnFixture,
  summarise,
} from '../testing';

describe('excessive-token-permissions', () => {
  describeCheckFixtures(excessiveTokenPermissions);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(excessiveTokenPermissions, 'fail');
    expect(summarise(outcome, excessiveTokenPermissions))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/docs.yml:12:18 high Job deploy grants permissions: write-all, every scope of the token with write access",
          ".github/workflows/nightly.yml:5:14 high permissions: write-all gives every job write access to every scope of the token",
          ".github/workflows/release.yml:6:3 high Top-level contents: write is granted to every job and lets any step push unreviewed commits and tags; declare it on the job that needs it and keep the top level read-only",
          ".github/workflows/release.yml:7:3 high Top-level packages: write is granted to every job and lets any step publish packages; declare it on the job that needs it and keep the top level read-only",
          ".github/workflows/release.yml:17:7 low Job publish grants packages: write, which the top level already grants to every job; keep write access on the jobs that need it only",
          ".github/workflows/triage.yml:3:1 high No top-level permissions: block, and job label declares none either, so it runs with the repository's default token permissions, which may be read-write; it runs on pull_request_target, issue_comment, where outsiders control the event",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('fails with high severity at the on: key of a risky workflow with no permissions', async () => {
    const { outcome } = await runOnFixture(excessiveTokenPermissions, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.score).toBe(0);
    const f = outcome.findings.find(
      x => x.file === '.github/workflows/triage.yml',
    )!;
    const { message, line, column } = f;
    expect({ message, line, column }).toEqual({
      message:
        "No top-level permissions: block, and job label declares none either, so it runs with the repository's default token permissions, which may be read-write; it runs on pull_request_target, issue_comment, where outsiders control the event",
      line: 3,
      column: 1,
    });
    expect(f.severity).toBe('high');
  });

  it('points at write-all values and top-level write scopes', async () => {
    const { outcome } = await runOnFixture(excessiveTokenPermissions, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string) =>
      outcome.findings
        .filter(f => f.file === `.github/workflows/${file}`)
        .map(f => ({ line: f.line, column: f.column, severity: f.severity }));
    expect(at('nightly.yml')).toEqual([
      { line: 5, column: 14, severity: 'high' },
    ]);
    expect(at('release.yml')).toEqual([
      { line: 6, column: 3, severity: 'high' },
      { line: 7, column: 3, severity: 'high' },
      { line: 17, column: 7, severity: 'low' },
    ]);
    expect(at('docs.yml')).toEqual([
      { line: 12, column: 18, severity: 'high' },
    ]);
  });

  it('warns about a write scope granted at both levels without lowering the score', async () => {
    const { outcome } = await runOnFixture(excessiveTokenPermissions, 'warn');
    expect(outcome).toMatchObject({ status: 'warn', score: 10 });
  });
});

/** poutine's fixture corpus in ../shared/corpus (skipped, with a note, when absent). */
const POUTINE = corpusDir('poutine') ?? 'the poutine corpus';
const withCorpus = corpusDescribe(POUTINE);

withCorpus('excessive-token-permissions on the poutine corpus', () => {
  it('flags every risky workflow poutine flags with high severity', async () => {
    const expected: string[] = JSON.parse(
      fs.readFileSync(path.join(POUTINE, 'expected.json'), 'utf8'),
    )
      .expected.filter(
        (e: { checkId: string }) => e.checkId === 'excessive-token-permissions',
      )
      .map((e: { path: string }) => e.path);
    const out = await excessiveTokenPermissions.run(
      LocalDirectorySnapshot.create(path.join(POUTINE, 'repo')),
    );
    if (out.status !== 'fail') throw new Error(out.status);
    const high = out.findings
      .filter(f => f.severity === 'high')
      .map(f => f.file);
    // We count workflow_run as risky too (poutine only looks at
    // pull_request_target and issue_comment): two more workflows on purpose.
    expect(new Set(high)).toEqual(
      new Set([
        ...expected,
        '.github/workflows/workflow_run_reusable.yml',
        '.github/workflows/workflow_run_valid.yml',
      ]),
    );
  });
});
