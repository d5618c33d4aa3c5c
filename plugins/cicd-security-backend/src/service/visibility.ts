import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { AuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** How long a caller's visible entity refs are reused. */
export const DEFAULT_VISIBILITY_TTL_MS = 10_000;
/**
 * How long the list of every entity, shared by the users the policy lets
 * read them all, is reused before it is renewed in the background: it says
 * which entities exist, not who may see them.
 */
export const DEFAULT_SHARED_LIST_TTL_MS = 60_000;
const PAGE_SIZE = 1000;
const MAX_CACHED_PRINCIPALS = 1000;
const FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];

/**
 * Which scorecards a caller may see: the entities the catalog lets them read,
 * asked with their own credentials, never assumed. The answer is kept per
 * principal for a short TTL (10 s by default) and concurrent requests of one
 * principal share a single catalog walk, so the catalog is asked at most once
 * per principal and TTL however many requests arrive. A permission change in
 * the catalog therefore reaches the scorecards within the TTL.
 *
 * Given the permission service, it first asks the catalog's own question
 * (may this user read catalog entities?) as the catalog does for a list. A
 * user the policy allows without conditions sees every entity, so they share
 * one list of the entities that exist (read with the plugin's credentials,
 * reused for a minute and served while it is renewed), instead of walking the
 * catalog once per user; a user denied outright sees none; a conditional
 * decision walks the catalog with the user's credentials as above. The
 * decision itself is asked on every request, so a permission change applies
 * at once.
 */
export class EntityVisibility {
  readonly #catalog: CatalogService;
  readonly #ttlMs: number;
  readonly #kinds: string[];
  readonly #clock: () => number;
  readonly #cache = new Map<string, { at: number; refs: Promise<string[]> }>();
  readonly #permissions?: PermissionsService;
  readonly #auth?: AuthService;
  #everything?: { at: number; refs: Promise<string[]>; renewing?: boolean };
  readonly #sharedTtlMs: number;

  constructor(options: {
    catalog: CatalogService;
    /** With `auth`: users the policy lets read every entity share one list. */
    permissions?: PermissionsService;
    auth?: AuthService;
    /** How long the shared list is reused (at least `ttlMs`). */
    sharedTtlMs?: number;
    /** 0 asks the catalog on every request. */
    ttlMs?: number;
    /** Entity kinds that have scorecards. */
    kinds?: string[];
    clock?: () => number;
  }) {
    this.#catalog = options.catalog;
    this.#ttlMs = options.ttlMs ?? DEFAULT_VISIBILITY_TTL_MS;
    this.#kinds = options.kinds ?? ['Component'];
    this.#clock = options.clock ?? Date.now;
    this.#permissions = options.permissions;
    this.#auth = options.auth;
    this.#sharedTtlMs = Math.max(
      this.#ttlMs,
      options.sharedTtlMs ?? DEFAULT_SHARED_LIST_TTL_MS,
    );
  }

  /** Refs of the scorecard entities the caller may read. */
  async visibleRefs(credentials: BackstageCredentials): Promise<string[]> {
    const permissions = this.#permissions;
    if (permissions && this.#auth && this.#ttlMs > 0) {
      const p = credentials.principal as { type?: string };
      if (p.type === 'user') {
        const [decision] = await permissions.authorizeConditional(
          [{ permission: catalogEntityReadPermission }],
          { credentials },
        );
        if (decision.result === AuthorizeResult.ALLOW) return this.#all();
        if (decision.result === AuthorizeResult.DENY) return [];
      }
    }
    return this.#perPrincipal(credentials);
  }

  /**
   * Every entity of the kinds, for the callers who may read them all: one
   * list, renewed in the background once older than the TTL (what exists,
   * not who may see it, is what can be a little late).
   */
  #all(): Promise<string[]> {
    const now = this.#clock();
    const hit = this.#everything;
    if (hit && (now - hit.at < this.#sharedTtlMs || hit.renewing)) {
      return hit.refs;
    }
    const walk = async () =>
      this.#walk(await this.#auth!.getOwnServiceCredentials());
    if (hit) {
      hit.renewing = true;
      walk().then(
        list => {
          this.#everything = { at: this.#clock(), refs: Promise.resolve(list) };
        },
        () => {
          this.#everything = undefined;
        },
      );
      return hit.refs;
    }
    const refs = walk();
    const entry = { at: now, refs };
    this.#everything = entry;
    // As below: an empty or failed walk is not kept.
    refs.then(
      list => {
        if (list.length === 0 && this.#everything === entry) {
          this.#everything = undefined;
        }
      },
      () => {
        if (this.#everything === entry) this.#everything = undefined;
      },
    );
    return refs;
  }

  #perPrincipal(credentials: BackstageCredentials): Promise<string[]> {
    const key = principalKey(credentials);
    if (this.#ttlMs <= 0 || !key) return this.#walk(credentials);
    const now = this.#clock();
    const hit = this.#cache.get(key);
    if (hit && now - hit.at < this.#ttlMs) return hit.refs;
    const refs = this.#walk(credentials);
    if (this.#cache.size >= MAX_CACHED_PRINCIPALS) {
      for (const [k, v] of this.#cache) {
        if (now - v.at >= this.#ttlMs) this.#cache.delete(k);
      }
      if (this.#cache.size >= MAX_CACHED_PRINCIPALS) this.#cache.clear();
    }
    this.#cache.set(key, { at: now, refs });
    // An empty catalog view is not kept: right after start the catalog may
    // not have read its locations yet.
    refs.then(
      list => {
        if (list.length === 0) this.#cache.delete(key);
      },
      () => this.#cache.delete(key),
    );
    return refs;
  }

  async #walk(credentials: BackstageCredentials): Promise<string[]> {
    const refs: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#catalog.queryEntities(
        cursor
          ? { cursor, fields: FIELDS, limit: PAGE_SIZE }
          : {
              filter: { kind: this.#kinds },
              fields: FIELDS,
              limit: PAGE_SIZE,
            },
        { credentials },
      );
      for (const e of page.items as Entity[]) {
        refs.push(
          stringifyEntityRef({
            kind: e.kind,
            namespace: e.metadata.namespace ?? DEFAULT_NAMESPACE,
            name: e.metadata.name,
          }),
        );
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return refs;
  }
}

function principalKey(credentials: BackstageCredentials): string | undefined {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user' && p.userEntityRef) return `user:${p.userEntityRef}`;
  if (p.type === 'service' && p.subject) return `service:${p.subject}`;
  return undefined;
}
