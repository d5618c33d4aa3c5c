import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * Filters, sort and drill-down state kept in the URL's query, so a view can be
 * shared as a link.
 */
export function useUrlState() {
  const [searchParams, setSearchParams] = useSearchParams();
  const get = useCallback(
    (name: string) => searchParams.get(name) ?? '',
    [searchParams],
  );
  const set = useCallback(
    (values: Record<string, string | undefined>) => {
      setSearchParams(
        previous => {
          const next = new URLSearchParams(previous);
          for (const [name, value] of Object.entries(values)) {
            if (value) {
              next.set(name, value);
            } else {
              next.delete(name);
            }
          }
          return next;
        },
        { replace: true },
      );
    },
    [setSearchParams],
  );
  return { get, set, searchParams };
}

/** Display name of an entity ref: `group:default/team-a` → `team-a`. */
export function refName(ref: string | undefined): string {
  if (!ref) {
    return '';
  }
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':');
  return ref.slice(Math.max(slash, colon) + 1);
}
