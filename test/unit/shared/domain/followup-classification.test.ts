import { describe, expect, it } from 'vitest';
import {
  applyOverride,
  classifyFollowup,
  previousFaceToFaceClass,
  type ClassificationInput,
  type FollowupClass,
  type PastVisit,
} from '../../../../shared/domain/followup-classification';

const VISIT = '2024-06-15';
/** Born on the same day of the year: exactly `age` completed years on VISIT. */
const bornAged = (age: number) => `${2024 - age}-06-15`;

type Other = null | 'pregnant' | 'adverse' | 'complication' | { hr: number } | { temp: number };
type Expect = { cls: FollowupClass | null; step: 1 | 2 | 3 | 4; next: string };

const ROUTINE = '2024-09-15';
const TWO_WEEKS = '2024-06-29';

// followups.md §5.1, all 24 rows. "any" previous class is tested with 1; urgent rows also run with 2 below.
const rows: Array<[number, 'htn' | 't2dm', number, number, number, number | null, Other, FollowupClass | null, Expect]> = [
  [1, 'htn', 60, 139, 89, null, null, 1, { cls: 1, step: 1, next: ROUTINE }],
  [2, 'htn', 60, 140, 80, null, null, 1, { cls: 2, step: 2, next: TWO_WEEKS }],
  [3, 'htn', 60, 130, 90, null, null, 1, { cls: 2, step: 2, next: TWO_WEEKS }],
  [4, 'htn', 64, 145, 85, null, null, 2, { cls: 2, step: 3, next: TWO_WEEKS }],
  [5, 'htn', 65, 149, 89, null, null, 2, { cls: 1, step: 1, next: ROUTINE }],
  [6, 'htn', 65, 150, 85, null, null, 1, { cls: 2, step: 2, next: TWO_WEEKS }],
  [7, 'htn', 70, 120, 90, null, null, 1, { cls: 2, step: 2, next: TWO_WEEKS }],
  [8, 'htn', 50, 179, 109, null, null, 1, { cls: 2, step: 2, next: TWO_WEEKS }],
  [9, 'htn', 50, 180, 100, null, null, 1, { cls: 2, step: 4, next: TWO_WEEKS }],
  [10, 'htn', 50, 150, 110, null, null, 1, { cls: 2, step: 4, next: TWO_WEEKS }],
  [11, 'htn', 36, 150, 95, null, 'pregnant', 1, { cls: 2, step: 4, next: TWO_WEEKS }],
  [12, 'htn', 55, 130, 80, null, 'adverse', 1, { cls: 3, step: 2, next: TWO_WEEKS }],
  [13, 'htn', 55, 130, 80, null, 'complication', 1, { cls: 4, step: 3, next: TWO_WEEKS }],
  [14, 't2dm', 60, 130, 80, 6.9, null, 1, { cls: 1, step: 1, next: ROUTINE }],
  [15, 't2dm', 60, 130, 80, 7.0, null, 1, { cls: 2, step: 2, next: TWO_WEEKS }],
  [16, 't2dm', 60, 130, 80, 7.0, null, 2, { cls: 2, step: 3, next: TWO_WEEKS }],
  [17, 't2dm', 60, 130, 80, 16.6, null, 1, { cls: 2, step: 2, next: TWO_WEEKS }],
  [18, 't2dm', 60, 130, 80, 16.7, null, 1, { cls: 2, step: 4, next: TWO_WEEKS }],
  [19, 't2dm', 60, 130, 80, 4.0, null, 1, { cls: 1, step: 1, next: ROUTINE }],
  [20, 't2dm', 60, 130, 80, 3.9, null, 1, { cls: 3, step: 4, next: TWO_WEEKS }],
  [21, 't2dm', 60, 130, 80, 6.0, { hr: 100 }, 1, { cls: 1, step: 1, next: ROUTINE }],
  [22, 't2dm', 60, 130, 80, 6.0, { hr: 101 }, 1, { cls: 1, step: 4, next: TWO_WEEKS }],
  [23, 't2dm', 60, 130, 80, 6.0, { temp: 39.0 }, 1, { cls: 1, step: 1, next: ROUTINE }],
  [24, 't2dm', 60, 180, 90, 6.0, null, 1, { cls: 1, step: 4, next: TWO_WEEKS }],
];

function toInput(
  disease: 'htn' | 't2dm',
  age: number,
  sbp: number,
  dbp: number,
  fpg: number | null,
  other: Other,
  prev: FollowupClass | null,
): ClassificationInput {
  const input: ClassificationInput = {
    disease,
    visitDate: VISIT,
    birthDate: bornAged(age),
    sbp,
    dbp,
    fastingGlucose: fpg,
    previousClass: prev,
  };
  if (other === 'pregnant') input.isPregnantOrBreastfeeding = true;
  else if (other === 'adverse') input.hasAdverseReaction = true;
  else if (other === 'complication') input.hasNewOrWorseComplication = true;
  else if (other && 'hr' in other) input.heartRate = other.hr;
  else if (other && 'temp' in other) input.temperature = other.temp;
  return input;
}

describe('followups.md §5.1 table', () => {
  it.each(rows)('row %i: %s age %i %i/%i FPG %s', (_n, disease, age, sbp, dbp, fpg, other, prev, exp) => {
    const r = classifyFollowup(toInput(disease, age, sbp, dbp, fpg, other, prev));
    expect(r.age).toBe(age);
    expect(r.classification).toBe(exp.cls);
    expect(r.nextStep).toBe(exp.step);
    expect(r.nextVisitDate).toBe(exp.next);
    expect(r.urgentReferral).toBe(exp.step === 4);
    expect(r.referralAdvised).toBe(exp.step >= 3);
    expect(r.referralCheckDue).toBe(exp.step >= 3 ? TWO_WEEKS : null);
  });

  it.each(rows.filter((r) => r[8].step === 4))('row %i stays urgent whatever the previous class', (...row) => {
    const [, disease, age, sbp, dbp, fpg, other] = row;
    for (const prev of [null, 1, 2, 3, 4] as const) {
      expect(classifyFollowup(toInput(disease, age, sbp, dbp, fpg, other, prev)).nextStep).toBe(4);
    }
  });

  it('row 23 note: 39.1 ℃ is urgent', () =>
    expect(classifyFollowup(toInput('t2dm', 60, 130, 80, 6.0, { temp: 39.1 }, 1)).nextStep).toBe(4));
});

describe('age is completed years on the visit date', () => {
  it.each([
    ['1959-06-16', 64, 1], // turns 65 tomorrow: 145/85 is not controlled under 65 -> class 2
    ['1959-06-15', 65, 0], // 65 today: 145/85 is controlled
    ['1959-06-14', 65, 0],
  ])('born %s -> age %i', (birthDate, age, unsat) => {
    const r = classifyFollowup({ disease: 'htn', visitDate: VISIT, birthDate, sbp: 145, dbp: 85 });
    expect(r.age).toBe(age);
    expect(r.classification).toBe(unsat ? 2 : 1);
  });

  it.each([
    ['1960-02-29', '2025-02-28', 64], // born 29 Feb: birthday is 1 March in a common year
    ['1960-02-29', '2025-03-01', 65],
    ['1960-02-29', '2024-02-28', 63],
    ['1960-02-29', '2024-02-29', 64],
    ['1959-12-31', '2024-12-31', 65],
    ['1960-01-01', '2024-12-31', 64],
    ['1960-01-01', '2025-01-01', 65],
  ])('born %s, visit %s -> age %i', (birthDate, visitDate, age) => {
    const r = classifyFollowup({ disease: 'htn', visitDate, birthDate, sbp: 145, dbp: 85 });
    expect(r.age).toBe(age);
    expect(r.classification).toBe(age >= 65 ? 1 : 2);
  });
});

describe('boundaries around every threshold', () => {
  it.each([
    // [age, sbp, dbp, class]
    [64, 139, 89, 1],
    [64, 140, 89, 2],
    [64, 139, 90, 2],
    [65, 149, 89, 1],
    [65, 150, 89, 2],
    [65, 149, 90, 2],
    [80, 100, 60, 1],
  ] as const)('HTN age %i %i/%i -> class %i', (age, sbp, dbp, cls) =>
    expect(classifyFollowup({ disease: 'htn', visitDate: VISIT, birthDate: bornAged(age), sbp, dbp }).classification).toBe(cls));

  it.each([
    [6.9, 1],
    [7.0, 2],
    [7.1, 2],
  ] as const)('T2DM FPG %f -> class %i, BP shown separately', (g, cls) => {
    const r = classifyFollowup({ disease: 't2dm', visitDate: VISIT, birthDate: bornAged(60), sbp: 150, dbp: 95, fastingGlucose: g });
    expect(r.classification).toBe(cls);
    expect(r.bpControlled).toBe(false);
  });

  it.each([
    [129, 79, 1],
    [130, 79, 2],
    [129, 80, 2],
  ] as const)('per-patient bpTarget 130/80: %i/%i -> class %i', (sbp, dbp, cls) =>
    expect(
      classifyFollowup({ disease: 'htn', visitDate: VISIT, birthDate: bornAged(70), sbp, dbp, bpTarget: { sbp: 130, dbp: 80 } })
        .classification,
    ).toBe(cls));
});

describe('precedence and chaining', () => {
  const base: ClassificationInput = { disease: 'htn', visitDate: VISIT, birthDate: bornAged(55), sbp: 150, dbp: 95 };
  it.each([
    [{}, 2, 2],
    [{ hasAdverseReaction: true }, 3, 2],
    [{ hasNewOrWorseComplication: true }, 4, 3],
    [{ hasAdverseReaction: true, hasNewOrWorseComplication: true }, 4, 3],
    [{ hasAdverseReaction: true, isAdverseHardToControl: true }, 3, 3],
    // Issue 12 fix 1: 连续两次控制不满意 means class 2 twice; an adverse reaction neither starts nor continues it.
    [{ previousClass: 2 as const }, 2, 3],
    [{ previousClass: 3 as const }, 2, 2],
    [{ previousClass: 4 as const }, 2, 2],
    [{ previousClass: 1 as const, hasAdverseReaction: true }, 3, 2],
    [{ previousClass: 2 as const, hasAdverseReaction: true }, 3, 2],
    [{ previousClass: 3 as const, hasAdverseReaction: true }, 3, 2],
    [{ previousClass: 2 as const, hasAdverseReaction: true, isAdverseHardToControl: true }, 3, 3],
  ])('%j -> class %i step %i', (extra, cls, step) => {
    const r = classifyFollowup({ ...base, ...extra });
    expect(r.classification).toBe(cls);
    expect(r.nextStep).toBe(step);
  });

  // Issue 12 fix 3: hypoglycaemia is an adverse reaction (class 3), never 控制满意.
  const t2dm: ClassificationInput = { disease: 't2dm', visitDate: VISIT, birthDate: bornAged(60), sbp: 130, dbp: 80 };
  it.each([
    [{ fastingGlucose: 4.0 }, 1, 1],
    [{ fastingGlucose: 3.9 }, 3, 4],
    [{ fastingGlucose: 3.8 }, 3, 4],
    [{ fastingGlucose: 5.5, hasHypoglycaemia: true }, 3, 2],
    [{ fastingGlucose: 5.5, hasHypoglycaemia: false }, 1, 1],
    [{ fastingGlucose: 7.2, hasHypoglycaemia: true }, 3, 2],
    [{ fastingGlucose: 5.5, hasHypoglycaemia: true, previousClass: 2 as const }, 3, 2],
  ])('T2DM %j -> class %i step %i', (extra, cls, step) => {
    const r = classifyFollowup({ ...t2dm, ...extra });
    expect(r.classification).toBe(cls);
    expect(r.nextStep).toBe(step);
  });
  it('an HTN form ignores the hypoglycaemia flag', () =>
    expect(classifyFollowup({ ...t2dm, disease: 'htn', hasHypoglycaemia: true, fastingGlucose: 3.5 }).classification).toBe(1));

  it('missing BP on a phone visit: the doctor must choose', () => {
    const r = classifyFollowup({ disease: 'htn', visitDate: VISIT, birthDate: bornAged(55) });
    expect(r).toMatchObject({ classification: null, nextStep: null, nextVisitDate: null, controlled: null });
  });

  it('routine next date clamps to month end and crosses the year', () => {
    const r = classifyFollowup({ disease: 'htn', visitDate: '2023-11-30', birthDate: '1960-01-01', sbp: 120, dbp: 70 });
    expect(r.nextVisitDate).toBe('2024-02-29');
    const r2 = classifyFollowup({ disease: 'htn', visitDate: '2024-12-20', birthDate: '1960-01-01', sbp: 150, dbp: 70 });
    expect(r2.nextVisitDate).toBe('2025-01-03');
    const r3 = classifyFollowup({ disease: 'htn', visitDate: '2024-02-15', birthDate: '1960-01-01', sbp: 150, dbp: 70 });
    expect(r3.nextVisitDate).toBe('2024-02-29');
  });
});

describe('previousFaceToFaceClass', () => {
  const visits: PastVisit[] = [
    { visitDate: '2024-01-10', visitMode: 1, classification: 2 },
    { visitDate: '2024-03-10', visitMode: 3, classification: 1 },
    { visitDate: '2023-12-31', visitMode: 2, classification: 1 },
    { visitDate: '2024-06-15', visitMode: 1, classification: 1 },
  ];
  it.each([
    ['2024-06-15', 2], // the same-day form and the phone visit are skipped
    ['2024-06-16', 1],
    ['2024-01-10', 1], // across the year boundary
    ['2023-12-31', null],
  ] as const)('before %s -> %s', (date, cls) => expect(previousFaceToFaceClass(visits, date)).toBe(cls));
});

describe('applyOverride', () => {
  const proposal = classifyFollowup({ disease: 'htn', visitDate: VISIT, birthDate: bornAged(55), sbp: 150, dbp: 95 });

  it('no override keeps the proposal', () => {
    const r = applyOverride(proposal, VISIT, null);
    expect(r).toMatchObject({ ok: true, value: { classification: 2, nextStep: 2, nextVisitDate: TWO_WEEKS, override: null } });
  });

  it.each([[''], [' '], ['x']])('a change with reason %j is refused', (reason) => {
    const r = applyOverride(proposal, VISIT, { classification: 1, reason });
    expect(r).toEqual({ ok: false, issues: [{ path: 'override.reason', message: 'validation.followup.overrideReasonRequired' }] });
  });

  it('an override that changes nothing needs no reason', () =>
    expect(applyOverride(proposal, VISIT, { classification: 2, reason: '' })).toMatchObject({ ok: true, value: { override: null } }));

  it('changing the step moves the date and schedules the referral check', () => {
    const r = applyOverride(proposal, VISIT, { nextStep: 3, reason: '患者要求转诊' });
    expect(r).toMatchObject({
      ok: true,
      value: { nextStep: 3, nextVisitDate: TWO_WEEKS, referralCheckDue: TWO_WEEKS, proposed: { nextStep: 2 } },
    });
  });

  it('downgrade to routine with an explicit date', () => {
    const r = applyOverride(proposal, VISIT, { classification: 1, nextStep: 1, nextVisitDate: '2024-08-01', reason: '白大衣高血压，家庭自测正常' });
    expect(r).toMatchObject({ ok: true, value: { classification: 1, nextStep: 1, nextVisitDate: '2024-08-01', referralCheckDue: null } });
  });

  it('refuses a next date on or before the visit', () => {
    const r = applyOverride(proposal, VISIT, { nextVisitDate: VISIT, reason: '测试原因' });
    expect(r).toEqual({ ok: false, issues: [{ path: 'nextVisitDate', message: 'validation.followup.nextVisitAfterVisit' }] });
  });
});
