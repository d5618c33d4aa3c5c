import { RepoSnapshot } from '../../snapshot';
import { addProblems, parseFailure } from '../problems';
import { parseWorkflow } from './parseWorkflow';
import { Workflow } from './model';

const WORKFLOW_RE = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const ACTION_RE = /(^|\/)action\.ya?ml$/;

/** Paths of GitHub Actions workflows in the snapshot. */
export function workflowPaths(snapshot: RepoSnapshot): string[] {
  return snapshot.files().filter(f => WORKFLOW_RE.test(f));
}

/** Paths of action metadata files (composite, docker, JavaScript actions). */
export function actionPaths(snapshot: RepoSnapshot): string[] {
  return snapshot.files().filter(f => ACTION_RE.test(f));
}

/**
 * Every parsed workflow and action of the snapshot, built once per snapshot.
 * Files that do not parse are recorded as problems with their location.
 */
export function getWorkflows(snapshot: RepoSnapshot): Workflow[] {
  return snapshot.memo('github-actions:workflows', () => {
    const out: Workflow[] = [];
    for (const path of [...workflowPaths(snapshot), ...actionPaths(snapshot)]) {
      const text = snapshot.read(path);
      if (text === undefined) continue;
      try {
        const { workflow, problems } = parseWorkflow(
          path,
          text,
          ACTION_RE.test(path) && !WORKFLOW_RE.test(path)
            ? 'action'
            : 'workflow',
        );
        addProblems(snapshot.problems, problems);
        if (workflow) out.push(workflow);
      } catch (e) {
        // One file the parser cannot handle never breaks the others.
        snapshot.problems.push(parseFailure(path, e));
      }
    }
    return out;
  });
}
