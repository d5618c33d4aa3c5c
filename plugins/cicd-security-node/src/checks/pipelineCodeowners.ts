import { Minimatch } from 'minimatch';
import { RepoSnapshot } from '../snapshot';
import { VENDORED_PATH } from '../analysis/ciFiles';
import { CheckFinding, createScorecardCheck, outcome } from './types';
import { fixForPlatform } from '../analysis/ciPlatforms';

/** CODEOWNERS locations; the first one present wins (GitHub's order, then GitLab's `.gitlab/`). */
export const CODEOWNERS_PATHS = [
  '.github/CODEOWNERS',
  'CODEOWNERS',
  'docs/CODEOWNERS',
  '.gitlab/CODEOWNERS',
];

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  /** 1-based line in the CODEOWNERS file. */
  line: number;
  /** GitLab section name; `''` for the implicit one. */
  section: string;
  matches(path: string): boolean;
}

/** Longer patterns are not paths; they match nothing (minimatch refuses very long ones). */
export const MAX_PATTERN = 1024;

const MATCH_OPTIONS = {
  dot: true,
  nobrace: true,
  noext: true,
  nonegate: true,
  nocomment: true,
} as const;

/**
 * A CODEOWNERS pattern as a matcher with gitignore-like semantics:
 * a leading or inner `/` anchors the pattern at the root, otherwise it matches
 * at any depth; `*` does not cross `/`; `**` does; a trailing `/` matches a
 * directory's contents only; a pattern naming a directory owns everything
 * beneath it, except that a final `/*` owns only the directory's direct files.
 */
export function codeownersMatcher(raw: string): (path: string) => boolean {
  if (raw.length > MAX_PATTERN) return () => false;
  let p = raw.replace(/\\(.)/g, '$1');
  const dirOnly = p.endsWith('/');
  p = p.replace(/\/+$/, '');
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\/+/, '');
  if (p === '') return () => dirOnly; // `/` alone: the whole repository
  const base = anchored || p.startsWith('**') ? p : `**/${p}`;
  const lastSegment = p.split('/').pop() ?? '';
  const ownsContents = lastSegment !== '*';
  const own = new Minimatch(base, MATCH_OPTIONS);
  const contents = new Minimatch(`${base}/**`, MATCH_OPTIONS);
  return (path: string) =>
    (!dirOnly && own.match(path)) || (ownsContents && contents.match(path));
}

/** Parse a CODEOWNERS file (GitHub syntax, plus GitLab's `[Section] @default-owners`). */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  let section = '';
  let sectionOwners: string[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.replace(/\r$/, '');
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const header = /^\^?\[([^\]]+)\](?:\[\d+\])?\s*(.*)$/.exec(trimmed);
    if (header) {
      section = header[1];
      sectionOwners = stripComment(header[2]).split(/\s+/).filter(Boolean);
      return;
    }
    const tokens: string[] = stripComment(trimmed).match(/(?:\\.|\S)+/g) ?? [];
    const pattern = tokens[0];
    const owners = tokens.slice(1);
    if (!pattern) return;
    rules.push({
      pattern,
      owners: owners.length ? owners : section ? sectionOwners : [],
      line: i + 1,
      section,
      matches: codeownersMatcher(pattern),
    });
  });
  return rules;
}

function stripComment(s: string) {
  return s.replace(/(^|\s)#.*$/, '').trim();
}

/**
 * The rule deciding a file's owners: in each section the last matching rule
 * wins. Returns the owning rule, or the rule that leaves the file unowned.
 */
export function ownerOf(
  rules: CodeownersRule[],
  path: string,
): {
  owned: boolean;
  rule?: CodeownersRule;
} {
  const lastBySection = new Map<string, CodeownersRule>();
  for (const r of rules) if (r.matches(path)) lastBySection.set(r.section, r);
  const deciding = [...lastBySection.values()];
  const owning = deciding.find(r => r.owners.length > 0);
  if (owning) return { owned: true, rule: owning };
  return { owned: false, rule: deciding.pop() };
}

const PIPELINE_FILE_RE = [
  /^\.github\/workflows\//,
  /^\.github\/actions\//,
  /(?:^|\/)action\.ya?ml$/,
  /^\.gitlab-ci\.ya?ml$/,
  /(?:^|\/)Jenkinsfile[^/]*$/,
  /(?:^|\/)azure-pipelines[^/]*\.ya?ml$/,
  /^\.circleci\//,
  /(?:^|\/)Dockerfile[^/]*$/,
  /^\.github\/dependabot\.ya?ml$/,
];

/** Local files that `.gitlab-ci.yml` includes: they are pipeline code too. */
function gitlabLocalIncludes(snapshot: RepoSnapshot): string[] {
  const text =
    snapshot.read('.gitlab-ci.yml') ?? snapshot.read('.gitlab-ci.yaml');
  if (!text) return [];
  const found = new Set<string>();
  const re =
    /^\s*(?:include:\s*)?(?:-\s*)?(?:local:\s*)?['"]?(\/?[\w./-]+\.ya?ml)['"]?\s*(?:#.*)?$/gm;
  const block = /^include:[\s\S]*?(?=^\S)/m.exec(`${text}\nx`)?.[0] ?? '';
  for (let m = re.exec(block); m; m = re.exec(block)) {
    const path = m[1].replace(/^\//, '');
    if (snapshot.exists(path)) found.add(path);
  }
  return [...found];
}

/** The pipeline definition files of a repository, sorted. */
export function pipelineFiles(snapshot: RepoSnapshot): string[] {
  const files = new Set(
    snapshot
      .files()
      .filter(
        f => !VENDORED_PATH.test(f) && PIPELINE_FILE_RE.some(re => re.test(f)),
      ),
  );
  for (const f of gitlabLocalIncludes(snapshot)) files.add(f);
  return [...files].sort();
}

/**
 * Whoever can change a workflow, Jenkinsfile or Dockerfile controls what the
 * pipeline runs with its secrets; CODEOWNERS makes a named owner review it.
 */
export const pipelineCodeowners = createScorecardCheck({
  id: 'pipeline-codeowners',
  title: 'Pipeline files owned by CODEOWNERS',
  description:
    'Every pipeline definition (workflows, actions, .gitlab-ci.yml, Jenkinsfiles, Azure and CircleCI configs, Dockerfiles, dependabot.yml, CODEOWNERS itself) is matched by a CODEOWNERS rule with an owner.',
  category: 'access-control',
  severity: 'high',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
    'dockerfile',
  ],
  frameworks: [
    {
      framework: 'legitify',
      control: 'code_review_not_limited_to_code_owners',
    },
  ],
  remediationUrl:
    'https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners',
  run(snapshot) {
    const pipeline = pipelineFiles(snapshot);
    if (pipeline.length === 0)
      return outcome.notApplicable('no pipeline definition files');
    const codeowners = CODEOWNERS_PATHS.find(p => snapshot.exists(p));
    if (!codeowners) {
      return outcome.fail(0, [
        {
          message: `No CODEOWNERS file: ${pipeline.length} pipeline file(s) can change without a designated reviewer`,
          fingerprintKey: 'no-codeowners',
          suggestedFix: fixForPlatform(snapshot, {
            'github-actions': {
              description:
                'Add .github/CODEOWNERS assigning the pipeline files to a team',
              replacement: CODEOWNERS_TEMPLATE,
            },
            'gitlab-ci': {
              description:
                'Add CODEOWNERS (or .gitlab/CODEOWNERS) assigning the pipeline files to a group, and require Code Owner approval on the protected branch',
              replacement: CODEOWNERS_TEMPLATE,
            },
            neutral: {
              description:
                'Add a CODEOWNERS file in the place your SCM reads it (GitHub: .github/CODEOWNERS; GitLab: CODEOWNERS; Bitbucket: CODEOWNERS with the Code Owners app) assigning the pipeline files to a team',
              replacement: CODEOWNERS_TEMPLATE,
            },
          }),
        },
      ]);
    }
    const rules = parseCodeowners(snapshot.read(codeowners) ?? '');
    for (const r of rules) {
      if (r.pattern.length > MAX_PATTERN) {
        snapshot.problems.push({
          file: codeowners,
          line: r.line,
          kind: 'config',
          message: `CODEOWNERS pattern longer than ${MAX_PATTERN} characters is ignored`,
        });
      }
    }
    const files = [...pipeline, codeowners];
    const findings: CheckFinding[] = [];
    const unowningLines = new Map<
      number,
      { rule: CodeownersRule; files: string[] }
    >();
    let unowned = 0;
    for (const file of files) {
      const { owned, rule } = ownerOf(rules, file);
      if (owned) continue;
      unowned++;
      findings.push({
        message: rule
          ? `${file} is left without owners by \`${rule.pattern}\` (${codeowners} line ${rule.line})`
          : `${file} is not matched by any rule of ${codeowners}`,
        file,
        line: 1,
        column: 1,
        fingerprintKey: `unowned:${file}`,
        suggestedFix: {
          description: `Add a rule owning ${file} near the end of ${codeowners}`,
          replacement: `/${file} @org/platform-team`,
        },
      });
      if (rule) {
        const entry = unowningLines.get(rule.line) ?? { rule, files: [] };
        entry.files.push(file);
        unowningLines.set(rule.line, entry);
      }
    }
    for (const { rule, files: lost } of unowningLines.values()) {
      findings.push({
        message: `\`${rule.pattern}\` has no owners and un-owns ${
          lost.length
        } pipeline file(s): ${lost.slice(0, 3).join(', ')}${
          lost.length > 3 ? ', …' : ''
        }`,
        file: codeowners,
        line: rule.line,
        column: 1,
        fingerprintKey: `unowning-rule:${rule.pattern}`,
      });
    }
    return outcome.proportional(files.length, findings, unowned);
  },
});

const CODEOWNERS_TEMPLATE = `# Pipeline definitions need a review by the platform team
/.github/workflows/ @org/platform-team
/.github/actions/   @org/platform-team
/.github/CODEOWNERS @org/platform-team
Dockerfile*         @org/platform-team
Jenkinsfile*        @org/platform-team`;
