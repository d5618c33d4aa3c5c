import fs from 'fs';
import path from 'path';
import { Command, CommanderError, Option } from 'commander';
import {
  categoryTitle,
  CheckMetadata,
  groupFrameworkRefs,
  SEVERITIES,
} from '@cicd-security/plugin-cicd-security-common';
import {
  builtinChecks,
  CheckRegistry,
  ENGINE_VERSION,
  Fact,
  FactName,
  FactsSnapshot,
  InMemorySnapshot,
  openOsvDirectory,
  parseFactsDocument,
  readPackageInventory,
  readRepoConfig,
  RepoConfig,
  resolveScoringConfig,
  runScan,
  ScorecardCheck,
  ScoringConfig,
  toCycloneDx,
  withAdvisoryData,
} from '@cicd-security/plugin-cicd-security-node';
import { openTarget, UsageError } from './targets';
import { evidence, EvidenceOptions } from './evidence';
import { evaluateGate, FailOn, Report, TargetReport } from './report';
import { formatTable } from './formats/table';
import { formatJson } from './formats/json';
import { formatSarif } from './formats/sarif';
import { formatMarkdown } from './formats/markdown';
import { readGuide } from './guides';
import { parseYaml, toJS } from '@cicd-security/plugin-cicd-security-node';

export const DOCS_BASE =
  'https://github.com/cicd-security/cicd-security/blob/main/plugins/cicd-security-node/guides';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
}

const FORMATS = ['table', 'json', 'sarif', 'markdown'] as const;

/** Runs the CLI and resolves to the exit code: 0 passed, 1 gate failed, 2 bad usage or input. */
export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode = 0;
  const program = new Command('cicd-security')
    .description(
      'CI/CD security checks for repositories and pipeline files: the engine of the cicd-security portal as a pipeline gate',
    )
    .version(ENGINE_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .option(
      '--list-checks',
      'list every check with its id, severity and category',
    );

  program.action(opts => {
    if (opts.listChecks) {
      io.stdout(listChecks());
      return;
    }
    io.stdout(program.helpInformation());
  });

  program
    .command('scan')
    .description('scan directories (as repositories) and single pipeline files')
    .argument('[paths...]', 'directories or files to scan', ['.'])
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(FORMATS)
        .default('table'),
    )
    .option(
      '-o, --output <file>',
      'write the report to a file instead of stdout',
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'fail when an open finding has this severity or higher',
      )
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .option('--min-score <n>', 'fail when a target scores below n (0-10)')
    .option(
      '-c, --config <file>',
      'configuration file (same format as .cicd-security.yaml, plus scoring)',
    )
    .option('--checks <ids>', 'comma-separated check ids to run (default: all)')
    .option('--skip-checks <ids>', 'comma-separated check ids to skip')
    .option(
      '--facts <file>',
      'JSON file of facts from outside the files (SCM settings, org declarations): {"facts": {name: value}, "unavailable": {name: {"reason", "permission"}}}',
    )
    .option(
      '--osv-dir <dir>',
      'directory of OSV advisory records (one .json record per file) for open-vulnerable-dependencies, read offline',
    )
    .option('--list-checks', 'list the checks and exit')
    .option('--no-color', 'never colour the table output')
    .action(async (paths: string[], opts) => {
      if (opts.listChecks) {
        io.stdout(listChecks());
        return;
      }
      exitCode = await scan(paths, opts, io);
    });

  program
    .command('sbom')
    .description(
      'write a CycloneDX 1.5 SBOM (JSON) of the packages that a repository’s lockfiles and manifests pin, and of its GitHub Actions',
    )
    .argument('<path>', 'repository folder')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option(
      '--name <name>',
      'the component the SBOM describes (default: the folder name)',
    )
    .action((input: string, opts: { output?: string; name?: string }) => {
      const target = openTarget(input);
      if (target.kind !== 'directory') {
        throw new UsageError(`cannot make an SBOM of ${input}: not a folder`);
      }
      const inventory = readPackageInventory(target.snapshot, {
        githubActions: true,
      });
      const bom = toCycloneDx(inventory, {
        name: opts.name ?? path.basename(path.resolve(input)),
        ...(target.snapshot.revision
          ? { revision: target.snapshot.revision }
          : {}),
      });
      const text = `${JSON.stringify(bom, null, 2)}\n`;
      if (opts.output) fs.writeFileSync(opts.output, text);
      else io.stdout(text);
      for (const p of inventory.problems) {
        io.stderr(
          `cicd-security sbom: ${p.file}${p.line ? `:${p.line}` : ''}: ${
            p.message
          }\n`,
        );
      }
    });

  program
    .command('evidence')
    .description(
      'write the audit evidence of a repository: a reproducible JSON document (results, findings, waivers, framework controls, commit and engine versions) with a SHA-256 digest, or its printable HTML report; --verify FILE checks a document’s digest',
    )
    .argument('[path]', 'repository folder', '.')
    .option(
      '--framework <id>',
      'compliance framework of the controls (owasp-cicd-top10, openssf-scorecard, osps-baseline, slsa-build, nist-ssdf)',
      'owasp-cicd-top10',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['json', 'html'])
        .default('json'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option(
      '--verify <file>',
      'verify the digest of an evidence document (exit 0 verified, 1 changed)',
    )
    .action(async (input: string, opts: EvidenceOptions) => {
      exitCode = await evidence(input, opts, io);
    });

  program
    .command('explain')
    .description(
      "print a check's guide: why it matters, how it is checked, how to fix it",
    )
    .argument('<check-id>')
    .action((id: string) => {
      const check = builtinChecks.find(c => c.id === id);
      if (!check)
        throw new UsageError(`unknown check '${id}' (see --list-checks)`);
      const guide = readGuide(id);
      const text =
        guide ??
        `${check.id}: ${check.title}\n\n${check.description}\n\nGuide: ${DOCS_BASE}/${id}.md\n`;
      io.stdout(`${text.replace(/\n*$/, '\n')}${frameworksSection(check)}`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version'
      )
        return 0;
      return 2; // commander already printed the message
    }
    io.stderr(`cicd-security: ${(e as Error).message}\n`);
    return 2;
  }
}

/**
 * The frameworks a check maps to, as a Markdown section: compliance
 * frameworks with each control's title and link, then peer scanners' rules.
 */
function frameworksSection(check: CheckMetadata): string {
  const groups = groupFrameworkRefs(check.frameworks);
  if (groups.length === 0) return '';
  const lines = ['', '## Frameworks', ''];
  for (const g of groups) {
    lines.push(`- ${g.title}${g.version ? ` ${g.version}` : ''}`);
    for (const c of g.controls) {
      lines.push(
        `  - ${c.id}${c.title ? `: ${c.title}` : ''}${
          c.url ? ` <${c.url}>` : ''
        }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function listChecks(): string {
  const rows = builtinChecks.map(
    c =>
      `${c.id.padEnd(34)} ${c.severity.padEnd(9)} ${categoryTitle(
        c.category,
      ).padEnd(24)} ${c.title}`,
  );
  return `${'ID'.padEnd(34)} ${'SEVERITY'.padEnd(9)} ${'CATEGORY'.padEnd(
    24,
  )} TITLE\n${rows.join('\n')}\n`;
}

interface ScanOptions {
  format: (typeof FORMATS)[number];
  output?: string;
  failOn: FailOn;
  minScore?: string;
  config?: string;
  checks?: string;
  skipChecks?: string;
  facts?: string;
  osvDir?: string;
  color: boolean;
}

async function scan(
  paths: string[],
  opts: ScanOptions,
  io: Io,
): Promise<number> {
  const minScore =
    opts.minScore === undefined ? undefined : Number(opts.minScore);
  if (minScore !== undefined && !(minScore >= 0 && minScore <= 10)) {
    throw new UsageError(
      `--min-score must be a number from 0 to 10, got '${opts.minScore}'`,
    );
  }
  const split = (s?: string) =>
    s
      ?.split(',')
      .map(x => x.trim())
      .filter(Boolean);
  const checks = opts.osvDir
    ? await withOsvDirectory(opts.osvDir, io)
    : builtinChecks;
  let registry: CheckRegistry;
  try {
    registry = new CheckRegistry(checks).select({
      only: split(opts.checks),
      skip: split(opts.skipChecks),
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (see --list-checks)`);
  }
  const { repoConfig, scoring } = opts.config
    ? loadConfig(opts.config)
    : { repoConfig: undefined, scoring: undefined };

  const facts = opts.facts ? loadFacts(opts.facts) : undefined;

  const targets: TargetReport[] = [];
  for (const input of paths) {
    const target = openTarget(input);
    const snapshot = facts
      ? new FactsSnapshot(target.snapshot, facts)
      : target.snapshot;
    const result = await runScan(snapshot, registry, {
      scoring,
      repoConfig: repoConfig ?? readRepoConfig(snapshot),
    });
    // Single files are reported under the path the user gave.
    const mapFile = <T extends { file?: string }>(x: T): T =>
      x.file ? { ...x, file: target.displayPath(x.file) } : x;
    result.checks = result.checks.map(c => ({
      ...c,
      findings: c.findings.map(mapFile),
    }));
    result.problems = result.problems.map(mapFile);
    targets.push({
      target: input,
      kind: target.kind,
      recognisedAs: target.recognisedAs,
      result,
    });
  }
  const report: Report = {
    version: ENGINE_VERSION,
    targets,
    checks: registry.metadata(),
    gate: evaluateGate(targets, opts.failOn, minScore),
  };
  const text = render(report, opts, io);
  if (opts.output) {
    try {
      fs.writeFileSync(opts.output, text);
    } catch (e) {
      throw new UsageError(
        `cannot write ${opts.output}: ${(e as Error).message}`,
      );
    }
    if (!report.gate.passed)
      io.stderr(
        `gate failed:\n${report.gate.reasons
          .map(r => `  - ${r}`)
          .join('\n')}\n`,
      );
  } else {
    io.stdout(text);
  }
  return report.gate.passed ? 0 : 1;
}

function render(report: Report, opts: ScanOptions, io: Io): string {
  switch (opts.format) {
    case 'json':
      return `${JSON.stringify(formatJson(report), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(formatSarif(report, DOCS_BASE), null, 2)}\n`;
    case 'markdown':
      return formatMarkdown(report, DOCS_BASE);
    default:
      return formatTable(
        report,
        opts.color && io.isTTY && !opts.output && !process.env.NO_COLOR,
      );
  }
}

/**
 * The built-in checks with open-vulnerable-dependencies and
 * known-vulnerable-actions reading the OSV records of `--osv-dir`. A
 * directory with no readable record is an error: it would make every
 * dependency look safe.
 */
async function withOsvDirectory(
  dir: string,
  io: Io,
): Promise<ScorecardCheck[]> {
  let opened: Awaited<ReturnType<typeof openOsvDirectory>>;
  try {
    opened = await openOsvDirectory(path.resolve(dir));
  } catch (e) {
    throw new UsageError(`--osv-dir ${dir}: ${(e as Error).message}`);
  }
  const { database, problems } = opened;
  if (problems.length > 0) {
    io.stderr(
      `--osv-dir: ${problems.length} file${
        problems.length === 1 ? '' : 's'
      } skipped (first: ${problems[0].file}: ${problems[0].message})\n`,
    );
  }
  return withAdvisoryData(builtinChecks, database);
}

/** The `--facts` file, validated against the declared facts (a typo is an error, not a blind check). */
function loadFacts(file: string): Partial<Record<FactName, Fact>> {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read facts ${file}: ${(e as Error).message}`);
  }
  const parsed = parseFactsDocument(doc);
  if ('errors' in parsed) {
    throw new UsageError(
      `invalid facts ${file}:\n${parsed.errors
        .map(e => `  - ${e}`)
        .join('\n')}`,
    );
  }
  return parsed.facts;
}

function loadConfig(file: string): {
  repoConfig: RepoConfig;
  scoring?: ScoringConfig;
} {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  const snapshot = new InMemorySnapshot({ '.cicd-security.yaml': text });
  const repoConfig = readRepoConfig(snapshot);
  const problem = snapshot.problems[0];
  if (problem) {
    throw new UsageError(
      `invalid config ${file}:${problem.line ?? 1}: ${problem.message}`,
    );
  }
  const parsed = parseYaml(file, text).file;
  const js = (parsed ? toJS(parsed, parsed.root()) : {}) as
    | Record<string, any>
    | undefined;
  let scoring: ScoringConfig | undefined;
  if (js?.scoring) {
    try {
      scoring = resolveScoringConfig(js.scoring);
    } catch (e) {
      throw new UsageError(`invalid config ${file}: ${(e as Error).message}`);
    }
  }
  return { repoConfig: { ...repoConfig, file }, scoring };
}
