import { getImageReferences, ImageReference } from '../parsers/scripts';
import { CheckFinding, createScorecardCheck, outcome, round1 } from './types';

/** An image without a tag, or tagged `latest`, changes whenever anyone pushes. */
function floating(ref: ImageReference): boolean {
  return !ref.tag || ref.tag.toLowerCase() === 'latest';
}

/**
 * A tag is a pointer that the image's publisher (or whoever takes over their
 * account) can move at any time; only a digest names fixed content.
 */
export const unpinnedImages = createScorecardCheck({
  id: 'unpinned-images',
  title: 'Container images pinned by digest',
  description:
    'Dockerfile FROM lines and the container images of pipelines (job containers, services, docker agents) are pinned by @sha256 digest rather than by a movable tag.',
  category: 'third-party-software',
  severity: 'medium',
  platforms: [
    'dockerfile',
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
  ],
  frameworks: [
    { framework: 'zizmor', control: 'unpinned-images' },
    { framework: 'poutine', control: 'unpinnable_action' },
  ],
  remediationUrl:
    'https://docs.docker.com/build/building/best-practices/#pin-base-image-versions',
  run(snapshot) {
    const all = getImageReferences(snapshot);
    const refs = all.filter(r => !r.dynamic);
    const runtime = all.filter(
      r => r.dynamic && r.platform === 'github-actions',
    );
    if (!refs.length && !runtime.length)
      return outcome.notApplicable(
        'no container image references with a known value',
      );
    const findings: CheckFinding[] = [];
    let total = 0;
    let bad = 0;
    for (const ref of all) {
      if (ref.dynamic) {
        if (ref.platform !== 'github-actions') continue;
        // A workflow image chosen at run time is seen, at low severity: the
        // files cannot say whether it will be pinned.
        total += 1;
        bad += 0.25;
        findings.push({
          message: `${ref.written.replace(/^docker:\/\//, '')} (${
            ref.context
          }) is chosen at run time, so whether it is pinned by digest cannot be known from the files`,
          severity: 'low',
          file: ref.file,
          ...ref.range,
          snippet: ref.lineText.trim(),
          fingerprintKey: `${ref.context}:${ref.image}:runtime`,
          suggestedFix: {
            description:
              'Give the image literally, or from a literal matrix, pinned by digest (`name:tag@sha256:<digest>`)',
          },
        });
        continue;
      }
      if (ref.digest && /^sha256:[a-f0-9]{64}$/i.test(ref.digest)) {
        total += 1;
        continue;
      }
      // Unpinned untagged and `latest` images weigh double: they are the least stable.
      const weight = floating(ref) ? 2 : 1;
      total += weight;
      bad += weight;
      const shown = ref.written.replace(/^docker:\/\//, '');
      const tag = ref.tag ?? 'latest';
      findings.push({
        message: floating(ref)
          ? `${shown} (${ref.context}) is ${
              ref.tag ? 'tagged latest' : 'untagged, so latest'
            } and not pinned by digest: it can change with every push`
          : `${shown} (${ref.context}) is pinned to tag ${ref.tag}, which can be moved; pin it by digest`,
        file: ref.file,
        ...ref.range,
        snippet: ref.lineText.trim(),
        fingerprintKey: `${ref.context}:${ref.image}`,
        suggestedFix: {
          description: `Pin by digest (\`docker buildx imagetools inspect ${ref.name}:${tag}\` shows it) and keep the tag for readability`,
          replacement: `${
            ref.written.startsWith('docker://') ? 'docker://' : ''
          }${ref.name}:${tag}@sha256:<digest>`,
        },
      });
    }
    if (bad > 0 && findings.every(f => f.severity === 'low')) {
      // Only images chosen at run time: a warning, not a failure.
      return {
        status: 'warn',
        score: round1((10 * (total - bad)) / total),
        findings,
      };
    }
    return outcome.proportional(total, findings, bad);
  },
});
