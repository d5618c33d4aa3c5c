import path from 'path';
import {
  builtinChecks,
  LocalDirectorySnapshot,
} from '@cicd-security/plugin-cicd-security-node';
async function main() {
  const dirs = Array.from({ length: 100 }, (_, r) =>
    path.join('/tmp/cicd-security-bench-200', `repo-${r}`),
  );
  const times: Record<string, number> = {};
  let walk = 0;
  for (const dir of dirs) {
    const t1 = process.hrtime.bigint();
    const snap = LocalDirectorySnapshot.create(dir);
    walk += Number(process.hrtime.bigint() - t1) / 1e6;
    for (const c of builtinChecks) {
      const t0 = process.hrtime.bigint();
      await c.run(snap);
      times[c.id] =
        (times[c.id] ?? 0) + Number(process.hrtime.bigint() - t0) / 1e6;
    }
  }
  console.log('walk', walk.toFixed(0));
  const total = Object.values(times).reduce((a, b) => a + b, 0);
  console.log('total checks', total.toFixed(0));
  Object.entries(times)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .forEach(([k, v]) => console.log(k.padEnd(36), v.toFixed(0), 'ms'));
}
main();
