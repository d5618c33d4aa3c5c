import { RepoSnapshot } from '../snapshot';

/** The package ecosystems of a repository, by their Dependabot names. */
export type Ecosystem =
  | 'npm'
  | 'pip'
  | 'gomod'
  | 'bundler'
  | 'cargo'
  | 'maven'
  | 'gradle'
  | 'composer'
  | 'nuget'
  | 'terraform'
  | 'docker'
  | 'github-actions'
  | 'gitlab-ci';

const SKIP = /(?:^|\/)(?:node_modules|vendor|third_party|\.git)\//;

/** How each ecosystem shows itself in the repository's files. */
const DETECTORS: Array<[Ecosystem, RegExp]> = [
  ['npm', /(?:^|\/)package\.json$/],
  [
    'pip',
    /(?:^|\/)(?:requirements[^/]*\.(?:txt|in)|setup\.py|pyproject\.toml|Pipfile|setup\.cfg)$/,
  ],
  ['gomod', /(?:^|\/)go\.mod$/],
  ['bundler', /(?:^|\/)(?:Gemfile|[^/]+\.gemspec)$/],
  ['cargo', /(?:^|\/)Cargo\.toml$/],
  ['maven', /(?:^|\/)pom\.xml$/],
  ['gradle', /(?:^|\/)(?:build|settings)\.gradle(?:\.kts)?$/],
  ['composer', /(?:^|\/)composer\.json$/],
  ['nuget', /(?:\.(?:cs|fs|vb)proj|(?:^|\/)packages\.config)$/],
  ['terraform', /\.tf$/],
  [
    'docker',
    /(?:^|\/)(?:(?:Dockerfile|Containerfile)[^/]*|[^/]+\.dockerfile)$/,
  ],
  [
    'github-actions',
    /^\.github\/workflows\/[^/]+\.ya?ml$|(?:^|\/)action\.ya?ml$/,
  ],
  ['gitlab-ci', /^\.gitlab-ci\.ya?ml$/],
];

/** Ecosystems present in the repository, with the first file showing each. */
export function detectEcosystems(
  snapshot: RepoSnapshot,
): Map<Ecosystem, string> {
  const found = new Map<Ecosystem, string>();
  for (const file of snapshot.files()) {
    if (SKIP.test(file)) continue;
    for (const [eco, re] of DETECTORS) {
      if (!found.has(eco) && re.test(file)) found.set(eco, file);
    }
  }
  // In catalogue order, whatever the file order.
  return new Map(
    DETECTORS.filter(([eco]) => found.has(eco)).map(([eco]) => [
      eco,
      found.get(eco)!,
    ]),
  );
}
