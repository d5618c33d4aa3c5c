import { RepoSnapshot } from '../snapshot';
import { getWorkflows } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Extensions of compiled or packaged code (OpenSSF Scorecard Binary-Artifacts). */
export const BINARY_EXTENSIONS = new Set([
  'crx',
  'deb',
  'dex',
  'dey',
  'elf',
  'o',
  'a',
  'so',
  'macho',
  'iso',
  'class',
  'jar',
  'bundle',
  'dylib',
  'lib',
  'msi',
  'dll',
  'drv',
  'efi',
  'exe',
  'ocx',
  'pyc',
  'pyo',
  'par',
  'rpm',
  'wasm',
  'whl',
  'war',
  'ear',
  'apk',
  'aar',
  'nupkg',
  'gem',
]);

const GRADLE_WRAPPER = /(?:^|\/)gradle\/wrapper\/gradle-wrapper\.jar$/;
const WRAPPER_VALIDATION =
  /^gradle\/(?:actions\/wrapper-validation|wrapper-validation-action)@/i;

function extensionOf(file: string): string | undefined {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : undefined;
}

/** Extension-less files worth a content check: not dotfiles, not test data. */
function looksLikeExecutableName(file: string): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return !base.startsWith('.') && !TEST_DATA.test(file);
}
const TEST_DATA =
  /(?:^|\/)(?:testdata|test-data|fixtures|__fixtures__|corpus|test|tests)\//i;

/** True when the snapshot could not read the file as text because it is binary. */
function isBinary(
  snapshot: RepoSnapshot,
  file: string,
  allowUnreadable: boolean,
): boolean {
  if (snapshot.read(file) !== undefined) return false;
  const problem = snapshot.problems.find(
    p => p.file === file && p.kind === 'skipped-file',
  );
  if (!problem) return false;
  if (/binary file|not valid UTF-8/.test(problem.message)) return true;
  return allowUnreadable;
}

/** Whether a workflow validates Gradle wrapper jars against the published checksums. */
export function validatesGradleWrapper(snapshot: RepoSnapshot): boolean {
  return getWorkflows(snapshot).some(wf =>
    wf.jobs.some(job =>
      job.steps.some(s => WRAPPER_VALIDATION.test(s.uses?.value ?? '')),
    ),
  );
}

/**
 * A binary in the tree cannot be reviewed: what it does is whatever the person
 * who built it made it do, and it bypasses the review every source change gets.
 */
export const committedBinaries = createScorecardCheck({
  id: 'committed-binaries',
  title: 'No committed binaries',
  description:
    'The repository holds no executables, libraries or compiled code (jar, class, pyc, exe, dll, so, wasm, extension-less executables…); a gradle-wrapper.jar is accepted when a workflow validates it.',
  category: 'compliance',
  severity: 'medium',
  platforms: ['repository'],
  remediationUrl:
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#binary-artifacts',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let wrapperValidated: boolean | undefined;
    for (const file of snapshot.files()) {
      const ext = extensionOf(file);
      const listed = ext !== undefined && BINARY_EXTENSIONS.has(ext);
      // Files without an extension are flagged only when their content is binary (a compiled executable).
      if (!listed && (ext !== undefined || !looksLikeExecutableName(file)))
        continue;
      if (!isBinary(snapshot, file, listed)) continue;
      if (GRADLE_WRAPPER.test(file)) {
        wrapperValidated ??= validatesGradleWrapper(snapshot);
        if (wrapperValidated) continue;
        findings.push({
          message: `${file} is a binary that no workflow validates; add gradle/actions/wrapper-validation to a workflow`,
          file,
          fingerprintKey: file,
          suggestedFix: {
            description: 'Validate the Gradle wrapper in CI',
            replacement: '- uses: gradle/actions/wrapper-validation@v4',
          },
        });
        continue;
      }
      findings.push({
        message: `${file} is a committed ${
          listed ? `.${ext} ` : ''
        }binary; build it in CI from reviewed source or fetch it from a verified release instead`,
        file,
        fingerprintKey: file,
      });
    }
    if (findings.length === 0)
      return outcome.pass('no binary artifacts in the repository');
    return outcome.fail(Math.max(0, 10 - findings.length), findings);
  },
});
