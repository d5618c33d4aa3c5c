import fs from 'fs';
import path from 'path';

/** The folder holding the check guides (`docs/checks`), searched upwards from this package. */
// eslint-disable-next-line no-restricted-syntax -- the CLI runs from its own package folder
export function findGuidesDir(start = __dirname): string | undefined {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'docs', 'checks');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

export function readGuide(checkId: string): string | undefined {
  const dir = findGuidesDir();
  if (!dir) return undefined;
  const file = path.join(dir, `${checkId}.md`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
