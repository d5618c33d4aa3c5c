import fs from 'fs';
import { parseAllDocuments, parseDocument, LineCounter } from 'yaml';
import { parseWorkflow } from '@cicd-security/plugin-cicd-security-node';
const texts: string[] = [];
for (let r = 0; r < 100; r++)
  for (let i = 0; i < 10; i++)
    texts.push(
      fs.readFileSync(
        `/tmp/cicd-security-bench-200/repo-${r}/.github/workflows/ci-${i}.yml`,
        'utf8',
      ),
    );
for (let rep = 0; rep < 3; rep++) {
  let t = Date.now();
  for (const x of texts) parseAllDocuments(x);
  const a = Date.now() - t;
  t = Date.now();
  for (const x of texts) {
    const lc = new LineCounter();
    parseDocument(x, { lineCounter: lc, schema: 'core' });
  }
  const b = Date.now() - t;
  t = Date.now();
  for (const x of texts) parseWorkflow('.github/workflows/ci.yml', x);
  const c = Date.now() - t;
  console.log(
    'parseAllDocuments',
    a,
    'parseDocument+lc',
    b,
    'parseWorkflow',
    c,
  );
}
