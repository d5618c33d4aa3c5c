import fs from 'fs';
import path from 'path';
import { SECRET_RULES } from '../plugins/cicd-security-node/src/secrets/rules';
const files: string[] = [];
for (let r = 0; r < 50; r++) {
  const d = `/tmp/cicd-security-bench-200/repo-${r}/src`;
  for (const f of fs.readdirSync(d))
    files.push(fs.readFileSync(path.join(d, f), 'utf8'));
}
const times: Record<string, number> = {};
let kw = 0,
  low = 0;
for (const text of files) {
  const t0 = process.hrtime.bigint();
  const lower = text.toLowerCase();
  low += Number(process.hrtime.bigint() - t0);
  for (const rule of SECRET_RULES) {
    const t1 = process.hrtime.bigint();
    const hit = rule.keywords.some(k => lower.includes(k));
    kw += Number(process.hrtime.bigint() - t1);
    if (!hit) continue;
    const t2 = process.hrtime.bigint();
    const re = new RegExp(rule.regex.source, rule.regex.flags);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (!m[0].length) re.lastIndex++;
    }
    times[rule.id] =
      (times[rule.id] ?? 0) + Number(process.hrtime.bigint() - t2);
  }
}
console.log(
  'files',
  files.length,
  'lower',
  (low / 1e6).toFixed(0),
  'kw',
  (kw / 1e6).toFixed(0),
);
Object.entries(times)
  .sort((a, b) => b[1] - a[1])
  .forEach(([k, v]) => console.log(k.padEnd(30), (v / 1e6).toFixed(1)));
