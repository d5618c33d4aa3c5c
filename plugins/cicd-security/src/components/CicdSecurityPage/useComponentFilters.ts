import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  ListScorecardsQuery,
  ScorecardSortField,
  ScorecardState,
} from '@cicd-security/plugin-cicd-security-common';
import useDebounce from 'react-use/esm/useDebounce';
import { useUrlState } from './useUrlState';

/** The filters that apply to both the table and the CSV export. */
export const FILTER_PARAMS = [
  'q',
  'owner',
  'system',
  'kind',
  'lifecycle',
  'grade',
  'state',
  'failingCheck',
] as const;

/** The list query of the filters in the URL (`get` reads one parameter). */
export function componentsQuery(
  get: (name: (typeof FILTER_PARAMS)[number]) => string,
): ListScorecardsQuery {
  return {
    q: get('q') || undefined,
    owner: get('owner') || undefined,
    system: get('system') || undefined,
    kind: get('kind') || undefined,
    lifecycle: get('lifecycle') || undefined,
    grade: get('grade') || undefined,
    state: (get('state') as ScorecardState) || undefined,
    failingCheck: get('failingCheck') || undefined,
  };
}

/** Rows per page of the components table. */
export const PAGE_SIZE = 20;

/** The table's sort when the URL names none: worst first. */
export const DEFAULT_SORT: ScorecardSortField = 'score';

/**
 * The request of the table's first page for a URL's query: what the Components
 * tab asks for when it opens, so that the page can ask for it first.
 */
export function firstPageRequest(search: URLSearchParams): ListScorecardsQuery {
  const sortParam = (search.get('sort') ?? '') as ScorecardSortField | '';
  const sort = sortParam || DEFAULT_SORT;
  return {
    ...componentsQuery(name => search.get(name) ?? ''),
    sort,
    order: sortParam
      ? ((search.get('order') || 'asc') as 'asc' | 'desc')
      : 'asc',
    limit: PAGE_SIZE,
    offset: 0,
  };
}

/**
 * The filters and sort of the components table, kept in the URL: their
 * values, the API query they make (for the table and the CSV export), and the
 * search and system texts as typed, written to the URL 300 ms after the last
 * keystroke.
 */
export function useComponentFilters() {
  const url = useUrlState();
  const filters = useMemo(() => {
    const f: Record<string, string> = {};
    for (const name of FILTER_PARAMS) {
      const v = url.get(name);
      if (v) f[name] = v;
    }
    return f;
  }, [url]);
  const {
    q = '',
    owner = '',
    system = '',
    kind = '',
    lifecycle = '',
  } = filters;
  const gradeList = (filters.grade ?? '').split(',').filter(Boolean);
  const sortParam = url.get('sort') as ScorecardSortField | '';
  const orderParam = (url.get('order') || 'asc') as 'asc' | 'desc';
  const [searchText, setSearchText] = useState(q);
  const [systemText, setSystemText] = useState(system);
  useEffect(() => setSearchText(q), [q]);
  useEffect(() => setSystemText(system), [system]);
  useDebounce(
    () => {
      if (searchText !== q) url.set({ q: searchText });
    },
    300,
    [searchText],
  );
  useDebounce(
    () => {
      if (systemText !== system) url.set({ system: systemText });
    },
    300,
    [systemText],
  );

  const query: ListScorecardsQuery = useMemo(
    () => componentsQuery(name => filters[name] ?? ''),
    [filters],
  );

  const clearFilters = useCallback(
    () => url.set(Object.fromEntries(FILTER_PARAMS.map(name => [name, '']))),
    [url],
  );

  return {
    url,
    filters,
    owner,
    kind,
    lifecycle,
    gradeList,
    sortParam,
    orderParam,
    searchText,
    setSearchText,
    systemText,
    setSystemText,
    query,
    clearFilters,
  };
}
