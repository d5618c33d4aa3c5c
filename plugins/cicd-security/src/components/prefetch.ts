/**
 * Requests a page starts before the components that show their answers are
 * rendered: the Security tab asks for the history, policies, waivers and
 * compliance of the entity together with its scorecard, instead of after the
 * scorecard has arrived and rendered. Each answer is handed out once, to the
 * first component that asks for it within a few seconds; any later load
 * (a retry, a reload after a waiver) goes to the backend.
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

/** Starts `load` now, for the next {@link takePrefetched} of `key` on `api`. */
export function prefetch<T>(
  api: object,
  key: string,
  load: () => Promise<T>,
): void {
  const pending = pendingOf(api);
  const now = Date.now();
  for (const [k, v] of pending) {
    if (now - v.at > PREFETCH_TTL_MS) pending.delete(k);
  }
  if (pending.has(key)) return;
  const promise = load();
  // A prefetch nobody takes must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  pending.set(key, { at: now, promise });
}

/** The prefetched answer of `key` if one was started recently, else `load()`. */
export function takePrefetched<T>(
  api: object,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  const pending = pendingOf(api);
  const hit = pending.get(key);
  pending.delete(key);
  if (hit && Date.now() - hit.at <= PREFETCH_TTL_MS) {
    return hit.promise as Promise<T>;
  }
  return load();
}

/** How many history points the Security tab's trend shows. */
export const ENTITY_HISTORY_LIMIT = 90;

/** Keys shared by the prefetching page and the components that take them. */
export const prefetchKeys = {
  history: (entityRef: string) => `history:${entityRef}`,
  policies: (entityRef: string) => `policies:${entityRef}`,
  waivers: (entityRef: string) => `waivers:${entityRef}`,
  compliance: (entityRef: string, framework: string) =>
    `compliance:${framework}:${entityRef}`,
};
