import fs from 'fs';
import path from 'path';
import {
  SECRET_RULES,
  GENERIC_KEYWORDS,
} from '../plugins/cicd-security-node/src/secrets/rules';
const files: string[] = [];
for (let r = 0; r < 50; r++) {
  const d = `/tmp/cicd-security-bench-200/repo-${r}/src`;
  for (const f of fs.readdirSync(d))
    files.push(fs.readFileSync(path.join(d, f), 'utf8'));
}
const all = [
  ...new Set([...SECRET_RULES.flatMap(r => r.keywords), ...GENERIC_KEYWORDS]),
];
console.log('keywords', all.length);
for (let rep = 0; rep < 2; rep++) {
  let t = Date.now();
  let n = 0;
  for (const text of files) {
    const lower = text.toLowerCase();
    for (const r of SECRET_RULES)
      if (r.keywords.some(k => lower.includes(k))) n++;
    if (GENERIC_KEYWORDS.some(k => lower.includes(k))) n++;
  }
  console.log('includes', Date.now() - t, 'ms hits', n);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const re = new RegExp(all.map(esc).join('|'), 'gi');
  t = Date.now();
  n = 0;
  for (const text of files) {
    re.lastIndex = 0;
    const seen = new Set<string>();
    let m;
    while ((m = re.exec(text))) seen.add(m[0].toLowerCase());
    n += seen.size;
  }
  console.log('combined regex', Date.now() - t, 'ms hits', n);
}
