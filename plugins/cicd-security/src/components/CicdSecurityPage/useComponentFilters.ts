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
    () => ({
      q: q || undefined,
      owner: owner || undefined,
      system: system || undefined,
      kind: kind || undefined,
      lifecycle: lifecycle || undefined,
      grade: filters.grade || undefined,
      state: (filters.state as ScorecardState) || undefined,
      failingCheck: filters.failingCheck || undefined,
    }),
    [q, owner, system, kind, lifecycle, filters],
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
