import { RepoSnapshot } from '../snapshot';
import { LineIndex } from '../parsers/text';
import { getDockerfiles } from '../parsers/dockerfile';
import { getGitlabCi } from '../parsers/gitlabCi';
import {
  commandWords,
  flattenContinuations,
  getEnvAssignments,
  getScriptBlocks,
  programName,
  scriptLocation,
  shellCommands,
} from '../parsers/scripts';
import { CheckFinding, createScorecardCheck, outcome } from './types';

/** Programs that fetch code, packages or images over the URLs they are given. */
const NET_TOOLS = new Set([
  'curl',
  'wget',
  'git',
  'pip',
  'pip3',
  'pipx',
  'uv',
  'poetry',
  'npm',
  'yarn',
  'pnpm',
  'npx',
  'bun',
  'helm',
  'docker',
  'podman',
  'buildah',
  'skopeo',
  'gem',
  'bundle',
  'go',
  'cargo',
  'composer',
  'mvn',
  'gradle',
  'conda',
  'mamba',
  'invoke-webrequest',
  'iwr',
  'invoke-restmethod',
  'irm',
  'aria2c',
  'svn',
  'hg',
  'nuget',
  'dotnet',
  'choco',
  'add-apt-repository',
]);

const URL_RE = /\b(?:http|git):\/\/[^\s"'`<>)\]|;,]+/g;

/**
 * Hosts that never leave the organisation's own network and are left out:
 * loopback, private and link-local addresses, single-label names (CI service
 * containers such as `http://nexus:8081`) and private-use domains.
 */
export function isPrivateHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (!h || h.includes('$') || h.includes('{')) return true;
  if (h === 'localhost' || h === '::1' || h === '0.0.0.0') return true;
  if (/^127\.|^10\.|^192\.168\.|^169\.254\.|^172\.(1[6-9]|2\d|3[01])\./.test(h))
    return true;
  if (/^(fc|fd)[0-9a-f]{2}:/.test(h) || h.startsWith('fe80:')) return true;
  if (!h.includes('.') && !h.includes(':')) return true;
  return /\.(localhost|local|internal|svc|cluster\.local|lan|home\.arpa|test|invalid)$/.test(
    h,
  );
}

function hostOf(url: string): string {
  const m = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]*)/i.exec(url);
  return m ? m[1] : '';
}

/** `http://` to a public host, or any `git://` URL. */
function insecureUrl(url: string): boolean {
  if (/^git:\/\//i.test(url)) return true;
  return !isPrivateHost(hostOf(url));
}

/** XML namespace and schema URLs name things; nothing is downloaded from them. */
const NAMESPACE_RE =
  /^http:\/\/(www\.w3\.org\/|maven\.apache\.org\/(POM|SETTINGS|xsd|XSD|maven-v)|java\.sun\.com\/xml\/|xmlns\.)/i;

const REGISTRY_ENV_RE =
  /(REGISTRY|INDEX_URL|MIRROR|REPO(SITORY)?_URL|DOWNLOAD_URL|DIST_URL|_BASE_URL)/i;

interface ConfigRule {
  file: RegExp;
  /** Group 1 is the URL. */
  re: RegExp;
  what: string;
}

const CONFIG_RULES: ConfigRule[] = [
  {
    file: /(^|\/)\.npmrc$/,
    re: /^\s*(?:@[\w-]+:)?registry\s*=\s*(http:\/\/\S+)/gim,
    what: 'npm registry',
  },
  {
    file: /(^|\/)\.yarnrc$/,
    re: /^\s*(?:"@[\w-]+:registry"|registry)\s+"?(http:\/\/[^"\s]+)/gim,
    what: 'yarn registry',
  },
  {
    file: /(^|\/)\.yarnrc\.yml$/,
    re: /^\s*npmRegistryServer\s*:\s*["']?(http:\/\/[^"'\s]+)/gim,
    what: 'yarn registry',
  },
  {
    file: /(^|\/)pip\.(conf|ini)$/,
    re: /^\s*(?:index-url|extra-index-url|find-links)\s*=\s*(http:\/\/\S+)/gim,
    what: 'pip index',
  },
  {
    file: /(^|\/)requirements[^/]*\.(txt|in)$/,
    re: /^\s*(?:--index-url|--extra-index-url|-i|--find-links|-f)[=\s]\s*(http:\/\/\S+)/gim,
    what: 'pip index',
  },
  {
    file: /\.gradle(\.kts)?$/,
    re: /\b(?:url\s*(?:=\s*)?(?:uri\s*\(\s*)?|maven\s*\(\s*(?:url\s*=\s*)?|setUrl\s*\(\s*)["'](http:\/\/[^"']+)["']/g,
    what: 'Gradle repository',
  },
  {
    file: /(^|\/)gradle-wrapper\.properties$/,
    re: /^\s*distributionUrl\s*=\s*(http\\?:\/\/\S+)/gim,
    what: 'Gradle distribution',
  },
  {
    file: /(^|\/)\.gitmodules$/,
    re: /^\s*url\s*=\s*((?:http|git):\/\/\S+)/gim,
    what: 'git submodule',
  },
  {
    file: /(^|\/)\.condarc$/,
    re: /^\s*(?:-\s*|channel_alias\s*:\s*)(http:\/\/\S+)/gim,
    what: 'conda channel',
  },
];

const MAVEN_PARENTS = new Set([
  'repository',
  'pluginRepository',
  'snapshotRepository',
  'mirror',
]);

/** `<url>` values of Maven repositories and mirrors, with their offsets. */
function mavenUrls(text: string): Array<{ url: string; offset: number }> {
  const clean = text.replace(/<!--[\s\S]*?-->/g, m => m.replace(/[^\n]/g, ' '));
  const out: Array<{ url: string; offset: number }> = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/g;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(clean))) {
    const [, close, name, self] = m;
    if (close) {
      const at = stack.lastIndexOf(name);
      if (at !== -1) stack.length = at;
      continue;
    }
    if (self) continue;
    if (name === 'url' && MAVEN_PARENTS.has(stack[stack.length - 1])) {
      const start = m.index + m[0].length;
      const end = clean.indexOf('</url>', start);
      const raw = clean.slice(start, end === -1 ? start : end);
      const lead = raw.length - raw.trimStart().length;
      out.push({ url: raw.trim(), offset: start + lead });
    }
    stack.push(name);
  }
  return out;
}

/**
 * Code, packages and images fetched over plain HTTP or `git://` can be read
 * and replaced by anyone on the network path, so the build runs what they
 * choose.
 */
export const insecureTransport = createScorecardCheck({
  id: 'insecure-transport',
  title: 'Encrypted transport only',
  description:
    'Downloads, package registries and repositories used by pipelines, Dockerfiles and build configuration are reached over HTTPS, not plain http:// or git://.',
  category: 'network-security',
  severity: 'high',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
    'dockerfile',
    'shell',
    'repository',
  ],
  frameworks: [{ framework: 'zizmor', control: 'insecure-url-scheme' }],
  remediationUrl: 'https://docs.npmjs.com/cli/v10/using-npm/config#registry',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    const bad = new Set<string>();
    let total = 0;
    const fix = (url: string) => ({
      description: url.startsWith('git://')
        ? 'Use the https:// (or ssh) address of the repository'
        : 'Use https://; if the server has no certificate, give it one',
      replacement: url.replace(/^(http|git):\/\//i, 'https://'),
    });

    getScriptBlocks(snapshot).forEach((block, n) => {
      total++;
      const text = flattenContinuations(block.text);
      for (const cmd of shellCommands(block.text)) {
        const words = commandWords(cmd);
        const prog = programName(words[0]).toLowerCase();
        const net =
          NET_TOOLS.has(prog) ||
          (/^python[0-9.]*$/.test(prog) &&
            words[1]?.value === '-m' &&
            /^pip/.test(words[2]?.value ?? ''));
        if (prog === 'echo' || prog === 'printf') continue;
        const slice = text.slice(cmd.offset, cmd.end);
        URL_RE.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = URL_RE.exec(slice))) {
          const url = m[0];
          if (!(net || url.startsWith('git://')) || !insecureUrl(url)) continue;
          const loc = scriptLocation(block, cmd.offset + m.index, url.length);
          bad.add(`script:${n}`);
          findings.push({
            message: `${
              prog || 'The script'
            } fetches ${url} over an unencrypted connection`,
            ...loc,
            fingerprintKey: `${block.context ?? ''}:${url}`,
            suggestedFix: fix(url),
          });
        }
      }
    });

    for (const env of getEnvAssignments(snapshot)) {
      if (!REGISTRY_ENV_RE.test(env.name) || /PROXY/i.test(env.name)) continue;
      const url = env.value.trim();
      if (!/^(http|git):\/\//i.test(url) || !insecureUrl(url)) continue;
      total++;
      bad.add(`env:${env.file}:${env.range.line}`);
      findings.push({
        message: `${env.name} points at ${url} over an unencrypted connection`,
        file: env.file,
        ...env.range,
        snippet: env.lineText.trim(),
        fingerprintKey: `${env.context}:${env.name}`,
        suggestedFix: fix(url),
      });
    }

    for (const df of getDockerfiles(snapshot)) {
      for (const copy of df.copies) {
        if (copy.keyword !== 'ADD') continue;
        for (const src of copy.sources) {
          if (!/^(http|git):\/\//i.test(src.value)) continue;
          total++;
          if (!insecureUrl(src.value)) continue;
          bad.add(`add:${df.path}:${src.range.line}`);
          findings.push({
            message: `ADD downloads ${src.value} over an unencrypted connection`,
            file: df.path,
            ...src.range,
            snippet: df.lines.lineText(src.range.line).trim(),
            fingerprintKey: src.value,
            suggestedFix: fix(src.value),
          });
        }
      }
    }

    for (const gl of getGitlabCi(snapshot)) {
      for (const inc of gl.includes) {
        if (inc.kind !== 'remote') continue;
        total++;
        const url = inc.value.value;
        if (!/^http:\/\//i.test(url) || !insecureUrl(url)) continue;
        bad.add(`include:${gl.path}:${inc.value.range.line}`);
        findings.push({
          message: `include: remote: fetches pipeline code from ${url} over an unencrypted connection`,
          file: gl.path,
          ...inc.value.range,
          snippet: gl.file.lineText(inc.value.range.line).trim(),
          fingerprintKey: url,
          suggestedFix: fix(url),
        });
      }
    }

    total += scanConfigFiles(snapshot, findings, bad);

    if (total === 0 && findings.length === 0) {
      return outcome.notApplicable(
        'no pipeline scripts, Dockerfiles or registry configuration',
      );
    }
    return outcome.proportional(Math.max(total, bad.size), findings, bad.size);
  },
});

function scanConfigFiles(
  snapshot: RepoSnapshot,
  findings: CheckFinding[],
  bad: Set<string>,
): number {
  let total = 0;
  for (const path of snapshot.files()) {
    const rules = CONFIG_RULES.filter(r => r.file.test(path));
    const maven = /(^|\/)(settings\.xml|pom\.xml)$/.test(path);
    if (!rules.length && !maven) continue;
    if (/(^|\/)node_modules\//.test(path)) continue;
    const text = snapshot.read(path);
    if (text === undefined) continue;
    total++;
    const lines = new LineIndex(text);
    const hits: Array<{ url: string; offset: number; what: string }> = [];
    for (const rule of rules) {
      rule.re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = rule.re.exec(text))) {
        hits.push({
          url: m[1],
          offset: m.index + m[0].lastIndexOf(m[1]),
          what: rule.what,
        });
      }
    }
    if (maven) {
      for (const u of mavenUrls(text))
        hits.push({ ...u, what: 'Maven repository' });
    }
    for (const hit of hits) {
      const url = hit.url.replace(/^http\\:/, 'http:');
      if (
        !/^(http|git):\/\//i.test(url) ||
        NAMESPACE_RE.test(url) ||
        !insecureUrl(url)
      )
        continue;
      const r = lines.range(hit.offset, hit.url.length);
      bad.add(`config:${path}`);
      findings.push({
        message: `The ${hit.what} ${url} is reached over an unencrypted connection`,
        file: path,
        ...r,
        snippet: lines.lineText(r.line).trim(),
        fingerprintKey: url,
        suggestedFix: {
          description: 'Use the https:// address',
          replacement: url.replace(/^(http|git):\/\//i, 'https://'),
        },
      });
    }
  }
  return total;
}
