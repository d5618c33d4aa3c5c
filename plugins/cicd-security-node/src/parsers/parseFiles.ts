import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { RepoSnapshot } from '../snapshot';
import { addProblems } from './problems';

/**
 * Parse each file once per snapshot (memoised under `key`): unreadable files
 * are skipped (the snapshot has noted why), parse problems go to the
 * snapshot, and a parser that throws becomes a problem at line 1 instead of
 * breaking the checks that use it.
 */
export function parseFilesOnce<T>(
  snapshot: RepoSnapshot,
  key: string,
  paths: () => string[],
  what: string,
  parse: (path: string, text: string) => { value?: T; problems: ScanProblem[] },
): T[] {
  return snapshot.memo(key, () => {
    const out: T[] = [];
    for (const path of paths()) {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      try {
        const { value, problems } = parse(path, text);
        addProblems(snapshot.problems, problems);
        if (value !== undefined) out.push(value);
      } catch (e) {
        snapshot.problems.push({
          file: path,
          line: 1,
          column: 1,
          kind: 'parse-error',
          message: `could not read the ${what}: ${(e as Error).message}`,
        });
      }
    }
    return out;
  });
}
