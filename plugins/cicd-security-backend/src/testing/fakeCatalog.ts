import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * A catalog for tests and benchmarks that answers like the real one: cursor
 * pages of `queryEntities` filtered by kind, `getEntityByRef`, and per-caller
 * visibility (what a permission policy would let each user read).
 */
export function fakeCatalog(options: {
  entities: Entity[];
  /**
   * Whether a user may read an entity (e.g. a permission policy's decision);
   * everything is visible without it. Services read everything.
   */
  canRead?: (
    userEntityRef: string | undefined,
    entity: Entity,
  ) => boolean | Promise<boolean>;
  /** Simulated latency of each catalog call. */
  latencyMs?: number;
  /** Counts catalog calls, for benchmarks. */
  calls?: { queryEntities: number; getEntityByRef: number };
}): CatalogService {
  const byRef = new Map(
    options.entities.map(e => [
      stringifyEntityRef(e).toLocaleLowerCase('en-US'),
      e,
    ]),
  );
  const wait = () =>
    options.latencyMs
      ? new Promise(r => setTimeout(r, options.latencyMs))
      : Promise.resolve();
  const visible = async (
    credentials: BackstageCredentials | undefined,
    e: Entity,
  ): Promise<boolean> => {
    if (!options.canRead) return true;
    const p = credentials?.principal as {
      type?: string;
      userEntityRef?: string;
    };
    if (p?.type === 'service') return true;
    return options.canRead(p?.userEntityRef, e);
  };
  const service = {
    async getEntityByRef(
      ref: string | CompoundEntityRef,
      opts: { credentials: BackstageCredentials },
    ) {
      if (options.calls) options.calls.getEntityByRef++;
      await wait();
      const key = stringifyEntityRef(
        typeof ref === 'string' ? parseEntityRef(ref) : ref,
      ).toLocaleLowerCase('en-US');
      const e = byRef.get(key);
      return e && (await visible(opts?.credentials, e)) ? e : undefined;
    },
    async queryEntities(
      request: {
        cursor?: string;
        limit?: number;
        filter?: { kind?: string | string[] };
        fields?: string[];
      },
      opts: { credentials: BackstageCredentials },
    ) {
      if (options.calls) options.calls.queryEntities++;
      await wait();
      let state: { kinds?: string[]; offset: number };
      if (request.cursor) {
        state = JSON.parse(Buffer.from(request.cursor, 'base64').toString());
      } else {
        const kind = request.filter?.kind;
        state = {
          kinds: kind
            ? (Array.isArray(kind) ? kind : [kind]).map(k => k.toLowerCase())
            : undefined,
          offset: 0,
        };
      }
      const limit = request.limit ?? 20;
      const ofKind = options.entities.filter(
        e => !state.kinds || state.kinds.includes(e.kind.toLowerCase()),
      );
      const seen = options.canRead
        ? await Promise.all(ofKind.map(e => visible(opts?.credentials, e)))
        : undefined;
      const all = seen ? ofKind.filter((_, i) => seen[i]) : ofKind;
      // Callers that ask for more than the ref fields get whole entities.
      const refFieldsOnly = (request.fields ?? []).every(f =>
        ['kind', 'metadata.namespace', 'metadata.name'].includes(f),
      );
      const items = all.slice(state.offset, state.offset + limit).map(e =>
        refFieldsOnly
          ? {
              kind: e.kind,
              metadata: {
                name: e.metadata.name,
                namespace: e.metadata.namespace ?? DEFAULT_NAMESPACE,
              },
            }
          : e,
      );
      const next = state.offset + limit;
      return {
        items: items as Entity[],
        totalItems: all.length,
        pageInfo:
          next < all.length
            ? {
                nextCursor: Buffer.from(
                  JSON.stringify({ ...state, offset: next }),
                ).toString('base64'),
              }
            : {},
      };
    },
  };
  return service as unknown as CatalogService;
}
