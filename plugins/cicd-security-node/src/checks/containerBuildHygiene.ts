import { Dockerfile, DockerStage } from '../parsers/dockerfile';
import { getDockerfiles } from '../parsers/dockerfile';
import { commandWords, programName, shellCommands } from '../parsers/scripts';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Base images that already run as an unprivileged user. */
const NONROOT_BASE_RE =
  /[:-](nonroot|rootless)\b|^cgr\.dev\/chainguard\/|^gcr\.io\/distroless\/[^:@]*:(?:[^@]*-)?nonroot/i;
const ROOT_USER_RE = /^(root|0)(:.*)?$/i;

/** The USER in effect at the end of a stage, following `FROM <stage>` chains. */
function effectiveUser(
  df: Dockerfile,
  stage: DockerStage,
  depth = 0,
): { user: string; range: Dockerfile['users'][number]['range'] } | undefined {
  const users = df.users.filter(u => u.instruction.stage === stage.index);
  if (users.length) return users[users.length - 1];
  if (stage.fromStage && depth < 20) {
    const parent = [...df.stages]
      .filter(s => s.index < stage.index)
      .reverse()
      .find(s => s.alias?.toLowerCase() === stage.fromStage);
    if (parent) return effectiveUser(df, parent, depth + 1);
  }
  return undefined;
}

/** The base image of a stage, following `FROM <stage>` chains. */
function baseImage(df: Dockerfile, stage: DockerStage, depth = 0): DockerStage {
  if (!stage.fromStage || depth > 20) return stage;
  const parent = [...df.stages]
    .filter(s => s.index < stage.index)
    .reverse()
    .find(s => s.alias?.toLowerCase() === stage.fromStage);
  return parent ? baseImage(df, parent, depth + 1) : stage;
}

interface Installer {
  /** Words that start the install: `apt-get install`, `apk add`. */
  match(words: string[]): number | undefined;
  pinned(pkg: string): boolean;
  label: string;
  example: string;
}

const INSTALLERS: Installer[] = [
  {
    label: 'apt-get install',
    match: w =>
      (w[0] === 'apt-get' || w[0] === 'apt') && w.indexOf('install') > 0
        ? w.indexOf('install') + 1
        : undefined,
    pinned: p => p.includes('=') || p.endsWith('.deb'),
    example: 'curl=7.88.1-10+deb12u5',
  },
  {
    label: 'apk add',
    match: w =>
      w[0] === 'apk' && w.indexOf('add') > 0 ? w.indexOf('add') + 1 : undefined,
    pinned: p => /[=~<>]/.test(p) || p.endsWith('.apk'),
    example: 'curl=8.9.1-r0',
  },
];

/** Options whose next word is a value, not a package. */
const OPTIONS_WITH_VALUE = new Set([
  '-o',
  '-t',
  '--target-release',
  '--option',
  '-X',
  '--repository',
  '--virtual',
  '-t',
  '--root',
  '-p',
  '--arch',
  '-c',
  '--config-file',
]);

/**
 * An image is third-party software for whoever runs it: it should not run as
 * root, and what goes into it should be reproducible.
 */
export const containerBuildHygiene = createScorecardCheck({
  id: 'container-build-hygiene',
  title: 'Container build hygiene (image is third‑party)',
  description:
    'Dockerfiles drop root in the final stage (USER), pin the versions of apt-get/apk packages, and do not build on a latest (or untagged) base image.',
  category: 'third-party-software',
  severity: 'low',
  platforms: ['dockerfile'],
  remediationUrl: 'https://docs.docker.com/build/building/best-practices/#user',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let total = 0;
    const files = getDockerfiles(snapshot).filter(df => df.stages.length > 0);
    if (!files.length) return outcome.notApplicable('no Dockerfile');
    for (const df of files) {
      const final = df.stages[df.stages.length - 1];
      // 1. The final stage's user.
      total++;
      const user = effectiveUser(df, final);
      const base = baseImage(df, final);
      if (user && ROOT_USER_RE.test(user.user)) {
        findings.push({
          message: `The final stage switches to USER ${user.user}: the container's processes run as root`,
          file: df.path,
          ...user.range,
          snippet: df.lines.lineText(user.range.line).trim(),
          fingerprintKey: `user:${user.user}`,
          suggestedFix: {
            description: 'Run as an unprivileged user',
            replacement: 'USER 10001:10001',
          },
        });
      } else if (!user && !NONROOT_BASE_RE.test(base.resolvedImage)) {
        findings.push({
          message: `The final stage (FROM ${final.image}) sets no USER, so the container runs as root unless the base image says otherwise`,
          file: df.path,
          ...final.imageRange,
          snippet: df.lines.lineText(final.imageRange.line).trim(),
          fingerprintKey: 'user:none',
          suggestedFix: {
            description:
              'Add an unprivileged user at the end of the final stage',
            replacement: 'USER 10001:10001',
          },
        });
      }
      // 2. `latest` or untagged bases.
      for (const st of df.stages) {
        if (st.scratch || st.fromStage || st.dynamic) continue;
        const img = st.resolvedImage;
        if (img.includes('@')) continue;
        total++;
        const slash = img.lastIndexOf('/');
        const colon = img.indexOf(':', slash + 1);
        const tag = colon === -1 ? undefined : img.slice(colon + 1);
        if (tag && tag.toLowerCase() !== 'latest') continue;
        const name = colon === -1 ? img : img.slice(0, colon);
        findings.push({
          message: `FROM ${st.image} builds on ${
            tag ? 'the latest tag' : 'an untagged (latest) image'
          }: the base changes under the build without notice`,
          file: df.path,
          ...st.imageRange,
          snippet: df.lines.lineText(st.imageRange.line).trim(),
          fingerprintKey: `from:${st.index}:${img}`,
          suggestedFix: {
            description:
              'Use a versioned tag, pinned by digest (see unpinned-images)',
            replacement: `${name}:<version>@sha256:<digest>`,
          },
        });
      }
      // 3. Unpinned OS packages.
      for (const run of df.runs) {
        if (run.execForm) continue;
        for (const cmd of shellCommands(run.command)) {
          const words = commandWords(cmd);
          const values = words.map((w, k) =>
            k === 0 ? programName(w) : w.value,
          );
          for (const inst of INSTALLERS) {
            const start = inst.match(values);
            if (start === undefined) continue;
            const pkgs: typeof words = [];
            for (let k = start; k < words.length; k++) {
              const v = words[k].value;
              if (v.startsWith('-')) {
                if (OPTIONS_WITH_VALUE.has(v)) k++;
                continue;
              }
              if (/^[$`]/.test(v)) continue;
              pkgs.push(words[k]);
            }
            if (!pkgs.length) continue;
            total++;
            const loose = pkgs.filter(p => !inst.pinned(p.value));
            if (!loose.length) continue;
            const first = loose[0];
            const r = df.range(run.offset + first.offset, first.length);
            findings.push({
              message: `${inst.label} installs ${loose
                .map(p => p.value)
                .slice(0, 5)
                .join(', ')}${
                loose.length > 5 ? '…' : ''
              } without a pinned version: each build may get different packages`,
              file: df.path,
              ...r,
              snippet: df.lines.lineText(r.line).trim(),
              fingerprintKey: `${inst.label}:${loose
                .map(p => p.value)
                .join(',')}`,
              suggestedFix: {
                description: `Pin each package's version (e.g. ${inst.example}), as hadolint DL3008/DL3018 ask`,
              },
            });
          }
        }
      }
    }
    return outcome.proportional(total, findings);
  },
});
