/**
 * Parameters after the section in the hash route (`#/followups?residentId=…&disease=t2dm`), so a work-list row can
 * open the right form, and Back returns to the list. `sectionFromHash` ignores everything after `?`.
 */
import { useEffect, useState } from 'react';

export type HashParams = Record<string, string>;

export function parseHashParams(hash: string): HashParams {
  const q = hash.indexOf('?');
  if (q < 0) return {};
  return Object.fromEntries(new URLSearchParams(hash.slice(q + 1)).entries());
}

export function hashFor(section: string, params: HashParams = {}): string {
  const entries = Object.entries(params).filter(([, v]) => v !== '');
  const query = new URLSearchParams(entries).toString();
  return `#/${section}${query ? `?${query}` : ''}`;
}

export function openSection(section: string, params: HashParams = {}): void {
  window.location.hash = hashFor(section, params);
}

/** The current hash parameters, updated on every hash change. */
export function useHashParams(): HashParams {
  const [params, setParams] = useState<HashParams>(() => parseHashParams(window.location.hash));
  useEffect(() => {
    const onChange = () => setParams(parseHashParams(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return params;
}
