import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { evidenceSchema } from '@cicd-security/plugin-cicd-security-node';
import { runCli } from './testing/runCli';

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
  evidenceSchema,
);

const WORKFLOW = `name: triage
on:
  issues:
    types: [opened]
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "\${{ github.event.issue.title }}" # <script>alert(1)</script>
`;

function gitRepo(): { dir: string; head: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-evidence-'));
  fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.github/workflows/<script>.yml'), WORKFLOW);
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      [
        '-C',
        dir,
        '-c',
        'user.name=Dev',
        '-c',
        'user.email=dev@example.com',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ],
      { encoding: 'utf8' },
    ).trim();
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
  return { dir, head: git('rev-parse', 'HEAD') };
}

describe('cicd-security evidence', () => {
  const { dir, head } = gitRepo();

  it('writes a schema-valid evidence document with the git HEAD commit', async () => {
    const { code, stdout } = await runCli('evidence', dir);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.content.scope).toEqual({
      kind: 'repository',
      path: path.basename(dir),
    });
    expect(doc.content.framework.id).toBe('owasp-cicd-top10');
    const [component] = doc.content.components;
    expect(component.commitSha).toBe(head);
    expect(component.scannedAt).toBeUndefined();
    expect(
      component.results.find((r: any) => r.checkId === 'unpinned-actions')
        .status,
    ).toBe('fail');
  });

  it('gives byte-identical documents for the same commit', async () => {
    const a = await runCli('evidence', dir, '--framework', 'nist-ssdf');
    const b = await runCli('evidence', dir, '--framework', 'nist-ssdf');
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).content.framework.id).toBe('nist-ssdf');
  });

  it('verifies a written document and detects a change', async () => {
    const file = path.join(dir, '..', `${path.basename(dir)}-evidence.json`);
    const written = await runCli('evidence', dir, '--output', file);
    expect(written.code).toBe(0);
    expect(written.stderr).toContain('sha256 ');
    const ok = await runCli('evidence', '--verify', file);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('digest verified');

    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    doc.content.components[0].grade = 'A';
    fs.writeFileSync(file, JSON.stringify(doc));
    const bad = await runCli('evidence', '--verify', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('digest mismatch');

    fs.writeFileSync(file, '{"content":{}}');
    expect((await runCli('evidence', '--verify', file)).code).toBe(2);
  });

  it('renders the HTML report with every text escaped', async () => {
    const { code, stdout } = await runCli('evidence', dir, '--format', 'html');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<!DOCTYPE html>/);
    expect(stdout).not.toContain('<script');
    expect(stdout).toContain('&lt;script&gt;');
  });

  it('refuses an unknown framework and a file', async () => {
    const r = await runCli('evidence', dir, '--framework', 'iso-27001');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown framework 'iso-27001'");
    const f = await runCli(
      'evidence',
      path.join(dir, '.github/workflows/<script>.yml'),
    );
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('not a folder');
  });
});
