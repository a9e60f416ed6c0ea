import { describe, expect, it } from 'vitest';
import {
  buildWorklist,
  coveredQuarters,
  quarterCoverage,
  dueStatus,
  nextDueDate,
  patientWorkItems,
  requiredFaceToFace,
  type FollowupSummary,
  type PatientSummary,
} from '../../../../shared/domain/worklist-rules';

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
  followups: [],
  lastHealthCheckDate: '2024-03-01',
  ...extra,
});

const kinds = (p: PatientSummary, today: string) => patientWorkItems(p, today).map((i) => [i.kind, i.status, i.dueDate]);

describe('dueStatus (README §3: due = today ≥ nextDue − 7 d, overdue = today > nextDue)', () => {
  it.each([
    ['2024-03-07', 'upcoming'],
    ['2024-03-08', 'due'],
    ['2024-03-15', 'due'],
    ['2024-03-16', 'overdue'],
  ] as const)('nextDue 2024-03-15, today %s -> %s', (today, status) => expect(dueStatus('2024-03-15', today)).toBe(status));

  it.each([
    ['2024-02-29', '2024-02-21', 'upcoming'],
    ['2024-02-29', '2024-02-22', 'due'],
    ['2024-02-29', '2024-03-01', 'overdue'],
    ['2025-01-03', '2024-12-27', 'due'],
    ['2025-01-03', '2024-12-26', 'upcoming'],
    ['2024-12-31', '2025-01-01', 'overdue'],
  ] as const)('nextDue %s, today %s -> %s (29 Feb and year ends)', (due, today, status) =>
    expect(dueStatus(due, today)).toBe(status));
});

describe('nextDueDate', () => {
  it.each([
    [visit('2024-01-10', { nextVisitDate: '2024-03-01' }), '2024-03-01'],
    [visit('2023-11-30'), '2024-02-29'],
    [visit('2024-12-20', { classification: 2 }), '2025-01-03'],
    [visit('2024-02-15', { classification: 3 }), '2024-02-29'],
    [visit('2024-02-15', { classification: null }), '2024-02-29'],
  ])('%j -> %s', (v, due) => expect(nextDueDate(v)).toBe(due));
});

describe('follow-up line says the next step, not the class (issue 12 fix 2)', () => {
  it.each([
    [1, 1, 'worklist.reason.routineFollowup'],
    [1, 4, 'worklist.reason.urgentReferralFollowup'],
    [2, 3, 'worklist.reason.referralFollowup'],
    [2, 2, 'worklist.reason.recheckFollowup'],
    [3, 2, 'worklist.reason.recheckFollowup'],
    [1, null, 'worklist.reason.routineFollowup'],
    [2, null, 'worklist.reason.recheckFollowup'],
  ] as const)('class %i, next step %s -> %s', (classification, nextStep, reason) => {
    const p = patient({ followups: [visit('2024-03-01', { classification, nextStep, nextVisitDate: '2024-03-15' })] });
    expect(patientWorkItems(p, '2024-03-10').find((i) => i.kind === 'followup')?.reason).toBe(reason);
  });
});

describe('follow-up items', () => {
  it('uses the last face-to-face visit; phone visits and drafts do not reset it', () => {
    const p = patient({
      followups: [
        visit('2024-01-10', { nextVisitDate: '2024-04-10' }),
        visit('2024-04-05', { visitMode: 3, nextVisitDate: '2024-07-05' }),
        visit('2024-04-06', { isCompleted: false, nextVisitDate: '2024-07-06' }),
      ],
    });
    expect(patientWorkItems(p, '2024-04-11')[0]).toMatchObject({ kind: 'followup', status: 'overdue', dueDate: '2024-04-10' });
  });

  it('home visit (mode 2) counts as face-to-face', () => {
    const p = patient({ followups: [visit('2024-04-08', { visitMode: 2 })] });
    expect(kinds(p, '2024-06-11')).toContainEqual(['followup', 'upcoming', '2024-07-08']);
  });

  it('upcoming beyond the horizon is not listed', () => {
    const p = patient({ followups: [visit('2024-04-08')] });
    expect(patientWorkItems(p, '2024-04-09', { upcomingDays: 30 }).some((i) => i.kind === 'followup')).toBe(false);
    expect(patientWorkItems(p, '2024-06-08', { upcomingDays: 30 }).some((i) => i.kind === 'followup')).toBe(true);
  });

  it.each([
    ['2024-05-10', 'due'],
    ['2024-05-24', 'due'],
    ['2024-05-25', 'overdue'],
  ] as const)('new enrolment on 2024-05-10 with no visit, today %s -> %s', (today, status) => {
    const p = patient({ registries: [{ disease: 't2dm', status: 'active', enrolledDate: '2024-05-10' }] });
    expect(patientWorkItems(p, today)[0]).toMatchObject({ kind: 'followup', disease: 't2dm', dueDate: '2024-05-10', status });
  });

  it('a registry enrolled in the future is not listed yet', () => {
    const p = patient({ registries: [{ disease: 'htn', status: 'active', enrolledDate: '2024-05-10' }] });
    expect(patientWorkItems(p, '2024-05-09').filter((i) => i.kind === 'followup')).toEqual([]);
  });

  it.each([['died'], ['movedOut'], ['lostToFollowUp'], ['excluded']] as const)('registry status %s leaves the list', (status) => {
    const p = patient({
      birthDate: '1980-01-01',
      registries: [{ disease: 'htn', status, enrolledDate: '2020-01-01' }],
      referrals: [{ sourceId: 'v1', disease: 'htn', checkDue: '2024-04-01' }],
      lastHealthCheckDate: null,
    });
    expect(patientWorkItems(p, '2024-04-11')).toEqual([]);
  });

  it.each([['died'], ['movedOut']] as const)('resident %s: nothing at all, not even the 65+ check', (residentStatus) =>
    expect(patientWorkItems(patient({ residentStatus, birthDate: '1940-01-01', lastHealthCheckDate: null }), '2024-04-11')).toEqual([]));

  it('two registries give two follow-up lines', () => {
    const p = patient({
      registries: [
        { disease: 'htn', status: 'active', enrolledDate: '2020-01-01' },
        { disease: 't2dm', status: 'active', enrolledDate: '2020-01-01' },
      ],
      followups: [visit('2024-03-01'), visit('2024-03-01', { disease: 't2dm', classification: 2 })],
    });
    const f = patientWorkItems(p, '2024-03-20', { upcomingDays: 90 }).filter((i) => i.kind === 'followup');
    expect(f.map((i) => [i.disease, i.status, i.dueDate])).toEqual([
      ['htn', 'upcoming', '2024-06-01'],
      ['t2dm', 'overdue', '2024-03-15'],
    ]);
  });
});

describe('quarter gap: no face-to-face visit and no planned visit left in the quarter', () => {
  it.each([
    // today, visits, planned next visit of the last one, expected gap status (null = no line)
    ['2024-03-31', [visit('2024-01-01')], null, null],
    ['2024-04-01', [visit('2024-03-31', { nextVisitDate: '2024-06-30' })], 'planned in Q2', null],
    ['2024-06-16', [visit('2024-03-31', { nextVisitDate: '2024-07-05' })], 'planned after Q2', 'upcoming'],
    ['2024-06-17', [visit('2024-03-31', { nextVisitDate: '2024-07-05' })], 'planned after Q2', 'due'],
    ['2024-06-17', [visit('2024-03-31', { nextVisitDate: '2024-06-20' })], 'planned in Q2', null],
    ['2024-06-21', [visit('2024-03-31', { nextVisitDate: '2024-06-20' })], 'planned date passed', 'due'],
    ['2024-06-01', [visit('2024-03-31', { nextVisitDate: '2024-07-05' })], 'upcoming within 30 days', 'upcoming'],
    ['2024-04-01', [visit('2024-04-01')], 'seen', null],
  ] as const)('today %s, %j (%s) -> %s', (today, followups, _note, status) => {
    const g = patientWorkItems(patient({ followups: [...followups] }), today).find((i) => i.kind === 'quarterGap');
    expect(g?.status ?? null).toBe(status);
    if (g) expect(g.dueDate).toBe('2024-06-30');
  });

  it('not shown when enrolled in this quarter (the new-enrolment line says it)', () => {
    const p = patient({ registries: [{ disease: 'htn', status: 'active', enrolledDate: '2024-04-02' }] });
    expect(patientWorkItems(p, '2024-06-20').some((i) => i.kind === 'quarterGap')).toBe(false);
  });
});

describe('required quarters (4, pro-rated by the enrolment quarter)', () => {
  it.each([
    ['2023-12-31', 2024, 4],
    ['2024-01-01', 2024, 4],
    ['2024-03-31', 2024, 4],
    ['2024-04-01', 2024, 3],
    ['2024-02-29', 2024, 4],
    ['2024-07-01', 2024, 2],
    ['2024-12-31', 2024, 1],
    ['2025-01-01', 2024, 0],
  ])('enrolled %s, year %i -> %i', (enrolled, year, n) => expect(requiredFaceToFace(enrolled, year)).toBe(n));

  it('the year counts quarters with a face-to-face visit, not visits; phone visits do not count', () => {
    expect(coveredQuarters('2020-01-01', ['2024-10-05', '2024-10-20', '2024-11-10', '2024-12-01'], 2024, '2024-12-31')).toBe(1);
    expect(coveredQuarters('2020-01-01', ['2024-01-05', '2024-04-05', '2024-07-05', '2024-10-05'], 2024, '2024-12-31')).toBe(4);
    expect(coveredQuarters('2020-01-01', ['2024-01-05', '2024-04-05', '2024-07-05', '2024-10-05'], 2024, '2024-07-04')).toBe(2);
    expect(quarterCoverage('2024-08-01', ['2024-08-01'], 2024).map((q) => [q.quarter, q.isCovered])).toEqual([
      [3, true],
      [4, false],
    ]);
  });
});

/** Dated scenarios of issue 12 §3 (followups.md, README §3): what the list says on a date. */
describe('work-list scenarios', () => {
  const lines = (p: PatientSummary, today: string) =>
    patientWorkItems(p, today)
      .filter((i) => i.kind !== 'healthCheck')
      .map((i) => `${i.kind}:${i.status}:${i.dueDate}${i.kind === 'missedQuarter' ? `:${String(i.params?.['year'])}Q${String(i.params?.['quarter'])}` : ''}`);
  const everyQuarter2025 = ['2025-03-20', '2025-06-20', '2025-09-20'].map((d) => visit(d, { nextVisitDate: '2025-12-20' }));

  it.each([
    [
      'seen 12-25 (controlled) with the next visit booked 03-25: nothing due on 01-02',
      [...everyQuarter2025, visit('2025-12-25', { nextVisitDate: '2026-03-25' })],
      '2026-01-02',
      [],
    ],
    [
      'the same patient on 03-18: the booked visit is due',
      [...everyQuarter2025, visit('2025-12-25', { nextVisitDate: '2026-03-25' })],
      '2026-03-18',
      ['followup:due:2026-03-25'],
    ],
    [
      'the same patient on 03-26: the visit is overdue and Q1 has no planned visit left',
      [...everyQuarter2025, visit('2025-12-25', { nextVisitDate: '2026-03-25' })],
      '2026-03-26',
      ['followup:overdue:2026-03-25', 'quarterGap:due:2026-03-31'],
    ],
    [
      'seen in Q1 only, booked 05-10 and not seen: on 07-01 Q2 is a missed quarter, not replaced by Q3',
      [visit('2026-02-10', { nextVisitDate: '2026-05-10' })],
      '2026-07-01',
      ['followup:overdue:2026-05-10', 'missedQuarter:overdue:2026-06-30:2026Q2'],
    ],
    [
      'four visits in Q4: Q1–Q3 stay missed on 12-31',
      ['2026-10-05', '2026-10-20', '2026-11-10', '2026-12-01'].map((d) => visit(d, { nextVisitDate: '2027-03-01' })),
      '2026-12-31',
      ['missedQuarter:overdue:2026-03-31:2026Q1', 'missedQuarter:overdue:2026-06-30:2026Q2', 'missedQuarter:overdue:2026-09-30:2026Q3'],
    ],
    [
      'Q4 not seen, visit booked 12-10 missed: on 12-31 the gap is due',
      ['2026-03-10', '2026-06-10'].map((d) => visit(d, { nextVisitDate: '2026-09-10' })).concat([visit('2026-09-10', { nextVisitDate: '2026-12-10' })]),
      '2026-12-31',
      ['followup:overdue:2026-12-10', 'quarterGap:due:2026-12-31'],
    ],
    [
      '… and on 01-01 it carries over as last year’s missed Q4 instead of vanishing',
      ['2026-03-10', '2026-06-10'].map((d) => visit(d, { nextVisitDate: '2026-09-10' })).concat([visit('2026-09-10', { nextVisitDate: '2026-12-10' })]),
      '2027-01-01',
      ['followup:overdue:2026-12-10', 'missedQuarter:overdue:2026-12-31:2026Q4'],
    ],
    [
      '… and after Q1 of the new year last year’s quarters leave the list',
      ['2026-03-10', '2026-06-10'].map((d) => visit(d, { nextVisitDate: '2026-09-10' })).concat([visit('2026-09-10', { nextVisitDate: '2026-12-10' })]),
      '2027-04-01',
      ['followup:overdue:2026-12-10', 'missedQuarter:overdue:2027-03-31:2027Q1'],
    ],
  ] as const)('%s', (_label, followups, today, expected) => {
    expect(lines(patient({ followups: [...followups] }), today).sort()).toEqual([...expected].sort());
  });
});

describe('annual health check: a year after the last one, due 30 days before, overdue after', () => {
  const none = { registries: [], followups: [] };
  it.each([
    ['1959-12-31', '2024-12-30', null, null, null], // 64 until the last day of the year
    ['1959-12-31', '2024-12-31', null, 'healthCheckElderlyNever', 'due'],
    ['1959-06-01', '2024-06-01', '2023-12-31', null, null],
    ['1959-06-01', '2024-12-01', '2023-12-31', 'healthCheckElderly', 'due'],
    ['1959-06-01', '2024-12-31', '2023-12-31', 'healthCheckElderly', 'due'],
    ['1959-06-01', '2025-01-01', '2023-12-31', 'healthCheckElderly', 'overdue'],
    ['1959-06-01', '2025-01-02', '2024-12-31', null, null],
    ['1959-02-28', '2024-02-28', null, 'healthCheckElderlyNever', 'due'],
    ['1950-02-28', '2024-02-28', null, 'healthCheckElderlyNever', 'overdue'], // eligible since 2015, never checked
    ['1960-02-29', '2025-02-28', null, null, null], // born 29 Feb: 65 on 1 March in a common year
    ['1960-02-29', '2025-03-01', null, 'healthCheckElderlyNever', 'due'],
  ])('born %s, today %s, last check %s -> %s %s', (birthDate, today, last, reason, status) => {
    const items = patientWorkItems({ residentId: 'r', birthDate, lastHealthCheckDate: last, ...none }, today);
    const check = items.find((i) => i.kind === 'healthCheck');
    expect(check?.reason ?? null).toBe(reason === null ? null : `worklist.reason.${reason}`);
    expect(check?.status ?? null).toBe(status);
  });

  // Issue 16: a never-checked resident is due this year; overdue counts from last year's end at the earliest, never
  // from the year they turned 65 ("overdue since 2009-12-31" read as nonsense), and the line says 从未体检.
  it.each([
    // born, today, due date, status
    ['1944-06-01', '2026-12-07', '2025-12-31', 'overdue'], // 65 in 2009: overdue since last year's end, not 2009-12-31
    ['1960-01-01', '2026-01-01', '2025-12-31', 'overdue'], // turned 65 on 2025-01-01: overdue since 2025-12-31
    ['1960-12-31', '2025-12-31', '2025-12-31', 'due'], // turned 65 today: due by this year's end
    ['1960-12-31', '2026-01-01', '2025-12-31', 'overdue'], // turned 65 last year, the year has turned
    ['1961-01-01', '2026-01-01', '2026-12-31', 'due'], // turned 65 today, 1 January
    ['1961-06-15', '2026-06-15', '2026-12-31', 'due'],
    ['1961-06-15', '2026-12-31', '2026-12-31', 'due'], // the last day of the year they turned 65
  ])('never checked, born %s, today %s: due date %s, %s, 从未体检', (birthDate, today, dueDate, status) => {
    const check = patientWorkItems({ residentId: 'r', birthDate, ...none }, today).find((i) => i.kind === 'healthCheck');
    expect(check).toMatchObject({ dueDate, status, reason: 'worklist.reason.healthCheckElderlyNever', params: {} });
  });

  it.each([
    // enrolled, today, due date, status
    ['2026-03-01', '2026-12-07', '2026-12-31', 'due'], // enrolled this year
    ['2025-12-31', '2026-01-01', '2025-12-31', 'overdue'], // enrolled last year
    ['2012-05-01', '2026-12-07', '2025-12-31', 'overdue'], // enrolled long ago: not overdue since 2012-12-31
  ])('a younger chronic patient never checked, enrolled %s, today %s: due date %s, %s', (enrolledDate, today, dueDate, status) => {
    const p = { residentId: 'r', birthDate: '1980-01-01', registries: [{ disease: 'htn' as const, status: 'active' as const, enrolledDate }], followups: [] };
    const check = patientWorkItems(p, today).find((i) => i.kind === 'healthCheck');
    expect(check).toMatchObject({ dueDate, status, reason: 'worklist.reason.healthCheckChronicNever' });
  });

  it('a resident checked before says when, in the same words', () => {
    const check = patientWorkItems({ residentId: 'r', birthDate: '1944-06-01', lastHealthCheckDate: '2025-03-02', ...none }, '2026-03-05').find((i) => i.kind === 'healthCheck');
    expect(check).toMatchObject({ dueDate: '2026-03-02', status: 'overdue', reason: 'worklist.reason.healthCheckElderly', params: { lastCheckDate: '2025-03-02' } });
  });

  it('a younger HTN patient: a year after the last check', () => {
    const items = patientWorkItems(patient({ lastHealthCheckDate: '2023-11-01' }), '2024-10-05');
    expect(items.find((i) => i.kind === 'healthCheck')).toMatchObject({ status: 'due', dueDate: '2024-11-01', reason: 'worklist.reason.healthCheckChronic' });
  });

  it('a younger resident without a registry is not listed', () =>
    expect(patientWorkItems({ residentId: 'r', birthDate: '1990-01-01', ...none }, '2024-01-02')).toEqual([]));
});

describe('screening lines', () => {
  const resident = (birthDate: string, readings: { date: string; sbp: number; dbp: number }[], history = { htn: false, t2dm: false }): PatientSummary => ({
    residentId: 'r',
    birthDate,
    registries: [],
    followups: [],
    screening: { readings: readings.map((r) => ({ ...r, source: 'measurement' as const })), history },
  });
  it.each([
    ['34, nothing', '1992-01-01', [], []],
    ['40, no BP this year', '1986-01-01', [], ['screening:due:2026-12-31:screenYearlyBp']],
    ['40, 160/100 today', '1986-01-01', [{ date: '2026-06-15', sbp: 160, dbp: 100 }], ['screening:due:2026-06-22:screenRecheck']],
    ['40, 160/100 eight days ago', '1986-01-01', [{ date: '2026-06-07', sbp: 160, dbp: 100 }], ['screening:overdue:2026-06-14:screenRecheck']],
    [
      '40, three high days',
      '1986-01-01',
      [
        { date: '2026-06-01', sbp: 160, dbp: 100 },
        { date: '2026-06-05', sbp: 150, dbp: 95 },
        { date: '2026-06-12', sbp: 148, dbp: 92 },
      ],
      ['screening:due:2026-06-12:screenEnrol'],
    ],
    ['40, normal this year', '1986-01-01', [{ date: '2026-03-01', sbp: 118, dbp: 76 }], []],
  ] as const)('%s', (_label, birthDate, readings, expected) => {
    const items = patientWorkItems(resident(birthDate, [...readings]), '2026-06-15')
      .filter((i) => i.disease === 'htn')
      .map((i) => `${i.kind}:${i.status}:${i.dueDate}:${i.reason.replace('worklist.reason.', '')}`);
    expect(items).toEqual([...expected]);
  });
  it('既往史 prompts enrolment; an active registry stops screening', () => {
    const p = resident('1960-01-01', [], { htn: true, t2dm: false });
    expect(patientWorkItems(p, '2026-06-15').find((i) => i.disease === 'htn' && i.kind === 'screening')?.reason).toBe('worklist.reason.screenHistory');
    const enrolled = { ...p, registries: [{ disease: 'htn' as const, status: 'active' as const, enrolledDate: '2026-01-01' }] };
    expect(patientWorkItems(enrolled, '2026-06-15').some((i) => i.disease === 'htn' && i.kind === 'screening')).toBe(false);
  });
});

describe('referral checks', () => {
  it.each([
    ['2024-03-07', null],
    ['2024-03-08', 'due'],
    ['2024-03-15', 'due'],
    ['2024-03-16', 'overdue'],
  ] as const)('check due 2024-03-15, today %s -> %s', (today, status) => {
    const p = patient({
      followups: [visit('2024-03-01', { classification: 2, nextVisitDate: '2024-03-15' })],
      referrals: [{ sourceId: 'v1', disease: 'htn', checkDue: '2024-03-15' }],
    });
    const ref = patientWorkItems(p, today, { upcomingDays: 0 }).find((i) => i.kind === 'referralCheck');
    expect(ref?.status ?? null).toBe(status);
  });

  it('a checked referral leaves the list', () => {
    const p = patient({ referrals: [{ sourceId: 'v1', disease: 'htn', checkDue: '2024-03-15', checkedDate: '2024-03-10' }] });
    expect(patientWorkItems(p, '2024-03-20').some((i) => i.kind === 'referralCheck')).toBe(false);
  });
});

describe('buildWorklist', () => {
  it('sorts overdue, due, upcoming; then by date and resident', () => {
    const a = patient({ residentId: 'a', followups: [visit('2024-03-01', { nextVisitDate: '2024-03-10' })] });
    const b = patient({ residentId: 'b', followups: [visit('2024-03-01', { nextVisitDate: '2024-03-05' })] });
    const c = patient({ residentId: 'c', followups: [visit('2024-03-01', { nextVisitDate: '2024-03-20' })] });
    const list = buildWorklist([c, a, b], '2024-03-15').filter((i) => i.kind === 'followup');
    expect(list.map((i) => [i.residentId, i.status])).toEqual([
      ['b', 'overdue'],
      ['a', 'overdue'],
      ['c', 'due'],
    ]);
  });
});
