import { CicdSecurityApi } from '../api';

/**
 * Requests a page starts before the components that show their answers are
 * rendered: the org page asks for its tab's data as soon as its route
 * renders, and the Security tab asks for the history, policies, waivers and
 * compliance of the entity together with its scorecard, instead of each
 * component asking after the whole page has rendered (or after the scorecard
 * has arrived). Each answer is handed out once, to the first component that
 * makes the same call within a few seconds; any later load (a retry, a reload
 * after a waiver, another page of the table) goes to the backend.
 */
const PREFETCH_TTL_MS = 10_000;

type Pending = Map<string, { at: number; promise: Promise<unknown> }>;

/** Per API instance, so that two apps (or two tests) never share answers. */
const byApi = new WeakMap<object, Pending>();

function pendingOf(api: object): Pending {
  let pending = byApi.get(api);
  if (!pending) {
    pending = new Map();
    byApi.set(api, pending);
  }
  return pending;
}

type Method = {
  [K in keyof CicdSecurityApi]: CicdSecurityApi[K] extends (
    ...args: any[]
  ) => Promise<any>
    ? K
    : never;
}[keyof CicdSecurityApi];

/** The call as a key: the method and its arguments, keys sorted, undefined left out. */
function keyOf(method: string, args: unknown[]): string {
  return `${method}:${JSON.stringify(args, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .filter(k => v[k] !== undefined)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  )}`;
}

/** Makes the call now, for the next {@link takePrefetched} of the same call. */
export function prefetch<M extends Method>(
  api: CicdSecurityApi,
  method: M,
  ...args: Parameters<CicdSecurityApi[M]>
): void {
  const pending = pendingOf(api);
  const now = Date.now();
  for (const [k, v] of pending) {
    if (now - v.at > PREFETCH_TTL_MS) pending.delete(k);
  }
  const key = keyOf(method, args);
  if (pending.has(key)) return;
  const promise = (api[method] as (...a: unknown[]) => Promise<unknown>)(
    ...args,
  );
  // A prefetch nobody takes must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  pending.set(key, { at: now, promise });
}

/** The answer of the same call if it was prefetched recently, else the call. */
export function takePrefetched<M extends Method>(
  api: CicdSecurityApi,
  method: M,
  ...args: Parameters<CicdSecurityApi[M]>
): ReturnType<CicdSecurityApi[M]> {
  const pending = pendingOf(api);
  const key = keyOf(method, args);
  const hit = pending.get(key);
  pending.delete(key);
  if (hit && Date.now() - hit.at <= PREFETCH_TTL_MS) {
    return hit.promise as ReturnType<CicdSecurityApi[M]>;
  }
  return (api[method] as (...a: unknown[]) => ReturnType<CicdSecurityApi[M]>)(
    ...args,
  );
}

/** How many history points the Security tab's trend shows. */
export const ENTITY_HISTORY_LIMIT = 90;
