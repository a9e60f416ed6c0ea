/**
 * platform/county/facts-decode.ts reads a village's stored records as one JSON array text per collection, with the
 * encoding's positions restated rather than imported (so FACTS_VERSION does not follow the reading). This holds both
 * sides together: the records of a stress township as indicator_facts stores them (facts-record.ts factsRecord),
 * joined as facts.ts clinicRecords joins them, decode to exactly what facts-record.ts decodes each one to.
 */
import { describe, expect, it } from 'vitest';
import { generateTownship } from '../../../main/seed';
import { contractsOf, encountersOf, residentsOf } from '../../../platform/county/facts-decode';
import { decodeContract, decodeEncounter, decodeResident, factsRecord } from '../../../platform/county/facts-record';
import type { ContractDoc } from '../../../shared/schemas/collections';

const NOW = Date.UTC(2026, 5, 15, 4);
const CODE = '441521101';

describe('facts-decode', () => {
  const t = generateTownship({ seed: 'facts-decode', profile: 'stress', residents: 80, clinic: { clinicCode: CODE, clinicName: '测试乡镇', villages: [] }, now: NOW, today: '2026-06-15', user: { id: 't' } });
  const contracts: ContractDoc[] = t.residents.slice(0, 6).map((r, i) => ({
    id: `0190f0e0-0000-7000-9000-${String(i + 1).padStart(12, '0')}`,
    clinicCode: CODE,
    villageCode: r.villageCode,
    residentId: r.id,
    teamId: 'team-1',
    startDate: '2026-01-01',
    endDate: '2026-12-31',
    status: i === 5 ? 'draft' : 'active',
    data: { signDate: '2026-01-01', packageIds: i % 2 === 0 ? ['basic'] : ['basic', 'htn-plus'], populationTags: ['htn'], ...(i === 3 ? { termination: { terminatedDate: '2026-04-01' } } : {}) },
    createdAt: NOW,
    updatedAt: NOW,
  }));
  const stored = (collection: 'residents' | 'encounters' | 'contracts', docs: readonly object[]): string[] =>
    docs.map((d) => factsRecord(collection, JSON.stringify(d), false).record).filter((r) => r !== '');
  const joined = (records: readonly string[]): string => `[${records.join(',')}]`;

  it('decodes every record of a joined text as facts-record.ts decodes it alone', () => {
    const encounters = stored('encounters', [...t.encounters()]);
    const residents = stored('residents', t.residents);
    const contractRecords = stored('contracts', contracts);
    // The township has what the decoding must carry: enrolments, amendments, readings, absent values.
    const decoded = encounters.map(decodeEncounter);
    expect(decoded.filter((e) => e.enrolment !== null).length).toBeGreaterThan(5);
    expect(decoded.filter((e) => e.sbp !== null).length).toBeGreaterThan(5);
    expect(decoded.filter((e) => e.serviceCode === null).length).toBeGreaterThan(5);
    expect(encountersOf(joined(encounters))).toEqual(decoded);
    expect(residentsOf(joined(residents))).toEqual(residents.map(decodeResident));
    expect(contractsOf(joined(contractRecords))).toEqual(contractRecords.map(decodeContract));
    expect(contractRecords).toHaveLength(6);
    expect(encountersOf('[]')).toEqual([]);
  });
});
