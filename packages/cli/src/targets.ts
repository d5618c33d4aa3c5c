import fs from 'fs';
import path from 'path';
import {
  InMemorySnapshot,
  LocalDirectorySnapshot,
  RepoSnapshot,
} from '@cicd-security/plugin-cicd-security-node';

/** What one command-line path is scanned as. */
export interface ScanTarget {
  /** The path as the user gave it. */
  input: string;
  snapshot: RepoSnapshot;
  /** Maps a snapshot path back to a path relative to the scan root (single files: the given path). */
  displayPath(file: string): string;
  kind: 'directory' | 'file';
  /** For single files: what the file was recognised as. */
  recognisedAs?: string;
}

export class UsageError extends Error {}

/**
 * A directory is scanned as a repository; a single file as what it is, by
 * placing it where the engine expects that kind of file.
 */
export function openTarget(input: string, maxFileBytes?: number): ScanTarget {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw new UsageError(`cannot read ${input}: no such file or directory`);
  }
  if (stat.isDirectory()) {
    const snapshot = LocalDirectorySnapshot.create(input, { maxFileBytes });
    return { input, snapshot, displayPath: f => f, kind: 'directory' };
  }
  if (!stat.isFile())
    throw new UsageError(`cannot scan ${input}: not a regular file`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(input);
  } catch (e) {
    throw new UsageError(`cannot read ${input}: ${(e as Error).message}`);
  }
  const virtual = virtualPath(
    input,
    bytes.subarray(0, 64 * 1024).toString('utf8'),
  );
  const snapshot = new InMemorySnapshot(
    { [virtual]: bytes },
    { label: input, maxFileBytes },
  );
  return {
    input,
    snapshot,
    displayPath: f => (f === virtual ? input : f),
    kind: 'file',
    recognisedAs: virtual,
  };
}

/** Where a single file belongs in a repository, judged by its name and content. */
export function virtualPath(file: string, head: string): string {
  const base = path.basename(file);
  const parent = path.basename(path.dirname(path.resolve(file)));
  if (/^action\.ya?ml$/i.test(base)) return base.toLowerCase();
  if (/^\.gitlab-ci\.ya?ml$/i.test(base)) return '.gitlab-ci.yml';
  if (/^(Jenkinsfile.*|.*\.jenkinsfile)$/i.test(base)) return 'Jenkinsfile';
  if (/^(Dockerfile.*|Containerfile|.*\.dockerfile)$/i.test(base))
    return 'Dockerfile';
  if (/^azure-pipelines.*\.ya?ml$/i.test(base)) return base;
  if (/^dependabot\.ya?ml$/i.test(base)) return '.github/dependabot.yml';
  if (/^CODEOWNERS$/.test(base)) return '.github/CODEOWNERS';
  if (parent === '.circleci' && /^config\.ya?ml$/.test(base))
    return '.circleci/config.yml';
  if (/\.ya?ml$/i.test(base)) {
    if (/^\s*runs:\s*$/m.test(head) && /^\s*using:/m.test(head))
      return 'action.yml';
    if (/^(on|"on"|'on')\s*:/m.test(head) && /^jobs\s*:/m.test(head))
      return `.github/workflows/${base}`;
    if (
      /^version:\s*2\.?\d*\s*$/m.test(head) &&
      /^(jobs|workflows|orbs):/m.test(head)
    )
      return '.circleci/config.yml';
    if (
      /^(trigger|pool|pr|resources):/m.test(head) ||
      /\bvmImage\b|^\s*-\s*task:/m.test(head)
    ) {
      return 'azure-pipelines.yml';
    }
    if (
      /^\s+script:/m.test(head) ||
      /^(stages|include|default|variables):/m.test(head)
    )
      return '.gitlab-ci.yml';
  }
  return base;
}
