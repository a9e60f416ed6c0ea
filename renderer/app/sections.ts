/** The sidebar's sections in order; Alt+1..Alt+9 follow this order, and the hash route is `#/<key>`. */
export const SECTIONS = [
  'worklist',
  'residents',
  'followups',
  'checks',
  'contracts',
  'devices',
  'sync',
  'reports',
  'settings',
] as const;
export type Section = (typeof SECTIONS)[number];

export function isSection(value: string): value is Section {
  return (SECTIONS as readonly string[]).includes(value);
}

export function sectionFromHash(hash: string): Section {
  const key = hash.replace(/^#\/?/, '').split(/[/?&]/)[0] ?? '';
  return isSection(key) ? key : 'worklist';
}
