import { describe, expect, it } from 'vitest';
import {
  buildWorklist,
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

describe('quarter gap', () => {
  it.each([
    ['2024-03-31', false, [visit('2024-01-01')]],
    ['2024-04-01', true, [visit('2024-03-31')]], // new quarter, last visit in the previous one
    ['2024-04-01', false, [visit('2024-04-01')]],
    ['2025-01-01', true, [visit('2024-12-31')]],
  ] as const)('today %s -> gap %s', (today, gap, followups) => {
    const items = patientWorkItems(patient({ followups: [...followups] }), today);
    const g = items.find((i) => i.kind === 'quarterGap');
    expect(Boolean(g)).toBe(gap);
    if (g) expect(g.dueDate).toBe(today === '2025-01-01' ? '2025-03-31' : '2024-06-30');
  });

  it('not shown when enrolled in this quarter (the new-enrolment line says it)', () => {
    const p = patient({ registries: [{ disease: 'htn', status: 'active', enrolledDate: '2024-04-02' }] });
    expect(patientWorkItems(p, '2024-04-20').some((i) => i.kind === 'quarterGap')).toBe(false);
  });
});

describe('yearly requirement (≥ 4 face-to-face, pro-rated by remaining quarters)', () => {
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

  const yearly = (p: PatientSummary, today: string) => patientWorkItems(p, today).find((i) => i.kind === 'yearlyRequirement');

  it.each([
    // today, visits this year, status
    ['2024-02-01', [], 'due'],
    ['2024-04-15', ['2024-02-01'], 'due'],
    ['2024-04-15', ['2024-02-01', '2024-04-10'], 'upcoming'],
    ['2024-07-15', ['2024-02-01'], 'overdue'],
    ['2024-12-31', ['2024-02-01', '2024-05-01', '2024-08-01'], 'due'],
  ] as const)('today %s, visits %j -> %s', (today, dates, status) => {
    const p = patient({ followups: dates.map((d) => visit(d, { nextVisitDate: '2030-01-01' })) });
    expect(yearly(p, today)).toMatchObject({ status, dueDate: today.slice(0, 4) + '-12-31', params: { done: dates.length, required: 4 } });
  });

  it('phone visits do not count', () => {
    const p = patient({ followups: ['2024-01-05', '2024-04-05', '2024-07-05', '2024-10-05'].map((d) => visit(d, { visitMode: 3 })) });
    expect(yearly(p, '2024-11-01')).toMatchObject({ params: { done: 0, required: 4 }, status: 'overdue' });
  });

  it('four face-to-face visits meet it', () => {
    const p = patient({ followups: ['2024-01-05', '2024-04-05', '2024-07-05', '2024-10-05'].map((d) => visit(d)) });
    expect(yearly(p, '2024-11-01')).toBeUndefined();
  });

  it('enrolled in Q3 needs 2', () => {
    const p = patient({
      registries: [{ disease: 'htn', status: 'active', enrolledDate: '2024-08-01' }],
      followups: [visit('2024-08-01')],
    });
    expect(yearly(p, '2024-10-02')).toMatchObject({ params: { done: 1, required: 2 }, status: 'due' });
  });
});

describe('annual health check (65+ / HTN / T2DM, last check in a previous year)', () => {
  const none = { registries: [], followups: [] };
  it.each([
    ['1959-12-31', '2024-12-30', null, null], // 64 until the last day of the year
    ['1959-12-31', '2024-12-31', null, 'healthCheckElderly'],
    ['1959-06-01', '2024-06-01', '2023-12-31', 'healthCheckElderly'],
    ['1959-06-01', '2024-06-01', '2024-01-01', null],
    ['1959-06-01', '2025-01-01', '2024-12-31', 'healthCheckElderly'],
    ['1959-02-28', '2024-02-28', null, 'healthCheckElderly'],
    ['1960-02-29', '2025-02-28', null, null], // born 29 Feb: 65 on 1 March in a common year
    ['1960-02-29', '2025-03-01', null, 'healthCheckElderly'],
    ['1960-02-29', '2025-03-01', '2025-02-28', null],
  ])('born %s, today %s, last check %s -> %s', (birthDate, today, last, reason) => {
    const items = patientWorkItems({ residentId: 'r', birthDate, lastHealthCheckDate: last, ...none }, today);
    const check = items.find((i) => i.kind === 'healthCheck');
    expect(check?.reason ?? null).toBe(reason === null ? null : `worklist.reason.${reason}`);
  });

  it('a younger HTN patient without this year’s check', () => {
    const items = patientWorkItems(patient({ lastHealthCheckDate: '2023-11-01' }), '2024-01-02');
    expect(items.find((i) => i.kind === 'healthCheck')).toMatchObject({
      status: 'due',
      dueDate: '2024-12-31',
      reason: 'worklist.reason.healthCheckChronic',
    });
  });

  it('a younger resident without a registry is not listed', () =>
    expect(patientWorkItems({ residentId: 'r', birthDate: '1990-01-01', ...none }, '2024-01-02')).toEqual([]));
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
