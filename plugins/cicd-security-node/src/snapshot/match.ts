import { Minimatch } from 'minimatch';
import { RepoSnapshot } from './RepoSnapshot';

/**
 * Longest pattern matched: compiling a glob costs more than linear time in
 * its length, and patterns can come from the repository (GitLab includes).
 */
const MAX_PATTERN_LENGTH = 256;

/**
 * The snapshot's files matching any of the glob patterns (minimatch,
 * dotfiles included). Each pattern is compiled once; patterns longer than
 * 256 characters match nothing.
 */
export function matchFiles(
  snapshot: RepoSnapshot,
  ...patterns: string[]
): string[] {
  const matchers = patterns
    .filter(p => p.length <= MAX_PATTERN_LENGTH)
    .map(p => new Minimatch(p, { dot: true, nocase: false }));
  if (matchers.length === 0) return [];
  return snapshot.files().filter(f => matchers.some(m => m.match(f)));
}
