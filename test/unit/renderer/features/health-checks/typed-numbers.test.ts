import { describe, expect, it } from 'vitest';
import { scrollNameOf, toDraft } from '../../../../../renderer/features/health-checks/check-form-values';

// Issue 16: a number box's text is never dropped silently; the save is refused at the field instead.
describe('health-check numbers as typed', () => {
  it('a number is saved', () => {
    const { draft, issues } = toDraft({ checkDate: '2026-03-01', generalCondition: { temperature: 36.5 } }, 'r1');
    expect(draft.generalCondition?.temperature).toBe(36.5);
    expect(issues).toEqual([]);
  });

  it('letters stay out of the draft and become an issue at their field', () => {
    const { draft, issues } = toDraft({ checkDate: '2026-03-01', generalCondition: { temperature: '36.5度' } }, 'r1');
    expect(draft.generalCondition?.temperature).toBeUndefined();
    expect(issues).toEqual([expect.objectContaining({ path: 'generalCondition.temperature', message: 'validation.notANumber' })]);
  });

  it('a whole-number field refuses decimals', () => {
    const { issues } = toDraft({ checkDate: '2026-03-01', generalCondition: { pulseRate: 72.5 } }, 'r1');
    expect(issues).toEqual([expect.objectContaining({ path: 'generalCondition.pulseRate', message: 'validation.tooManyDecimals' })]);
  });

  it('half a blood pressure typed as letters is that half\'s issue, not "required"', () => {
    const { issues } = toDraft({ checkDate: '2026-03-01', generalCondition: { bpLeft: { sbp: 'abc', dbp: 80 } } }, 'r1');
    expect(issues).toEqual([expect.objectContaining({ path: 'generalCondition.bpLeft.sbp', message: 'validation.notANumber' })]);
  });

  it('a refused self-care block scrolls to its first item, not to the top of the form', () => {
    expect(scrollNameOf('selfCare')).toEqual(['selfCareLevels', 'meal']);
    expect(scrollNameOf('data.generalCondition.temperature')).toEqual(['generalCondition', 'temperature']);
  });
});
