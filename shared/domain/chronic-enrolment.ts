/**
 * Who may be enrolled in hypertension / type 2 diabetes management (issue 12 §5; README §1, followups.md §1): the
 * Spec's management is for residents aged 35 and over. A younger patient with a confirmed diagnosis may still be
 * enrolled, with the doctor's reason on the record. The enrolment service refuses without it; the enrol dialog asks
 * for it up front. Age in completed years on the enrolment date (dates.ageOn: 29 February birthdays on 1 March).
 */
import type { FieldIssue } from '../api/errors';
import { ageOn, type CalendarDate } from './dates';

export const ENROLMENT_MIN_AGE = 35;
/** The shortest reason accepted (two characters, as the other override reasons). */
export const AGE_REASON_MIN_LENGTH = 2;

/** Whether enrolling on `enrolledDate` needs an age override reason. */
export function needsAgeReason(birthDate: CalendarDate, enrolledDate: CalendarDate): boolean {
  return ageOn(birthDate, enrolledDate) < ENROLMENT_MIN_AGE;
}

/** The issue at `enrolment.ageOverrideReason` when a resident under 35 is enrolled without a reason, else null. */
export function enrolmentAgeIssue(birthDate: CalendarDate, enrolledDate: CalendarDate, reason: string | undefined): FieldIssue | null {
  if (!needsAgeReason(birthDate, enrolledDate)) return null;
  if ((reason?.trim().length ?? 0) >= AGE_REASON_MIN_LENGTH) return null;
  return { path: 'enrolment.ageOverrideReason', message: 'validation.under35Reason' };
}
