import { getWorkflows, WorkflowStep } from '../parsers/githubActions';
import { getGitlabCi } from '../parsers/gitlabCi';
import { getNode, LocatedString, YamlFile } from '../parsers/yaml';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Cloud login actions: the static-key input and the OIDC input that replaces it. */
const CLOUD_ACTIONS: Array<{
  re: RegExp;
  staticInputs: string[];
  oidc: string;
  what: string;
}> = [
  {
    re: /^aws-actions\/configure-aws-credentials@/i,
    staticInputs: ['aws-access-key-id', 'aws-secret-access-key'],
    oidc: 'role-to-assume',
    what: 'an AWS access key',
  },
  {
    re: /^azure\/login@/i,
    staticInputs: ['creds'],
    oidc: 'client-id',
    what: 'an Azure service principal secret',
  },
  {
    re: /^google-github-actions\/auth@/i,
    staticInputs: ['credentials_json'],
    oidc: 'workload_identity_provider',
    what: 'a Google service account key',
  },
  {
    re: /^pypa\/gh-action-pypi-publish@/i,
    staticInputs: ['password'],
    oidc: '',
    what: 'a PyPI API token (trusted publishing needs none)',
  },
  {
    re: /^rubygems\/configure-rubygems-credentials@/i,
    staticInputs: ['api-token'],
    oidc: 'role-to-assume',
    what: 'a RubyGems API key',
  },
];

/** Publishing commands that support OIDC trusted publishing, and the token variables they would read. */
const PUBLISH_RE =
  /\b(?:npm|pnpm|yarn(?:\s+npm)?)\s+publish\b|\btwine\s+upload\b|\bcargo\s+publish\b|\bgem\s+push\b|\buv\s+publish\b|\bpoetry\s+publish\b/;
const PUBLISH_TOKEN_RE =
  /^(NODE_AUTH_TOKEN|NPM_TOKEN|TWINE_PASSWORD|CARGO_REGISTRY_TOKEN|GEM_HOST_API_KEY|UV_PUBLISH_TOKEN|POETRY_PYPI_TOKEN_PYPI|PYPI_TOKEN|PYPI_API_TOKEN)$/;

/** Static cloud keys a GitLab job might read instead of an `id_tokens:` OIDC token. */
const GITLAB_STATIC_RE =
  /\$\{?(AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|GOOGLE_CREDENTIALS|GCP_SERVICE_ACCOUNT_KEY|GCLOUD_SERVICE_KEY|GOOGLE_APPLICATION_CREDENTIALS_JSON)\b/;

/**
 * Static cloud keys and registry tokens stay valid until someone rotates
 * them, so any leak (a log, a compromised action, a malicious dependency) is
 * durable. OIDC federation gives each run a token that expires in minutes.
 */
export const longLivedCredentials = createScorecardCheck({
  id: 'long-lived-credentials',
  title: 'Short-lived credentials (OIDC / trusted publishing)',
  description:
    'Cloud logins and package publishing use OIDC federation or trusted publishing instead of static access keys and registry tokens stored as secrets.',
  category: 'secrets-management',
  severity: 'low',
  platforms: ['github-actions', 'gitlab-ci'],
  frameworks: [{ framework: 'zizmor', control: 'use-trusted-publishing' }],
  remediationUrl:
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let total = 0;
    let files = 0;
    const push = (
      file: YamlFile,
      loc: LocatedString,
      message: string,
      key: string,
      fix: CheckFinding['suggestedFix'],
    ) =>
      findings.push({
        message,
        file: file.path,
        ...loc.range,
        snippet: file.lineText(loc.range.line).trim(),
        fingerprintKey: key,
        suggestedFix: fix,
      });
    for (const wf of getWorkflows(snapshot)) {
      files++;
      for (const job of wf.jobs) {
        for (const step of job.steps) {
          const uses = step.uses?.value ?? '';
          const action = CLOUD_ACTIONS.find(a => a.re.test(uses));
          if (action) {
            total++;
            const input = action.staticInputs
              .map(k => step.with[k])
              .find(Boolean);
            if (!input || (action.oidc && step.with[action.oidc])) continue;
            push(
              wf.file,
              input,
              `${uses.split('@')[0]} is fed ${action.what} (job ${
                job.id
              }); use OIDC instead`,
              `${job.id}:${uses.split('@')[0]}`,
              {
                description: action.oidc
                  ? `Grant \`id-token: write\` and configure ${action.oidc} instead of a static secret`
                  : 'Configure a trusted publisher on PyPI, grant `id-token: write` and drop the password input',
                replacement: action.oidc ? `${action.oidc}: <value>` : '',
              },
            );
            continue;
          }
          if (!step.run) continue;
          const m = PUBLISH_RE.exec(step.run.value);
          if (!m) continue;
          total++;
          const token = tokenEnv(step, job.env, wf.env);
          if (!token) continue;
          const range = wf.file.locateIn(step.run, m.index, m[0].length);
          push(
            wf.file,
            { value: m[0], range },
            `\`${m[0]}\` authenticates with the long-lived ${token} (job ${job.id}); the registry supports trusted publishing via OIDC`,
            `${job.id}:${m[0]}`,
            {
              description: `Configure a trusted publisher on the registry, grant \`id-token: write\` and remove ${token}`,
            },
          );
        }
      }
    }
    for (const gl of getGitlabCi(snapshot)) {
      files++;
      for (const job of gl.jobs) {
        if (job.hidden) continue;
        const lines: LocatedString[] = [
          ...job.scripts.before_script,
          ...job.scripts.script,
          ...job.scripts.after_script,
          ...Object.values(job.variables),
        ];
        let hit: { loc: LocatedString; m: RegExpExecArray } | undefined;
        for (const loc of lines) {
          const m = GITLAB_STATIC_RE.exec(loc.value);
          if (m) {
            hit = { loc, m };
            break;
          }
        }
        if (!hit) continue;
        total++;
        if (getNode(job.node, 'id_tokens')) continue;
        const range = gl.file.locateIn(hit.loc, hit.m.index, hit.m[0].length);
        push(
          gl.file,
          { value: hit.m[0], range },
          `job ${job.name} uses the static cloud key ${hit.m[1]} and requests no id_tokens: for OIDC federation`,
          `${job.name}:${hit.m[1]}`,
          {
            description:
              'Request an OIDC token with `id_tokens:` and exchange it for short-lived cloud credentials',
            replacement: 'id_tokens:\n  CLOUD_ID_TOKEN:\n    aud: <audience>',
          },
        );
      }
    }
    if (!files)
      return outcome.notApplicable('no GitHub Actions or GitLab CI files');
    if (!total)
      return outcome.pass('no cloud logins or package publishing found');
    return outcome.proportional(total, findings);
  },
});

/** The publish-token variable a step gets from a secret (step, job or workflow env). */
function tokenEnv(
  step: WorkflowStep,
  jobEnv: Record<string, LocatedString>,
  wfEnv: Record<string, LocatedString>,
): string | undefined {
  for (const env of [step.env, jobEnv, wfEnv]) {
    for (const [name, val] of Object.entries(env)) {
      if (PUBLISH_TOKEN_RE.test(name) && /secrets\./.test(val.value))
        return name;
    }
  }
  return undefined;
}
