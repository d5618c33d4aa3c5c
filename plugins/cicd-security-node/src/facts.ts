import { z } from 'zod';
import { branchRulesSchema, openAlerts } from './factSchemas';
import { externalToolFactDefinitions } from './externalToolFacts';
import { gitlabFactDefinitions } from './gitlabFacts';

/**
 * The facts that checks read from outside the repository's files: SCM
 * settings read through an API, and organisation declarations made in
 * configuration. Each fact's name, meaning and type are declared here once;
 * providers' values are validated against these schemas before a check sees
 * them, and `snapshot.fact(name)` is typed from them.
 */

const featureStatus = z
  .object({ status: z.string().optional() })
  .passthrough()
  .optional();

const factDefinitions = {
  'github.securityAndAnalysis': {
    description:
      "The repository's `security_and_analysis` object from `GET /repos/{owner}/{repo}` (secret scanning, push protection, Dependabot security updates); null when GitHub does not return it.",
    source: 'GitHub REST API',
    schema: z.record(z.string(), featureStatus).nullable(),
  },
  'github.vulnerabilityAlerts': {
    description:
      'Whether Dependabot alerts are enabled (`GET /repos/{owner}/{repo}/vulnerability-alerts`: 204 enabled, 404 disabled).',
    source: 'GitHub REST API',
    schema: z.boolean(),
  },
  'github.automatedSecurityFixes': {
    description:
      'Dependabot security updates (`GET /repos/{owner}/{repo}/automated-security-fixes`: `{ enabled, paused }`), or a plain boolean.',
    source: 'GitHub REST API',
    schema: z.union([
      z.boolean(),
      z
        .object({
          enabled: z.boolean().optional(),
          paused: z.boolean().optional(),
        })
        .passthrough(),
    ]),
  },
  'github.environments': {
    description:
      'Deployment environments and their protection rules (`GET /repos/{owner}/{repo}/environments`, the `environments` array).',
    source: 'GitHub REST API',
    schema: z.array(
      z
        .object({
          name: z.string(),
          protection_rules: z
            .array(z.object({ type: z.string() }).passthrough())
            .optional(),
        })
        .passthrough(),
    ),
  },
  'github.checkRuns': {
    description:
      'Check runs reported on recent pull requests (`GET /repos/{owner}/{repo}/commits/{ref}/check-runs`): the names and apps of the checks that run outside the repository’s workflows.',
    source: 'GitHub REST API',
    schema: z.array(
      z
        .object({
          name: z.string(),
          app: z
            .object({ slug: z.string().optional() })
            .passthrough()
            .nullable()
            .optional(),
        })
        .passthrough(),
    ),
  },
  'scm.platform': {
    description:
      "The SCM platform that hosts the repository, from its source location and the configured integrations (`github`, `gitlab`, `bitbucket`, `azure`, `gerrit`, `gitea`, `local` for a folder, `other`). Checks of one platform's settings are not applicable elsewhere.",
    source: 'source location and SCM integrations',
    schema: z.enum([
      'github',
      'gitlab',
      'bitbucket',
      'azure',
      'gerrit',
      'gitea',
      'local',
      'other',
    ]),
  },
  'github.repository': {
    description:
      'Repository metadata from `GET /repos/{owner}/{repo}`: `archived`, `visibility`, `private`, `pushed_at`, `default_branch`; `asOf`, when it was read.',
    source: 'GitHub REST API',
    schema: z
      .object({
        archived: z.boolean(),
        default_branch: z.string(),
        visibility: z.string().optional(),
        private: z.boolean().optional(),
        pushed_at: z.string().nullable().optional(),
        /** When the provider read it: the time `pushed_at` is measured against. */
        asOf: z.string().datetime({ offset: true }).optional(),
      })
      .passthrough(),
  },
  'github.defaultBranchRules': {
    description:
      'The rules that apply to the default branch, merged from rulesets (`GET /repos/{owner}/{repo}/rules/branches/{branch}` and the rulesets it names) and classic branch protection (`GET …/branches/{branch}/protection`): the strictest value of each rule wins. `sources` names where they come from (`ruleset:<name>`, `classic`); empty when the branch is unprotected.',
    source: 'GitHub REST API',
    schema: branchRulesSchema,
  },
  'github.actionsPermissions': {
    description:
      'Which actions the repository may run (`GET /repos/{owner}/{repo}/actions/permissions`: `enabled`, `allowed_actions` all/local_only/selected, `sha_pinning_required`).',
    source: 'GitHub REST API',
    schema: z
      .object({
        enabled: z.boolean(),
        allowed_actions: z.string().optional(),
        sha_pinning_required: z.boolean().optional(),
      })
      .passthrough(),
  },
  'github.workflowTokenDefaults': {
    description:
      'The default permissions of the workflow token and whether workflows may approve pull requests (`GET /repos/{owner}/{repo}/actions/permissions/workflow`).',
    source: 'GitHub REST API',
    schema: z
      .object({
        default_workflow_permissions: z.enum(['read', 'write']),
        can_approve_pull_request_reviews: z.boolean(),
      })
      .passthrough(),
  },
  'github.webhooks': {
    description:
      'Repository webhooks (`GET /repos/{owner}/{repo}/hooks`): the URL without credentials or query, whether TLS verification is off (`config.insecure_ssl` "1") and whether a secret is set.',
    source: 'GitHub REST API',
    schema: z.array(
      z.object({
        id: z.number(),
        active: z.boolean(),
        url: z.string(),
        insecureSsl: z.boolean(),
        hasSecret: z.boolean(),
      }),
    ),
  },
  'github.deployKeys': {
    description:
      'Deploy keys (`GET /repos/{owner}/{repo}/keys`): title, whether read-only, when created and last used.',
    source: 'GitHub REST API',
    schema: z.array(
      z.object({
        id: z.number(),
        title: z.string(),
        readOnly: z.boolean(),
        createdAt: z.string().optional(),
        lastUsed: z.string().nullable().optional(),
      }),
    ),
  },
  'github.actionsSecrets': {
    description:
      'Repository Actions secrets (`GET /repos/{owner}/{repo}/actions/secrets`): `total` as GitHub counts them, and each secret’s name and `updated_at` (names and dates only: the API never returns a value). `asOf` is when the provider read them, the time a secret’s age is measured against.',
    source: 'GitHub REST API',
    schema: z.object({
      asOf: z.string().datetime({ offset: true }),
      total: z.number().int().min(0),
      secrets: z.array(
        z.object({
          name: z.string(),
          updatedAt: z.string().datetime({ offset: true }),
        }),
      ),
    }),
  },
  'github.privateVulnerabilityReporting': {
    description:
      'Whether private vulnerability reporting is enabled (`GET /repos/{owner}/{repo}/private-vulnerability-reporting`).',
    source: 'GitHub REST API',
    schema: z.boolean(),
  },
  'github.collaborators': {
    description:
      'People with admin permission (`GET /repos/{owner}/{repo}/collaborators?permission=admin`) and outside collaborators (`?affiliation=outside`), by login.',
    source: 'GitHub REST API',
    schema: z.object({
      admins: z.array(z.string()),
      outside: z.array(z.string()),
    }),
  },
  'github.dependabotAlerts': {
    description:
      'Open Dependabot alerts (`GET /repos/{owner}/{repo}/dependabot/alerts?state=open`), counted by `security_advisory.severity`, and, from providers that give it, each alert: number, GHSA and CVE ids, package and ecosystem (in OSV spelling: npm, PyPI, Go, Maven, RubyGems, crates.io, Packagist, NuGet…), manifest path, severity, vulnerable range, first patched version and link.',
    source: 'GitHub REST API',
    schema: openAlerts.extend({
      /** Absent from older providers, which give the counts only. */
      alerts: z
        .array(
          z.object({
            number: z.number().int(),
            ghsaId: z.string(),
            cveId: z.string().optional(),
            package: z.string(),
            /** OSV spelling: GitHub's `pip` is `PyPI`, `rust` is `crates.io`. */
            ecosystem: z.string(),
            /** The manifest or lockfile, relative to the repository root. */
            manifestPath: z.string(),
            severity: z.enum(['critical', 'high', 'medium', 'low']),
            /** As GitHub writes it: `>= 2.0.0, < 2.0.2`. */
            vulnerableRange: z.string().optional(),
            patchedVersion: z.string().optional(),
            /** The alert's page. */
            url: z.string(),
          }),
        )
        .optional(),
    }),
  },
  'github.codeScanningAlerts': {
    description:
      'Open code scanning alerts (`GET /repos/{owner}/{repo}/code-scanning/alerts?state=open`), counted by `rule.security_severity_level` (or `rule.severity`).',
    source: 'GitHub REST API',
    schema: openAlerts,
  },
  'github.secretScanningAlerts': {
    description:
      'Open secret scanning alerts (`GET /repos/{owner}/{repo}/secret-scanning/alerts?state=open`), counted by `secret_type` (never the secret).',
    source: 'GitHub REST API',
    schema: openAlerts,
  },
  'azure.forkBuildsExposeSecrets': {
    description:
      'Whether the Azure Pipelines pipeline makes secrets available to builds of pull requests from forks.',
    source: 'Azure DevOps REST API',
    schema: z.boolean(),
  },
  'cicd-security.allowedActionOwners': {
    description:
      'The GitHub Actions owners (organisations or users) the organisation allows; any other owner is reported by untrusted-actions.',
    source: 'configuration (cicdSecurity.facts.allowedActionOwners)',
    schema: z.array(z.string()),
  },
  'cicd-security.allowedRunnerLabels': {
    description:
      'Self-hosted runner labels that the organisation declares safe for pull requests (ephemeral, isolated runners).',
    source: 'configuration (cicdSecurity.facts.allowedRunnerLabels)',
    schema: z.array(z.string()),
  },
  'cicd-security.runnersBehindEgressFirewall': {
    description:
      'The organisation declares that its runners sit behind an egress firewall, so jobs need no egress policy of their own.',
    source: 'configuration (cicdSecurity.facts.runnersBehindEgressFirewall)',
    schema: z.boolean(),
  },
  ...gitlabFactDefinitions,
  ...externalToolFactDefinitions,
} as const;

/** Every fact a check may read, by name. */
export type CicdSecurityFacts = {
  [K in keyof typeof factDefinitions]: z.infer<
    (typeof factDefinitions)[K]['schema']
  >;
};

/** The name of a declared fact. */
export type FactName = keyof CicdSecurityFacts;

/** A fact's name, description and where its value comes from. */
export interface FactDescription {
  name: FactName;
  description: string;
  source: string;
}

/** The declared facts, for documentation and validation. */
export const factCatalogue: readonly FactDescription[] = (
  Object.keys(factDefinitions) as FactName[]
).map(name => ({
  name,
  description: factDefinitions[name].description,
  source: factDefinitions[name].source,
}));

/** True when `name` is a declared fact. */
export function isFactName(name: string): name is FactName {
  return Object.prototype.hasOwnProperty.call(factDefinitions, name);
}

/**
 * A fact: its value, or why it could not be read. `permission` names the
 * permission or scope that would let the provider read it, when that is the
 * reason (a 403 for a missing scope, a feature of a higher plan).
 */
export type Fact<T = unknown> =
  | {
      available: true;
      value: T;
      /**
       * When the value was read, when earlier than now (a provider that
       * gives an answer from memory); ISO 8601.
       */
      readAt?: string;
    }
  | {
      available: false;
      reason: string;
      permission?: string;
      /**
       * Not read for now, for a passing reason (a rate limit, a provider
       * that timed out): the next scan will read it. A scan with delayed
       * facts keeps the previous scorecard rather than reporting the checks
       * that need them as inconclusive.
       */
      delayed?: boolean;
    };

/** A fact that was read. */
export function factValue<T>(
  value: T,
  options: { readAt?: string } = {},
): Fact<T> {
  return options.readAt
    ? { available: true, value, readAt: options.readAt }
    : { available: true, value };
}

/** A fact that could not be read, with the reason and the permission that would fix it. */
export function factUnavailable(
  reason: string,
  options: { permission?: string; delayed?: boolean } = {},
): Fact<never> {
  return {
    available: false,
    reason,
    ...(options.permission ? { permission: options.permission } : {}),
    ...(options.delayed ? { delayed: true } : {}),
  };
}

/** The facts not read for now (rate limit, timeout), which the next scan will read. */
export function delayedFacts(
  facts: Partial<Record<FactName, Fact>>,
): Array<{ name: FactName; reason: string }> {
  return (Object.entries(facts) as [FactName, Fact][]).flatMap(([name, fact]) =>
    !fact.available && fact.delayed ? [{ name, reason: fact.reason }] : [],
  );
}

/**
 * Check a provider's value against the fact's declared type. Returns the
 * fact to give to checks: the value when valid, else unavailable with the
 * validation error (a provider bug must not feed a check a wrong shape).
 */
export function validateFact(
  name: FactName,
  fact: Fact,
  providerId: string,
): Fact {
  if (!fact.available) {
    // The reason reaches users through the checks: it names the permission.
    return fact.permission && !fact.reason.includes(fact.permission)
      ? { ...fact, reason: `${fact.reason} (needs ${fact.permission})` }
      : fact;
  }
  const parsed = factDefinitions[name].schema.safeParse(fact.value);
  if (parsed.success) {
    return factValue(parsed.data, { readAt: fact.readAt });
  }
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return factUnavailable(
    `${providerId} supplied an invalid ${name}${where}: ${
      issue?.message ?? 'wrong type'
    }`,
  );
}

/** What a fact provider is asked about: one repository, usually one catalog entity. */
export interface FactSubject {
  /** The catalog entity being scanned (`component:default/payments`), when any. */
  entityRef?: string;
  /** The entity's annotations (e.g. `github.com/project-slug`), when any. */
  annotations?: Record<string, string>;
  /** Where the files came from. */
  source: {
    /** `url` for SCM locations, `dir` for local folders. */
    type: string;
    /** The URL or folder. */
    target: string;
  };
}

/**
 * Supplies facts from outside the repository's files, e.g. an SCM API.
 * Registered through `cicdSecurityFactsExtensionPoint` in the backend; the
 * CLI reads the same facts from a `--facts` file instead.
 */
export interface FactProvider {
  /** Stable id, used in reasons and logs (e.g. `github`). */
  readonly id: string;
  /** The facts this provider can supply. */
  readonly facts: readonly FactName[];
  /** Whether it can say anything about this subject (e.g. only github.com URLs). Default: yes. */
  appliesTo?(subject: FactSubject): boolean;
  /**
   * Read the requested facts. Return a `Fact` per name (`factValue` or
   * `factUnavailable` with the permission that is missing); names left out
   * become unavailable. Throwing makes every requested fact unavailable
   * with the error's message (and its `permission`, if the error has one).
   * Stop when `signal` aborts.
   */
  fetch(
    subject: FactSubject,
    options: { facts: readonly FactName[]; signal: AbortSignal },
  ): Promise<Partial<Record<FactName, Fact>>>;
}

/** An error a provider throws when its credentials lack a permission. */
export class FactPermissionError extends Error {
  constructor(message: string, readonly permission: string) {
    super(message);
    this.name = 'FactPermissionError';
  }
}

export interface GatherFactsOptions {
  /** Cancels every provider (e.g. the scan was cancelled). */
  signal?: AbortSignal;
  /** Per-provider time limit. Default 30 s. */
  timeoutMs?: number;
  /** Only these facts; default every fact the providers supply. */
  wanted?: readonly FactName[];
}

export interface GatheredFacts {
  facts: Partial<Record<FactName, Fact>>;
  /** One line per provider that failed or timed out, for logs. */
  errors: string[];
}

/**
 * Ask every provider that applies to the subject for its facts, in
 * parallel, each within the time limit. A provider that throws, times out,
 * leaves a fact out or returns a value of the wrong type turns those facts
 * into `unavailable` with the reason: never an exception, never a value a
 * check could misread. When two providers supply a fact, the first that
 * has it wins; when none has it, the reasons are joined.
 */
export async function gatherFacts(
  providers: readonly FactProvider[],
  subject: FactSubject,
  options: GatherFactsOptions = {},
): Promise<GatheredFacts> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const wanted = options.wanted ? new Set(options.wanted) : undefined;
  const errors: string[] = [];
  const perProvider = await Promise.all(
    providers.map(async provider => {
      const names = provider.facts.filter(
        n => isFactName(n) && (!wanted || wanted.has(n)),
      );
      if (names.length === 0) return [];
      let applies: boolean;
      try {
        applies = provider.appliesTo ? provider.appliesTo(subject) : true;
      } catch (e) {
        applies = false;
        errors.push(`${provider.id}: appliesTo failed: ${errorText(e)}`);
      }
      if (!applies) return [];
      const results = await fetchWithin(provider, subject, names, {
        timeoutMs,
        signal: options.signal,
      });
      if ('error' in results) errors.push(`${provider.id}: ${results.error}`);
      return names.map(
        name =>
          [
            name,
            'error' in results
              ? results.fact
              : validateFact(
                  name,
                  results.facts[name] ??
                    factUnavailable(`${provider.id} did not supply ${name}`),
                  provider.id,
                ),
          ] as const,
      );
    }),
  );
  const facts: Partial<Record<FactName, Fact>> = {};
  for (const entries of perProvider) {
    for (const [name, fact] of entries) {
      const before = facts[name];
      if (!before) facts[name] = fact;
      else if (!before.available && fact.available) facts[name] = fact;
      else if (!before.available && !fact.available) {
        facts[name] = factUnavailable(`${before.reason}; ${fact.reason}`, {
          permission: before.permission ?? fact.permission,
          delayed: before.delayed || fact.delayed,
        });
      }
    }
  }
  return { facts, errors };
}

async function fetchWithin(
  provider: FactProvider,
  subject: FactSubject,
  names: FactName[],
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<
  { facts: Partial<Record<FactName, Fact>> } | { error: string; fact: Fact }
> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      const error = new Error(`timed out after ${options.timeoutMs} ms`);
      reject(error);
      controller.abort(error);
    }, options.timeoutMs);
  });
  const cancelled = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(new Error('cancelled'));
    controller.signal.addEventListener(
      'abort',
      () => reject(new Error('cancelled')),
      { once: true },
    );
  });
  try {
    const facts = await Promise.race([
      provider.fetch(subject, { facts: names, signal: controller.signal }),
      timeout,
      cancelled,
    ]);
    if (!facts || typeof facts !== 'object') {
      throw new Error('returned no facts');
    }
    return { facts };
  } catch (e) {
    const permission =
      e instanceof FactPermissionError
        ? e.permission
        : typeof (e as { permission?: unknown })?.permission === 'string'
        ? (e as { permission: string }).permission
        : undefined;
    const error = `${provider.id} could not read the facts: ${errorText(e)}${
      permission ? ` (needs ${permission})` : ''
    }`;
    // A provider that timed out may answer next time: delayed, not missing.
    const delayed = timedOut && !options.signal?.aborted;
    return { error, fact: factUnavailable(error, { permission, delayed }) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Read a facts document: `{ "facts": { name: value } , "unavailable": { name: { "reason": ..., "permission": ... } } }`,
 * as the CLI's `--facts FILE.json` takes it. Unknown names and values of the
 * wrong type are errors (a typo must not silently leave a check blind).
 */
export function parseFactsDocument(
  doc: unknown,
): { facts: Partial<Record<FactName, Fact>> } | { errors: string[] } {
  const errors: string[] = [];
  const facts: Partial<Record<FactName, Fact>> = {};
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return { errors: ['the facts file must hold a JSON object'] };
  }
  const {
    facts: values,
    unavailable,
    ...rest
  } = doc as Record<string, unknown>;
  for (const key of Object.keys(rest)) {
    errors.push(
      `unknown top-level key '${key}' (expected 'facts' and 'unavailable')`,
    );
  }
  const asObject = (v: unknown, what: string) => {
    if (v === undefined) return {};
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      errors.push(`'${what}' must be an object keyed by fact name`);
      return {};
    }
    return v as Record<string, unknown>;
  };
  for (const [name, value] of Object.entries(asObject(values, 'facts'))) {
    if (!isFactName(name)) {
      errors.push(`unknown fact '${name}' (known: ${knownNames()})`);
      continue;
    }
    const fact = validateFact(name, factValue(value), 'the facts file');
    if (!fact.available) errors.push(fact.reason);
    else facts[name] = fact;
  }
  for (const [name, value] of Object.entries(
    asObject(unavailable, 'unavailable'),
  )) {
    if (!isFactName(name)) {
      errors.push(`unknown fact '${name}' (known: ${knownNames()})`);
      continue;
    }
    const v = (value ?? {}) as { reason?: unknown; permission?: unknown };
    if (typeof v.reason !== 'string' || !v.reason) {
      errors.push(`unavailable.${name} needs a 'reason' string`);
      continue;
    }
    if (facts[name]) {
      errors.push(`'${name}' is both in 'facts' and in 'unavailable'`);
      continue;
    }
    facts[name] = factUnavailable(v.reason, {
      permission: typeof v.permission === 'string' ? v.permission : undefined,
    });
  }
  return errors.length ? { errors } : { facts };
}

function knownNames(): string {
  return Object.keys(factDefinitions).join(', ');
}

/**
 * The facts as they count for reuse: a fact's read time (`asOf`) only by
 * its day. Results that depend on age (a secret's, the last push's) are
 * computed again once a day; a fact read again the same day with the same
 * value does not make a rescan.
 */
export function factsForReuse(
  facts: Partial<Record<FactName, Fact>>,
): Partial<Record<FactName, Fact>> {
  const out: Partial<Record<FactName, Fact>> = {};
  for (const [name, read] of Object.entries(facts) as [FactName, Fact][]) {
    // When a value was read does not change it.
    const fact: Fact = read.available
      ? { available: true, value: read.value }
      : read;
    const value = fact.available ? fact.value : undefined;
    if (
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof (value as { asOf?: unknown }).asOf === 'string'
    ) {
      const asOf = (value as { asOf: string }).asOf;
      out[name] = {
        available: true,
        value: { ...value, asOf: asOf.slice(0, 10) },
      };
    } else {
      out[name] = fact;
    }
  }
  return out;
}
