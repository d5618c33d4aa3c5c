import fs from 'fs';
import path from 'path';
import { scriptInjection } from './scriptInjection';
import {
  corpusDescribe,
  corpusDir,
  describeCheckFixtures,
  runOnFixture,
  summarise,
} from '../testing';
import { LocalDirectorySnapshot } from '../snapshot';

describe('script-injection', () => {
  describeCheckFixtures(scriptInjection);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(scriptInjection, 'fail');
    expect(summarise(outcome, scriptInjection)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/actions/notify/action.yml:9:25 medium \${{ inputs.message }} expands the action input inputs.message, which its caller chooses, into a run: script; the text becomes code before the script runs. Move the value to env: and reference "$MESSAGE" instead",
          ".github/actions/notify/action.yml:11:23 high \${{ github.event.pull_request.title }} expands attacker-controlled github.event.pull_request.title into a run: script; the text becomes code before the script runs. Move the value to env: and reference "$TITLE" instead",
          ".github/workflows/ci.yml:12:36 high \${{ github.head_ref }} expands attacker-controlled github.head_ref into a run: script; the text becomes code before the script runs. Move the value to env: and reference "$HEAD_REF" instead",
          ".github/workflows/preview.yml:26:27 critical \${{ needs.plan.outputs.branch }} expands attacker-controlled github.head_ref through needs.plan.outputs.branch → steps.branch.outputs.name → $GITHUB_HEAD_REF into a run: script in a workflow triggered by pull_request_target; the text becomes code before the script runs. Move the value to env: and reference "$HEAD_REF" instead",
          ".github/workflows/preview.yml:28:30 critical \${{ matrix.target }} expands attacker-controlled github.event.pull_request.head.ref through matrix.target into a run: script in a workflow triggered by pull_request_target; the text becomes code before the script runs. Move the value to env: and reference "$REF" instead",
          ".github/workflows/preview.yml:32:11 critical \${{ toJSON(github.event.pull_request) }} expands attacker-controlled github.event.pull_request into a run: script in a workflow triggered by pull_request_target; the text becomes code before the script runs. Move the value to env: and reference "$PULL_REQUEST" instead",
          ".github/workflows/triage.yml:16:32 critical \${{ github.event.issue.title }} expands attacker-controlled github.event.issue.title into a run: script in a workflow triggered by issues, issue_comment; the text becomes code before the script runs. Move the value to env: and reference "$TITLE" instead",
          ".github/workflows/triage.yml:19:20 critical \${{ env.TITLE }} expands attacker-controlled github.event.issue.title through env.TITLE into a run: script in a workflow triggered by issues, issue_comment; the text becomes code before the script runs. Move the value to env: and reference "$TITLE" instead",
          ".github/workflows/triage.yml:29:23 critical \${{ github['event']['comment']['body'] }} expands attacker-controlled github.event.comment.body into a run: script in a workflow triggered by issues, issue_comment; the text becomes code before the script runs. Move the value to env: and reference "$BODY" instead",
          ".github/workflows/triage.yml:31:27 critical \${{ steps.meta.outputs.title }} expands attacker-controlled github.event.issue.title through steps.meta.outputs.title → $TITLE into a run: script in a workflow triggered by issues, issue_comment; the text becomes code before the script runs. Move the value to env: and reference "$TITLE" instead",
          ".github/workflows/triage.yml:36:27 critical \${{ github.event.comment.body }} expands attacker-controlled github.event.comment.body into an actions/github-script script in a workflow triggered by issues, issue_comment; the text becomes code before the script runs. Move the value to env: and reference process.env.BODY instead",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  async function failFindings() {
    const { outcome } = await runOnFixture(scriptInjection, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.score).toBe(0);
    return outcome.findings;
  }

  it('points at the ${{ of the expression, critical on privileged triggers', async () => {
    const findings = await failFindings();
    const first = findings.find(
      f => f.file === '.github/workflows/triage.yml',
    )!;
    const { message, line, column } = first;
    expect({ message, line, column }).toEqual({
      message:
        '${{ github.event.issue.title }} expands attacker-controlled github.event.issue.title into a run: script in a workflow triggered by issues, issue_comment; the text becomes code before the script runs. Move the value to env: and reference "$TITLE" instead',
      line: 16,
      column: 32,
    });
    expect(first.severity).toBe('critical');
    expect(first.suggestedFix?.replacement).toBe(
      'env:\n  TITLE: ${{ github.event.issue.title }}',
    );
  });

  it('is high outside privileged triggers and in composite actions, medium for an action input', async () => {
    const findings = await failFindings();
    expect(
      findings.find(f => f.file === '.github/workflows/ci.yml'),
    ).toMatchObject({ line: 12, column: 36, severity: 'high' });
    expect(
      findings
        .filter(f => f.file === '.github/actions/notify/action.yml')
        .map(f => [f.line, f.column, f.severity]),
    ).toEqual([
      [9, 25, 'medium'],
      [11, 23, 'high'],
    ]);
  });

  it('follows env, step outputs, job outputs and matrix values', async () => {
    const findings = await failFindings();
    const at = (file: string, line: number) =>
      findings.find(
        f => f.file === `.github/workflows/${file}` && f.line === line,
      )!.message;
    expect(at('triage.yml', 19)).toContain('through env.TITLE');
    expect(at('triage.yml', 31)).toContain(
      'through steps.meta.outputs.title → $TITLE into',
    );
    expect(at('preview.yml', 26)).toContain(
      'github.head_ref through needs.plan.outputs.branch',
    );
    expect(at('preview.yml', 28)).toContain(
      'github.event.pull_request.head.ref through matrix.target',
    );
    expect(at('triage.yml', 36)).toContain(
      'into an actions/github-script script',
    );
  });
});

describe('script-injection on other platforms', () => {
  async function findings(name: string) {
    const { outcome } = await runOnFixture(scriptInjection, name);
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    return outcome.findings;
  }

  it("points at GitLab expand_vars inputs and unquoted or eval'd variables", async () => {
    const f = await findings('fail-gitlab');
    expect(f.map(x => [x.line, x.column, x.severity])).toEqual([
      [9, 10, 'high'],
      [12, 12, 'medium'],
      [13, 20, 'high'],
      [14, 22, 'high'],
    ]);
    expect(f[2].message).toContain('handed to eval');
    expect(f[3].message).toContain('handed to sh -c');
  });

  it('points at Azure macros and template expressions with an env: fix', async () => {
    const f = await findings('fail-azure');
    expect(f.map(x => [x.line, x.column])).toEqual([
      [8, 30],
      [10, 23],
      [11, 34],
      [12, 22],
    ]);
    expect(f[0].suggestedFix?.replacement).toBe(
      'env:\n  BUILD_SOURCEBRANCHNAME: $(Build.SourceBranchName)',
    );
    expect(f[1].message).toContain('$env:BUILD_SOURCEVERSIONMESSAGE');
  });

  it('points at Groovy-interpolated params and env in Jenkins sh steps', async () => {
    const f = await findings('fail-jenkins');
    expect(f.map(x => [x.line, x.column])).toEqual([
      [9, 25],
      [10, 18],
      [11, 29],
    ]);
    expect(f[0].message).toContain('build parameter params.TARGET');
  });

  it('points at CircleCI pipeline values in run commands', async () => {
    const f = await findings('fail-circleci');
    expect(f.map(x => [x.line, x.column])).toEqual([
      [8, 30],
      [10, 29],
    ]);
  });
});

/** poutine's fixture corpus in ../shared/corpus (skipped, with a note, when absent). */
const POUTINE = corpusDir('poutine') ?? 'the poutine corpus';
const withCorpus = corpusDescribe(POUTINE);

withCorpus('script-injection on the poutine corpus', () => {
  it('finds every GitHub Actions injection poutine expects', async () => {
    const expected: Array<{ checkId: string; path: string; line: number }> =
      JSON.parse(
        fs.readFileSync(path.join(POUTINE, 'expected.json'), 'utf8'),
      ).expected.filter(
        (e: { checkId: string; path: string }) =>
          e.checkId === 'script-injection' && e.path.startsWith('.github/'),
      );
    const out = await scriptInjection.run(
      LocalDirectorySnapshot.create(path.join(POUTINE, 'repo')),
    );
    if (out.status !== 'fail') throw new Error(out.status);
    // poutine points at the `run:` key, we point at the expression: the same
    // line for one-line scripts, the next one for block scalars.
    for (const e of expected) {
      expect(
        out.findings.some(
          f =>
            f.file === e.path && (f.line === e.line || f.line === e.line + 1),
        ),
      ).toBe(true);
    }
    // Deliberately more than poutine: `github['head_ref']` (a TODO there).
    expect(
      out.findings.some(
        f => f.file === '.github/workflows/valid.yml' && f.line === 26,
      ),
    ).toBe(true);
    // GitLab `expand_vars` inputs and Azure macros, at poutine's lines.
    const others: Array<{ checkId: string; path: string; line: number }> =
      JSON.parse(
        fs.readFileSync(path.join(POUTINE, 'expected.json'), 'utf8'),
      ).expected.filter(
        (e: { checkId: string; path: string }) =>
          e.checkId === 'script-injection' &&
          /^(\.gitlab-ci\.yml|\.?azure-pipelines[^/]*\.yml)$/.test(e.path),
      );
    expect(others.length).toBe(2);
    for (const e of others) {
      expect(
        out.findings.some(f => f.file === e.path && f.line === e.line),
      ).toBe(true);
    }
    expect(
      out.findings.filter(
        f => f.file === '.gitlab-ci.yml' || /azure-pipelines/.test(f.file!),
      ),
    ).toHaveLength(2);
    // `inputs.*` of a composite action is the caller's choice: medium, not
    // attacker-controlled by itself.
    const composite = out.findings.filter(
      f => f.file === 'composite/action.yml',
    );
    expect(composite.every(f => f.severity === 'medium')).toBe(true);
  });

  it("reads a Docker action's args: as arguments of its entrypoint, or as shell code behind a shell entrypoint", async () => {
    const { outcome } = await runOnFixture(
      scriptInjection,
      'fail-docker-action',
    );
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(
      outcome.findings.map(f => [f.file, f.severity, f.message.split(';')[0]]),
    ).toEqual([
      [
        '.github/actions/lint/action.yml',
        'high',
        '${{ github.head_ref }} expands attacker-controlled github.head_ref into the args: of this Docker action, which its shell entrypoint (/bin/sh) runs as code',
      ],
      [
        '.github/actions/triage/action.yml',
        'medium',
        '${{ github.event.issue.title }} expands attacker-controlled github.event.issue.title into the args: of this Docker action, passed to its entrypoint as arguments (argument injection',
      ],
    ]);
    const inputs = await runOnFixture(scriptInjection, 'warn-docker-inputs');
    if (inputs.outcome.status !== 'warn')
      throw new Error(inputs.outcome.status);
    expect(inputs.outcome.findings.map(f => f.severity)).toEqual(['low']);
  });
});
