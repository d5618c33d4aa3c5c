/**
 * Test material for the "no secret anywhere" suites (engine, CLI, backend):
 * one fake secret per rule of secrets/rules.ts and per credential form the
 * redaction knows, planted in every kind of file the engine reads and on
 * lines that other checks report. Every value is built at run time from a
 * seeded generator, so that no literal trips a secret scanner and the values
 * are the same on every run.
 */

function generator(seed: number) {
  let s = seed;
  return (alphabet: string, n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      out += alphabet[(s >> 8) % alphabet.length];
    }
    return out;
  };
}

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const ALNUM = UPPER + LOWER + DIGITS;
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';

export interface PlantedSecret {
  /** What it is: a rule id of secrets/rules.ts or a credential form. */
  id: string;
  /** The secret value, to be found nowhere in any output. */
  value: string;
  /** Other pieces that must not appear either (the lines of a key body). */
  pieces?: string[];
}

/** The secrets, in an order fit for planting. */
export function plantedSecrets(): PlantedSecret[] {
  const r = generator(20261127);
  const mixed = (n: number) => {
    // Letters and digits, with at least one of each.
    let v = r(ALNUM, n - 2);
    v = `${v.slice(0, 3)}${r(DIGITS, 1)}${v.slice(3)}${r(UPPER, 1)}`;
    return v;
  };
  const keyLines = [0, 1, 2, 3].map(() => r(`${ALNUM}+/`, 64));
  const gcpLines = [0, 1, 2].map(() => r(`${ALNUM}+/`, 64));
  return [
    { id: 'aws-access-key-id', value: `AKIA${r(B32, 16)}` },
    { id: 'aws-secret-access-key', value: `${mixed(36)}/${r(ALNUM, 3)}` },
    { id: 'gcp-api-key', value: `AIza${mixed(35)}` },
    { id: 'azure-storage-key', value: `${r(`${ALNUM}+/`, 86)}==` },
    { id: 'github-token', value: `ghp_${mixed(36)}` },
    { id: 'github-fine-grained-token', value: `github_pat_${mixed(82)}` },
    { id: 'gitlab-token', value: `glpat-${mixed(20)}` },
    {
      id: 'slack-token',
      value: `xoxb-${r(DIGITS, 12)}-${r(DIGITS, 13)}-${mixed(24)}`,
    },
    {
      id: 'slack-webhook',
      value: `T${r(UPPER, 8)}/B${r(UPPER, 8)}/${mixed(24)}`,
    },
    {
      id: 'discord-webhook',
      value: `${r(DIGITS, 18)}/${r(`${ALNUM}_-`, 68)}`,
    },
    {
      id: 'teams-webhook',
      value: `${r(HEX, 8)}-${r(HEX, 4)}-${r(HEX, 4)}-${r(HEX, 4)}-${r(
        HEX,
        12,
      )}@${r(HEX, 8)}-${r(HEX, 4)}-${r(HEX, 12)}/IncomingWebhook/${r(
        HEX,
        32,
      )}/${r(HEX, 8)}-${r(HEX, 4)}-${r(HEX, 12)}`,
    },
    { id: 'npm-token', value: `npm_${mixed(36)}` },
    {
      id: 'npmrc-auth-token',
      value: `${r(HEX, 8)}-${r(HEX, 4)}-${r(HEX, 4)}-${r(HEX, 12)}`,
    },
    { id: 'pypi-token', value: `pypi-AgEIcHlwaS5vcmc${mixed(60)}` },
    { id: 'dockerhub-token', value: `dckr_pat_${mixed(27)}` },
    { id: 'stripe-key', value: `sk_live_${mixed(24)}` },
    { id: 'twilio-api-key', value: `SK${r(HEX, 32)}` },
    {
      id: 'sendgrid-api-key',
      value: `SG.${r(`${ALNUM}_-`, 22)}.${r(`${ALNUM}_-`, 43)}`,
    },
    { id: 'connection-string-password', value: `Pg${mixed(14)}` },
    {
      id: 'jwt',
      value: `eyJ${mixed(20)}.eyJ${mixed(30)}.${r(`${ALNUM}_-`, 43)}`,
    },
    {
      id: 'private-key',
      value: keyLines.join('\n'),
      pieces: keyLines,
    },
    {
      id: 'gcp-service-account-key',
      value: gcpLines.join('\\n'),
      pieces: gcpLines,
    },
    { id: 'generic-secret', value: `${mixed(10)}!${r(DIGITS, 3)}#${mixed(6)}` },
    { id: 'url-userinfo', value: `Uu${mixed(16)}` },
    { id: 'curl-basic-auth', value: `Cu${mixed(16)}` },
    { id: 'authorization-header', value: `Ah${mixed(30)}` },
    // Only on lines that other checks report.
    { id: 'download-and-execute-token', value: `ghp_${mixed(36)}` },
    { id: 'tls-disabled-bearer', value: `Tb${mixed(30)}` },
    { id: 'insecure-transport-userinfo', value: `It${mixed(16)}` },
    { id: 'docker-add-userinfo', value: `Da${mixed(16)}` },
    { id: 'script-injection-token', value: `glpat-${mixed(20)}` },
  ];
}

function byId(secrets: PlantedSecret[]) {
  const v = (id: string) => {
    const s = secrets.find(x => x.id === id);
    if (!s) throw new Error(`no planted secret ${id}`);
    return s.value;
  };
  return v;
}

/** One assignment or command per secret, in shell syntax. */
function payload(secrets: PlantedSecret[]): string[] {
  const v = byId(secrets);
  return [
    `AWS_ACCESS_KEY_ID=${v('aws-access-key-id')}`,
    `AWS_SECRET_ACCESS_KEY=${v('aws-secret-access-key')}`,
    `GOOGLE_MAPS_KEY=${v('gcp-api-key')}`,
    `AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${v(
      'azure-storage-key',
    )};EndpointSuffix=core.windows.net`,
    `GH_PAT=${v('github-token')}`,
    `GH_FINE=${v('github-fine-grained-token')}`,
    `GL_PAT=${v('gitlab-token')}`,
    `SLACK_BOT=${v('slack-token')}`,
    `SLACK_HOOK=https://hooks.slack.com/services/${v('slack-webhook')}`,
    `DISCORD_HOOK=https://discord.com/api/webhooks/${v('discord-webhook')}`,
    `TEAMS_HOOK=https://contoso.webhook.office.com/webhookb2/${v(
      'teams-webhook',
    )}`,
    `NPM_PUBLISH=${v('npm-token')}`,
    `NPMRC_LINE=//registry.npmjs.org/:_authToken=${v('npmrc-auth-token')}`,
    `TWINE_UPLOAD=${v('pypi-token')}`,
    `DOCKERHUB=${v('dockerhub-token')}`,
    `STRIPE=${v('stripe-key')}`,
    `TWILIO=${v('twilio-api-key')}`,
    `SENDGRID=${v('sendgrid-api-key')}`,
    `DATABASE_URL=postgres://app:${v(
      'connection-string-password',
    )}@db.internal:5432/app`,
    `ID_TOKEN=${v('jwt')}`,
    `DB_PASSWORD=${v('generic-secret')}`,
    `MIRROR=https://deploy:${v('url-userinfo')}@mirror.example.com/repo`,
    `curl -fsS -u admin:${v('curl-basic-auth')} https://api.example.com/v1`,
    `curl -fsS -H "Authorization: Bearer ${v(
      'authorization-header',
    )}" https://api.example.com/v1`,
  ];
}

function privateKeyBlock(secrets: PlantedSecret[]): string[] {
  const key = secrets.find(s => s.id === 'private-key')!;
  return [
    '-----BEGIN RSA PRIVATE KEY-----',
    ...key.pieces!,
    '-----END RSA PRIVATE KEY-----',
  ];
}

function gcpJson(secrets: PlantedSecret[]): string {
  const key = secrets.find(s => s.id === 'gcp-service-account-key')!;
  return `"private_key": "-----BEGIN PRIVATE KEY-----\\n${key.value}\\n-----END PRIVATE KEY-----\\n"`;
}

const indent = (lines: string[], n: number) =>
  lines.map(l => `${' '.repeat(n)}${l}`).join('\n');

/**
 * A repository with the secrets planted in every kind of file the engine
 * reads, and on lines that other checks report.
 */
export function plantedRepository(
  secrets: PlantedSecret[] = plantedSecrets(),
): Record<string, string> {
  const v = byId(secrets);
  const lines = payload(secrets);
  const key = privateKeyBlock(secrets);
  const shell = [...lines, ...key.map(l => `# ${l}`)];
  return {
    '.github/workflows/ci.yml': `name: ci
on:
  push:
  issues:
    types: [opened]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
${indent(shell, 10)}
      - run: |
          curl -fsSL -H "PRIVATE-TOKEN: ${v(
            'download-and-execute-token',
          )}" https://get.example.com/install.sh | bash
      - run: |
          curl -k -H "Authorization: Bearer ${v(
            'tls-disabled-bearer',
          )}" https://internal.example.com/deploy
      - run: |
          curl -o a.tgz http://deploy:${v(
            'insecure-transport-userinfo',
          )}@downloads.example.com/a.tgz
      - run: |
          echo "\${{ github.event.issue.title }}" && git push https://oauth2:${v(
            'script-injection-token',
          )}@gitlab.example.com/a/b.git
`,
    '.github/actions/setup/action.yml': `name: setup
description: setup
runs:
  using: composite
  steps:
    - shell: bash
      run: |
${indent(shell, 8)}
`,
    '.gitlab-ci.yml': `build:
  image: alpine:3.19
  script:
    - |
${indent(shell, 6)}
`,
    Jenkinsfile: `pipeline {
  agent any
  stages {
    stage('build') {
      steps {
        sh '''
${indent(shell, 10)}
        '''
      }
    }
  }
}
`,
    'azure-pipelines.yml': `trigger: [main]
pool: { vmImage: ubuntu-latest }
steps:
  - script: |
${indent(shell, 6)}
`,
    '.circleci/config.yml': `version: 2.1
jobs:
  build:
    docker:
      - image: cimg/base:2024.01
    steps:
      - checkout
      - run: |
${indent(shell, 10)}
`,
    Dockerfile: `FROM alpine:3.19
${lines
  .filter(l => /^[A-Z_]+=/.test(l))
  .map(l => `ENV ${l}`)
  .join('\n')}
${lines
  .filter(l => !/^[A-Z_]+=/.test(l))
  .map(l => `RUN ${l}`)
  .join('\n')}
${key.map(l => `# ${l}`).join('\n')}
ADD http://user:${v('docker-add-userinfo')}@files.example.com/a.tgz /opt/a.tgz
`,
    'scripts/deploy.sh': `#!/bin/sh\nset -eu\n${shell.join('\n')}\n`,
    '.npmrc': `//registry.npmjs.org/:_authToken=${v(
      'npmrc-auth-token',
    )}\n${lines.map(l => `# ${l}`).join('\n')}\n`,
    '.env': `${lines.join('\n')}\n`,
    'settings.xml': `<settings>
  <servers>
    <server>
      <id>corp</id>
      <username>deploy</username>
      <password>${v('generic-secret')}</password>
    </server>
  </servers>
  <!--
${indent(shell, 4)}
  -->
</settings>
`,
    'config/app.yaml': `service: api
notes: |
${indent(shell, 2)}
${key.length ? `tls_key: |\n${indent(key, 2)}\n` : ''}`,
    'config/service-account.json': `{
  "type": "service_account",
  "project_id": "demo",
  ${gcpJson(secrets)},
  "notes": ${JSON.stringify(lines.join('\n'))}
}
`,
    'deploy/id_rsa': `${key.join('\n')}\n`,
  };
}

/** Every string that must appear in no output, with a label for messages. */
export function forbiddenStrings(
  secrets: PlantedSecret[] = plantedSecrets(),
): Array<{ id: string; text: string }> {
  const out: Array<{ id: string; text: string }> = [];
  for (const s of secrets) {
    for (const piece of s.pieces ?? [s.value]) {
      out.push({ id: s.id, text: piece });
      // A distinctive middle piece: a secret cut anywhere still shows it.
      const mid = Math.floor(piece.length / 2);
      out.push({ id: `${s.id} (middle)`, text: piece.slice(mid - 5, mid + 5) });
    }
  }
  return out;
}

/** The planted secrets found in a text, by id (empty when none). */
export function leakedSecrets(text: string): string[] {
  return forbiddenStrings()
    .filter(f => text.includes(f.text))
    .map(f => f.id);
}
