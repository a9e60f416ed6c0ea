import { useCallback, useEffect, useState } from 'react';
import { type Section, sectionFromHash } from './sections';

/** The current section from `#/<section>`; navigating writes the hash so Back/Forward and reload keep the place. */
export function useHashRoute(): [Section, (s: Section) => void] {
  const [section, setSection] = useState<Section>(() => sectionFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setSection(sectionFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((s: Section) => {
    window.location.hash = `#/${s}`;
  }, []);
  return [section, navigate];
}
