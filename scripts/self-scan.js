#!/usr/bin/env node
/*
 * The project scans itself with its own CLI and fails below grade A, on any
 * failing or errored check of high or critical severity, and on any finding
 * of high or critical severity (the CLI's own --fail-on high gate).
 */
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'packages/cli/bin/cicd-security');
const run = spawnSync(
  process.execPath,
  [cli, 'scan', root, '--format', 'json', '--fail-on', 'high'],
  { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
);
if (run.status === 2 || !run.stdout) {
  console.error(
    `self-scan: the CLI failed (exit ${run.status})\n${run.stderr}`,
  );
  process.exit(1);
}
const report = JSON.parse(run.stdout);
const target = report.targets[0];
const problems = [];
if (target.grade !== 'A') {
  problems.push(`grade ${target.grade} (${target.score}/10), A required`);
}
for (const c of target.checks) {
  const severe = c.severity === 'high' || c.severity === 'critical';
  if (severe && (c.status === 'fail' || c.status === 'error')) {
    problems.push(
      `${c.severity} check ${c.checkId} is ${c.status}: ${c.reason ?? ''}`,
    );
  }
}
if (run.status !== 0) {
  problems.push(
    `the CLI gate failed: ${(report.gate?.reasons ?? []).join('; ')}`,
  );
}
const notPassing = target.checks.filter(
  c => c.status !== 'pass' && c.status !== 'not-applicable',
);
console.log(
  `self-scan: grade ${target.grade} ${target.score}/10; not passing: ${
    notPassing.map(c => `${c.checkId} (${c.status})`).join(', ') || 'none'
  }`,
);
if (problems.length) {
  for (const p of problems) console.error(`self-scan FAILED: ${p}`);
  process.exit(1);
}
console.log('self-scan: passed');
