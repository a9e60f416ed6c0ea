/**
 * One audit entry per call that returned residents' data (issue 11 §2): which residents an answer contains, read
 * off the answer itself, so a method cannot forget to report what it returned. A resident shows up as an object
 * with `recordNo` and `id` (a summary or record) or as a `residentId` field (encounters, contracts, work items).
 */
import type { AppError } from '../../shared/api/errors';
import type { AuditEvent } from '../services/audit-log';

/** Ids listed in the entry when an answer has at most this many residents; above it only the count. */
export const LISTED_IDS = 20;
const MAX_DEPTH = 8;

export function residentIdsIn(value: unknown): string[] {
  const ids = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o['residentId'] === 'string' && o['residentId']) ids.add(o['residentId']);
    if (typeof o['recordNo'] === 'string' && typeof o['id'] === 'string') ids.add(o['id']);
    for (const child of Object.values(o)) walk(child, depth + 1);
  };
  walk(value, 0);
  return [...ids];
}

/** The resident a call asked about, which an empty answer (a timeline with no entries) does not name. */
function residentIdsAsked(methodName: string, input: unknown): string[] {
  if (input === null || typeof input !== 'object') return [];
  const i = input as Record<string, unknown>;
  const asked = [i['residentId'], methodName.startsWith('residents.') ? i['id'] : undefined];
  return asked.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** The compact entry: `detail` is `<method> n=<count>` and the ids when few. */
export function readAuditEvent(methodName: string, value: unknown, input: unknown = {}): AuditEvent {
  const ids = [...new Set([...residentIdsAsked(methodName, input), ...residentIdsIn(value)])];
  const listed = ids.length <= LISTED_IDS ? ` ${ids.join(',')}` : '';
  return {
    action: 'read',
    collection: 'residents',
    residentId: ids.length === 1 ? ids[0] : '',
    detail: `${methodName} n=${ids.length}${listed}`.trimEnd(),
  };
}

/** A refused call (FORBIDDEN): which method, and the resident or village it was refused for when known. */
export function refusalAuditEvent(methodName: string, error: AppError): AuditEvent {
  const residentId = typeof error.details?.['residentId'] === 'string' ? error.details['residentId'] : '';
  const reason = typeof error.details?.['reason'] === 'string' ? ` ${error.details['reason']}` : '';
  return { action: 'forbidden', collection: 'residents', residentId, detail: `${methodName}${reason}` };
}
