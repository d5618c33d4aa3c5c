import { getWorkflows } from '../parsers/githubActions';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import { at, parseUses, usesRefs } from '../analysis/githubActions';

/**
 * Actions whose repositories are archived: they get no fixes, security ones
 * included. Successors in the message.
 */
export const ARCHIVED_ACTIONS: Readonly<Record<string, string>> = {
  'actions/create-release':
    'softprops/action-gh-release or `gh release create`',
  'actions/upload-release-asset':
    'softprops/action-gh-release or `gh release upload`',
  'actions/setup-ruby': 'ruby/setup-ruby',
  'actions/setup-elixir': 'erlef/setup-beam',
  'actions/setup-haskell': 'haskell-actions/setup',
  'actions-rs/toolchain': 'dtolnay/rust-toolchain or rustup in a run step',
  'actions-rs/cargo': 'cargo in a run step',
  'actions-rs/audit-check': 'rustsec/audit-check',
  'actions-rs/clippy-check': 'cargo clippy in a run step',
  'actions-rs/tarpaulin': 'cargo tarpaulin in a run step',
  'actions-rs/grcov': 'grcov in a run step',
  'actions-rs/install': 'taiki-e/install-action',
  'crazy-max/ghaction-docker-buildx': 'docker/setup-buildx-action',
};

/** The most used actions (owner/repo), the targets of typosquats. */
export const POPULAR_ACTIONS: readonly string[] = [
  'actions/checkout',
  'actions/setup-node',
  'actions/cache',
  'actions/upload-artifact',
  'actions/download-artifact',
  'actions/setup-python',
  'actions/setup-java',
  'actions/setup-go',
  'actions/setup-dotnet',
  'actions/github-script',
  'actions/labeler',
  'actions/stale',
  'actions/configure-pages',
  'actions/deploy-pages',
  'actions/upload-pages-artifact',
  'actions/dependency-review-action',
  'actions/attest-build-provenance',
  'actions/create-github-app-token',
  'actions/first-interaction',
  'actions/add-to-project',
  'actions/delete-package-versions',
  'github/codeql-action',
  'github/super-linter',
  'docker/setup-buildx-action',
  'docker/build-push-action',
  'docker/login-action',
  'docker/metadata-action',
  'docker/setup-qemu-action',
  'docker/bake-action',
  'aws-actions/configure-aws-credentials',
  'aws-actions/amazon-ecr-login',
  'aws-actions/amazon-ecs-deploy-task-definition',
  'aws-actions/amazon-ecs-render-task-definition',
  'azure/login',
  'azure/webapps-deploy',
  'azure/setup-kubectl',
  'azure/k8s-deploy',
  'azure/setup-helm',
  'google-github-actions/auth',
  'google-github-actions/setup-gcloud',
  'google-github-actions/get-gke-credentials',
  'google-github-actions/deploy-cloudrun',
  'google-github-actions/release-please-action',
  'googleapis/release-please-action',
  'hashicorp/setup-terraform',
  'hashicorp/vault-action',
  'codecov/codecov-action',
  'coverallsapp/github-action',
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'goreleaser/goreleaser-action',
  'peaceiris/actions-gh-pages',
  'jamesives/github-pages-deploy-action',
  'peter-evans/create-pull-request',
  'peter-evans/create-or-update-comment',
  'peter-evans/find-comment',
  'peter-evans/repository-dispatch',
  'peter-evans/dockerhub-description',
  'stefanzweifel/git-auto-commit-action',
  'ad-m/github-push-action',
  'dorny/paths-filter',
  'dorny/test-reporter',
  'tj-actions/changed-files',
  'marocchino/sticky-pull-request-comment',
  'thollander/actions-comment-pull-request',
  'dawidd6/action-download-artifact',
  'actions-ecosystem/action-add-labels',
  'pnpm/action-setup',
  'oven-sh/setup-bun',
  'denoland/setup-deno',
  'astral-sh/setup-uv',
  'ruby/setup-ruby',
  'dtolnay/rust-toolchain',
  'swatinem/rust-cache',
  'taiki-e/install-action',
  'gradle/actions',
  'gradle/gradle-build-action',
  'subosito/flutter-action',
  'shivammathur/setup-php',
  'erlef/setup-beam',
  'haskell-actions/setup',
  'mlugg/setup-zig',
  'julia-actions/setup-julia',
  'r-lib/actions',
  'conda-incubator/setup-miniconda',
  'mamba-org/setup-micromamba',
  'pypa/gh-action-pypi-publish',
  'pre-commit/action',
  'golangci/golangci-lint-action',
  'reviewdog/action-setup',
  'rhysd/actionlint',
  'aquasecurity/trivy-action',
  'anchore/scan-action',
  'anchore/sbom-action',
  'sigstore/cosign-installer',
  'slsa-framework/slsa-github-generator',
  'step-security/harden-runner',
  'ossf/scorecard-action',
  'snyk/actions',
  'sonarsource/sonarqube-scan-action',
  'sonarsource/sonarcloud-github-action',
  'gitleaks/gitleaks-action',
  'trufflesecurity/trufflehog',
  'zizmorcore/zizmor-action',
  'slackapi/slack-github-action',
  '8398a7/action-slack',
  'appleboy/ssh-action',
  'appleboy/scp-action',
  'cypress-io/github-action',
  'microsoft/setup-msbuild',
  'nuget/setup-nuget',
  'android-actions/setup-android',
  'mikepenz/action-junit-report',
  'release-drafter/release-drafter',
  'amannn/action-semantic-pull-request',
  'changesets/action',
  'crazy-max/ghaction-import-gpg',
  'webfactory/ssh-agent',
  'shimataro/ssh-key-action',
  'helm/chart-releaser-action',
  'helm/kind-action',
  'azure/setup-helm',
  'hadolint/hadolint-action',
  'ludeeus/action-shellcheck',
  'super-linter/super-linter',
  'mxschmitt/action-tmate',
  'nick-fields/retry',
  'jwalton/gh-find-current-pr',
  'geekyeggo/delete-artifact',
  'actions/create-release',
  'actions/upload-release-asset',
  'actions-rs/toolchain',
];

const POPULAR = [...new Set(POPULAR_ACTIONS.map(a => a.toLowerCase()))].map(
  a => {
    const [owner, name] = a.split('/');
    return { full: a, owner, name };
  },
);
const POPULAR_OWNERS = new Set(POPULAR.map(p => p.owner));
const POPULAR_FULL = new Set(POPULAR.map(p => p.full));

/** Optimal string alignment (Damerau-Levenshtein) distance, bounded. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 4;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (__, j) =>
      i === 0 ? j : j === 0 ? i : 0,
    ),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The popular action that `owner/name` imitates, if any. */
export function typosquatOf(owner: string, name: string): string | undefined {
  const full = `${owner}/${name}`;
  if (POPULAR_FULL.has(full) || POPULAR_OWNERS.has(owner)) return undefined;
  for (const p of POPULAR) {
    const ownerDist = editDistance(owner, p.owner);
    const nameDist = editDistance(name, p.name);
    const ownerMax = p.owner.length <= 5 ? 1 : 2;
    if (ownerDist >= 1 && ownerDist <= ownerMax && nameDist <= 1) return p.full;
  }
  return undefined;
}

/**
 * Actions run with the job's token and secrets: each one is code from its
 * owner. Archived actions get no fixes; typosquats of popular actions are a
 * known way to ship malware; an organisation may restrict owners to a list.
 */
export const untrustedActions = createScorecardCheck({
  id: 'untrusted-actions',
  title: 'Actions come from trustworthy sources',
  description:
    'Actions and reusable workflows do not come from archived repositories or from owners imitating popular actions (typosquats), and, when the organisation configures an owner allow-list, only from allowed owners.',
  category: 'third-party-software',
  severity: 'high',
  platforms: ['github-actions'],
  frameworks: [
    { framework: 'zizmor', control: 'archived-uses' },
    { framework: 'zizmor', control: 'typosquat-uses' },
    { framework: 'zizmor', control: 'forbidden-uses' },
    {
      framework: 'poutine',
      control: 'github_action_from_unverified_creator_used',
    },
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions',
  run(snapshot) {
    const fact = snapshot.fact('cicd-security.allowedActionOwners');
    const allowList =
      fact.available && Array.isArray(fact.value)
        ? new Set(fact.value.map(o => String(o).toLowerCase()))
        : undefined;
    const findings: CheckFinding[] = [];
    let total = 0;
    const bad = new Set<string>();
    // Each distinct action is compared with the popular ones once.
    const squats = new Map<string, string | undefined>();
    const typosquat = (owner: string, name: string) => {
      const k = `${owner}/${name}`;
      if (!squats.has(k)) squats.set(k, typosquatOf(owner, name));
      return squats.get(k);
    };
    for (const wf of getWorkflows(snapshot)) {
      for (const { uses, where } of usesRefs(wf)) {
        const u = parseUses(uses.value);
        if (!u) continue;
        total++;
        const base = {
          ...at(wf, uses.range),
          fingerprintKey: `${where}:${uses.value}`,
        };
        const key = `${wf.path}:${uses.range.line}:${uses.range.column}`;
        const archived = ARCHIVED_ACTIONS[u.repo];
        if (archived) {
          bad.add(key);
          findings.push({
            ...base,
            message: `${u.repo} is archived and receives no fixes, security fixes included; use ${archived}`,
            suggestedFix: { description: `Replace ${u.repo} with ${archived}` },
          });
        }
        const target = typosquat(u.owner, u.name);
        if (target) {
          bad.add(key);
          findings.push({
            ...base,
            severity: 'critical',
            message: `${u.repo} looks like a typosquat of the popular action ${target}`,
            suggestedFix: {
              description: `Use ${target} if that is what was meant, after checking what ${u.repo} is`,
              replacement: `${target}${uses.value
                .trim()
                .slice(u.owner.length + 1 + u.name.length)}`,
            },
          });
        }
        if (allowList && !allowList.has(u.owner)) {
          bad.add(key);
          findings.push({
            ...base,
            message: `${u.repo} comes from the owner "${u.owner}", which is not in the organisation's allow-list of action owners`,
            suggestedFix: {
              description: `Replace the action with one from an allowed owner, or add "${u.owner}" to the allow-list after a review`,
            },
          });
        }
      }
    }
    if (total === 0)
      return outcome.notApplicable(
        'no remote action or reusable workflow in uses:',
      );
    const out = outcome.proportional(total, findings, bad.size);
    if (out.status === 'pass' && !allowList) {
      return {
        ...out,
        reason:
          'no archived or typosquatted action; no owner allow-list configured (fact cicd-security.allowedActionOwners), so owners were not restricted',
      };
    }
    return out;
  },
});
