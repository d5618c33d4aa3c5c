import { minimatch } from 'minimatch';
import { RepoSnapshot } from './RepoSnapshot';

/** The snapshot's files matching any of the glob patterns (minimatch, dotfiles included). */
export function matchFiles(
  snapshot: RepoSnapshot,
  ...patterns: string[]
): string[] {
  return snapshot
    .files()
    .filter(f =>
      patterns.some(p => minimatch(f, p, { dot: true, nocase: false })),
    );
}
