import { RepoSnapshot } from '../../snapshot';
import { COMMIT_SHA_RE, parseUses } from '../../analysis/githubActions';
import {
  actionPaths,
  parseWorkflow,
  Workflow,
  workflowPaths,
} from '../githubActions';
import { LocatedString } from '../yaml';
import { capProblems } from '../problems';
import { isVendoredPath } from './manifests';
import { FileCollector, errorMessage } from './model';

/** A full SemVer tag, with or without a leading `v` (`v1.2.3`, `1.2.3-rc.1`). */
const FULL_SEMVER_TAG_RE =
  /^v?[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Whether a `uses:` ref names one release: a full commit SHA, or a tag
 * with three numbers (`v1.2.3`). Major or minor tags (`v4`, `v4.1`) move
 * with each release, and branches move with each commit, so they are not
 * exact. A full tag can still be moved by the action's owner; only the
 * SHA is immutable (the `unpinned-actions` check is about that).
 */
export function isExactActionRef(ref: string): boolean {
  return COMMIT_SHA_RE.test(ref) || FULL_SEMVER_TAG_RE.test(ref);
}

/**
 * Adds one package per remote `uses:` of a workflow or action: name
 * `owner/repo` as written (without the sub-path of an action or reusable
 * workflow inside the repository), version the ref as written ('' when
 * there is none). Local (`./`) and `docker://` uses are not packages.
 */
function addUses(out: FileCollector, uses: LocatedString): boolean {
  const value = uses.value.trim();
  if (!parseUses(value)) return true;
  const at = value.lastIndexOf('@');
  const path = at === -1 ? value : value.slice(0, at);
  const ref = at === -1 ? '' : value.slice(at + 1);
  const [owner, repo] = path.split('/');
  return out.add({
    ecosystem: 'GitHub Actions',
    name: `${owner}/${repo}`,
    version: ref,
    exact: isExactActionRef(ref),
    direct: true,
    line: uses.range.line,
  });
}

function addWorkflow(out: FileCollector, wf: Workflow) {
  for (const job of wf.jobs) {
    if (job.uses && !addUses(out, job.uses)) return;
    for (const step of job.steps) {
      if (step.uses && !addUses(out, step.uses)) return;
    }
  }
}

/**
 * The actions and reusable workflows that the repository's GitHub Actions
 * workflows and action metadata files (composite actions) call, as
 * packages of the `GitHub Actions` ecosystem, in path order. Files in
 * vendored folders are skipped. The files are parsed here rather than
 * through `getWorkflows`, whose parse problems go to the snapshot: like
 * the rest of the inventory, problems stay in the returned lists.
 */
export function collectActionReferences(snapshot: RepoSnapshot): {
  packages: FileCollector['packages'];
  files: string[];
  problems: FileCollector['problems'];
} {
  const result = {
    packages: [] as FileCollector['packages'],
    files: [] as string[],
    problems: [] as FileCollector['problems'],
  };
  const workflows = new Set(workflowPaths(snapshot));
  const paths = [...new Set([...workflows, ...actionPaths(snapshot)])]
    .filter(p => !isVendoredPath(p))
    .sort();
  for (const path of paths) {
    const text = snapshot.read(path);
    if (text === undefined) continue;
    result.files.push(path);
    const out = new FileCollector(path);
    try {
      const parsed = parseWorkflow(
        path,
        text,
        workflows.has(path) ? 'workflow' : 'action',
      );
      for (const p of parsed.problems) out.problems.push(p);
      if (parsed.workflow) addWorkflow(out, parsed.workflow);
    } catch (e) {
      out.problem(`could not read the file: ${errorMessage(e)}`);
    }
    for (const p of out.packages) result.packages.push(p);
    for (const p of capProblems(out.problems)) result.problems.push(p);
  }
  return result;
}
