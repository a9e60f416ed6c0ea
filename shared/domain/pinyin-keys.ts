/**
 * Search keys for residents (DESIGN.md §3): what the residents service writes into its search table, and how a
 * typed query is read. Pure: pinyin-pro is plain JS with its own dictionary.
 *
 * Names: every reading of a polyphonic character is indexed (乐 le/yue/yao/lao), because the doctor types what
 * they hear; the surname is read in surname mode (曾 zeng, 单 shan, 解 xie) since that is how surnames are said.
 * The number of readings per name is capped (`MAX_READINGS`) so a name of polyphonic characters cannot blow up.
 */
import { pinyin } from 'pinyin-pro';
import { convert15To18 } from './id-number';

export const MAX_READINGS = 16;

/** Two-character surnames (复姓) common enough to matter; everything else takes one character. */
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '夏侯', '轩辕', '令狐', '宇文',
  '司徒', '司空', '端木', '澹台', '西门', '南宫', '独孤', '呼延', '万俟', '闻人', '申屠', '赫连', '钟离', '拓跋',
]);

const HAN = /\p{Script=Han}/u;

/** Splits a Chinese name into surname and given name; names without Han characters are all "given". */
export function splitName(name: string): { surname: string; givenName: string } {
  const chars = [...name.replace(/\s+/g, '')];
  if (chars.length < 2 || !HAN.test(chars[0] ?? '')) return { surname: '', givenName: chars.join('') };
  const two = chars.slice(0, 2).join('');
  const surnameLength = COMPOUND_SURNAMES.has(two) && chars.length > 2 ? 2 : 1;
  return { surname: chars.slice(0, surnameLength).join(''), givenName: chars.slice(surnameLength).join('') };
}

/**
 * A character's readings never change, and a township's names share a few thousand characters, so they are looked
 * up once: pinyin-pro's multiple-reading lookup was a third of the search projection's time in a first sync
 * (bench/sync.ts). Bounded by the Han characters in use; cleared if it ever grows past that.
 */
const readingsCache = new Map<string, readonly string[]>();
const READINGS_CACHE_MAX = 50_000;

function readingsOfChar(ch: string): readonly string[] {
  if (!HAN.test(ch)) return [ch.toLowerCase()];
  const cached = readingsCache.get(ch);
  if (cached) return cached;
  const all = pinyin(ch, { toneType: 'none', type: 'array', multiple: true });
  const readings = [...new Set(all.map((p) => p.toLowerCase().replace(/ü/g, 'v')))].filter((p) => /^[a-z]+$/.test(p));
  if (readingsCache.size >= READINGS_CACHE_MAX) readingsCache.clear();
  readingsCache.set(ch, readings);
  return readings;
}

/** Per-character readings, the contextual reading first (pinyin-pro's word segmentation picks it). */
function charReadings(text: string, surnameMode: boolean): string[][] {
  const chars = [...text];
  const contextual = pinyin(text, {
    toneType: 'none',
    type: 'array',
    ...(surnameMode ? { mode: 'surname' as const, surname: 'all' as const } : {}),
  }).map((p) => p.toLowerCase().replace(/ü/g, 'v'));
  return chars.map((ch, i) => {
    const first = contextual[i];
    // A surname is read one way only: indexing 曾 as "ceng" would only produce false hits.
    const own = surnameMode && first && /^[a-z]+$/.test(first) ? [first] : readingsOfChar(ch);
    const ordered = first && /^[a-z]+$/.test(first) ? [first, ...own.filter((o) => o !== first)] : own;
    // ü is typed as v on most keyboards and as u by many people: 吕 is found by lv and lu.
    return [...new Set(ordered.flatMap((r) => (r.includes('v') ? [r, r.replace(/v/g, 'u')] : [r])))];
  });
}

/** Cartesian product in order (first readings first), stopping at `cap` combinations. */
function combinations(parts: string[][], cap: number): string[][] {
  let acc: string[][] = [[]];
  for (const options of parts) {
    const next: string[][] = [];
    for (const prefix of acc) {
      for (const o of options.length > 0 ? options : ['']) {
        next.push([...prefix, o]);
        if (next.length >= cap) break;
      }
      if (next.length >= cap) break;
    }
    acc = next;
  }
  return acc;
}

export interface NameKeys {
  /** The name without spaces, for Chinese prefix search. */
  name: string;
  surname: string;
  givenName: string;
  /** Full pinyin without tones or spaces ('zhangsan'), every reading combination up to the cap. */
  fullPinyin: string[];
  /** First letters ('zs'). */
  initials: string[];
  givenFullPinyin: string[];
  givenInitials: string[];
}

function keysOf(readings: string[][]): { full: string[]; initials: string[] } {
  const combos = combinations(readings, MAX_READINGS);
  const full = [...new Set(combos.map((c) => c.join('')))].filter((s) => s.length > 0);
  const initials = [...new Set(combos.map((c) => c.map((r) => r.charAt(0)).join('')))].filter((s) => s.length > 0);
  return { full, initials };
}

export function nameSearchKeys(rawName: string): NameKeys {
  const name = rawName.trim().replace(/\s+/g, '');
  const { surname, givenName } = splitName(name);
  const surnameReadings = surname ? charReadings(surname, true) : [];
  const givenReadings = givenName ? charReadings(givenName, false) : [];
  const whole = keysOf([...surnameReadings, ...givenReadings]);
  const given = keysOf(givenReadings);
  return {
    name,
    surname,
    givenName,
    fullPinyin: whole.full,
    initials: whole.initials,
    givenFullPinyin: given.full,
    givenInitials: given.initials,
  };
}

/**
 * Whether keys match a name query by prefix (the in-memory equivalent of the search table's prefix query):
 * Chinese prefix of the full or given name, or pinyin/initials prefix with spaces ignored.
 */
export function nameMatches(keys: NameKeys, query: string): boolean {
  const q = query.trim().replace(/\s+/g, '').toLowerCase();
  if (q.length === 0) return false;
  if (HAN.test(q)) return keys.name.startsWith(q) || (keys.givenName.length > 0 && keys.givenName.startsWith(q));
  return [...keys.fullPinyin, ...keys.initials, ...keys.givenFullPinyin, ...keys.givenInitials].some((k) => k.startsWith(q));
}

export type QueryKind = 'idNumber' | 'idSuffix' | 'phone' | 'phoneSuffix' | 'recordNo' | 'recordSuffix' | 'pinyin' | 'name';
export interface QueryPart {
  kind: QueryKind;
  value: string;
}

/**
 * What a search box entry may mean (DESIGN.md §3). Several readings can hold at once ('1234' may end an ID number
 * or a phone number; '12345' an ID or a record number), so the service searches all of them and merges the results.
 * ID: all 18 characters (a 15-digit old number is converted) or the last 4–6; phone: all 11 digits or the last 4;
 * record number: all 17 or the last 5. Dashes and spaces are ignored; full-width digits are folded (NFKC).
 */
export function normaliseQuery(raw: string): QueryPart[] {
  const compact = raw.normalize('NFKC').trim().replace(/[\s-]+/g, '');
  if (compact.length === 0) return [];
  if (HAN.test(compact)) return [{ kind: 'name', value: compact }];
  const upper = compact.toUpperCase();
  const parts: QueryPart[] = [];
  if (/^\d+$/.test(compact)) {
    const n = compact.length;
    if (n === 18) parts.push({ kind: 'idNumber', value: compact });
    const converted = n === 15 ? convert15To18(compact) : null;
    if (converted) parts.push({ kind: 'idNumber', value: converted });
    if (n === 17) parts.push({ kind: 'recordNo', value: compact });
    if (n === 11 && compact.startsWith('1')) parts.push({ kind: 'phone', value: compact });
    if (n >= 4 && n <= 6) parts.push({ kind: 'idSuffix', value: compact });
    if (n === 4) parts.push({ kind: 'phoneSuffix', value: compact });
    if (n === 5) parts.push({ kind: 'recordSuffix', value: compact });
    return parts;
  }
  if (/^\d{17}X$/.test(upper)) return [{ kind: 'idNumber', value: upper }];
  if (/^\d{3,5}X$/.test(upper)) return [{ kind: 'idSuffix', value: upper }];
  if (/^[a-z]+$/i.test(compact)) return [{ kind: 'pinyin', value: compact.toLowerCase() }];
  return parts;
}

/**
 * A place name's search keys (村 and 镇 names for the 迁出 picker): its full pinyin and initials in the contextual
 * reading only, lower case, ü as v. Places are few and their names are read one way, so no reading expansion.
 */
export function placeKeys(name: string): { pinyin: string; initials: string } {
  const readings = pinyin(name.replace(/\s+/g, ''), { toneType: 'none', type: 'array' }).map((p) => p.toLowerCase().replace(/ü/g, 'v'));
  return { pinyin: readings.join(''), initials: readings.map((p) => p.charAt(0)).join('') };
}
