import { describe, expect, it } from 'vitest';
import { isHighBp, isHighGlucose, isHighNormalBp, screen, type ScreeningInput, type ScreeningReading } from '../../../../shared/domain/screening';

const TODAY = '2026-06-15';
const bp = (date: string, sbp: number, dbp: number, source: ScreeningReading['source'] = 'measurement'): ScreeningReading => ({ date, sbp, dbp, source });
const fpg = (date: string, fastingGlucose: number): ScreeningReading => ({ date, fastingGlucose, source: 'healthCheck' });
/** Aged `age` on TODAY. */
const input = (age: number, readings: ScreeningReading[], extra: Partial<ScreeningInput> = {}): ScreeningInput => ({
  birthDate: `${2026 - age}-01-01`,
  today: TODAY,
  readings,
  history: { htn: false, t2dm: false },
  enrolled: { htn: false, t2dm: false },
  ...extra,
});

describe('thresholds (followups.md §1–2)', () => {
  it.each([
    [139, 89, false, true],
    [140, 80, true, false],
    [120, 90, true, false],
    [130, 80, false, true],
    [129, 85, false, true],
    [129, 84, false, false],
  ])('%i/%i high %s, high-normal %s', (s, d, high, highNormal) => {
    expect(isHighBp(s, d)).toBe(high);
    expect(isHighNormalBp(s, d)).toBe(highNormal);
  });
  it.each([
    [6.9, false],
    [7.0, true],
  ])('FPG %f high: %s', (g, high) => expect(isHighGlucose(g)).toBe(high));
});

describe('hypertension screening states, dated scenarios', () => {
  it.each([
    ['34, no reading: not eligible', 34, [], 'notEligible', null],
    ['35, no reading: yearly BP due', 35, [], 'yearlyDue', '2026-12-31'],
    ['40, BP last year only: yearly BP due', 40, [bp('2025-11-01', 120, 70)], 'yearlyDue', '2026-12-31'],
    ['40, normal BP this year: done until next year', 40, [bp('2026-03-01', 120, 70)], 'normal', '2027-01-01'],
    ['40, 139/89 this year: high-risk, again in 6 months', 40, [bp('2026-03-01', 139, 89)], 'highRisk', '2026-09-01'],
    ['56, normal BP: age ≥ 55 is a risk factor', 56, [bp('2026-03-01', 118, 70)], 'highRisk', '2026-09-01'],
    ['40, one reading 160/100: 疑似, re-measure within 7 days', 40, [bp('2026-06-15', 160, 100)], 'suspected', '2026-06-22'],
    ['40, 140/80 counts as high', 40, [bp('2026-06-15', 140, 80)], 'suspected', '2026-06-22'],
    ['40, two high days: still 疑似', 40, [bp('2026-06-01', 150, 95), bp('2026-06-08', 145, 92)], 'suspected', '2026-06-15'],
    [
      '40, three high days: confirmed',
      40,
      [bp('2026-06-01', 150, 95), bp('2026-06-05', 145, 92), bp('2026-06-10', 142, 85, 'healthCheck')],
      'confirmed',
      '2026-06-10',
    ],
    ['40, three high readings on one day: still 疑似 (one day)', 40, [bp('2026-06-10', 150, 95), bp('2026-06-10', 152, 96), bp('2026-06-10', 149, 94)], 'suspected', '2026-06-17'],
    [
      '40, high, normal, normal: cleared on the third day',
      40,
      [bp('2026-06-01', 150, 95), bp('2026-06-05', 130, 80), bp('2026-06-10', 125, 78)],
      'normal',
      '2027-01-01',
    ],
    ['40, a future-dated reading does not count', 40, [bp('2026-06-16', 160, 100)], 'yearlyDue', '2026-12-31'],
  ] as const)('%s', (_label, age, readings, state, nextDue) => {
    const s = screen(input(age, [...readings])).htn;
    expect(s.state).toBe(state);
    expect(s.nextDue).toBe(nextDue);
  });

  it('the day value is the mean of that day: 150/95 and 128/80 average to 139/88, not high', () => {
    const s = screen(input(40, [bp('2026-06-15', 150, 95), bp('2026-06-15', 128, 80)])).htn;
    expect(s.state).toBe('highRisk');
  });

  it('a re-measurement must be on another day', () => {
    const s = screen(input(40, [bp('2026-06-15', 160, 100)])).htn;
    expect(s).toMatchObject({ earliest: '2026-06-16', episode: [{ date: '2026-06-15', high: true }], promptEnrolment: false });
  });

  it('confirmed: enrolment prompt and a referral suggestion; under 35 needs an override reason', () => {
    const days = [bp('2026-06-01', 150, 95), bp('2026-06-05', 145, 92), bp('2026-06-10', 160, 100)];
    expect(screen(input(40, days)).htn).toMatchObject({ promptEnrolment: true, suggestReferral: true, needsAgeOverride: false, decidedOn: '2026-06-10' });
    expect(screen(input(34, days)).htn).toMatchObject({ state: 'confirmed', needsAgeOverride: true });
  });

  it('after a cleared episode a new high day opens a new one', () => {
    const s = screen(input(40, [bp('2026-05-01', 150, 95), bp('2026-05-05', 120, 80), bp('2026-05-10', 120, 80), bp('2026-06-14', 150, 95)])).htn;
    expect(s).toMatchObject({ state: 'suspected', clearedOn: '2026-05-10', episode: [{ date: '2026-06-14', high: true }] });
  });

  it('既往史 of hypertension prompts enrolment; an active registry ends screening', () => {
    expect(screen(input(50, [], { history: { htn: true, t2dm: false } })).htn).toMatchObject({ state: 'history', promptEnrolment: true });
    expect(screen(input(50, [bp('2026-06-15', 170, 105)], { enrolled: { htn: true, t2dm: false } })).htn.state).toBe('enrolled');
  });

  it.each([
    [{ bmi: 24 }, 'highRisk'],
    [{ bmi: 23.9 }, 'normal'],
    [{ waistCm: 90, sex: 1 }, 'highRisk'],
    [{ waistCm: 89, sex: 1 }, 'normal'],
    [{ waistCm: 85, sex: 2 }, 'highRisk'],
    [{ familyHistoryHtn: true }, 'highRisk'],
  ])('risk %j on a 40-year-old with a normal BP -> %s', (risk, state) =>
    expect(screen(input(40, [bp('2026-03-01', 118, 70)], { risk })).htn.state).toBe(state));
});

describe('type 2 diabetes screening', () => {
  it.each([
    ['30, no reading, no risk', 30, [], 'notEligible', null],
    ['40, no glucose: high-risk (age ≥ 40), due now', 40, [], 'highRisk', TODAY],
    ['40, FPG 5.0 last year: due a year later', 40, [fpg('2025-09-01', 5.0)], 'highRisk', '2026-09-01'],
    ['36, FPG 6.0: normal', 36, [fpg('2026-03-01', 6.0)], 'normal', null],
    ['36, FPG 6.1 (IFG): high-risk', 36, [fpg('2026-03-01', 6.1)], 'highRisk', '2027-03-01'],
    ['36, FPG 7.0: 疑似', 36, [fpg('2026-06-15', 7.0)], 'suspected', '2026-06-22'],
    ['36, FPG 6.9: not 疑似', 36, [fpg('2026-06-15', 6.9)], 'highRisk', '2027-06-15'],
    ['36, three days ≥ 7.0: confirmed', 36, [fpg('2026-06-01', 7.4), fpg('2026-06-03', 8.0), fpg('2026-06-09', 7.0)], 'confirmed', '2026-06-09'],
  ] as const)('%s', (_label, age, readings, state, nextDue) => {
    const s = screen(input(age, [...readings])).t2dm;
    expect(s.state).toBe(state);
    expect(s.nextDue).toBe(nextDue);
  });

  it('suspected hypertension makes a 36-year-old high-risk for diabetes', () =>
    expect(screen(input(36, [bp('2026-06-15', 160, 100)])).t2dm.state).toBe('highRisk'));
  it('既往史 of diabetes prompts enrolment', () =>
    expect(screen(input(60, [], { history: { htn: false, t2dm: true } })).t2dm).toMatchObject({ state: 'history', promptEnrolment: true }));
  it('a BP reading says nothing about glucose, and a glucose nothing about BP', () => {
    const s = screen(input(36, [fpg('2026-06-15', 9.0)]));
    expect(s.htn.state).toBe('yearlyDue');
    expect(s.t2dm.state).toBe('suspected');
  });
});
