/**
 * The 迁出 picker's search (issue 13 item 6): a typed query matches a destination village by its name, its clinic's
 * (township's) name, the start of its pinyin or initials, or the start of its 12-digit code. Pure; the keys come with
 * the list (pinyin-keys.ts `placeKeys`), so the renderer needs no pinyin dictionary.
 */
export interface SearchablePlace {
  code: string;
  name: string;
  clinicName: string;
  pinyin: string;
  initials: string;
}

export function placeMatches(place: SearchablePlace, raw: string): boolean {
  const q = raw.trim().toLowerCase().replace(/\s+/g, '').replace(/ü/g, 'v');
  if (q === '') return true;
  if (/^\d+$/.test(q)) return place.code.startsWith(q);
  return place.name.includes(q) || place.clinicName.includes(q) || place.pinyin.startsWith(q) || place.initials.startsWith(q);
}

/** Destinations grouped by the clinic that serves them, clinics and villages in code order. */
export function groupByClinic<P extends { code: string; clinicCode: string; clinicName: string }>(places: readonly P[]): Array<{ clinicCode: string; clinicName: string; villages: P[] }> {
  const groups = new Map<string, { clinicCode: string; clinicName: string; villages: P[] }>();
  for (const p of [...places].sort((a, b) => (a.clinicCode !== b.clinicCode ? (a.clinicCode < b.clinicCode ? -1 : 1) : a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) {
    const g = groups.get(p.clinicCode) ?? { clinicCode: p.clinicCode, clinicName: p.clinicName, villages: [] };
    g.villages.push(p);
    groups.set(p.clinicCode, g);
  }
  return [...groups.values()];
}
