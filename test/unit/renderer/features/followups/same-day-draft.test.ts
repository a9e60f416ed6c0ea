import { describe, expect, it } from 'vitest';
import type { FollowupView } from '../../../../../shared/api/followups';
import { sameDayDraft } from '../../../../../renderer/features/followups/followup-model';

const view = (id: string, disease: 'htn' | 't2dm', status: 'draft' | 'completed', visitDate: string): FollowupView =>
  ({ id, residentId: 'r1', status, visitDate, followup: { disease, form: { visitDate } } }) as unknown as FollowupView;

// Issue 16: a same-day draft lingered and the work list opened a fresh form without offering it.
describe('the draft of today offered before a new visit', () => {
  const list = [view('a', 'htn', 'completed', '2026-12-07'), view('b', 'htn', 'draft', '2026-12-07'), view('c', 't2dm', 'draft', '2026-12-01')];

  it('offers today\'s draft of a disease the visit is about', () => {
    expect(sameDayDraft(list, ['htn'], '2026-12-07')?.id).toBe('b');
    expect(sameDayDraft(list, ['htn', 't2dm'], '2026-12-07')?.id).toBe('b');
  });

  it('not a draft of another day, another disease, or a completed visit', () => {
    expect(sameDayDraft(list, ['t2dm'], '2026-12-07')).toBeUndefined();
    expect(sameDayDraft(list, ['htn'], '2026-12-08')).toBeUndefined();
    expect(sameDayDraft([view('a', 'htn', 'completed', '2026-12-07')], ['htn'], '2026-12-07')).toBeUndefined();
  });
});
