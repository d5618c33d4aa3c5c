import { Severity } from '@cicd-security/plugin-cicd-security-common';
import { getWorkflows } from '../parsers/githubActions';
import {
  at,
  COMMIT_SHA_RE,
  trailingComment,
  usesRefs,
} from '../analysis/githubActions';
import { CheckFinding, createScorecardCheck, outcome, round1 } from './types';

/** Scorecard's Pinned-Dependencies weights for GitHub Actions. */
const THIRD_PARTY_WEIGHT = 8;
const GITHUB_OWNED_WEIGHT = 2;

/** Tags look like versions: `v4`, `v4.1.1`, `1.2.3-rc.1`, `release-1.0`. */
const TAG_RE =
  /^(?:v?\d+(?:\.\d+)*(?:[-+][\w.-]+)?|[\w-]*?-?v?\d+(?:\.\d+)+[\w.-]*)$/i;
const GITHUB_OWNERS = new Set(['actions', 'github']);

interface UsesRef {
  owner: string;
  display: string;
  ref?: string;
  kind: 'sha' | 'tag' | 'branch' | 'none' | 'docker-digest' | 'docker-tag';
  githubOwned: boolean;
}

/** Classify a `uses:` value; undefined for local actions, which need no pin. */
export function classifyUses(value: string): UsesRef | undefined {
  const v = value.trim();
  if (v.startsWith('./') || v.startsWith('../')) return undefined;
  if (v.startsWith('docker://')) {
    return {
      owner: 'docker',
      display: v,
      kind: /@sha256:[0-9a-f]{64}$/i.test(v) ? 'docker-digest' : 'docker-tag',
      githubOwned: false,
    };
  }
  const atIdx = v.lastIndexOf('@');
  const path = atIdx === -1 ? v : v.slice(0, atIdx);
  const ref = atIdx === -1 ? undefined : v.slice(atIdx + 1);
  const owner = path.split('/')[0].toLowerCase();
  let kind: UsesRef['kind'];
  if (!ref) kind = 'none';
  else if (COMMIT_SHA_RE.test(ref)) kind = 'sha';
  else if (TAG_RE.test(ref)) kind = 'tag';
  else kind = 'branch';
  return {
    owner,
    display: v,
    ref,
    kind,
    githubOwned: GITHUB_OWNERS.has(owner),
  };
}

/** The SLSA generator's reusable workflows, which must be called by their release tag. */
const SLSA_GENERATOR_RE =
  /^slsa-framework\/slsa-github-generator\/\.github\/workflows\/[^@]+@v\d+\.\d+\.\d+$/;

function severityFor(u: UsesRef): Severity {
  const floating = u.kind === 'branch' || u.kind === 'none';
  if (u.githubOwned) return floating ? 'medium' : 'low';
  return floating ? 'high' : 'medium';
}

function describe(u: UsesRef): string {
  const who = u.githubOwned ? 'GitHub-owned' : 'third-party';
  switch (u.kind) {
    case 'none':
      return `${u.display} has no ref and runs whatever the default branch holds`;
    case 'branch':
      return `${u.display} follows the branch "${u.ref}" of a ${who} ${
        u.display.includes('.github/workflows/')
          ? 'reusable workflow'
          : 'action'
      }, so each run may execute different code (worse than a tag)`;
    case 'docker-tag':
      return `${u.display} refers to a container image by tag, which its publisher can move`;
    default:
      return `${u.display} is a ${who} ${
        u.display.includes('.github/workflows/')
          ? 'reusable workflow'
          : 'action'
      } pinned to the tag "${u.ref}", which its owner can move`;
  }
}

function pinnedFix(u: UsesRef): string {
  if (u.kind === 'docker-tag') {
    return 'pin the image by digest: `docker://image@sha256:<digest>`';
  }
  const path = u.ref
    ? u.display.slice(0, u.display.lastIndexOf('@'))
    : u.display;
  return `pin to the full commit SHA and keep the tag as a comment: \`${path}@<sha> # ${
    u.kind === 'tag' ? u.ref : 'vX'
  }\``;
}

/**
 * Actions and reusable workflows referenced by a tag or branch run whatever
 * their owner (or whoever compromises them) points that ref at next; only a
 * full commit SHA is immutable.
 */
export const unpinnedActions = createScorecardCheck({
  id: 'unpinned-actions',
  title: 'Actions pinned to full commit SHA',
  description:
    'Every action and reusable workflow in uses: is pinned to a full 40-character commit SHA (with the version kept as a comment), so a moved tag or branch cannot change what the pipeline runs.',
  category: 'third-party-software',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'zizmor', control: 'unpinned-uses' },
    { framework: 'zizmor', control: 'ref-version-mismatch' },
    { framework: 'zizmor', control: 'stale-action-refs' },
  ],
  // `uses: docker://image:tag` and reusable workflows: the same unpinned reference.
  sameProblemAs: ['unpinned-images', 'unpinned-shared-pipeline-code'],
  remediationUrl:
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    const counts = {
      thirdParty: { total: 0, unpinned: 0 },
      githubOwned: { total: 0, unpinned: 0 },
    };
    let missingComments = 0;
    for (const wf of getWorkflows(snapshot)) {
      for (const { uses, where } of usesRefs(wf)) {
        const u = classifyUses(uses.value);
        if (!u) continue;
        const bucket = u.githubOwned ? counts.githubOwned : counts.thirdParty;
        bucket.total++;
        const location = {
          ...at(wf, uses.range),
          fingerprintKey: `${where}:${uses.value}`,
        };
        if (u.kind === 'sha' || u.kind === 'docker-digest') {
          if (u.kind === 'sha' && !trailingComment(wf, uses)) {
            missingComments++;
            findings.push({
              ...location,
              message: `${u.display} is pinned to a commit SHA but has no \`# vX\` comment naming the version, so reviewers and update tools cannot tell which release it is`,
              severity: 'low',
              suggestedFix: {
                description:
                  'Keep the version the SHA points at as a comment: `owner/repo@<sha> # vX`',
              },
            });
          }
          continue;
        }
        if (u.kind === 'tag' && SLSA_GENERATOR_RE.test(u.display)) {
          // The generator verifies the ref it is called at and documents that it
          // cannot be pinned by SHA; Scorecard exempts it too.
          findings.push({
            ...location,
            message: `${u.display} is referenced by its release tag, as the SLSA generator requires (it checks the ref it runs at and fails when pinned by SHA); keep the full vX.Y.Z tag and update it with the tool's releases`,
            severity: 'low',
          });
          continue;
        }
        bucket.unpinned++;
        findings.push({
          ...location,
          message: `${describe(u)}; ${pinnedFix(u)}`,
          severity: severityFor(u),
          suggestedFix: {
            description: pinnedFix(u).replace(/^p/, 'P'),
          },
        });
      }
    }
    const { thirdParty: tp, githubOwned: gh } = counts;
    if (tp.total + gh.total === 0) {
      return outcome.notApplicable(
        'no remote action or reusable workflow in uses:',
      );
    }
    // Scorecard: each group scored by its pinned share, weighted 8 : 2; a
    // group with no instance leaves its weight to the other.
    const share = (g: { total: number; unpinned: number }) =>
      (g.total - g.unpinned) / g.total;
    let score: number;
    if (tp.total === 0) score = 10 * share(gh);
    else if (gh.total === 0) score = 10 * share(tp);
    else
      score = THIRD_PARTY_WEIGHT * share(tp) + GITHUB_OWNED_WEIGHT * share(gh);
    const unpinned = tp.unpinned + gh.unpinned;
    if (unpinned > 0) {
      return outcome.fail(
        score,
        findings,
        `${unpinned} of ${
          tp.total + gh.total
        } uses: references are not pinned to a commit SHA`,
      );
    }
    if (findings.length > 0) {
      return {
        status: 'warn',
        score: round1(score),
        findings,
        reason:
          missingComments > 0
            ? `every reference is pinned; ${missingComments} SHA pin(s) lack a version comment`
            : 'every reference is pinned, or uses the release tag its tool requires',
      };
    }
    return outcome.pass(
      `all ${tp.total + gh.total} uses: references are pinned to a commit SHA`,
    );
  },
});
