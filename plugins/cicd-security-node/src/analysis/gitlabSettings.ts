import { RepoSnapshot } from '../snapshot';
import { CicdSecurityFacts, FactName } from '../facts';
import { getGitlabCi } from '../parsers/gitlabCi';
import { SourceRange } from '../parsers/yaml';
import { FactRead, readApiFact } from './githubSettings';

/**
 * Shared rules of the checks that read a GitLab project's CI/CD settings
 * (`gitlab.variables`, `gitlab.protectedEnvironments`,
 * `gitlab.jobTokenScope`) next to the repository's files: whether the
 * repository is a GitLab project, where the settings are changed, and
 * which CI/CD variables hold credentials.
 */

/** The GitLab facts that only a GitLab project has. */
const GITLAB_FACTS: readonly FactName[] = [
  'gitlab.project',
  'gitlab.defaultBranchRules',
  'gitlab.variables',
  'gitlab.protectedEnvironments',
  'gitlab.jobTokenScope',
  'gitlab.webhooks',
  'gitlab.members',
];

/**
 * Whether the repository is a GitLab project: `scm.platform` says so, or,
 * without it (the CLI with a facts file), a GitLab fact was read.
 */
export function onGitlab(snapshot: RepoSnapshot): boolean {
  const platform = snapshot.fact('scm.platform');
  if (platform.available) return platform.value === 'gitlab';
  return GITLAB_FACTS.some(name => snapshot.fact(name).available);
}

/**
 * Read a GitLab fact. When it is unavailable, `reason` says
 * `<what> needs the GitLab API (fact <name>: <reason> (needs <permission>))`
 * and `outcome` is that inconclusive result.
 */
export function readGitlabFact<K extends FactName>(
  snapshot: RepoSnapshot,
  name: K,
  what: string,
): FactRead<CicdSecurityFacts[K]> {
  return readApiFact(snapshot, name, what, 'GitLab');
}

/** Where a project's CI/CD variables are changed. */
export const GITLAB_VARIABLES_PLACE = 'Settings → CI/CD → Variables';

/** Where a project's environments are protected. */
export const GITLAB_PROTECTED_ENVIRONMENTS =
  'Settings → CI/CD → Protected environments';

/** Where other projects' CI/CD job tokens are let in or kept out. */
export const GITLAB_JOB_TOKEN_PLACE =
  'Settings → CI/CD → Job token permissions';

export type GitlabVariable = CicdSecurityFacts['gitlab.variables'][number];

/** Words of a variable name that say it holds a credential. */
const SECRET_WORDS = new Set([
  'TOKEN',
  'TOKENS',
  'SECRET',
  'SECRETS',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'PASSPHRASE',
  'KEY',
  'KEYS',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'AUTH',
  'PRIVATE',
  'PAT',
  'KUBECONFIG',
  'DSN',
]);

/** More words that say a file variable holds a credential (key stores, client configs). */
const SECRET_FILE_WORDS = new Set([
  'KEYSTORE',
  'JKS',
  'PEM',
  'P12',
  'PFX',
  'CERT',
  'CERTIFICATE',
  'NETRC',
  'NPMRC',
  'PYPIRC',
  'SERVICEACCOUNT',
  'SA',
  'GPG',
]);

/**
 * Last words that make a name an identifier or a pointer rather than the
 * credential: `AWS_ACCESS_KEY_ID`, `TOKEN_URL`, `AUTH_USER`.
 */
const NOT_SECRET_LAST = new Set([
  'ID',
  'NAME',
  'URL',
  'URI',
  'HOST',
  'USER',
  'USERNAME',
  'LOGIN',
  'EMAIL',
  'PATH',
  'DIR',
  'REGION',
  'ENDPOINT',
  'TYPE',
  'VERSION',
  'ENABLED',
  'EXPIRY',
  'EXPIRES',
]);

/** Words that make a name plainly not a credential: `PUBLIC_KEY`, `CACHE_KEY`. */
const NOT_SECRET_WORDS = new Set(['PUBLIC', 'CACHE', 'PUB']);

/** `SSH_PRIVATE_KEY`, `sonarToken`, `docker-auth-config` → upper-case words. */
function nameWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(w => w.toUpperCase());
}

/**
 * Whether a CI/CD variable looks like a credential, by its name (words
 * such as TOKEN, SECRET, PASSWORD, KEY, CREDENTIALS, AUTH, PRIVATE) or, for
 * a file variable, by what file it names (KUBECONFIG, a key store, a
 * certificate, a client config). Identifiers (`AWS_ACCESS_KEY_ID`), URLs and
 * public keys are not.
 */
export function secretLikeVariable(v: GitlabVariable): boolean {
  const words = nameWords(v.key);
  if (words.length === 0) return false;
  if (words.some(w => NOT_SECRET_WORDS.has(w))) return false;
  const file = v.variableType === 'file';
  const last = words[words.length - 1];
  if (!file && NOT_SECRET_LAST.has(last)) return false;
  return words.some(
    w =>
      SECRET_WORDS.has(w) ||
      (file && SECRET_FILE_WORDS.has(w)) ||
      /^(API|ACCESS|DEPLOY|AUTH)?(TOKEN|SECRET|PASSWORD|APIKEY)$/.test(w),
  );
}

/** Names that say a credential deploys or publishes. */
const DEPLOY_CREDENTIAL_RE =
  /(^|_)(DEPLOY|DEPLOYMENT|PROD|PRODUCTION|RELEASE|PUBLISH|KUBE|KUBECONFIG|K8S|HELM|TERRAFORM|TF|AWS|AZURE|ARM|GCP|GCLOUD|GOOGLE|HEROKU|VERCEL|NETLIFY|FLY|CLOUDFLARE|DIGITALOCEAN|NPM|PYPI|TWINE|CARGO|RUBYGEMS|GEM|NUGET|SSH)(_|$)/;

/** Whether a credential's name says it deploys or publishes (`DEPLOY_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `KUBECONFIG`). */
export function deployCredential(v: GitlabVariable): boolean {
  return DEPLOY_CREDENTIAL_RE.test(nameWords(v.key).join('_'));
}

/** Where a CI/CD variable is used in the repository's GitLab CI files. */
export interface VariableUse {
  file: string;
  range: SourceRange;
  snippet: string;
}

/**
 * The first place a GitLab CI file uses the variable (`$KEY`, `${KEY}`,
 * `%KEY%`) in a script or a `variables:` value, so that a finding about
 * the setting can point at a line; undefined when the files do not name it.
 */
export function variableUse(
  snapshot: RepoSnapshot,
  key: string,
): VariableUse | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(
    `\\$(?:\\{${escaped}\\}|${escaped}(?![A-Za-z0-9_]))|%${escaped}%`,
  );
  for (const gl of getGitlabCi(snapshot)) {
    const values = [
      ...Object.values(gl.variables),
      ...Object.values(gl.defaultScripts).flat(),
      ...gl.jobs.flatMap(j => [
        ...Object.values(j.variables),
        ...j.scripts.before_script,
        ...j.scripts.script,
        ...j.scripts.after_script,
      ]),
    ].sort(
      (a, b) => a.range.line - b.range.line || a.range.column - b.range.column,
    );
    for (const loc of values) {
      const m = re.exec(loc.value);
      if (!m) continue;
      const range = gl.file.locateIn(loc, m.index, m[0].length);
      return {
        file: gl.path,
        range,
        snippet: gl.file.lineText(range.line).trim(),
      };
    }
  }
  return undefined;
}
