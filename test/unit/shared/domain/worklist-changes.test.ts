/**
 * Issue 10 §4: `workChangesOn` is never late. For random patients and random days, the rows (with their 工作台 group)
 * on every day before the date it returns equal the rows on `today`, rows that float with the day apart; and at each
 * rule's threshold the rows really change there and the date is not after it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addYears, compareDates, daysBetween, type CalendarDate } from '../../../../shared/domain/dates';
import { workGroup } from '../../../../shared/domain/worklist-groups';
import { floatsWithToday, workChangesOn } from '../../../../shared/domain/worklist-changes';
import { patientWorkItems, type FollowupSummary, type PatientSummary } from '../../../../shared/domain/worklist-rules';

const HORIZON = 120;
/** Days checked after `today` at most. */
const CAP = 400;

/** The rows as the cache stores them: each with its group; a floating row's due date is "the day". */
function stored(p: PatientSummary, day: CalendarDate): string {
  return JSON.stringify(
    patientWorkItems(p, day, { upcomingDays: HORIZON }).map((item) => {
      const floats = floatsWithToday(item);
      if (floats) expect(item.dueDate, `${item.kind} floats with the day`).toBe(day);
      return { ...item, dueDate: floats ? 'day' : item.dueDate, group: workGroup(item, day) };
    }),
  );
}

/** The first day after `today` whose rows differ from today's (null: none within CAP days). */
function firstChange(p: PatientSummary, today: CalendarDate): CalendarDate | null {
  const base = stored(p, today);
  for (let n = 1; n <= CAP; n++) {
    const day = addDays(today, n);
    if (stored(p, day) !== base) return day;
  }
  return null;
}

const dayArb = (from: CalendarDate, days: number) => fc.integer({ min: 0, max: days }).map((n) => addDays(from, n));
const offsetArb = fc.integer({ min: -500, max: 200 });
const disease = fc.constantFrom('htn' as const, 't2dm' as const);

/** A random patient whose dates lie around `today`, so every rule's threshold is reached now and then. */
const patientArb = dayArb('2024-01-01', 3 * 366).chain((today) => {
  const near = offsetArb.map((n) => addDays(today, n));
  const followup = fc.record({
    disease,
    visitDate: near,
    visitMode: fc.constantFrom(1 as const, 2 as const, 3 as const),
    classification: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, null),
    nextStep: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, null),
    nextVisitDate: fc.option(near, { nil: null }),
    isCompleted: fc.boolean(),
  }) satisfies fc.Arbitrary<FollowupSummary>;
  const reading = fc.record({
    date: near,
    sbp: fc.option(fc.integer({ min: 100, max: 180 }), { nil: null }),
    dbp: fc.option(fc.integer({ min: 60, max: 110 }), { nil: null }),
    fastingGlucose: fc.option(fc.integer({ min: 40, max: 90 }).map((g) => g / 10), { nil: null }),
    source: fc.constantFrom('healthCheck' as const, 'measurement' as const, 'followup' as const),
  });
  const patient = fc.record({
    residentId: fc.constant('r1'),
    // Ages around every threshold (7, 35, 40, 55, 65) within the year ahead, and anything else.
    birthDate: fc.oneof(
      fc.tuple(fc.constantFrom(7, 35, 40, 55, 65), fc.integer({ min: -30, max: 400 })).map(([age, n]) => addDays(addYears(today, -age), n)),
      dayArb('1925-01-01', 100 * 365),
    ),
    residentStatus: fc.constantFrom('active' as const, 'active' as const, 'active' as const, 'died' as const),
    registries: fc.array(
      fc.record({ disease, status: fc.constantFrom('active' as const, 'active' as const, 'excluded' as const), enrolledDate: near }),
      { maxLength: 2 },
    ),
    followups: fc.array(followup, { maxLength: 6 }),
    referrals: fc.array(
      fc.record({ sourceId: fc.constant('f1'), disease, checkDue: near, checkedDate: fc.option(near, { nil: null }) }),
      { maxLength: 2 },
    ),
    lastHealthCheckDate: fc.option(near, { nil: null }),
    screening: fc.option(
      fc.record({
        readings: fc.array(reading, { maxLength: 5 }),
        history: fc.record({ htn: fc.boolean(), t2dm: fc.boolean() }),
        risk: fc.record({
          bmi: fc.option(fc.integer({ min: 18, max: 30 }), { nil: null }),
          waistCm: fc.option(fc.integer({ min: 70, max: 100 }), { nil: null }),
          sex: fc.constantFrom(1, 2, null),
          familyHistoryHtn: fc.boolean(),
          familyHistoryT2dm: fc.boolean(),
        }),
      }),
      { nil: undefined },
    ),
  });
  return fc.tuple(fc.constant(today), patient);
});

describe('workChangesOn: the rows stay the same on every day before it', () => {
  it('holds for random patients and days (every day checked, up to 400 days)', () => {
    let later = 0;
    fc.assert(
      fc.property(patientArb, ([today, raw]) => {
        const p: PatientSummary = { ...raw, ...(raw.screening === undefined ? { screening: undefined } : {}) };
        const changes = workChangesOn(p, today, HORIZON);
        if (changes !== null) expect(compareDates(changes, today)).toBeGreaterThan(0);
        const first = firstChange(p, today);
        if (first !== null) {
          expect(changes, `rows change on ${first}`).not.toBeNull();
          expect(compareDates(changes ?? first, first), `said ${changes}, rows change on ${first}`).toBeLessThanOrEqual(0);
        }
        if (changes !== null && daysBetween(today, changes) > 7) later++;
      }),
      { numRuns: 400 },
    );
    // Not trivially "tomorrow": most patients keep their rows for more than a week.
    expect(later).toBeGreaterThan(100);
    // Some 100,000 rule runs: several seconds on a loaded machine.
  }, 60_000);
});

const visit = (visitDate: string, extra: Partial<FollowupSummary> = {}): FollowupSummary => ({
  disease: 'htn',
  visitDate,
  visitMode: 1,
  classification: 1,
  isCompleted: true,
  ...extra,
});

const patient = (extra: Partial<PatientSummary> = {}): PatientSummary => ({
  residentId: 'r1',
  birthDate: '1970-05-05',
  registries: [{ disease: 'htn', status: 'active', enrolledDate: '2020-01-10' }],
  followups: [visit('2026-04-02')],
  lastHealthCheckDate: '2026-03-01',
  ...extra,
});

describe('workChangesOn at each threshold: the rows change on that day, and the date is not after it', () => {
  it.each<[string, PatientSummary, CalendarDate, CalendarDate]>([
    // Routine visit 2026-04-02 + 3 months: due 2026-07-02.
    [
      'a follow-up enters the horizon 120 days ahead',
      patient({ followups: [visit('2026-01-15', { nextVisitDate: '2026-07-02' })], lastHealthCheckDate: '2026-01-20' }),
      '2026-02-20',
      '2026-03-04',
    ],
    ['a follow-up turns due 7 days ahead', patient({ lastHealthCheckDate: '2026-05-01' }), '2026-06-20', '2026-06-25'],
    ['a follow-up turns overdue the day after', patient({ lastHealthCheckDate: '2026-05-01' }), '2026-07-01', '2026-07-03'],
    ['a visit dated ahead counts from its date', patient({ followups: [visit('2026-04-02'), visit('2026-05-10')], lastHealthCheckDate: '2026-05-01' }), '2026-05-01', '2026-05-10'],
    [
      'a new enrolment turns overdue after 14 days',
      patient({ registries: [{ disease: 'htn', status: 'active', enrolledDate: '2026-05-04' }], followups: [], lastHealthCheckDate: '2026-05-01' }),
      '2026-05-10',
      '2026-05-19',
    ],
    ['an enrolment dated ahead starts on its date', patient({ registries: [{ disease: 't2dm', status: 'active', enrolledDate: '2026-05-20' }], followups: [] }), '2026-05-10', '2026-05-20'],
    ['a new quarter: the unvisited one is missed', patient({ followups: [visit('2026-01-10', { nextVisitDate: '2026-08-01' })] }), '2026-06-10', '2026-06-17'],
    ['the 65th birthday brings the yearly check', patient({ birthDate: '1961-07-09', registries: [], followups: [], lastHealthCheckDate: null }), '2026-06-01', '2026-07-09'],
    ['a yearly check turns due 30 days before its deadline', patient({ registries: [], birthDate: '1950-01-01', followups: [], lastHealthCheckDate: '2025-08-01' }), '2026-06-01', '2026-07-02'],
    ['a yearly check turns overdue after its deadline', patient({ registries: [], birthDate: '1950-01-01', followups: [], lastHealthCheckDate: '2025-08-01' }), '2026-07-30', '2026-08-02'],
    [
      'the 35th birthday starts screening',
      patient({ birthDate: '1991-08-15', registries: [], followups: [], lastHealthCheckDate: null, screening: { readings: [], history: { htn: false, t2dm: false } } }),
      '2026-06-01',
      '2026-08-15',
    ],
    [
      'a referral check turns overdue the day after',
      patient({ referrals: [{ sourceId: 'f1', disease: 'htn', checkDue: '2026-05-16' }], lastHealthCheckDate: '2026-05-01' }),
      '2026-05-15',
      '2026-05-17',
    ],
  ])('%s', (_name, p, today, changesAt) => {
    expect(firstChange(p, today)).toBe(changesAt);
    const said = workChangesOn(p, today, HORIZON);
    expect(said).not.toBeNull();
    expect(compareDates(said ?? changesAt, changesAt)).toBeLessThanOrEqual(0);
  });

  it('a dead resident never changes; a 既往史 prompt floats with the day and does not bring the date forward', () => {
    expect(workChangesOn(patient({ residentStatus: 'died' }), '2026-05-10', HORIZON)).toBeNull();
    const prompt = patient({
      birthDate: '1970-05-05',
      registries: [],
      followups: [],
      lastHealthCheckDate: null,
      screening: { readings: [], history: { htn: true, t2dm: false } },
    });
    const rows = patientWorkItems(prompt, '2026-05-10', { upcomingDays: HORIZON });
    expect(rows.filter(floatsWithToday).map((r) => r.dueDate)).toEqual(['2026-05-10', '2026-05-10']);
    // Under 65, not enrolled, both prompts float: nothing counts by the year, so the next change is the 65th birthday.
    expect(workChangesOn(prompt, '2026-05-10', HORIZON)).toBe('2035-05-05');
  });
});

describe('1 January changes only the rows that count by the year', () => {
  const screening = (readings: { date: string; sbp: number; dbp: number }[]) => ({
    readings: readings.map((r) => ({ ...r, source: 'measurement' as const })),
    history: { htn: false, t2dm: false },
  });
  /** Not enrolled, under 65, never due for a check: only screening can count by the year. */
  const adult = (extra: Partial<PatientSummary>) => patient({ birthDate: '1980-03-03', registries: [], followups: [], lastHealthCheckDate: null, ...extra });

  it.each<[string, PatientSummary, CalendarDate, CalendarDate]>([
    [
      'an enrolled patient not seen this quarter: the gap becomes a missed quarter',
      patient({ followups: [visit('2026-08-10', { nextVisitDate: '2027-02-10' })], lastHealthCheckDate: '2026-05-01' }),
      '2026-12-26',
      '2027-01-01',
    ],
    ['65+ never checked: due by 31 December, overdue from 1 January', patient({ birthDate: '1950-01-01', registries: [], followups: [], lastHealthCheckDate: null }), '2026-12-28', '2027-01-01'],
    ['a yearly BP not taken this year moves to next 31 December', adult({ screening: screening([{ date: '2025-06-01', sbp: 120, dbp: 75 }]) }), '2026-12-26', '2027-01-01'],
    ['a yearly BP taken this year is due again on 1 January', adult({ screening: screening([{ date: '2026-06-01', sbp: 120, dbp: 75 }]) }), '2026-12-31', '2027-01-01'],
  ])('%s', (_name, p, today, changesAt) => {
    expect(firstChange(p, today)).toBe(changesAt);
    expect(workChangesOn(p, today, HORIZON)).toBe(changesAt);
  });

  it.each<[string, PatientSummary]>([
    ['65+ with a check in June (its deadline decides, not the year)', patient({ birthDate: '1950-01-01', registries: [], followups: [], lastHealthCheckDate: '2026-06-15' })],
    ['a child (no screening, no check)', adult({ birthDate: '2020-02-02', screening: screening([]) })],
    ['35–54 at high risk, measured in October (six months on decides)', adult({ screening: screening([{ date: '2026-10-20', sbp: 132, dbp: 80 }]) })],
    ['a 既往史 prompt that floats with the day', adult({ screening: { readings: [], history: { htn: true, t2dm: false } } })],
    ['an enrolment ended (excluded)', patient({ birthDate: '1980-03-03', registries: [{ disease: 'htn', status: 'excluded', enrolledDate: '2020-01-10' }], lastHealthCheckDate: null })],
  ])('not due on 1 January: %s', (_name, p) => {
    for (const today of ['2026-12-30', '2026-12-31'] as const) {
      const said = workChangesOn(p, today, HORIZON);
      expect(said === null || compareDates(said, '2027-01-01') > 0, `said ${said}`).toBe(true);
      // …and rightly so: the rows on 1 January and 2 January are those of 31 December.
      expect(stored(p, '2027-01-01')).toBe(stored(p, today));
      expect(stored(p, '2027-01-02')).toBe(stored(p, today));
    }
  });

  it('holds for random patients on the last days of a year (every day checked into the new year)', () => {
    const decemberArb = patientArb.chain(([, raw]) => dayArb('2025-12-01', 30).map((today) => [today, raw] as const));
    fc.assert(
      fc.property(decemberArb, ([today, raw]) => {
        const p: PatientSummary = { ...raw, ...(raw.screening === undefined ? { screening: undefined } : {}) };
        const first = firstChange(p, today);
        const changes = workChangesOn(p, today, HORIZON);
        if (first !== null) expect(compareDates(changes ?? first, first), `said ${changes}, rows change on ${first}`).toBeLessThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
