import { RepoSnapshot, matchFiles } from '../../snapshot';
import { addProblems, parseFailure } from '../problems';
import { GitlabCiFile, parseGitlabCi } from './parseGitlabCi';

/** The root configuration file name. */
export const GITLAB_CI_FILE = '.gitlab-ci.yml';

const MAX_FILES = 50;

/**
 * The GitLab CI configuration of the snapshot: `.gitlab-ci.yml` and the files
 * it pulls in with `include: local:` (or a plain local path), recursively,
 * parsed once per snapshot. Includes from other projects, remote URLs and
 * templates are listed in `includes` but not fetched.
 */
export function getGitlabCi(snapshot: RepoSnapshot): GitlabCiFile[] {
  return snapshot.memo('gitlab-ci:files', () => {
    const out: GitlabCiFile[] = [];
    const seen = new Set<string>();
    const queue: string[] = [];
    const roots = snapshot
      .files()
      .filter(f => f === GITLAB_CI_FILE || f === '.gitlab-ci.yaml');
    for (const r of roots) queue.push(r);
    while (queue.length && seen.size < MAX_FILES) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const text = snapshot.read(path);
      if (text === undefined) continue;
      let parsed: ReturnType<typeof parseGitlabCi>;
      try {
        parsed = parseGitlabCi(path, text);
      } catch (e) {
        // One file the parser cannot handle never breaks the others.
        snapshot.problems.push(parseFailure(path, e));
        continue;
      }
      const { config, problems } = parsed;
      addProblems(snapshot.problems, problems);
      if (!config) continue;
      out.push(config);
      for (const inc of config.includes) {
        if (inc.kind !== 'local') continue;
        const target = inc.value.value.replace(/^\.?\//, '');
        if (target.includes('$')) continue;
        if (/[*?[]/.test(target)) {
          for (const m of matchFiles(snapshot, target)) queue.push(m);
        } else if (snapshot.exists(target)) {
          queue.push(target);
        }
      }
    }
    return out;
  });
}
