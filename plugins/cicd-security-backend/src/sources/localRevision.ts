import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import { treatmentOf } from './boundedTree';

/** Directories never read by scans, so they do not change the revision either. */
const IGNORED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

/**
 * A cheap revision of a local directory: a hash of the path, size and
 * modification time of every file a scan would walk. It changes when a file
 * is added, removed, resized or touched, without reading any content.
 */
export async function localRevision(dir: string): Promise<string> {
  return (await localRevisionAndSize(dir)).revision;
}

/**
 * The revision of a local directory (see {@link localRevision}) and how many
 * bytes a scan would read of it: the files a snapshot reads (not in ignored
 * or vendored folders, not binaries by extension) of at most `maxFileBytes`.
 */
export async function localRevisionAndSize(
  dir: string,
  options: { maxFileBytes?: number } = {},
): Promise<{ revision: string; bytesToRead: number }> {
  const maxFileBytes = options.maxFileBytes ?? Number.POSITIVE_INFINITY;
  let bytesToRead = 0;
  const hash = createHash('sha256');
  const stack = [''];
  const entries: string[] = [];
  while (stack.length) {
    const rel = stack.pop()!;
    let dirents: fs.Dirent[];
    try {
      dirents = await fs.promises.readdir(path.join(dir, rel), {
        withFileTypes: true,
      });
    } catch {
      entries.push(`${rel}\0unreadable`);
      continue;
    }
    for (const d of dirents) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (!IGNORED_DIRS.has(d.name)) stack.push(child);
      } else if (d.isFile() || d.isSymbolicLink()) {
        try {
          const stat = await fs.promises.stat(path.join(dir, child));
          entries.push(`${child}\0${stat.size}\0${stat.mtimeMs}`);
          if (
            stat.isFile() &&
            stat.size <= maxFileBytes &&
            treatmentOf(child) === 'read'
          ) {
            bytesToRead += stat.size;
          }
        } catch {
          entries.push(`${child}\0dangling`);
        }
      }
    }
  }
  entries.sort();
  for (const e of entries) hash.update(e).update('\n');
  return { revision: `local-sha256:${hash.digest('hex')}`, bytesToRead };
}
