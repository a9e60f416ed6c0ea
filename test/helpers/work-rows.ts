/** Shared by the work-list cache tests: the list's order and a row as the rules give it (without what is shown only). */
import type { WorkRow } from '../../shared/api/followups';
import type { PatientWork } from '../../main/services/followups/patient-work';

const STATUS_ORDER = { overdue: 0, due: 1, upcoming: 2 } as const;
/** Every kind of work-list row, in the order the list breaks ties. */
export const WORK_KINDS = ['followup', 'recheck', 'quarterGap', 'missedQuarter', 'healthCheck', 'referralCheck', 'screening', 'contractExpiring', 'noContract'];

/** The order the work list has always had: status, due date, resident, kind. */
export function workOrder(a: PatientWork, b: PatientWork): number {
  return (
    STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
    (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) ||
    (a.residentId < b.residentId ? -1 : a.residentId > b.residentId ? 1 : 0) ||
    WORK_KINDS.indexOf(a.kind) - WORK_KINDS.indexOf(b.kind)
  );
}

/** Rows as the list serves them, less the village name and age it adds for display. */
export const strip = (rows: readonly WorkRow[]): PatientWork[] => rows.map(({ villageName: _v, age: _a, ...row }) => row);
