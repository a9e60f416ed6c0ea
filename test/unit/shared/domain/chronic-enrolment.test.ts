import { describe, expect, it } from 'vitest';
import { enrolmentAgeIssue, ENROLMENT_MIN_AGE, needsAgeReason } from '../../../../shared/domain/chronic-enrolment';

const ISSUE = { path: 'enrolment.ageOverrideReason', message: 'validation.under35Reason' };

describe('HTN / T2DM enrolment is for residents aged 35+ (README §1, followups.md §1)', () => {
  it('the threshold is 35', () => expect(ENROLMENT_MIN_AGE).toBe(35));

  it.each([
    ['1991-06-15', '2026-06-14', true],
    ['1991-06-15', '2026-06-15', false],
    ['1991-06-15', '2026-06-16', false],
    ['1990-01-01', '2026-06-15', false],
    ['2000-01-01', '2026-06-15', true],
    // Born on 29 February: the birthday is 1 March in a common year, 29 February in a leap year (dates.ageOn).
    ['1992-02-29', '2027-02-28', true],
    ['1992-02-29', '2027-03-01', false],
    ['1993-02-28', '2028-02-28', false],
    ['1993-03-01', '2028-02-29', true],
  ])('born %s, enrolled %s: reason needed %s', (birth, enrolled, needed) => expect(needsAgeReason(birth, enrolled)).toBe(needed));
});

describe('the override reason for a younger confirmed patient', () => {
  it.each([
    [undefined, ISSUE],
    ['', ISSUE],
    ['   ', ISSUE],
    ['确', ISSUE],
    [' 确 ', ISSUE],
    ['确诊', null],
    ['上级医院确诊原发性高血压，需规范管理', null],
  ])('under 35 with reason %j -> %j', (reason, issue) => expect(enrolmentAgeIssue('1993-05-01', '2026-06-15', reason)).toEqual(issue));

  it.each([undefined, '', '确'])('35 on the enrolment date needs no reason (%j)', (reason) =>
    expect(enrolmentAgeIssue('1991-06-15', '2026-06-15', reason)).toBeNull());
});
