/**
 * 工作台 rules (domain/README.md §3): what a patient is due for on `today`. Pure: the caller passes patient summaries
 * built from the local replica and the injected clock's date; the same input always gives the same list, so the
 * `worklist.changed` delta can be computed by diffing two runs.
 */
import { addDays, addMonths, addYears, ageOn, compareDates, formatDate, quarterOf, startOfQuarter, yearOf, type CalendarDate } from './dates';
import type { FollowupClass, NextStep, VisitMode } from './followup-classification';
import type { ChronicDisease } from './followup-emergency';
import { screen, type DiseaseScreening, type ScreeningInput, type ScreeningState } from './screening';

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
  /** Screening input (readings from every source, 既往史, risk); absent = no screening lines. */
  screening?: Pick<ScreeningInput, 'readings' | 'history' | 'risk'>;
}

export type WorkItemKind = 'followup' | 'quarterGap' | 'missedQuarter' | 'healthCheck' | 'referralCheck' | 'screening';
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
  /**
   * `patientScreening(p, today)`, when the caller has it already: the work list computes it once per resident for
   * both the rows and their change date (worklist-changes.ts).
   */
  screened?: PatientScreening | null;
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

export function endOfQuarter(d: CalendarDate): CalendarDate {
  return addDays(addMonths(startOfQuarter(d), 3), -1);
}

/** A quarter gap becomes due in the quarter's last two weeks (issue 12 §3). */
export const QUARTER_GAP_DUE_DAYS = 14;

export interface QuarterCoverage {
  year: number;
  quarter: number;
  start: CalendarDate;
  end: CalendarDate;
  /** A face-to-face visit in the quarter meets its requirement. */
  isCovered: boolean;
}

/**
 * The quarters of `year` the patient is managed in (from the enrolment quarter), with whether each had a
 * face-to-face visit. The year's 规范管理 counts covered quarters, not visits: four visits in Q4 cover one quarter.
 */
export function quarterCoverage(enrolledDate: CalendarDate, faceToFaceDates: readonly CalendarDate[], year: number): QuarterCoverage[] {
  const out: QuarterCoverage[] = [];
  for (let q = 1; q <= 4; q++) {
    const start = formatDate(year, q * 3 - 2, 1);
    const end = endOfQuarter(start);
    if (compareDates(enrolledDate, end) > 0) continue;
    const isCovered = faceToFaceDates.some((d) => compareDates(d, start) >= 0 && compareDates(d, end) <= 0);
    out.push({ year, quarter: q, start, end, isCovered });
  }
  return out;
}

/** Quarters of `year` with a face-to-face visit up to `today` (the yearly count shown beside each row). */
export function coveredQuarters(enrolledDate: CalendarDate, faceToFaceDates: readonly CalendarDate[], year: number, today: CalendarDate): number {
  const seen = faceToFaceDates.filter((d) => compareDates(d, today) <= 0);
  return quarterCoverage(enrolledDate, seen, year).filter((q) => q.isCovered).length;
}

function followupItems(p: PatientSummary, reg: RegistrySummary, today: CalendarDate, horizon: CalendarDate): WorkItem[] {
  const items: WorkItem[] = [];
  const f2f = p.followups
    .filter((f) => f.disease === reg.disease && f.isCompleted && isFaceToFace(f.visitMode) && compareDates(f.visitDate, today) <= 0)
    .sort((a, b) => compareDates(a.visitDate, b.visitDate));
  const last = f2f[f2f.length - 1];
  const disease = reg.disease;
  let plannedDate: CalendarDate | null = null;

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
    // The planned next visit drives due (7 days before) and overdue (the day after).
    const due = nextDueDate(last);
    plannedDate = due;
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

  const dates = f2f.map((f) => f.visitDate);
  const year = yearOf(today);
  const current = quarterOf(today);
  // Missed quarters stay on the list as overdue facts for the year's 规范管理; last year's stay through the first
  // quarter of the new year, so a shortfall does not vanish on 1 January (app convention).
  const years = current === 1 ? [year - 1, year] : [year];
  for (const y of years) {
    for (const q of quarterCoverage(reg.enrolledDate, dates, y)) {
      if (q.isCovered || compareDates(q.end, today) >= 0) continue;
      items.push({
        residentId: p.residentId,
        kind: 'missedQuarter',
        disease,
        dueDate: q.end,
        status: 'overdue',
        reason: 'worklist.reason.missedQuarter',
        params: { year: q.year, quarter: q.quarter },
      });
    }
  }

  const quarterStart = startOfQuarter(today);
  const quarterEnd = endOfQuarter(today);
  const seenThisQuarter = dates.some((d) => compareDates(d, quarterStart) >= 0);
  const plannedInQuarter = plannedDate !== null && compareDates(plannedDate, today) >= 0 && compareDates(plannedDate, quarterEnd) <= 0;
  // Enrolled this quarter and never seen is already the new-enrolment item; a second line would say the same.
  const enrolledThisQuarterUnseen = !last && compareDates(reg.enrolledDate, quarterStart) >= 0;
  if (!seenThisQuarter && !plannedInQuarter && !enrolledThisQuarterUnseen) {
    const status: WorkItemStatus = compareDates(today, addDays(quarterEnd, -(QUARTER_GAP_DUE_DAYS - 1))) >= 0 ? 'due' : 'upcoming';
    if (status === 'due' || compareDates(quarterEnd, horizon) <= 0) {
      items.push({
        residentId: p.residentId,
        kind: 'quarterGap',
        disease,
        dueDate: quarterEnd,
        status,
        reason: 'worklist.reason.quarterGap',
        params: { quarter: current },
      });
    }
  }
  return items;
}

/** A yearly check is listed 30 days before its deadline (app convention, like contract renewal). */
export const HEALTH_CHECK_DUE_DAYS = 30;

/**
 * 65+ / HTN / T2DM: one check a year. The deadline is a year after the last check. A resident never checked is due
 * this year (by 31 December): the year they became eligible may lie decades back, and "overdue since 2009-12-31"
 * reads as nonsense to a doctor (issue 16). Someone eligible before this year missed at least last year's check, so
 * the line is overdue from the end of last year, never earlier; someone eligible this year is due. Either way the
 * line says 从未体检, never checked, rather than a date of a check that never happened.
 */
function healthCheckItem(p: PatientSummary, active: readonly RegistrySummary[], today: CalendarDate, horizon: CalendarDate): WorkItem | null {
  const is65 = ageOn(p.birthDate, today) >= HEALTH_CHECK_AGE;
  if (!is65 && active.length === 0) return null;
  const last = p.lastHealthCheckDate ?? null;
  const who = is65 ? 'Elderly' : 'Chronic';
  const item = (dueDate: CalendarDate, status: WorkItemStatus): WorkItem => ({
    residentId: p.residentId,
    kind: 'healthCheck',
    dueDate,
    status,
    reason: last ? `worklist.reason.healthCheck${who}` : `worklist.reason.healthCheck${who}Never`,
    params: last ? { lastCheckDate: last } : {},
  });
  if (last) {
    const deadline = addYears(last, 1);
    if (compareDates(today, deadline) > 0) return item(deadline, 'overdue');
    if (compareDates(today, addDays(deadline, -HEALTH_CHECK_DUE_DAYS)) >= 0) return item(deadline, 'due');
    return compareDates(deadline, horizon) <= 0 ? item(deadline, 'upcoming') : null;
  }
  return neverCheckedItem(p.birthDate, is65, active, today, item);
}

/** A never-checked resident: overdue since last year's end if eligible before this year, else due by this year's end. */
function neverCheckedItem(
  birthDate: CalendarDate,
  is65: boolean,
  active: readonly RegistrySummary[],
  today: CalendarDate,
  item: (dueDate: CalendarDate, status: WorkItemStatus) => WorkItem,
): WorkItem {
  const thisYear = yearOf(today);
  const eligibleSince = [is65 ? addYears(birthDate, HEALTH_CHECK_AGE) : null, ...active.map((r) => r.enrolledDate)]
    .filter((d): d is CalendarDate => d !== null)
    .sort(compareDates)[0] ?? today;
  if (yearOf(eligibleSince) < thisYear) return item(formatDate(thisYear - 1, 12, 31), 'overdue');
  return item(formatDate(thisYear, 12, 31), 'due');
}

const SCREEN_REASON: Partial<Record<ScreeningState, string>> = {
  yearlyDue: 'worklist.reason.screenYearlyBp',
  highRisk: 'worklist.reason.screenHighRisk',
  suspected: 'worklist.reason.screenRecheck',
  confirmed: 'worklist.reason.screenEnrol',
  history: 'worklist.reason.screenHistory',
};

/** Screening lines (followups.md §1–2): yearly BP, high-risk re-measurement, 疑似 re-measurement, enrolment prompts. */
function screeningItems(p: PatientSummary, s: DiseaseScreening, today: CalendarDate, horizon: CalendarDate): WorkItem | null {
  const reason = SCREEN_REASON[s.state];
  if (!reason || s.nextDue === null) return null;
  let status: WorkItemStatus;
  if (s.state === 'yearlyDue' || s.state === 'confirmed' || s.state === 'history') status = 'due';
  else status = dueStatus(s.nextDue, today);
  if (status === 'upcoming' && compareDates(s.nextDue, horizon) > 0) return null;
  const params: Record<string, string | number> = { state: s.state };
  if (s.state === 'suspected') {
    params['count'] = s.episode.length;
    params['earliest'] = s.earliest ?? today;
  }
  if (s.lastReadingDate) params['lastReadingDate'] = s.lastReadingDate;
  if (s.needsAgeOverride) params['under35'] = 1;
  return { residentId: p.residentId, kind: 'screening', disease: s.disease, dueDate: s.nextDue, status, reason, params };
}

/** Both diseases' screening on `today` (screening.ts), or null for a patient without screening facts. */
export type PatientScreening = { htn: DiseaseScreening; t2dm: DiseaseScreening };

export function patientScreening(p: PatientSummary, today: CalendarDate): PatientScreening | null {
  if (!p.screening) return null;
  const active = p.registries.filter((r) => r.status === 'active' && compareDates(r.enrolledDate, today) <= 0);
  return screen({
    birthDate: p.birthDate,
    today,
    readings: p.screening.readings,
    history: p.screening.history,
    enrolled: { htn: active.some((r) => r.disease === 'htn'), t2dm: active.some((r) => r.disease === 't2dm') },
    ...(p.screening.risk ? { risk: p.screening.risk } : {}),
  });
}

/** Work items for one patient on `today`, in kind order: follow-ups and quarters, check, screening, referrals. */
export function patientWorkItems(p: PatientSummary, today: CalendarDate, options: WorklistOptions = {}): WorkItem[] {
  if (p.residentStatus && p.residentStatus !== 'active') return [];
  const horizon = addDays(today, options.upcomingDays ?? 30);
  const active = p.registries.filter((r) => r.status === 'active' && compareDates(r.enrolledDate, today) <= 0);
  const items: WorkItem[] = [];
  for (const reg of active) items.push(...followupItems(p, reg, today, horizon));
  const check = healthCheckItem(p, active, today, horizon);
  if (check) items.push(check);
  const s = options.screened === undefined ? patientScreening(p, today) : options.screened;
  if (s) {
    for (const d of [s.htn, s.t2dm]) {
      const item = screeningItems(p, d, today, horizon);
      if (item) items.push(item);
    }
  }
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
