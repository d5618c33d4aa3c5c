import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  CheckDetailResponse,
  CheckWithStats,
  ChecksResponse,
  cicdSecurityReadPermission,
  cicdSecurityRefreshPermission,
  ListScorecardsResponse,
  RefreshResponse,
  Scorecard,
  ScorecardHistoryResponse,
  TeamsResponse,
} from '@cicd-security/plugin-cicd-security-common';
import type { CheckRegistry } from '@cicd-security/plugin-cicd-security-node';
import express from 'express';
import Router from 'express-promise-router';
import fs from 'fs';
import path from 'path';
import { z } from 'zod';
import { CheckStats, ScorecardStore } from '../database/ScorecardStore';
import { EntityScanner } from '../scanner/EntityScanner';
import { entityMeta } from '../scanner/entityMeta';

export interface RouterOptions {
  store: ScorecardStore;
  scanner: Pick<EntityScanner, 'scan'>;
  catalog: CatalogService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  registry: Pick<CheckRegistry, 'metadata' | 'get'>;
  /** Folder of the check guide pages (`<check-id>.md`), when known. */
  guidesDir?: string;
}

const STATES = [
  'ok',
  'pending',
  'scanning',
  'error',
  'no-source',
  'stale',
] as const;

const listQuerySchema = z.object({
  owner: z.string().min(1).max(400).optional(),
  kind: z.string().min(1).max(100).optional(),
  grade: z.enum(['A', 'B', 'C', 'D', 'F']).optional(),
  state: z.enum(STATES).optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(['name', 'score', 'grade', 'owner', 'scannedAt']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const historyQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const CHECK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CATALOG_PAGE_SIZE = 1000;

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, scanner, catalog, httpAuth, permissions, logger, registry } =
    options;
  const router = Router();

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

  /** Parses the path param and loads the entity as the caller sees it. */
  async function loadEntity(
    rawRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    let ref: CompoundEntityRef;
    try {
      ref = parseEntityRef(rawRef);
    } catch (e) {
      throw new InputError(`Malformed entity ref '${rawRef}'`, e);
    }
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
    }
    return entity;
  }

  /**
   * Refs of the entities the caller may read. The catalog enforces its own
   * permissions, so intersecting with this list keeps the scorecards as
   * visible as the entities themselves. This walks the caller's view of the
   * catalog on each call: fine for thousands of entities; larger portals
   * will want a permission-aware filter in SQL instead.
   */
  async function visibleEntityRefs(
    credentials: BackstageCredentials,
    kind?: string,
  ): Promise<string[]> {
    const refs: string[] = [];
    const fields = ['kind', 'metadata.namespace', 'metadata.name'];
    let response = await catalog.queryEntities(
      {
        ...(kind ? { filter: { kind } } : {}),
        fields,
        limit: CATALOG_PAGE_SIZE,
      },
      { credentials },
    );
    const collect = (items: Entity[]) => {
      for (const e of items) {
        refs.push(
          stringifyEntityRef({
            kind: e.kind,
            namespace: e.metadata.namespace ?? DEFAULT_NAMESPACE,
            name: e.metadata.name,
          }),
        );
      }
    };
    collect(response.items);
    while (response.pageInfo.nextCursor) {
      response = await catalog.queryEntities(
        {
          cursor: response.pageInfo.nextCursor,
          fields,
          limit: CATALOG_PAGE_SIZE,
        },
        { credentials },
      );
      collect(response.items);
    }
    return refs;
  }

  async function readGuide(checkId: string): Promise<string | undefined> {
    if (!options.guidesDir || !CHECK_ID.test(checkId)) return undefined;
    try {
      return await fs.promises.readFile(
        path.join(options.guidesDir, `${checkId}.md`),
        'utf8',
      );
    } catch {
      return undefined;
    }
  }

  function withStats(stats: CheckStats[]): CheckWithStats[] {
    const byId = new Map(stats.map(s => [s.checkId, s]));
    return registry.metadata().map(meta => {
      const s = byId.get(meta.id);
      return {
        ...meta,
        applicable: s?.applicable ?? 0,
        failing: s?.failing ?? 0,
        passRate: s?.passRate ?? null,
      };
    });
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/scorecards', async (req, res) => {
    const query = parse(listQuerySchema, req.query);
    const credentials = await credentialsOf(req);
    await authorize(credentials, cicdSecurityReadPermission);
    const entityRefs = await visibleEntityRefs(credentials, query.kind);
    const result = await store.listScorecards({ ...query, entityRefs });
    const body: ListScorecardsResponse = result;
    res.json(body);
  });

  router.get('/scorecards/:entityRef', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorize(credentials, cicdSecurityReadPermission);
    const entity = await loadEntity(req.params.entityRef, credentials);
    const meta = entityMeta(entity);
    const stored = await store.getScorecard(meta.entityRef);
    const body: Scorecard = stored ?? {
      ...meta,
      state: 'pending',
      score: null,
      grade: null,
      categories: [],
      counts: {
        passed: 0,
        failed: 0,
        warned: 0,
        notApplicable: 0,
        inconclusive: 0,
        errored: 0,
        findings: 0,
        suppressedFindings: 0,
        criticalFindings: 0,
      },
      checks: [],
      problems: [],
    };
    res.json(body);
  });

  router.get('/scorecards/:entityRef/history', async (req, res) => {
    const { limit } = parse(historyQuerySchema, req.query);
    const credentials = await credentialsOf(req);
    await authorize(credentials, cicdSecurityReadPermission);
    const entity = await loadEntity(req.params.entityRef, credentials);
    const body: ScorecardHistoryResponse = {
      items: await store.getHistory(stringifyEntityRef(entity), limit),
    };
    res.json(body);
  });

  router.post('/scorecards/:entityRef/refresh', async (req, res) => {
    const credentials = await credentialsOf(req);
    const entity = await loadEntity(req.params.entityRef, credentials);
    await authorize(credentials, cicdSecurityRefreshPermission);
    const meta = entityMeta(entity);
    await store.setState(meta.entityRef, 'scanning', undefined, meta);
    // The scan runs in the background; the client polls the scorecard.
    scanner
      .scan(entity)
      .catch(e => logger.error(`Refresh of ${meta.entityRef} failed: ${e}`));
    const body: RefreshResponse = {
      entityRef: meta.entityRef,
      state: 'scanning',
    };
    res.status(202).json(body);
  });

  router.get('/teams', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorize(credentials, cicdSecurityReadPermission);
    const entityRefs = await visibleEntityRefs(credentials);
    const body: TeamsResponse = {
      items: await store.teamSummaries({ entityRefs }),
    };
    res.json(body);
  });

  router.get('/checks', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorize(credentials, cicdSecurityReadPermission);
    const entityRefs = await visibleEntityRefs(credentials);
    const body: ChecksResponse = {
      items: withStats(await store.checkStats({ entityRefs })),
    };
    res.json(body);
  });

  router.get('/checks/:checkId', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorize(credentials, cicdSecurityReadPermission);
    const { checkId } = req.params;
    if (!registry.get(checkId)) {
      throw new NotFoundError(`No check with id '${checkId}'`);
    }
    const entityRefs = await visibleEntityRefs(credentials);
    const [check] = withStats(await store.checkStats({ entityRefs })).filter(
      c => c.id === checkId,
    );
    const guide = await readGuide(checkId);
    const body: CheckDetailResponse = { ...check, ...(guide ? { guide } : {}) };
    res.json(body);
  });

  return router;
}

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const reason = result.error.issues
      .map(i => `${i.path.join('.') || 'query'}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid query: ${reason}`);
  }
  return result.data;
}
