/**
 * The checks this computer worked on lately, for the 体检 section's list of today's checks and open drafts. Only ids
 * and record numbers are kept in localStorage (it is not encrypted): names come back through `residents.search`
 * by record number, statuses through `healthChecks.forResident`.
 */
const KEY = 'cunyi.recentChecks';
const MAX = 40;

export interface RecentCheck {
  checkId: string;
  residentId: string;
  recordNo: string;
  at: number;
}

function isRecent(v: unknown): v is RecentCheck {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['checkId'] === 'string' && typeof r['residentId'] === 'string' && typeof r['recordNo'] === 'string' && typeof r['at'] === 'number';
}

export function recentChecks(): RecentCheck[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isRecent) : [];
  } catch {
    return [];
  }
}

export function rememberCheck(entry: Omit<RecentCheck, 'at'>): void {
  const rest = recentChecks().filter((r) => r.checkId !== entry.checkId);
  localStorage.setItem(KEY, JSON.stringify([{ ...entry, at: Date.now() }, ...rest].slice(0, MAX)));
}
