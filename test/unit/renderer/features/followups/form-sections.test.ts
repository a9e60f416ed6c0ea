import { describe, expect, it } from 'vitest';
import type { FollowupEvaluation } from '../../../../../shared/api/followups';
import { sectionOf, sectionsToOpen } from '../../../../../renderer/features/followups/form-sections';
import { nextPatient } from '../../../../../renderer/features/followups/next-patient';
import type { WorkRow } from '../../../../../shared/api/followups';

describe('follow-up form sections (issue 16: the first screen, the rest folded)', () => {
  it.each([
    [['sbp'], null],
    [['visitDate'], null],
    [['htn', 'symptoms'], null],
    [['t2dm', 'glucoseValue'], null],
    [['adherence'], null],
    [['adverseReactionText'], null],
    [['htn', 'classification'], null],
    [['heartRate'], 'signs'],
    [['isPregnantOrBreastfeeding'], 'signs'],
    [['t2dm', 'emergencySigns'], 'emergency'],
    [['htn', 'saltIntake'], 'detail'],
    [['t2dm', 'hba1cDate'], 'detail'],
    [['cigarettesPerDay'], 'lifestyle'],
    [['medications', 0, 'drugName'], 'medication'],
    [['t2dm', 'insulin', 'kind'], 'medication'],
    [['insulinAdjustment', 'kind'], 'adjustment'],
    [['medAdjustment', 1, 'doseMg'], 'adjustment'],
    [['referralReason'], 'adjustment'],
    [['doctorSignature'], 'signature'],
  ] as const)('%j lives in %s', (name, section) => {
    expect(sectionOf(name)).toBe(section);
  });

  const ev = (nextStep: number | null) => ({ proposed: { classification: null, nextStep, nextVisitDate: null } }) as unknown as FollowupEvaluation;
  it('opens the drug list carried over or needed, a proposed referral, ticked emergency signs and special situations', () => {
    expect(sectionsToOpen({}, ['htn'], {})).toEqual([]);
    expect(sectionsToOpen({ medications: [{ drugName: '  ' }] }, ['htn'], {})).toEqual([]);
    expect(sectionsToOpen({ medications: [{ drugName: '硝苯地平' }] }, ['htn'], {})).toEqual(['medication']);
    expect(sectionsToOpen({ adherence: 1 }, ['htn'], {})).toEqual(['medication']);
    expect(sectionsToOpen({ adherence: 2 }, ['htn'], {})).toEqual(['medication']);
    expect(sectionsToOpen({ adherence: 3 }, ['htn'], {})).toEqual([]);
    expect(sectionsToOpen({}, ['htn'], { htn: ev(1) })).toEqual([]);
    expect(sectionsToOpen({}, ['htn'], { htn: ev(2) })).toEqual([]);
    expect(sectionsToOpen({}, ['htn'], { htn: ev(3) })).toEqual(['adjustment']);
    expect(sectionsToOpen({}, ['htn', 't2dm'], { t2dm: ev(4) })).toEqual(['adjustment']);
    expect(sectionsToOpen({ t2dm: { emergencySigns: ['sweating'] } }, ['htn'], {})).toEqual([]);
    expect(sectionsToOpen({ t2dm: { emergencySigns: ['sweating'] } }, ['t2dm'], {})).toEqual(['emergency']);
    expect(sectionsToOpen({ hasUnmanageableCondition: true }, ['htn'], {})).toEqual(['signs']);
    // 有 to 有无危急情况 on the first screen opens the checklist before anything is ticked (issue 16); 无 does not.
    expect(sectionsToOpen({ hasEmergency: 2 }, ['htn'], {})).toEqual(['emergency']);
    expect(sectionsToOpen({ hasEmergency: 1 }, ['htn'], {})).toEqual([]);
  });
});

const row = (residentId: string, kind: WorkRow['kind'], status: WorkRow['status'] = 'due', disease: WorkRow['disease'] = 'htn') =>
  ({ residentId, name: residentId, kind, status, disease, dueDate: '2026-12-07' }) as WorkRow;

describe('下一位: the next patient of the work list after a visit (issue 16)', () => {
  it('takes the list order of follow-up kinds, due before upcoming, and skips residents seen in this run', () => {
    const rows = [row('a', 'noContract'), row('b', 'followup', 'upcoming'), row('c', 'followup'), row('d', 'recheck'), row('e', 'healthCheck')];
    expect(nextPatient(rows, new Set())?.residentId).toBe('d');
    expect(nextPatient(rows, new Set(['d']))?.residentId).toBe('c');
    expect(nextPatient(rows, new Set(['d', 'c']))?.residentId).toBe('b');
    expect(nextPatient(rows, new Set(['d', 'c', 'b']))).toBeNull();
  });

  it('never offers a line without a disease (nothing to open the form for)', () => {
    expect(nextPatient([{ ...row('x', 'followup'), disease: undefined }], new Set())).toBeNull();
  });
});
