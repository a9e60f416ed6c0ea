/**
 * Family-doctor contract lifecycle and fulfilment (contracting.md §2, §5, §6). Pure: status is derived from dates
 * and recorded events every time it is shown, so an agreement never shows "active" the day after it ended because a
 * job did not run. Fulfilment counts the resident's existing service records ("record once", §3).
 */
import { AppError, type FieldIssue } from '../api/errors';
import { addDays, addYears, compareDates, isLeapYear, parseDate, type CalendarDate } from './dates';
import type { PopulationTag } from './population-tags';
import { SELF_CARE_ITEMS } from './self-care';
import { itemsFor, type PackageItem, type ServiceCode, type ServicePackageData, SERVICE_CODES } from './service-packages';

export type ContractStatus = 'draft' | 'signed' | 'active' | 'expired' | 'renewed' | 'terminated';

export const TERMINATION_REASONS = ['death', 'movedOut', 'residentRequest', 'teamUnable', 'breach', 'other'] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

export const RENEWAL_WINDOW_DAYS = 30;

/** What the rules need of a contract. */
export interface ContractFacts {
  id: string;
  residentId: string;
  startDate: CalendarDate;
  endDate: CalendarDate;
  /** Set once both parties have signed; a contract without it is a draft. */
  signDate?: CalendarDate | null;
  terminatedDate?: CalendarDate | null;
}

/**
 * The period: startDate … startDate + 1 year − 1 day (§5). A contract starting on 29 February runs to 28 February:
 * its anniversary in a common year is 1 March, as for ages (dates.ageOn).
 */
export function contractPeriod(startDate: CalendarDate): { startDate: CalendarDate; endDate: CalendarDate } {
  const p = parseDate(startDate);
  if (!p) throw new RangeError(`Not a calendar date: ${startDate}`);
  const anniversary =
    p.month === 2 && p.day === 29 && !isLeapYear(p.year + 1) ? `${String(p.year + 1).padStart(4, '0')}-03-01` : addYears(startDate, 1);
  return { startDate, endDate: addDays(anniversary, -1) };
}

/** Last day the agreement is in force: the termination date when terminated within the period, else the end. */
export function effectiveEndDate(c: Pick<ContractFacts, 'endDate' | 'terminatedDate'>): CalendarDate {
  return c.terminatedDate && compareDates(c.terminatedDate, c.endDate) < 0 ? c.terminatedDate : c.endDate;
}

/**
 * Contracts of the same resident whose period overlaps the candidate's (§2: one valid team per resident at a time).
 * Drafts hold no period; a terminated contract holds its period up to the termination date.
 */
export function findOverlaps(candidate: ContractFacts, existing: readonly ContractFacts[]): string[] {
  const end = effectiveEndDate(candidate);
  return existing
    .filter(
      (c) =>
        c.id !== candidate.id &&
        c.residentId === candidate.residentId &&
        Boolean(c.signDate) &&
        compareDates(c.startDate, end) <= 0 &&
        compareDates(candidate.startDate, effectiveEndDate(c)) <= 0,
    )
    .map((c) => c.id);
}

/** Throws CONTRACT_OVERLAP with the conflicting ids. */
export function assertNoOverlap(candidate: ContractFacts, existing: readonly ContractFacts[]): void {
  const conflicts = findOverlaps(candidate, existing);
  if (conflicts.length > 0) throw new AppError('CONTRACT_OVERLAP', { residentId: candidate.residentId, conflictingIds: conflicts });
}

/**
 * Status on `today` (§2, §5). `isRenewed`: a signed contract names this one as `previousContractId`.
 * 'signed' = both signed, period not begun (a renewal signed in the window); the stored document keeps 'active'.
 */
export function contractStatus(c: ContractFacts, today: CalendarDate, isRenewed = false): ContractStatus {
  if (!c.signDate) return 'draft';
  if (c.terminatedDate && compareDates(today, c.terminatedDate) >= 0) return 'terminated';
  if (compareDates(today, c.startDate) < 0) return 'signed';
  if (compareDates(today, c.endDate) <= 0) return 'active';
  return isRenewed ? 'renewed' : 'expired';
}

/** In force on `date` (indicators count contracts valid on the report date). */
export function isInForce(c: ContractFacts, date: CalendarDate): boolean {
  return Boolean(c.signDate) && compareDates(c.startDate, date) <= 0 && compareDates(date, effectiveEndDate(c)) <= 0;
}

/** Renewal window: 30 days before the end through the end date (§5, app convention). */
export function renewalWindow(c: Pick<ContractFacts, 'endDate'>): { opensOn: CalendarDate; closesOn: CalendarDate } {
  return { opensOn: addDays(c.endDate, -RENEWAL_WINDOW_DAYS), closesOn: c.endDate };
}

/**
 * Whether a renewal may be signed on `today`: an active contract inside its window, or an expired one not yet
 * renewed (the resident may come back late; the new period then starts on the signing day).
 */
export function canRenew(c: ContractFacts, today: CalendarDate, isRenewed = false): boolean {
  const status = contractStatus(c, today, isRenewed);
  if (status === 'expired') return true;
  return status === 'active' && !isRenewed && compareDates(today, renewalWindow(c).opensOn) >= 0;
}

/** Start of the renewal: the day after the previous end, or `today` when renewing after expiry. */
export function renewalStartDate(previous: Pick<ContractFacts, 'endDate'>, today: CalendarDate): CalendarDate {
  const next = addDays(previous.endDate, 1);
  return compareDates(today, next) > 0 ? today : next;
}

export interface TerminationInput {
  terminatedDate: CalendarDate;
  reason: TerminationReason;
  note?: string | null;
}

/** Checks a termination: within the period, not in the future, a note for "other". */
export function terminationIssues(c: ContractFacts, t: TerminationInput, today: CalendarDate): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!c.signDate) issues.push({ path: 'terminatedDate', message: 'validation.contract.notSigned' });
  if (c.terminatedDate) issues.push({ path: 'terminatedDate', message: 'validation.contract.alreadyTerminated' });
  if (compareDates(t.terminatedDate, c.startDate) < 0 || compareDates(t.terminatedDate, c.endDate) > 0) {
    issues.push({
      path: 'terminatedDate',
      message: 'validation.contract.terminationOutsidePeriod',
      params: { start: c.startDate, end: c.endDate },
    });
  }
  if (compareDates(t.terminatedDate, today) > 0) issues.push({ path: 'terminatedDate', message: 'validation.futureDate' });
  if (!(TERMINATION_REASONS as readonly string[]).includes(t.reason)) issues.push({ path: 'reason', message: 'validation.invalid' });
  if (t.reason === 'other' && !t.note?.trim()) issues.push({ path: 'note', message: 'validation.required' });
  return issues;
}

// ---- fulfilment ----

export interface ContractItem extends PackageItem {
  packageId: string;
}

/** The promised items of a contract for a resident with `tags`, in package order (basic first). */
export function contractItems(
  packageIds: readonly string[],
  packages: readonly ServicePackageData[],
  tags: readonly PopulationTag[],
): ContractItem[] {
  const chosen = packages
    .filter((p) => packageIds.includes(p.packageId))
    .sort((a, b) => Number(b.isBasic) - Number(a.isBasic) || packageIds.indexOf(a.packageId) - packageIds.indexOf(b.packageId));
  return chosen.flatMap((p) => itemsFor(p, tags).map((i) => ({ ...i, packageId: p.packageId })));
}

/** One delivered service, found in the resident's records. */
export interface ServiceRecord {
  /** The original event (an amendment's `amends`), so a corrected record counts once. */
  eventId: string;
  serviceCode: ServiceCode;
  date: CalendarDate;
}

/** What `serviceRecordsFromEncounters` reads of an `encounters` document. */
export interface EncounterLike {
  id: string;
  type: string;
  date: CalendarDate;
  status: 'draft' | 'completed';
  /** '' or absent for an original. */
  amends?: string | null;
  completedAt?: number | null;
  data: Record<string, unknown>;
}

function hasCompleteSelfCare(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const scores = v as Record<string, unknown>;
  return SELF_CARE_ITEMS.every((item) => typeof scores[item] === 'number');
}

function isServiceCode(v: unknown): v is ServiceCode {
  return typeof v === 'string' && (SERVICE_CODES as readonly string[]).includes(v);
}

/**
 * Service records from completed encounters: face-to-face follow-ups (phone does not count), the fasting glucose of a
 * T2DM follow-up, health checks, self-care assessments, record maintenance (any of these clinical records) and
 * manually recorded contract services (consultation, home visit …). Of an event and its
 * amendments only the latest completed version counts.
 */
export function serviceRecordsFromEncounters(encounters: readonly EncounterLike[]): ServiceRecord[] {
  const latest = new Map<string, EncounterLike>();
  for (const e of encounters) {
    if (e.status !== 'completed') continue;
    const eventId = e.amends ? e.amends : e.id;
    const prev = latest.get(eventId);
    if (!prev || (e.completedAt ?? 0) >= (prev.completedAt ?? 0)) latest.set(eventId, e);
  }
  const out: ServiceRecord[] = [];
  for (const [eventId, e] of latest) {
    const add = (serviceCode: ServiceCode) => out.push({ eventId, serviceCode, date: e.date });
    const mode = e.data['visitMode'];
    const faceToFace = mode === 1 || mode === 2;
    // A clinical record added to the file is what keeps it "dynamic" (indicators.md §1), i.e. record maintenance.
    switch (e.type) {
      case 'htnFollowup':
        if (faceToFace) add('htnFollowup');
        add('healthRecordMaintenance');
        break;
      case 't2dmFollowup':
        // The Spec's free fasting-glucose tests are measured at a face-to-face visit; a value told on the phone is
        // not a test the team gave (issue 12, fix 6).
        if (faceToFace) add('t2dmFollowup');
        if (faceToFace && typeof e.data['fastingGlucose'] === 'number') add('fastingGlucoseTest');
        add('healthRecordMaintenance');
        break;
      case 'healthCheck':
        add('healthCheck');
        // The 老年人生活自理能力评估 is filled inside the 65+ check (records.md §4 copies its band to the form), so
        // a check with a complete assessment delivers that item too (issue 12, fix 5).
        if (hasCompleteSelfCare(e.data['selfCare'])) add('elderlySelfCareAssessment');
        add('healthRecordMaintenance');
        break;
      case 'selfCareAssessment':
        add('elderlySelfCareAssessment');
        add('healthRecordMaintenance');
        break;
      case 'tcmAssessment':
        add('tcmHealth');
        add('healthRecordMaintenance');
        break;
      case 'contractService':
        if (isServiceCode(e.data['serviceCode'])) add(e.data['serviceCode']);
        break;
      default:
        break;
    }
  }
  return out.sort((a, b) => compareDates(a.date, b.date) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

export interface ItemFulfilment {
  packageId: string;
  serviceCode: ServiceCode;
  required: number;
  delivered: number;
  outstanding: number;
  isMet: boolean;
  eventIds: string[];
}

export interface Fulfilment {
  items: ItemFulfilment[];
  isFulfilled: boolean;
  /** Item-level rate numerator/denominator (indicators.md §5 履约率, item form). */
  deliveredItems: number;
  promisedItems: number;
}

/**
 * Fulfilment within the contract's period (to the termination date when terminated). Each record counts once: when
 * two items share a service code (basic and personalised), records fill them in package order and any surplus goes
 * to the last one.
 */
export function contractFulfilment(
  contract: Pick<ContractFacts, 'startDate' | 'endDate' | 'terminatedDate'>,
  items: readonly ContractItem[],
  records: readonly ServiceRecord[],
): Fulfilment {
  const end = effectiveEndDate(contract);
  const seen = new Set<string>();
  const inPeriod = records.filter((r) => {
    const key = `${r.eventId}\u0000${r.serviceCode}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return compareDates(r.date, contract.startDate) >= 0 && compareDates(r.date, end) <= 0;
  });
  const result: ItemFulfilment[] = items.map((i) => ({
    packageId: i.packageId,
    serviceCode: i.serviceCode,
    required: i.timesPerYear,
    delivered: 0,
    outstanding: i.timesPerYear,
    isMet: i.timesPerYear === 0,
    eventIds: [],
  }));
  for (const r of inPeriod) {
    const matching = result.filter((i) => i.serviceCode === r.serviceCode);
    const target = matching.find((i) => i.delivered < i.required) ?? matching[matching.length - 1];
    if (!target) continue;
    target.delivered += 1;
    target.eventIds.push(r.eventId);
  }
  for (const i of result) {
    i.outstanding = Math.max(0, i.required - i.delivered);
    i.isMet = i.outstanding === 0;
  }
  const promisedItems = result.reduce((s, i) => s + i.required, 0);
  const deliveredItems = result.reduce((s, i) => s + Math.min(i.required, i.delivered), 0);
  return { items: result, isFulfilled: result.every((i) => i.isMet), deliveredItems, promisedItems };
}
