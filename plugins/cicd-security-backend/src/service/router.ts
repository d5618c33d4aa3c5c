import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  CHECK_CATEGORIES,
  CheckCategory,
  CheckDetailResponse,
  ComplianceFrameworkId,
  CheckWithStats,
  ChecksResponse,
  ComplianceResponse,
  EntityPoliciesResponse,
  cicdSecurityReadPermission,
  cicdSecurityRefreshPermission,
  cicdSecurityWaiverManagePermission,
  ListScorecardsResponse,
  OverviewResponse,
  PoliciesResponse,
  PolicyDefinition,
  RefreshResponse,
  Scorecard,
  ScorecardHistoryResponse,
  ScorecardSummary,
  SourceFileResponse,
  TeamsResponse,
  Waiver,
  WaiversResponse,
} from '@cicd-security/plugin-cicd-security-common';
import {
  buildEvidenceDocument,
  buildSarif,
  DEFAULT_EVIDENCE_FRAMEWORK,
  ENGINE_VERSION,
  EvidenceScope,
  renderEvidenceHtml,
  serializeEvidence,
  readCheckGuide,
  readPackageInventory,
  toCycloneDx,
  type CheckRegistry,
} from '@cicd-security/plugin-cicd-security-node';
import express from 'express';
import Router from 'express-promise-router';
import fs from 'fs';
import path from 'path';
import { z } from 'zod';
import { CheckStats, ScorecardStore } from '../database/ScorecardStore';
import { WaiverStore } from '../database/WaiverStore';
import { EMPTY_COUNTS } from '../database/rows';
import {
  entityCompliance,
  groupCompliance,
  isFrameworkId,
  knownFrameworkIds,
} from '../compliance/complianceView';
import { evaluatePolicy, selects } from '../policies/policies';
import {
  policiesOverview,
  visibleComponents,
} from '../policies/policyOverview';
import { EntityScanner } from '../scanner/EntityScanner';
import { entitySourceLinkTemplate } from '../sources/sourceLinks';
import { entityMeta } from '../scanner/entityMeta';
import { QueuedScanStatus, ScanQueue } from '../scheduler/ScanQueue';
import { toCsv } from './csv';
import { CallerRateLimiter, TooManyRequestsError } from './rateLimit';
import { EntityVisibility } from './visibility';
import { evidenceScorecards } from '../evidence/evidenceScorecards';
import { ChromiumPdfRenderer, EvidencePdfRenderer } from '../evidence/pdf';

export interface RouterOptions {
  store: ScorecardStore;
  waivers: WaiverStore;
  scanner: Pick<EntityScanner, 'scan'> &
    Partial<Pick<EntityScanner, 'readSource' | 'readSourceFile'>>;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  registry: Pick<CheckRegistry, 'metadata' | 'get'>;
  /**
   * Folder of the organisation's own check guide pages (`<check-id>.md`),
   * read first; the built-in checks' guides ship with the engine package.
   */
  guidesDir?: string;
  /** Base URL of the guides in SARIF rules. */
  docsBase?: string;
  /**
   * `cicdSecurity.sources.linkTemplate`: where findings of `dir:` sources
   * link to, e.g. `https://git.example.com/{name}/blob/main/{path}#L{line}`.
   */
  sourceLinkTemplate?: string;
  /** How long a caller's visible entities are reused (default 30 s). */
  visibilityTtlMs?: number;
  /**
   * The replica's scan queue, shared with the scheduled scans (same
   * concurrency limit). Default: a queue of 4 of the router's own.
   */
  scanQueue?: ScanQueue;
  /** Refreshes one caller may ask for per window (default 30). */
  refreshRateLimit?: number;
  /** The window of {@link RouterOptions.refreshRateLimit} (default 60 s). */
  refreshRateWindowMs?: number;
  /** Longest portal waiver in days (default 365). */
  waiverMaxDays?: number;
  /** The organisation's policies (`cicdSecurity.policies`). */
  policies?: PolicyDefinition[];
  /** Prints evidence reports as PDF (default: headless Chromium, when installed). */
  evidencePdf?: EvidencePdfRenderer;
}

/** The answer to a refresh: the stored state and where the scan is. */
export interface RefreshAccepted extends RefreshResponse {
  /** `queued`: waiting for a free scan slot; `scanning`: running. */
  status: QueuedScanStatus;
  /** True when a scan of the entity was already queued or running. */
  alreadyQueued: boolean;
}

export const DEFAULT_DOCS_BASE =
  'https://github.com/cicd-security/cicd-security/blob/main/plugins/cicd-security-node/guides';

const STATES = [
  'ok',
  'pending',
  'scanning',
  'error',
  'no-source',
  'stale',
] as const;
const SORT_FIELDS = [
  'name',
  'score',
  'grade',
  'owner',
  'system',
  'kind',
  'lifecycle',
  'state',
  'criticalFindings',
  'findings',
  'scannedAt',
] as const;
const CATEGORY_IDS = CHECK_CATEGORIES.map(c => c.id) as [
  CheckCategory,
  ...CheckCategory[],
];
const CHECK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ENTITY_REF = /^[^:/\s]+:([^:/\s]+\/)?[^:/\s]+$/;
/** A ref whose kind may be left out (it defaults to group). */
const SHORT_REF = /^([^:/\s]+:)?([^:/\s]+\/)?[^:/\s]+$/;
const MAX_EXPORT_ROWS = 100_000;
const EXPORT_PAGE = 500;

const filterFields = {
  owner: z
    .string()
    .min(1)
    .max(400)
    .regex(SHORT_REF, 'not an entity ref')
    .optional(),
  system: z
    .string()
    .min(1)
    .max(400)
    .regex(ENTITY_REF, 'not an entity ref')
    .optional(),
  kind: z.string().min(1).max(100).optional(),
  type: z.string().min(1).max(100).optional(),
  lifecycle: z.string().min(1).max(100).optional(),
  grade: z
    .string()
    .regex(/^[ABCDF](,[ABCDF])*$/, 'one or more of A,B,C,D,F, comma-separated')
    .optional(),
  state: z.enum(STATES).optional(),
  category: z.enum(CATEGORY_IDS).optional(),
  categoryBelow: z.coerce.number().min(0).max(10).optional(),
  failingCheck: z
    .string()
    .max(100)
    .regex(CHECK_ID, 'not a check id')
    .optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(SORT_FIELDS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
};

function bothOrNeither(v: { category?: string; categoryBelow?: number }) {
  return (v.category === undefined) === (v.categoryBelow === undefined);
}
const CATEGORY_PAIR = {
  message: 'category and categoryBelow go together',
  path: ['categoryBelow'],
};

const listQuerySchema = z
  .object({
    ...filterFields,
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict()
  .refine(bothOrNeither, CATEGORY_PAIR);

const exportQuerySchema = z
  .object({ ...filterFields, format: z.enum(['csv', 'json']).default('csv') })
  .strict()
  .refine(bothOrNeither, CATEGORY_PAIR);

const historyQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    since: z
      .string()
      .max(40)
      .refine(v => !Number.isNaN(Date.parse(v)), 'not a date')
      .optional(),
  })
  .strict();

/** `?path=` of the source view; the path itself is checked by readSourceFile. */
const sourceQuerySchema = z.object({ path: z.string() }).strict();

const overviewQuerySchema = z
  .object({ days: z.coerce.number().int().min(1).max(365).default(30) })
  .strict();

const teamsQuerySchema = z
  .object({
    root: z.string().max(400).regex(SHORT_REF, 'not an entity ref').optional(),
  })
  .strict();

const noQuerySchema = z.object({}).strict();

/** The scope of a compliance view or an evidence export: one entity, a team, or (neither) the organisation. */
const scopeFields = {
  entityRef: z
    .string()
    .max(400)
    .regex(ENTITY_REF, 'not an entity ref')
    .optional(),
  owner: z.string().max(400).regex(SHORT_REF, 'not an entity ref').optional(),
};
const oneScope = (v: { entityRef?: string; owner?: string }) =>
  !(v.entityRef && v.owner);
const oneScopeError = {
  message: 'give entityRef or owner, not both',
  path: ['owner'],
};

const complianceQuerySchema = z
  .object(scopeFields)
  .strict()
  .refine(oneScope, oneScopeError);

const evidenceQuerySchema = z
  .object({
    ...scopeFields,
    framework: z.string().max(100).default(DEFAULT_EVIDENCE_FRAMEWORK),
    format: z.enum(['json', 'html', 'pdf']).default('json'),
  })
  .strict()
  .refine(oneScope, oneScopeError);

const waiversQuerySchema = z
  .object({
    entityRef: z
      .string()
      .max(400)
      .regex(ENTITY_REF, 'not an entity ref')
      .optional(),
    checkId: z.string().max(100).regex(CHECK_ID, 'not a check id').optional(),
    owner: z.string().max(400).regex(SHORT_REF, 'not an entity ref').optional(),
    active: z.enum(['true', 'false']).optional(),
  })
  .strict();

const createWaiverSchema = z
  .object({
    checkId: z.string().max(100).regex(CHECK_ID, 'not a check id'),
    scope: z.discriminatedUnion('type', [
      z
        .object({
          type: z.literal('entity'),
          entityRef: z.string().max(400).regex(ENTITY_REF, 'not an entity ref'),
        })
        .strict(),
      z
        .object({
          type: z.literal('owner'),
          ownerRef: z.string().max(400).regex(ENTITY_REF, 'not an entity ref'),
        })
        .strict(),
    ]),
    reason: z.string().trim().min(1).max(2000),
    expiresAt: z
      .string()
      .datetime({ offset: true })
      .refine(v => !Number.isNaN(Date.parse(v)), 'not a date'),
  })
  .strict();

const revokeWaiverSchema = z
  .object({ reason: z.string().trim().min(1).max(2000).optional() })
  .strict();

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    store,
    waivers,
    scanner,
    catalog,
    httpAuth,
    permissions,
    logger,
    registry,
  } = options;
  const docsBase = options.docsBase ?? DEFAULT_DOCS_BASE;
  const visibility = new EntityVisibility({
    catalog,
    permissions,
    auth: options.auth,
    ttlMs: options.visibilityTtlMs,
  });
  const evidencePdf = options.evidencePdf ?? new ChromiumPdfRenderer();
  const groupVisibility = new EntityVisibility({
    catalog,
    permissions,
    auth: options.auth,
    ttlMs: options.visibilityTtlMs,
    kinds: ['Group'],
  });
  const scanQueue = options.scanQueue ?? new ScanQueue(4);
  const refreshLimiter = new CallerRateLimiter({
    limit: options.refreshRateLimit ?? 30,
    windowMs: options.refreshRateWindowMs ?? 60_000,
  });
  const waiverMaxDays = options.waiverMaxDays ?? 365;
  const policies = options.policies ?? [];
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  /** The caller: a signed-in user, or another backend plugin. */
  function credentialsOf(req: express.Request) {
    return httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /** Throws NotAllowedError unless the caller holds the permission. */
  async function authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  }

  /** Same for a permission on one catalog entity. */
  async function authorizeOn(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    resourceRef: string,
  ) {
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Missing permission ${permission.name} on ${resourceRef}`,
      );
    }
  }

  /** Signed-in caller with the read permission. */
  async function reader(req: express.Request) {
    const credentials = await credentialsOf(req);
    await authorize(credentials, cicdSecurityReadPermission);
    return credentials;
  }

  function toRef(rawRef: string): CompoundEntityRef {
    try {
      return parseEntityRef(rawRef);
    } catch (e) {
      throw new InputError(`Malformed entity ref '${rawRef}'`, e);
    }
  }

  /** Parses the ref and loads the entity as the caller sees it (404 otherwise). */
  async function loadEntity(
    rawRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const ref = toRef(rawRef);
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
    }
    return entity;
  }

  async function readGuide(checkId: string): Promise<string | undefined> {
    if (!CHECK_ID.test(checkId)) return undefined;
    if (options.guidesDir) {
      try {
        return await fs.promises.readFile(
          path.join(options.guidesDir, `${checkId}.md`),
          'utf8',
        );
      } catch {
        // not an organisation guide: the built-in one, if any
      }
    }
    return readCheckGuide(checkId);
  }

  function withStats(stats: CheckStats[]): CheckWithStats[] {
    const byId = new Map(stats.map(s => [s.checkId, s]));
    return registry.metadata().map(meta => {
      const s = byId.get(meta.id);
      return {
        ...meta,
        applicable: s?.applicable ?? 0,
        failing: s?.failing ?? 0,
        openFailing: s?.openFailing ?? 0,
        waivedFailing: s?.waivedFailing ?? 0,
        suppressedFindings: s?.suppressedFindings ?? 0,
        inconclusive: s?.inconclusive ?? 0,
        passRate: s?.passRate ?? null,
      };
    });
  }

  /**
   * What a team or org view covers for the caller: the refs it may see and,
   * for a team, the group, which it must be able to read (one it may not
   * read is answered like a missing one).
   */
  async function visibleScope(
    credentials: BackstageCredentials,
    ownerQuery: string | undefined,
  ): Promise<{ entityRefs: string[]; owner?: string }> {
    const [entityRefs, groups] = await Promise.all([
      visibility.visibleRefs(credentials),
      ownerQuery
        ? groupVisibility.visibleRefs(credentials).then(lowerCaseSet)
        : Promise.resolve(new Set<string>()),
    ]);
    const owner = ownerQuery ? groupRef(ownerQuery) : undefined;
    if (owner && !groups.has(owner.toLocaleLowerCase('en-US'))) {
      throw new NotFoundError(`No group ${owner}`);
    }
    return { entityRefs, ...(owner ? { owner } : {}) };
  }

  async function scorecardOf(entity: Entity): Promise<Scorecard> {
    const meta = entityMeta(entity);
    const stored = await store.getScorecard(meta.entityRef);
    return (
      stored ?? {
        ...meta,
        state: 'pending',
        score: null,
        grade: null,
        categories: [],
        counts: { ...EMPTY_COUNTS },
        checks: [],
        problems: [],
      }
    );
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/scorecards', async (req, res) => {
    const query = parse(listQuerySchema, req.query);
    const credentials = await reader(req);
    const entityRefs = await visibility.visibleRefs(credentials);
    const body: ListScorecardsResponse = await store.listScorecards({
      ...query,
      ...(query.owner ? { owner: groupRef(query.owner) } : {}),
      entityRefs,
    });
    res.json(body);
  });

  router.get('/scorecards/export', async (req, res) => {
    const { format, ...query } = parse(exportQuerySchema, req.query);
    const credentials = await reader(req);
    const entityRefs = await visibility.visibleRefs(credentials);
    const items: ScorecardSummary[] = [];
    for (let offset = 0; offset < MAX_EXPORT_ROWS; offset += EXPORT_PAGE) {
      const page = await store.listScorecards({
        ...query,
        ...(query.owner ? { owner: groupRef(query.owner) } : {}),
        entityRefs,
        limit: EXPORT_PAGE,
        offset,
      });
      items.push(...page.items);
      if (page.items.length < EXPORT_PAGE) break;
    }
    const stamp = new Date().toISOString().slice(0, 10);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="cicd-security-scorecards-${stamp}.${format}"`,
    );
    if (format === 'json') {
      const body: ListScorecardsResponse = { items, totalCount: items.length };
      res.json(body);
    } else {
      res.type('text/csv; charset=utf-8').send(toCsv(items));
    }
  });

  router.get('/scorecards/:entityRef', async (req, res) => {
    parse(noQuerySchema, req.query);
    const credentials = await reader(req);
    const entity = await loadEntity(req.params.entityRef, credentials);
    const scorecard = await scorecardOf(entity);
    const sourceLinkTemplate = entitySourceLinkTemplate(
      options.sourceLinkTemplate,
      scorecard.entityRef,
      scorecard.sourceLocation,
    );
    const body: Scorecard = sourceLinkTemplate
      ? { ...scorecard, sourceLinkTemplate }
      : scorecard;
    res.json(body);
  });

  router.get('/scorecards/:entityRef/policies', async (req, res) => {
    parse(noQuerySchema, req.query);
    const credentials = await reader(req);
    const entity = await loadEntity(req.params.entityRef, credentials);
    const applying = policies.filter(p => selects(p.select, entity));
    const entityRef = stringifyEntityRef(entity);
    const stored = applying.length
      ? await store.getScorecard(entityRef)
      : undefined;
    const body: EntityPoliciesResponse = {
      entityRef,
      items: applying.map(p => evaluatePolicy(p, stored)),
    };
    res.json(body);
  });

  router.get('/scorecards/:entityRef/history', async (req, res) => {
    const { limit, since } = parse(historyQuerySchema, req.query);
    const credentials = await reader(req);
    const entity = await loadEntity(req.params.entityRef, credentials);
    const body: ScorecardHistoryResponse = {
      items: await store.getHistory(
        stringifyEntityRef(entity),
        limit,
        since ? new Date(since) : undefined,
      ),
    };
    res.json(body);
  });

  router.get('/scorecards/:entityRef/sarif', async (req, res) => {
    parse(noQuerySchema, req.query);
    const credentials = await reader(req);
    const entity = await loadEntity(req.params.entityRef, credentials);
    const scorecard = await scorecardOf(entity);
    const ran = new Set(scorecard.checks.map(c => c.checkId));
    const sarif = buildSarif({
      version: ENGINE_VERSION,
      docsBase,
      checks: registry.metadata().filter(m => ran.has(m.id)),
      targets: [
        {
          target: scorecard.entityRef,
          kind: 'directory',
          result: { checks: scorecard.checks },
        },
      ],
    });
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${entity.metadata.name}.sarif"`,
    );
    res.type('application/sarif+json').send(JSON.stringify(sarif));
  });

  // The SBOM is built from the source's files, read again: as costly as a
  // scan, so it shares the refresh rate limit.
  router.get('/scorecards/:entityRef/sbom', async (req, res) => {
    parse(noQuerySchema, req.query);
    const credentials = await reader(req);
    try {
      refreshLimiter.take(credentials, 'sbom');
    } catch (e) {
      if (e instanceof TooManyRequestsError) {
        res.setHeader('Retry-After', String(e.retryAfterSeconds));
      }
      throw e;
    }
    const entity = await loadEntity(req.params.entityRef, credentials);
    if (!scanner.readSource) {
      throw new NotFoundError('this backend does not read sources for SBOMs');
    }
    const read = await scanner.readSource(entity);
    if ('reason' in read) {
      throw new NotFoundError(
        `${stringifyEntityRef(entity)} has no readable source: ${read.reason}`,
      );
    }
    const bom = toCycloneDx(
      readPackageInventory(read.snapshot, { githubActions: true }),
      {
        name: entity.metadata.name,
        ...(read.snapshot.revision ? { revision: read.snapshot.revision } : {}),
      },
    );
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${entity.metadata.name}.cdx.json"`,
    );
    res.type('application/vnd.cyclonedx+json').send(JSON.stringify(bom));
  });

  // One file of a `dir:` source, redacted, for the portal's source view
  // (findings link to it through cicdSecurity.sources.linkTemplate).
  router.get('/scorecards/:entityRef/source', async (req, res) => {
    const query = parse(sourceQuerySchema, req.query);
    const credentials = await reader(req);
    const entity = await loadEntity(req.params.entityRef, credentials);
    if (!scanner.readSourceFile) {
      throw new NotFoundError('this backend does not read source files');
    }
    const file = scanner.readSourceFile(entity, query.path);
    const body: SourceFileResponse = {
      entityRef: stringifyEntityRef(entity),
      ...file,
    };
    res.json(body);
  });

  router.post('/scorecards/:entityRef/refresh', async (req, res) => {
    const credentials = await credentialsOf(req);
    try {
      refreshLimiter.take(credentials, 'refresh');
    } catch (e) {
      if (e instanceof TooManyRequestsError) {
        res.setHeader('Retry-After', String(e.retryAfterSeconds));
      }
      throw e;
    }
    const entity = await loadEntity(req.params.entityRef, credentials);
    const meta = entityMeta(entity);
    await authorizeOn(
      credentials,
      cicdSecurityRefreshPermission,
      meta.entityRef,
    );
    if (!scanQueue.statusOf(meta.entityRef)) {
      await store.setState(meta.entityRef, 'scanning', undefined, meta);
    }
    // The scan waits for a free slot of the replica's concurrency limit and
    // runs in the background; the client polls the scorecard. An entity
    // already queued or scanning is not queued again.
    const { status, added } = scanQueue.enqueue(
      meta.entityRef,
      () => scanner.scan(entity),
      e => logger.error(`Refresh of ${meta.entityRef} failed: ${e}`),
    );
    const body: RefreshAccepted = {
      entityRef: meta.entityRef,
      state: 'scanning',
      status,
      alreadyQueued: !added,
    };
    res.status(202).json(body);
  });

  router.get('/overview', async (req, res) => {
    const { days } = parse(overviewQuerySchema, req.query);
    const credentials = await reader(req);
    const entityRefs = await visibility.visibleRefs(credentials);
    const body: OverviewResponse = await store.overview({ entityRefs, days });
    res.json(body);
  });

  router.get('/policies', async (req, res) => {
    parse(noQuerySchema, req.query);
    const credentials = await reader(req);
    // The components the caller may read, as the catalog shows them.
    const entities = policies.length
      ? await visibleComponents(catalog, credentials)
      : [];
    const body: PoliciesResponse = await policiesOverview(
      policies,
      entities,
      store,
    );
    res.json(body);
  });

  router.get('/compliance/:framework', async (req, res) => {
    const query = parse(complianceQuerySchema, req.query);
    const framework = frameworkOf(req.params.framework);
    const credentials = await reader(req);
    let body: ComplianceResponse;
    if (query.entityRef) {
      const entity = await loadEntity(query.entityRef, credentials);
      const entityRef = stringifyEntityRef(entity);
      body = entityCompliance(
        framework,
        entityRef,
        await store.getScorecard(entityRef),
      );
    } else {
      const { entityRefs, owner } = await visibleScope(
        credentials,
        query.owner,
      );
      body = await groupCompliance(
        framework,
        owner ? { type: 'owner', owner } : { type: 'org' },
        store,
        { entityRefs, ...(owner ? { owner } : {}) },
      );
    }
    res.json(body);
  });

  router.get('/evidence', async (req, res) => {
    const query = parse(evidenceQuerySchema, req.query);
    const { format } = query;
    const framework = frameworkOf(query.framework);
    const credentials = await reader(req);
    const noPdf = format === 'pdf' ? evidencePdf.unavailable() : undefined;
    if (noPdf) throw new ServiceUnavailableError(noPdf);
    let scope: EvidenceScope;
    let scorecards: Scorecard[];
    let omitted = 0;
    if (query.entityRef) {
      const entity = await loadEntity(query.entityRef, credentials);
      const scorecard = await scorecardOf(entity);
      scope = { kind: 'entity', entityRef: scorecard.entityRef };
      scorecards = [scorecard];
    } else {
      const { entityRefs, owner } = await visibleScope(
        credentials,
        query.owner,
      );
      scope = owner ? { kind: 'team', owner } : { kind: 'org' };
      ({ scorecards, omitted } = await evidenceScorecards(store, {
        entityRefs,
        ...(owner ? { owner } : {}),
      }));
    }
    const doc = buildEvidenceDocument({
      scope,
      framework,
      checks: registry.metadata(),
      scorecards,
      omittedComponents: omitted,
    });
    const name = `cicd-security-evidence-${(scope.kind === 'entity'
      ? scope.entityRef
      : scope.kind === 'team'
      ? scope.owner
      : 'org'
    ).replace(/[^A-Za-z0-9._-]+/g, '-')}-${doc.integrity.digest.slice(0, 12)}`;
    res.setHeader('X-Evidence-Digest', `sha256:${doc.integrity.digest}`);
    if (format === 'pdf') {
      const pdf = await evidencePdf.render(renderEvidenceHtml(doc));
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${name}.pdf"`,
      );
      res.type('application/pdf').send(pdf);
      return;
    }
    if (format === 'html') {
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'",
      );
      res.setHeader('Content-Disposition', `inline; filename="${name}.html"`);
      res.type('text/html; charset=utf-8').send(renderEvidenceHtml(doc));
      return;
    }
    res.setHeader('Content-Disposition', `attachment; filename="${name}.json"`);
    res.type('application/json; charset=utf-8').send(serializeEvidence(doc));
  });

  router.get('/teams', async (req, res) => {
    const { root } = parse(teamsQuerySchema, req.query);
    const credentials = await reader(req);
    // Groups the caller may not read are left out, and a hidden root is
    // answered exactly like a missing one.
    const [entityRefs, groups] = await Promise.all([
      visibility.visibleRefs(credentials),
      groupVisibility.visibleRefs(credentials).then(lowerCaseSet),
    ]);
    const rootRef = root ? groupRef(root) : undefined;
    if (rootRef && !groups.has(rootRef.toLocaleLowerCase('en-US'))) {
      throw new NotFoundError(`No group ${rootRef}`);
    }
    const teams: TeamsResponse | undefined = await store.teams({
      entityRefs,
      root: rootRef,
    });
    if (!teams) throw new NotFoundError(`No group ${rootRef}`);
    const visibleGroup = (ref: string) =>
      groups.has(ref.toLocaleLowerCase('en-US'));
    const body: TeamsResponse = {
      items: teams.items
        .filter(item => visibleGroup(item.groupRef))
        .map(item => {
          const { parent, ...rest } = item;
          return {
            ...rest,
            ...(parent && visibleGroup(parent) ? { parent } : {}),
            children: item.children.filter(visibleGroup),
          };
        }),
      owners: teams.owners,
      computedAt: teams.computedAt,
    };
    res.json(body);
  });

  router.get('/checks', async (req, res) => {
    parse(noQuerySchema, req.query);
    const credentials = await reader(req);
    const entityRefs = await visibility.visibleRefs(credentials);
    const stats = await store.checkStatsWithTime({ entityRefs });
    const body: ChecksResponse = {
      items: withStats(stats.value),
      computedAt: new Date(stats.computedAt).toISOString(),
    };
    res.json(body);
  });

  router.get('/checks/:checkId', async (req, res) => {
    parse(noQuerySchema, req.query);
    const credentials = await reader(req);
    const { checkId } = req.params;
    if (!registry.get(checkId)) {
      throw new NotFoundError(`No check with id '${checkId}'`);
    }
    const entityRefs = await visibility.visibleRefs(credentials);
    const [stats, failingEntities, guide] = await Promise.all([
      store.checkStats({ entityRefs }),
      store.failingEntities(checkId, { entityRefs }, 200),
      readGuide(checkId),
    ]);
    const [check] = withStats(stats).filter(c => c.id === checkId);
    const body: CheckDetailResponse = {
      ...check,
      ...(guide ? { guide } : {}),
      failingEntities,
    };
    res.json(body);
  });

  router.get('/waivers', async (req, res) => {
    const query = parse(waiversQuerySchema, req.query);
    const credentials = await reader(req);
    // An entity or owner the caller may not read is answered like a
    // missing one.
    const entityRef = query.entityRef
      ? stringifyEntityRef(await loadEntity(query.entityRef, credentials))
      : undefined;
    const owner = query.owner
      ? stringifyEntityRef(await loadEntity(groupRef(query.owner), credentials))
      : undefined;
    const [visible, groups] = await Promise.all([
      visibility.visibleRefs(credentials).then(lowerCaseSet),
      groupVisibility.visibleRefs(credentials).then(lowerCaseSet),
    ]);
    const items = await waivers.list({
      ...(entityRef ? { entityRef } : {}),
      ...(owner ? { owner } : {}),
      ...(query.checkId ? { checkId: query.checkId } : {}),
      ...(query.active ? { active: query.active === 'true' } : {}),
    });
    // Owners that are not groups (users) are looked up one by one.
    const otherOwners = new Map<string, boolean>();
    for (const w of items) {
      const ref = w.scope.type === 'owner' ? w.scope.ownerRef : undefined;
      if (ref && !groups.has(ref.toLocaleLowerCase('en-US'))) {
        otherOwners.set(ref, false);
      }
    }
    await Promise.all(
      [...otherOwners.keys()].map(async ref => {
        const entity = await catalog
          .getEntityByRef(ref, { credentials })
          .catch(() => undefined);
        otherOwners.set(ref, !!entity);
      }),
    );
    const body: WaiversResponse = {
      // Waivers show only for entities and owners the caller may see.
      items: items.filter(w =>
        w.scope.type === 'entity'
          ? visible.has(w.scope.entityRef.toLocaleLowerCase('en-US'))
          : groups.has(w.scope.ownerRef.toLocaleLowerCase('en-US')) ||
            otherOwners.get(w.scope.ownerRef) === true,
      ),
    };
    res.json(body);
  });

  router.post('/waivers', async (req, res) => {
    const request = parse(createWaiverSchema, req.body ?? {}, 'body');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (!registry.get(request.checkId)) {
      throw new InputError(`Unknown check '${request.checkId}'`);
    }
    const expires = new Date(request.expiresAt).getTime();
    if (expires <= Date.now()) {
      throw new InputError('expiresAt must be in the future');
    }
    if (expires > Date.now() + waiverMaxDays * 86_400_000) {
      throw new InputError(
        `expiresAt must be at most ${waiverMaxDays} days ahead (cicdSecurity.waivers.maxDays)`,
      );
    }
    const scopeRaw =
      request.scope.type === 'entity'
        ? request.scope.entityRef
        : request.scope.ownerRef;
    const target = await loadEntity(scopeRaw, credentials);
    const targetRef = stringifyEntityRef(target);
    await authorizeOn(
      credentials,
      cicdSecurityWaiverManagePermission,
      targetRef,
    );
    const body: Waiver = await waivers.create(
      {
        ...request,
        expiresAt: new Date(request.expiresAt).toISOString(),
        scope:
          request.scope.type === 'entity'
            ? { type: 'entity', entityRef: targetRef }
            : { type: 'owner', ownerRef: targetRef },
      },
      actorOf(credentials),
    );
    res.status(201).json(body);
  });

  router.delete('/waivers/:id', async (req, res) => {
    const { reason } = parse(revokeWaiverSchema, req.body ?? {}, 'body');
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const existing = await waivers.get(req.params.id);
    if (!existing) throw new NotFoundError(`No waiver ${req.params.id}`);
    const scopeRef =
      existing.scope.type === 'entity'
        ? existing.scope.entityRef
        : existing.scope.ownerRef;
    await loadEntity(scopeRef, credentials);
    await authorizeOn(
      credentials,
      cicdSecurityWaiverManagePermission,
      scopeRef,
    );
    const body: Waiver = (await waivers.revoke(
      existing.id,
      actorOf(credentials),
      reason,
    ))!;
    res.json(body);
  });

  // Last: an unknown path answers the same JSON error shape as every other
  // error, instead of Express's HTML page. A `use` layer, not a route, so the
  // OpenAPI document stays the list of routes.
  router.use((req, _res) => {
    throw new NotFoundError(`No route for ${req.method} ${req.path}`);
  });

  return router;
}

/** A framework id of the request, or 400 naming the known ones. */
function frameworkOf(framework: string): ComplianceFrameworkId {
  if (!isFrameworkId(framework)) {
    throw new InputError(
      `Unknown framework '${framework}'; known frameworks: ${knownFrameworkIds().join(
        ', ',
      )}`,
    );
  }
  return framework;
}

function lowerCaseSet(refs: string[]): Set<string> {
  return new Set(refs.map(r => r.toLocaleLowerCase('en-US')));
}

/** A full owner ref; the kind defaults to group, the namespace to default. */
function groupRef(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'group', defaultNamespace: 'default' }),
  );
}

function actorOf(credentials: BackstageCredentials<BackstageUserPrincipal>) {
  return credentials.principal.userEntityRef;
}

function parse<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  where: 'query' | 'body' = 'query',
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const reason = result.error.issues
      .map(i => `${i.path.join('.') || where}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${where}: ${reason}`);
  }
  return result.data;
}
