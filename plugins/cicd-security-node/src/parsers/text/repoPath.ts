/**
 * `path` relative to the repository folder `dir`, as a repository path
 * (`a/b/c`), or undefined when it is absolute, a URL, empty or leaves the
 * repository (`../` past the root).
 */
export function joinRepoPath(dir: string, path: string): string | undefined {
  if (!path || path.includes('://') || path.startsWith('/')) return undefined;
  const parts = dir ? dir.split('/').filter(Boolean) : [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/') || undefined;
}
