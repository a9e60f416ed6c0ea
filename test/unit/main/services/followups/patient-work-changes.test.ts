/**
 * Issue 10 §4: what the work cache stores for a resident (rows with their group, and the doctors a filter matches)
 * stays the same on every day before `patientWork(...).changesOn`, rows that float with the day apart. Random
 * residents with enrolments, visits, readings, checks, referral checks and contracts, every day checked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addYears, compareDates, type CalendarDate } from '../../../../../shared/domain/dates';
import { workGroup } from '../../../../../shared/domain/worklist-groups';
import { floatsWithToday } from '../../../../../shared/domain/worklist-changes';
import type { ContractLite, EncounterLite, PatientEntry, ResidentLite } from '../../../../../main/services/followups/patient-index';
import { patientWork } from '../../../../../main/services/followups/patient-work';
import { WORK_HORIZON_DAYS } from '../../../../../main/services/followups/work-cache';

const CAP = 400;

function stored(entry: PatientEntry, day: CalendarDate): string {
  const work = patientWork(entry, day, WORK_HORIZON_DAYS);
  const rows = work.rows.map((row) => {
    const floats = floatsWithToday(row);
    if (floats) expect(row.dueDate, `${row.kind} floats with the day`).toBe(day);
    return { ...row, dueDate: floats ? 'day' : row.dueDate, group: workGroup(row, day) };
  });
  return JSON.stringify({ rows, doctors: work.doctors });
}

const dayArb = (from: CalendarDate, days: number) => fc.integer({ min: 0, max: days }).map((n) => addDays(from, n));

const entryArb = dayArb('2024-01-01', 3 * 366).chain((today) => {
  const near = fc.integer({ min: -500, max: 200 }).map((n) => addDays(today, n));
  const type = fc.constantFrom('htn' as const, 't2dm' as const);
  const encounter = fc.oneof(
    fc.record({ d: type, date: near, status: fc.constantFrom('completed', 'completed', 'draft'), excluded: fc.boolean() }).map(
      ({ d, date, status, excluded }): Omit<EncounterLite, 'id'> => ({
        lwt: 1, type: `${d}Enrolment`, date, status: status, amends: '', createdAt: 1, completedAt: 1,
        f: { status: excluded ? 'excluded' : 'active', enrolledDate: date },
      }),
    ),
    fc
      .record({
        d: type, date: near, status: fc.constantFrom('completed', 'completed', 'draft'), visitMode: fc.constantFrom(1, 2, 3),
        classification: fc.constantFrom(1, 2, 3, 4), nextStep: fc.constantFrom(1, 2, 3, 4), next: fc.option(near, { nil: undefined }),
        sbp: fc.integer({ min: 110, max: 170 }), dbp: fc.integer({ min: 70, max: 105 }), referral: fc.option(near, { nil: undefined }),
      })
      .map(({ d, date, status, visitMode, classification, nextStep, next, sbp, dbp, referral }): Omit<EncounterLite, 'id'> => ({
        lwt: 1, type: `${d}Followup`, date, status: status, amends: '', createdAt: 1, completedAt: 1,
        f: { visitMode, classification, nextStep, sbp, dbp, ...(next ? { nextVisitDate: next } : {}), ...(referral ? { referralCheckDue: referral } : {}) },
      })),
    fc.record({ date: near, sbp: fc.integer({ min: 110, max: 170 }), dbp: fc.integer({ min: 70, max: 105 }), g: fc.integer({ min: 45, max: 85 }) }).map(
      ({ date, sbp, dbp, g }): Omit<EncounterLite, 'id'> => ({
        lwt: 1, type: 'measurement', date, status: 'completed', amends: '', createdAt: 1, completedAt: 1, f: { sbp, dbp, fastingGlucose: g / 10 },
      }),
    ),
    fc.record({ date: near, bmi: fc.integer({ min: 18, max: 30 }) }).map(
      ({ date, bmi }): Omit<EncounterLite, 'id'> => ({ lwt: 1, type: 'healthCheck', date, status: 'completed', amends: '', createdAt: 1, completedAt: 1, f: { bmi } }),
    ),
    fc.record({ d: type, date: near, checked: fc.option(near, { nil: undefined }) }).map(
      ({ d, date, checked }): Omit<EncounterLite, 'id'> => ({
        lwt: 1, type: 'referralCheck', date, status: checked ? 'completed' : 'draft', amends: '', createdAt: 1, completedAt: 1,
        f: { sourceId: 'e0', disease: d, dueDate: date, ...(checked ? { checkedDate: checked } : {}) },
      }),
    ),
  );
  const contract = fc
    .record({ start: near, signed: fc.boolean(), terminated: fc.option(near, { nil: null }), renewsPrevious: fc.boolean() })
    .map(({ start, signed, terminated, renewsPrevious }): Omit<ContractLite, 'id' | 'previousContractId'> & { renewsPrevious: boolean } => ({
      lwt: 1, teamId: 't1', startDate: start, endDate: addDays(addYears(start, 1), -1), status: 'active',
      signDate: signed ? start : null, terminatedDate: terminated, doctorId: 'd1', doctorName: '李医生', renewsPrevious,
    }));
  const resident = fc.record({
    birthDate: fc.oneof(
      fc.tuple(fc.constantFrom(7, 35, 40, 55, 65), fc.integer({ min: -30, max: 400 })).map(([age, n]) => addDays(addYears(today, -age), n)),
      dayArb('1925-01-01', 100 * 365),
    ),
    status: fc.constantFrom('active' as const, 'active' as const, 'active' as const, 'died' as const),
    responsibleDoctor: fc.constantFrom('', '王医生'),
    past: fc.subarray(['2', '3']),
    sex: fc.constantFrom('1', '2'),
  });
  return fc.tuple(fc.constant(today), resident, fc.array(encounter, { maxLength: 8 }), fc.array(contract, { maxLength: 3 }));
});

function entryOf(
  r: { birthDate: CalendarDate; status: ResidentLite['status']; responsibleDoctor: string; past: string[]; sex: string },
  encounters: Omit<EncounterLite, 'id'>[],
  contracts: (Omit<ContractLite, 'id' | 'previousContractId'> & { renewsPrevious: boolean })[],
): PatientEntry {
  const resident: ResidentLite = {
    id: 'r1', lwt: 1, name: '刘桂兰', sex: r.sex, birthDate: r.birthDate, phone: '', villageCode: '441521101201', status: r.status,
    responsibleDoctor: r.responsibleDoctor, pastDiseaseCodes: r.past, disabilityCodes: [], flags: {},
  };
  return {
    residentId: 'r1',
    resident,
    encounters: new Map(encounters.map((e, i) => [`e${i}`, { ...e, id: `e${i}` }])),
    contracts: new Map(
      contracts.map(({ renewsPrevious, ...c }, i) => [`c${i}`, { ...c, id: `c${i}`, previousContractId: renewsPrevious && i > 0 ? `c${i - 1}` : '' }]),
    ),
    memo: null,
  };
}

describe('patientWork(...).changesOn: what the cache stores stays the same on every day before it', () => {
  it('holds for random residents with encounters and contracts (every day checked, up to 400 days)', () => {
    fc.assert(
      fc.property(entryArb, ([today, r, encounters, contracts]) => {
        const entry = entryOf(r, encounters, contracts);
        const { changesOn } = patientWork(entry, today, WORK_HORIZON_DAYS);
        if (changesOn !== null) expect(compareDates(changesOn, today)).toBeGreaterThan(0);
        const base = stored(entry, today);
        const end = changesOn === null ? addDays(today, CAP) : changesOn;
        for (let n = 1; n <= CAP; n++) {
          const day = addDays(today, n);
          if (compareDates(day, end) >= 0) break;
          expect(stored(entry, day), `changesOn ${changesOn}, rows differ on ${day}`).toBe(base);
        }
      }),
      { numRuns: 200 },
    );
    // Hundreds of thousands of rule runs: several seconds on a loaded machine.
  }, 60_000);

  it('a contract\'s renewal window opens on its day, and changesOn is not after it', () => {
    const entry = entryOf({ birthDate: '1950-03-01', status: 'active', responsibleDoctor: '', past: [], sex: '2' }, [], [
      { lwt: 1, teamId: 't1', startDate: '2025-07-01', endDate: '2026-06-30', status: 'active', signDate: '2025-07-01', terminatedDate: null, doctorId: 'd1', doctorName: '李医生', renewsPrevious: false },
    ]);
    const kinds = (day: CalendarDate) => patientWork(entry, day, WORK_HORIZON_DAYS).rows.map((row) => `${row.kind}:${row.status}`);
    expect(kinds('2026-05-30')).not.toContain('contractExpiring:due');
    expect(kinds('2026-05-31')).toContain('contractExpiring:due');
    const changesOn = patientWork(entry, '2026-05-20', WORK_HORIZON_DAYS).changesOn;
    expect(changesOn !== null && compareDates(changesOn, '2026-05-31') <= 0).toBe(true);
  });
});
