/**
 * Contract lines of the work list at their deadlines (issue 12 §3, dated scenarios): a contract is listed for
 * renewal 30 days before it ends, turns overdue the day after its end when it was not renewed, stays overdue for
 * the renewal window, and then the resident of a priority group is listed as 未签约, overdue since the lapse.
 */
import { describe, expect, it } from 'vitest';
import type { ContractLite, PatientEntry, ResidentLite } from '../../../../../main/services/followups/patient-index';
import { patientWork } from '../../../../../main/services/followups/patient-work';

const resident: ResidentLite = {
  id: 'r1',
  lwt: 1,
  name: '刘桂兰',
  sex: '2',
  // 70 on every date below: a priority group (65+) for contracting.
  birthDate: '1955-03-01',
  phone: '',
  villageCode: '441521101201',
  status: 'active',
  responsibleDoctor: '李医生',
  pastDiseaseCodes: [],
  disabilityCodes: [],
  flags: {},
};

const contract = (patch: Partial<ContractLite> = {}): ContractLite => ({
  id: 'c1',
  lwt: 1,
  teamId: 't1',
  startDate: '2025-07-01',
  endDate: '2026-06-30',
  status: 'active',
  signDate: '2025-07-01',
  terminatedDate: null,
  doctorId: 'd1',
  doctorName: '李医生',
  previousContractId: '',
  ...patch,
});

const entry = (contracts: ContractLite[]): PatientEntry => ({
  residentId: 'r1',
  resident,
  // A check this year keeps the yearly health-check line out of these scenarios.
  encounters: new Map([['h1', { id: 'h1', lwt: 1, type: 'healthCheck', date: '2026-05-01', status: 'completed', amends: '', createdAt: 1, completedAt: 1, f: {} }]]),
  contracts: new Map(contracts.map((c) => [c.id, c])),
  memo: null,
});

const contractLines = (contracts: ContractLite[], today: string) =>
  patientWork(entry(contracts), today, 30)
    .rows.filter((r) => r.kind === 'contractExpiring' || r.kind === 'noContract')
    .map((r) => `${r.kind}:${r.status}:${r.dueDate}`);

describe('contract lines at their deadlines', () => {
  it.each([
    ['2026-05-30', 'before the renewal window', []],
    ['2026-05-31', 'the window opens 30 days before the end', ['contractExpiring:due:2026-06-30']],
    ['2026-06-30', 'the last day in force', ['contractExpiring:due:2026-06-30']],
    ['2026-07-01', 'the day after the end, not renewed', ['contractExpiring:overdue:2026-06-30']],
    ['2026-07-30', 'still overdue through the window', ['contractExpiring:overdue:2026-06-30']],
    ['2026-07-31', 'after it, a 65+ resident without a contract, overdue since the lapse', ['noContract:overdue:2026-06-30']],
  ])('on %s (%s)', (today, _label, expected) => expect(contractLines([contract()], today)).toEqual(expected));

  it('a renewal signed ahead takes the line away, before and after the end', () => {
    const renewal = contract({ id: 'c2', startDate: '2026-07-01', endDate: '2027-06-30', signDate: '2026-06-10', previousContractId: 'c1' });
    expect(contractLines([contract(), renewal], '2026-06-20')).toEqual([]);
    expect(contractLines([contract(), renewal], '2026-07-01')).toEqual([]);
  });

  it('a 65+ resident never signed is due, not overdue', () => expect(contractLines([], '2026-07-01')).toEqual(['noContract:due:2026-07-01']));
});
