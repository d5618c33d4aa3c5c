import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import {
  complianceFrameworks,
  ComplianceFrameworkId,
} from '@cicd-security/plugin-cicd-security-common';
import {
  buildEvidenceDocument,
  builtinChecks,
  CheckRegistry,
  DEFAULT_EVIDENCE_FRAMEWORK,
  EvidenceDocument,
  readRepoConfig,
  renderEvidenceHtml,
  runScan,
  serializeEvidence,
  verifyEvidence,
} from '@cicd-security/plugin-cicd-security-node';
import { openTarget, UsageError } from './targets';
import type { Io } from './cli';

export interface EvidenceOptions {
  framework?: string;
  format?: 'json' | 'html';
  output?: string;
  verify?: string;
}

/** The git HEAD commit of a folder, when it is a git work tree. */
export function gitHead(dir: string): string | undefined {
  try {
    const inside = execFileSync(
      'git',
      ['-C', dir, 'rev-parse', '--is-inside-work-tree'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
    if (inside !== 'true') return undefined;
    const sha = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `cicd-security evidence PATH`: scans one repository folder and writes its
 * evidence document (or its HTML report); `--verify FILE` re-computes a
 * document's digest instead. Resolves to the exit code.
 */
export async function evidence(
  input: string | undefined,
  opts: EvidenceOptions,
  io: Io,
): Promise<number> {
  if (opts.verify) return verifyFile(opts.verify, io);
  const framework = (opts.framework ??
    DEFAULT_EVIDENCE_FRAMEWORK) as ComplianceFrameworkId;
  const known = complianceFrameworks.map(f => f.id as string);
  if (!known.includes(framework)) {
    throw new UsageError(
      `unknown framework '${framework}'; known frameworks: ${known.join(', ')}`,
    );
  }
  const dir = input ?? '.';
  const target = openTarget(dir);
  if (target.kind !== 'directory') {
    throw new UsageError(`cannot export evidence of ${dir}: not a folder`);
  }
  const registry = new CheckRegistry(builtinChecks);
  const result = await runScan(target.snapshot, registry, {
    repoConfig: readRepoConfig(target.snapshot),
  });
  const name = path.basename(path.resolve(dir));
  const revision = gitHead(dir) ?? target.snapshot.revision;
  const doc = buildEvidenceDocument({
    scope: { kind: 'repository', path: name },
    framework,
    checks: registry.metadata(),
    scorecards: [
      {
        entityRef: name,
        state: 'ok',
        score: result.score,
        grade: result.grade,
        checks: result.checks,
        ...(revision ? { revision } : {}),
      },
    ],
  });
  const text =
    opts.format === 'html' ? renderEvidenceHtml(doc) : serializeEvidence(doc);
  if (opts.output) {
    try {
      fs.writeFileSync(opts.output, text);
    } catch (e) {
      throw new UsageError(
        `cannot write ${opts.output}: ${(e as Error).message}`,
      );
    }
    io.stderr(
      `evidence of ${name} written to ${opts.output} (sha256 ${doc.integrity.digest})\n`,
    );
  } else {
    io.stdout(text);
  }
  return 0;
}

function verifyFile(file: string, io: Io): number {
  let doc: EvidenceDocument;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const v = verifyEvidence(doc);
  if (v.problem) {
    io.stderr(`${file}: not an evidence document: ${v.problem}\n`);
    return 2;
  }
  if (!v.valid) {
    io.stderr(
      `${file}: digest mismatch: the document states ${v.stated} but its content hashes to ${v.computed}; it was changed after export\n`,
    );
    return 1;
  }
  io.stdout(`${file}: digest verified (sha256 ${v.computed})\n`);
  return 0;
}
