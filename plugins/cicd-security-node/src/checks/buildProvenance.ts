import { RepoSnapshot } from '../snapshot';
import { ciFiles } from '../analysis/ciFiles';
import {
  ActionRule,
  Evidence,
  findEvidence,
  LineRule,
} from '../analysis/ciEvidence';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Steps that publish a package, an image or a release. */
export const PUBLISH_RULES: LineRule[] = [
  {
    tool: 'npm publish',
    re: /\b(?:npm|pnpm|bun)\s+publish\b|\byarn\s+(?:npm\s+)?publish\b|\blerna\s+publish\b|\bchangeset\s+publish\b/i,
    unless: /--dry-run\b/,
  },
  {
    tool: 'PyPI upload',
    re: /\btwine\s+upload\b|\b(?:poetry|flit|uv|hatch|pdm)\s+publish\b/i,
    unless: /--dry-run\b/,
  },
  {
    tool: 'image push',
    re: /\b(?:docker|podman|buildah)\s+(?:image\s+)?push\b|\bdocker\s+buildx\s+build\b[^\n]*--push\b|\bcrane\s+push\b|\bko\s+(?:build|publish)\b/i,
  },
  { tool: 'Maven deploy', re: /(?:\bmvnw?|\/mvnw)\b[^\n]*\sdeploy\b/i },
  {
    tool: 'Gradle publish',
    re: /(?:\bgradlew?|\/gradlew)\b[^\n]*\s(?:publish\w*|uploadArchives)\b/i,
  },
  { tool: 'cargo publish', re: /\bcargo\s+publish\b/i, unless: /--dry-run\b/ },
  { tool: 'gem push', re: /\bgem\s+push\b/i },
  { tool: 'NuGet push', re: /\b(?:dotnet\s+)?nuget\s+push\b/i },
  { tool: 'Helm push', re: /\bhelm\s+push\b/i },
  {
    tool: 'GoReleaser',
    re: /\bgoreleaser\s+release\b|goreleaser\/goreleaser-action@/i,
    unless: /--snapshot\b/,
  },
  {
    tool: 'GitHub release',
    re: /softprops\/action-gh-release@|\bgh\s+release\s+(?:create|upload)\b|ncipollo\/release-action@/i,
  },
  {
    tool: 'JReleaser',
    re: /\bjreleaser\b[^\n]*\b(?:release|full-release|deploy)\b|jreleaser\/release-action@/i,
  },
];

export const PUBLISH_ACTIONS: ActionRule[] = [
  { tool: 'PyPI upload', uses: /^pypa\/gh-action-pypi-publish@/i },
  {
    tool: 'image push',
    uses: /^docker\/build-push-action@/i,
    when: w => /^true$/i.test(w.push ?? ''),
  },
  { tool: 'npm publish', uses: /^JS-DevTools\/npm-publish@/i },
];

/** Provenance attestations and signatures. */
export const PROVENANCE_RULES: LineRule[] = [
  {
    tool: 'attest-build-provenance',
    re: /actions\/attest-build-provenance@|actions\/attest@/i,
  },
  {
    tool: 'SLSA GitHub generator',
    re: /slsa-framework\/slsa-github-generator/i,
  },
  {
    tool: 'cosign',
    re: /\bcosign\s+(?:sign|attest)(?:-blob)?\b|sigstore\/gh-action-sigstore-python@/i,
  },
  {
    tool: 'npm provenance',
    re: /--provenance(?:=true)?(?=\s|$|['"])|\bNPM_CONFIG_PROVENANCE:\s*['"]?true/i,
  },
  {
    tool: 'GitLab SLSA provenance',
    re: /\bRUNNER_GENERATE_ARTIFACTS_METADATA:\s*['"]?true/i,
  },
  {
    tool: 'Notation',
    re: /\bnotation\s+sign\b|notaryproject\/notation-action\/sign@/i,
  },
  { tool: 'GPG signature', re: /\bgpg\b[^\n]*--detach-sig/i },
  {
    tool: 'GoReleaser signing',
    re: /^(?:signs|docker_signs|binary_signs):\s*$/,
  },
  { tool: 'Witness', re: /\bwitness\s+run\b|testifysec\/witness-run-action@/i },
];

export const PROVENANCE_ACTIONS: ActionRule[] = [
  // Trusted publishing (no password) makes the action upload PEP 740 attestations.
  {
    tool: 'PyPI attestations',
    uses: /^pypa\/gh-action-pypi-publish@/i,
    when: w => !w.password && !/^false$/i.test(w.attestations ?? ''),
  },
  {
    tool: 'build-push-action provenance',
    uses: /^docker\/build-push-action@/i,
    when: w => /mode=max/i.test(w.provenance ?? ''),
  },
];

const GORELEASER_RE = /^\.goreleaser\.ya?ml$/;

function npmProvenanceInPackageJson(snapshot: RepoSnapshot): boolean {
  return snapshot.files().some(f => {
    if (!/(?:^|\/)package\.json$/.test(f) || /node_modules\//.test(f))
      return false;
    try {
      const pkg = JSON.parse(snapshot.read(f) ?? '{}');
      return pkg?.publishConfig?.provenance === true;
    } catch {
      return false;
    }
  });
}

/**
 * Provenance says which workflow, commit and builder produced an artifact, so
 * that consumers can reject one built anywhere else; a signature binds it to
 * the project's identity.
 */
export const buildProvenance = createScorecardCheck({
  id: 'build-provenance',
  title: 'Build provenance / artifact signing',
  description:
    'Every pipeline that publishes packages, images or releases also produces signed provenance or signatures: actions/attest-build-provenance, the SLSA GitHub generator, cosign, npm publish --provenance, PyPI trusted-publishing attestations or GitLab SLSA provenance.',
  category: 'compliance',
  severity: 'medium',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/security-for-github-actions/using-artifact-attestations/using-artifact-attestations-to-establish-provenance-for-builds',
  run(snapshot) {
    const files = ciFiles(snapshot);
    const publishes = findEvidence(
      snapshot,
      PUBLISH_RULES,
      PUBLISH_ACTIONS,
      files,
    );
    if (publishes.length === 0)
      return outcome.notApplicable(
        'no pipeline publishes packages, images or releases',
      );
    const goreleaser = snapshot.files().filter(f => GORELEASER_RE.test(f));
    const provenance = findEvidence(
      snapshot,
      PROVENANCE_RULES,
      PROVENANCE_ACTIONS,
      [...files, ...goreleaser],
    );
    const npmProvenance = npmProvenanceInPackageJson(snapshot);
    const signedGoreleaser = provenance.some(p => GORELEASER_RE.test(p.file));

    const byFile = new Map<string, Evidence[]>();
    for (const p of publishes)
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
    const findings: CheckFinding[] = [];
    for (const [file, steps] of byFile) {
      if (provenance.some(p => p.file === file)) continue;
      for (const step of steps) {
        if (step.tool === 'npm publish' && npmProvenance) continue;
        if (step.tool === 'GoReleaser' && signedGoreleaser) continue;
        findings.push({
          message: `${
            step.tool
          } in ${file} publishes without provenance or a signature; ${
            HOW[step.tool] ??
            'attest it with actions/attest-build-provenance or sign it with cosign'
          }`,
          file,
          line: step.line,
          column: step.column,
          endColumn: step.endColumn,
          snippet: step.snippet,
          fingerprintKey: `${file}:${step.snippet}`,
          suggestedFix:
            step.tool === 'npm publish' &&
            /\bnpm\s+publish\b/.test(step.snippet)
              ? {
                  description:
                    'Publish with provenance (needs `id-token: write`)',
                  replacement: step.snippet.replace(
                    /\bnpm\s+publish\b/,
                    'npm publish --provenance',
                  ),
                }
              : undefined,
        });
      }
    }
    const bad = new Set(findings.map(f => f.file)).size;
    return outcome.proportional(byFile.size, findings, bad);
  },
});

const HOW: Record<string, string> = {
  'npm publish':
    'add --provenance (with id-token: write) or publishConfig.provenance',
  'PyPI upload':
    'use trusted publishing with pypa/gh-action-pypi-publish, which uploads attestations',
  'image push':
    'sign the image with cosign or attest it with actions/attest-build-provenance',
  GoReleaser: 'add a signs: section with cosign to .goreleaser.yml',
};
