import { describe, expect, it } from 'vitest';
import { HealthCheckComplete, HealthCheckDraft, SelfCareAssessment } from '../../../../shared/schemas/health-check';

const draft = { residentId: 'r1', checkDate: '2026-11-22' };

describe('health-check schemas', () => {
  it('a draft needs only the resident and date', () => {
    expect(HealthCheckDraft.safeParse(draft).success).toBe(true);
    expect(HealthCheckDraft.safeParse({ residentId: 'r1' }).success).toBe(false);
  });

  it('strips typed BMI: it is computed, never typed', () => {
    const parsed = HealthCheckDraft.parse({ ...draft, generalCondition: { height: 170, weight: 70, bmi: 99 } });
    expect(parsed.generalCondition).toEqual({ height: 170, weight: 70 });
  });

  it('refuses codes outside the code sets', () => {
    expect(HealthCheckDraft.safeParse({ ...draft, symptoms: ['26'] }).success).toBe(false);
    expect(HealthCheckDraft.safeParse({ ...draft, physicalExam: { legEdema: '5' } }).success).toBe(false);
    expect(HealthCheckDraft.safeParse({ ...draft, auxExams: { urineProtein: '2+' } }).success).toBe(true);
  });

  it('requires the core fields to complete', () => {
    const r = HealthCheckComplete.safeParse(draft);
    expect(r.success).toBe(false);
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toContain('generalCondition.temperature');
    const full = {
      ...draft,
      symptoms: ['1'],
      generalCondition: { temperature: 36.5, pulseRate: 70, respiratoryRate: 16, bpRight: { sbp: 120, dbp: 80 }, height: 160, weight: 55, waist: 75 },
      assessment: '1',
    };
    expect(HealthCheckComplete.safeParse(full).success).toBe(true);
  });

  it.each([
    [{ meal: 0, grooming: 1, dressing: 3, toileting: 5, mobility: 10 }, true],
    [{ meal: 1, grooming: 1, dressing: 3, toileting: 5, mobility: 10 }, false],
    [{ meal: 0, grooming: 2, dressing: 3, toileting: 5, mobility: 10 }, false],
    [{ meal: 0, grooming: 1, dressing: 3, toileting: 5 }, false],
  ])('self-care %o valid: %s', (scores, ok) => expect(SelfCareAssessment.safeParse(scores).success).toBe(ok));

  it('names the item with an impossible score', () => {
    const r = SelfCareAssessment.safeParse({ meal: 1, grooming: 0, dressing: 0, toileting: 0, mobility: 0 });
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}:${i.message}`)).toEqual(['meal:validation.selfCareScore']);
  });
});
