/**
 * 工作台 rules (domain/README.md §3): what a patient is due for on `today`. Pure: the caller passes patient summaries
 * built from the local replica and the injected clock's date; the same input always gives the same list, so the
 * `worklist.changed` delta can be computed by diffing two runs.
 */
import { addDays, addMonths, ageOn, compareDates, formatDate, quarterOf, startOfQuarter, yearOf, type CalendarDate } from './dates';
import type { FollowupClass, NextStep, VisitMode } from './followup-classification';
import type { ChronicDisease } from './followup-emergency';

/** Registry status (followups.md §6). Anything but `active` leaves the work list. */
export type RegistryStatus = 'active' | 'died' | 'movedOut' | 'lostToFollowUp' | 'excluded';

export interface RegistrySummary {
  disease: ChronicDisease;
  status: RegistryStatus;
  enrolledDate: CalendarDate;
}

export interface FollowupSummary {
  disease: ChronicDisease;
  visitDate: CalendarDate;
  visitMode: VisitMode;
  /** Effective class (after override). */
  classification: FollowupClass | null;
  /** Effective 下一步管理措施 (after override): what the next visit is for. */
  nextStep?: NextStep | null;
  nextVisitDate?: CalendarDate | null;
  /** Only completed forms count (drafts are work in progress). */
  isCompleted: boolean;
}

export interface ReferralSummary {
  /** The visit that made the referral. */
  sourceId: string;
  disease: ChronicDisease;
  checkDue: CalendarDate;
  checkedDate?: CalendarDate | null;
}

export interface PatientSummary {
  residentId: string;
  birthDate: CalendarDate;
  /** The resident record itself: died or moved out removes every item. */
  residentStatus?: 'active' | 'died' | 'movedOut';
  registries: readonly RegistrySummary[];
  followups: readonly FollowupSummary[];
  referrals?: readonly ReferralSummary[];
  lastHealthCheckDate?: CalendarDate | null;
}

export type WorkItemKind = 'followup' | 'quarterGap' | 'yearlyRequirement' | 'healthCheck' | 'referralCheck';
export type WorkItemStatus = 'upcoming' | 'due' | 'overdue';

export interface WorkItem {
  residentId: string;
  kind: WorkItemKind;
  disease?: ChronicDisease;
  dueDate: CalendarDate;
  status: WorkItemStatus;
  /** i18n key (followup-messages.ts). */
  reason: string;
  params?: Record<string, string | number>;
}

export interface WorklistOptions {
  /** Upcoming items are listed this many days ahead (default 30). */
  upcomingDays?: number;
}

export const DUE_WINDOW_DAYS = 7;
export const NEW_ENROLMENT_GRACE_DAYS = 14;
export const FACE_TO_FACE_PER_YEAR = 4;
export const HEALTH_CHECK_AGE = 65;

export function isFaceToFace(mode: VisitMode): boolean {
  return mode === 1 || mode === 2;
}

/** The date the next follow-up is due after the last face-to-face visit (README §3). */
export function nextDueDate(last: Pick<FollowupSummary, 'visitDate' | 'classification' | 'nextVisitDate'>): CalendarDate {
  if (last.nextVisitDate) return last.nextVisitDate;
  return last.classification === 1 ? addMonths(last.visitDate, 3) : addDays(last.visitDate, 14);
}

/** due from nextDue − 7 days, overdue from the day after nextDue (README §3). */
export function dueStatus(dueDate: CalendarDate, today: CalendarDate): WorkItemStatus {
  if (compareDates(today, dueDate) > 0) return 'overdue';
  if (compareDates(today, addDays(dueDate, -DUE_WINDOW_DAYS)) >= 0) return 'due';
  return 'upcoming';
}

/**
 * Face-to-face visits required in `year`: 4, or for a patient enrolled during the year 1 per remaining quarter counting
 * the enrolment quarter (indicators.md §2, app convention; pro-rating is unconfirmed as a national rule).
 */
export function requiredFaceToFace(enrolledDate: CalendarDate, year: number): number {
  const enrolledYear = yearOf(enrolledDate);
  if (enrolledYear < year) return FACE_TO_FACE_PER_YEAR;
  if (enrolledYear > year) return 0;
  return Math.min(FACE_TO_FACE_PER_YEAR, 5 - quarterOf(enrolledDate));
}

const STEP_REASON: Record<NextStep, string> = {
  1: 'worklist.reason.routineFollowup',
  2: 'worklist.reason.recheckFollowup',
  3: 'worklist.reason.referralFollowup',
  4: 'worklist.reason.urgentReferralFollowup',
};

/**
 * The line says what the next visit is for, i.e. the last visit's 下一步管理措施, not its class: an urgent referral
 * of a 控制满意 visit (130/80 with 胸闷) is a referral follow-up, not routine (issue 12, fix 2). Old forms without a
 * step fall back to the class.
 */
export function followupReason(last: Pick<FollowupSummary, 'classification' | 'nextStep'>): string {
  const step: NextStep = last.nextStep ?? (last.classification === 1 ? 1 : 2);
  return STEP_REASON[step];
}

function endOfQuarter(d: CalendarDate): CalendarDate {
  return addDays(addMonths(startOfQuarter(d), 3), -1);
}

function followupItems(p: PatientSummary, reg: RegistrySummary, today: CalendarDate, horizon: CalendarDate): WorkItem[] {
  const items: WorkItem[] = [];
  const f2f = p.followups
    .filter((f) => f.disease === reg.disease && f.isCompleted && isFaceToFace(f.visitMode) && compareDates(f.visitDate, today) <= 0)
    .sort((a, b) => compareDates(a.visitDate, b.visitDate));
  const last = f2f[f2f.length - 1];
  const disease = reg.disease;

  if (!last) {
    // README §3: the first follow-up is due on enrolment. App convention: overdue after 14 days, the Spec's
    // "within 2 weeks" for re-checks, so a patient enrolled at the township centre does not show overdue the next day.
    const overdueAfter = addDays(reg.enrolledDate, NEW_ENROLMENT_GRACE_DAYS);
    items.push({
      residentId: p.residentId,
      kind: 'followup',
      disease,
      dueDate: reg.enrolledDate,
      status: compareDates(today, overdueAfter) > 0 ? 'overdue' : 'due',
      reason: 'worklist.reason.newEnrolment',
    });
  } else {
    const due = nextDueDate(last);
    const status = dueStatus(due, today);
    if (status !== 'upcoming' || compareDates(due, horizon) <= 0) {
      items.push({
        residentId: p.residentId,
        kind: 'followup',
        disease,
        dueDate: due,
        status,
        reason: followupReason(last),
        params: { lastVisitDate: last.visitDate },
      });
    }
  }

  const quarterStart = startOfQuarter(today);
  const seenThisQuarter = f2f.some((f) => compareDates(f.visitDate, quarterStart) >= 0);
  // Enrolled this quarter and never seen is already the new-enrolment item; a second line would say the same.
  if (!seenThisQuarter && compareDates(reg.enrolledDate, quarterStart) < 0) {
    items.push({
      residentId: p.residentId,
      kind: 'quarterGap',
      disease,
      dueDate: endOfQuarter(today),
      status: 'due',
      reason: 'worklist.reason.quarterGap',
      params: { quarter: quarterOf(today) },
    });
  }

  const year = yearOf(today);
  const required = requiredFaceToFace(reg.enrolledDate, year);
  const done = f2f.filter((f) => yearOf(f.visitDate) === year).length;
  if (done < required) {
    // Expected by now: one per quarter already finished since the later of 1 January and the enrolment quarter.
    const firstQuarter = yearOf(reg.enrolledDate) === year ? quarterOf(reg.enrolledDate) : 1;
    const finishedQuarters = Math.max(0, quarterOf(today) - firstQuarter);
    const expectedByNow = Math.min(required, finishedQuarters);
    const status: WorkItemStatus = done < expectedByNow ? 'overdue' : done < expectedByNow + 1 ? 'due' : 'upcoming';
    items.push({
      residentId: p.residentId,
      kind: 'yearlyRequirement',
      disease,
      dueDate: formatDate(year, 12, 31),
      status,
      reason: 'worklist.reason.yearlyRequirement',
      params: { done, required },
    });
  }
  return items;
}

function healthCheckItem(p: PatientSummary, activeDiseases: readonly ChronicDisease[], today: CalendarDate): WorkItem | null {
  const year = yearOf(today);
  const is65 = ageOn(p.birthDate, today) >= HEALTH_CHECK_AGE;
  if (!is65 && activeDiseases.length === 0) return null;
  if (p.lastHealthCheckDate && yearOf(p.lastHealthCheckDate) >= year) return null;
  return {
    residentId: p.residentId,
    kind: 'healthCheck',
    dueDate: formatDate(year, 12, 31),
    status: 'due',
    reason: is65 ? 'worklist.reason.healthCheckElderly' : 'worklist.reason.healthCheckChronic',
    params: p.lastHealthCheckDate ? { lastCheckDate: p.lastHealthCheckDate } : {},
  };
}

/** Work items for one patient on `today`, in kind order: follow-ups, quarter gaps, yearly counts, check, referrals. */
export function patientWorkItems(p: PatientSummary, today: CalendarDate, options: WorklistOptions = {}): WorkItem[] {
  if (p.residentStatus && p.residentStatus !== 'active') return [];
  const horizon = addDays(today, options.upcomingDays ?? 30);
  const active = p.registries.filter((r) => r.status === 'active' && compareDates(r.enrolledDate, today) <= 0);
  const items: WorkItem[] = [];
  for (const reg of active) items.push(...followupItems(p, reg, today, horizon));
  const check = healthCheckItem(
    p,
    active.map((r) => r.disease),
    today,
  );
  if (check) items.push(check);
  for (const ref of p.referrals ?? []) {
    if (ref.checkedDate) continue;
    if (!active.some((r) => r.disease === ref.disease)) continue;
    const status = dueStatus(ref.checkDue, today);
    if (status === 'upcoming' && compareDates(ref.checkDue, horizon) > 0) continue;
    items.push({
      residentId: p.residentId,
      kind: 'referralCheck',
      disease: ref.disease,
      dueDate: ref.checkDue,
      status,
      reason: 'worklist.reason.referralCheck',
      params: { sourceId: ref.sourceId },
    });
  }
  return items;
}

const STATUS_ORDER: Record<WorkItemStatus, number> = { overdue: 0, due: 1, upcoming: 2 };

/** The whole list: overdue first, then due, then upcoming; earliest due date first; stable by resident id. */
export function buildWorklist(patients: readonly PatientSummary[], today: CalendarDate, options: WorklistOptions = {}): WorkItem[] {
  const all = patients.flatMap((p) => patientWorkItems(p, today, options));
  return all.sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      compareDates(a.dueDate, b.dueDate) ||
      (a.residentId < b.residentId ? -1 : a.residentId > b.residentId ? 1 : 0),
  );
}
