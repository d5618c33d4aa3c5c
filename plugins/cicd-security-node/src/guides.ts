import fs from 'fs';
import path from 'path';

/**
 * The folder of the built-in checks' guide pages (`<check-id>.md`), shipped
 * with this package. Resolved from the module itself, so it holds both when
 * running from `src/` in the repository and from `dist/` once installed.
 */
// eslint-disable-next-line no-restricted-syntax -- the guides ship next to the module
const GUIDES_DIR = path.resolve(__dirname, '../guides');

/** A check id as used in guide file names: lowercase letters, digits and dashes. */
const GUIDE_ID = /^[a-z0-9-]+$/;

/**
 * The guide page of a built-in check as Markdown, or `undefined` when the id
 * is not a valid check id or the check has no guide.
 *
 * @public
 */
export function readCheckGuide(checkId: string): string | undefined {
  if (typeof checkId !== 'string' || !GUIDE_ID.test(checkId)) return undefined;
  const file = path.join(GUIDES_DIR, `${checkId}.md`);
  // Belt and braces: the id pattern already keeps the path inside the folder.
  if (path.dirname(file) !== GUIDES_DIR) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The ids of the checks with a guide page shipped in this package, sorted.
 *
 * @public
 */
export function listCheckGuides(): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(GUIDES_DIR);
  } catch {
    return [];
  }
  return names
    .filter(name => name.endsWith('.md'))
    .map(name => name.slice(0, -'.md'.length))
    .filter(id => GUIDE_ID.test(id))
    .sort();
}
