/** Where a work-list row leads: the form that does the work, prefilled for that resident (and disease). */
import type { WorkRow } from '../../../shared/api/followups';
import { placeParams, type WorklistPlace } from '../followups/next-patient';
import { hashFor, type HashParams } from './hash-params';

export interface WorkLink {
  section: 'followups' | 'checks' | 'contracts' | 'residents';
  params: HashParams;
}

/** `place`: where on the work list the row was, so 下一位 after the visit follows that same list (issue 16). */
export function workLink(row: Pick<WorkRow, 'residentId' | 'kind' | 'disease' | 'params'>, place?: WorklistPlace): WorkLink {
  const residentId = row.residentId;
  const disease = row.disease ?? '';
  switch (row.kind) {
    case 'followup':
    case 'recheck':
    case 'quarterGap':
    case 'missedQuarter':
      // `from` lets the follow-up screen offer the next patient of the list after this visit (issue 16).
      return { section: 'followups', params: { residentId, disease, open: 'new', from: 'worklist', ...(place ? placeParams(place) : {}) } };
    case 'screening':
      return { section: 'residents', params: { id: residentId, tab: 'screening' } };
    case 'referralCheck':
      return { section: 'followups', params: { residentId, disease, open: 'referral', sourceId: String(row.params?.['sourceId'] ?? '') } };
    case 'healthCheck':
      return { section: 'checks', params: { residentId } };
    case 'contractExpiring':
      return { section: 'contracts', params: { residentId, contractId: String(row.params?.['contractId'] ?? ''), open: 'renew' } };
    case 'noContract':
      return { section: 'contracts', params: { residentId, open: 'sign' } };
  }
}

export function workHref(row: Pick<WorkRow, 'residentId' | 'kind' | 'disease' | 'params'>, place?: WorklistPlace): string {
  const link = workLink(row, place);
  return hashFor(link.section, link.params);
}
