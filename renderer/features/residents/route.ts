/**
 * Where the residents and checks sections are inside their hash route: `#/residents?id=…` opens a record,
 * `#/residents?new=1` the 建档 form, `#/checks?residentId=…` a check for that resident (the work list links there),
 * `#/checks?checkId=…` one check. Back and reload keep the place; `sectionFromHash` ignores everything after `?`.
 */
import { useEffect, useState } from 'react';

export type RouteParams = Record<string, string>;

export function parseRouteParams(hash: string): RouteParams {
  const q = hash.indexOf('?');
  return q < 0 ? {} : Object.fromEntries(new URLSearchParams(hash.slice(q + 1)).entries());
}

export function routeHref(section: 'residents' | 'checks' | 'followups' | 'contracts', params: RouteParams = {}): string {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString();
  return `#/${section}${query ? `?${query}` : ''}`;
}

export function go(section: 'residents' | 'checks' | 'followups' | 'contracts', params: RouteParams = {}): void {
  window.location.hash = routeHref(section, params);
}

export function useRouteParams(): RouteParams {
  const [params, setParams] = useState<RouteParams>(() => parseRouteParams(window.location.hash));
  useEffect(() => {
    const onChange = () => setParams(parseRouteParams(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return params;
}
