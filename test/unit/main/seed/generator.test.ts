import { describe, expect, it } from 'vitest';
import { ageOn } from '../../../../shared/domain/dates';
import { FollowupEvaluation } from '../../../../shared/api/followups';
import { ChronicEnrolment, completedFollowupIssues, HtnFollowup, T2dmFollowup } from '../../../../shared/schemas/followup';
import { checkHealthCheck, computeHealthCheck } from '../../../../shared/domain/health-check-rules';
import { hasValidCheckDigit, parseIdNumber } from '../../../../shared/domain/id-number';
import { FIRST_BLOCK_SIZE, FIRST_DEVICE_BLOCK, initialSerialState, isRecordNo } from '../../../../shared/domain/record-number';
import type { EncounterDoc } from '../../../../shared/schemas/collections';
import { HealthCheckComplete, HealthCheckDraft } from '../../../../shared/schemas/health-check';
import { Household } from '../../../../shared/schemas/household';
import { Resident, residentInputFor } from '../../../../shared/schemas/resident';
import { generateTownship, type GenerateInput, type GeneratedTownship } from '../../../../main/seed/generator';
import { MAX_SEEDED_VILLAGES, planVillages, RESIDENTS_PER_VILLAGE } from '../../../../main/seed/generator';
import { MAX_SEED_RESIDENTS } from '../../../../main/seed';
import { Rng } from '../../../../main/seed/random';
import { checkSerialCapacity, issueRecordNumbers } from '../../../../main/seed/writer';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const TODAY = '2026-03-02';
const CLINIC = {
  clinicCode: '441521101',
  clinicName: '海丰县赤坑镇卫生院',
  villages: [
    { code: '441521101201', name: '东光村' },
    { code: '441521101202', name: '西山村' },
    { code: '441521101203', name: '南坑村' },
  ],
};
const input = (over: Partial<GenerateInput> = {}): GenerateInput => ({
  seed: 'unit',
  profile: 'realistic',
  residents: 3000,
  clinic: CLINIC,
  now: NOW,
  today: TODAY,
  user: { id: 'user-1' },
  ...over,
});
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const realistic = generateTownship(input());
const realisticEncounters = [...realistic.encounters()];
const byResident = new Map<string, EncounterDoc[]>();
for (const e of realisticEncounters) byResident.set(e.residentId, [...(byResident.get(e.residentId) ?? []), e]);
const share = (n: number, of: number) => n / of;

function snapshot(t: GeneratedTownship): string {
  return JSON.stringify({ villages: t.villages, residents: t.residents, households: t.households, encounters: [...t.encounters()] });
}

describe('seed generator: determinism', () => {
  it('gives byte-identical documents for the same seed, size, clinic and clock', () => {
    const a = snapshot(generateTownship(input({ residents: 400 })));
    const b = snapshot(generateTownship(input({ residents: 400 })));
    expect(a).toBe(b);
  });

  it('keeps the ids when only the clock differs (they depend on seed, size and clinic)', () => {
    const later = generateTownship(input({ residents: 400, now: NOW + 86_400_000 * 40, today: '2026-04-11' }));
    const now = generateTownship(input({ residents: 400 }));
    expect(later.residents.map((r) => r.id)).toEqual(now.residents.map((r) => r.id));
    expect(later.residents.map((r) => r.birthDate)).not.toEqual(now.residents.map((r) => r.birthDate));
  });

  it('replays the same encounters on every iteration', () => {
    expect(JSON.stringify([...realistic.encounters()])).toBe(JSON.stringify(realisticEncounters));
  });

  it('gives a different township for another seed', () => {
    const other = generateTownship(input({ residents: 400, seed: 'other' }));
    expect(snapshot(other)).not.toBe(snapshot(generateTownship(input({ residents: 400 }))));
  });

  it('makes UUIDv7-shaped ids, unique and ascending in insertion order', () => {
    for (const docs of [realistic.residents, realistic.households, realisticEncounters] as { id: string }[][]) {
      const ids = docs.map((d) => d.id);
      expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(ids);
    }
  });

  it('puts no timestamp after now and no date of care after today', () => {
    for (const r of realistic.residents) expect(r.createdAt).toBeLessThanOrEqual(NOW);
    for (const e of realisticEncounters) {
      expect(e.createdAt).toBeLessThanOrEqual(NOW);
      expect(e.updatedAt).toBeLessThanOrEqual(NOW);
      // An open referral check is dated on its due day, which may still be ahead (as FollowupsService dates it).
      if (!(e.type === 'referralCheck' && e.status === 'draft')) expect(e.date <= TODAY, `${e.type} ${e.date}`).toBe(true);
    }
  });
});

describe('seed generator: every document passes the schemas and rules (sample of 300 residents)', () => {
  const { recordNos } = issueRecordNumbers(initialSerialState([FIRST_DEVICE_BLOCK]), realistic.residents.map((r) => r.villageCode));
  const sample = realistic.residents.slice(0, 300);

  it('residents pass Resident and ResidentInput with the clinic\'s today', () => {
    sample.forEach((doc, i) => {
      const { data } = doc;
      const stored = {
        ...data,
        id: doc.id,
        clinicCode: doc.clinicCode,
        recordNo: recordNos[i],
        villageCode: doc.villageCode,
        householdId: doc.householdId,
        status: doc.status,
        createdAt: doc.createdAt,
        updatedAt: doc.updatedAt,
      };
      const parsed = Resident.safeParse(stored);
      expect(parsed.success ? [] : parsed.error.issues, doc.name).toEqual([]);
      const form = residentInputFor(TODAY).safeParse({ ...data, householdId: doc.householdId });
      expect(form.success ? [] : form.error.issues, doc.name).toEqual([]);
      expect(doc.idNumber).toBe((data['idNumber'] as string | undefined) ?? '');
    });
  });

  it('health checks are complete, without errors or warnings, with the computed values stored', () => {
    let checked = 0;
    for (const r of sample) {
      for (const e of (byResident.get(r.id) ?? []).filter((x) => x.type === 'healthCheck')) {
        const form = (e.data as { form: HealthCheckDraft }).form;
        expect(HealthCheckDraft.safeParse(form).success).toBe(true);
        expect(HealthCheckComplete.safeParse(form).success).toBe(true);
        const findings = checkHealthCheck(form, { birthDate: r.birthDate, today: TODAY }, 'complete');
        expect(findings, `${r.name} ${e.date}`).toEqual({ errors: [], warnings: [] });
        expect((e.data as { computed: unknown }).computed).toEqual(computeHealthCheck(form, r.birthDate));
        expect(e).toMatchObject({ status: 'completed', residentId: r.id, villageCode: r.villageCode, date: form.checkDate });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('follow-ups are complete forms whose classification is the rules\' proposal; enrolments parse', () => {
    let checked = 0;
    for (const r of sample) {
      for (const e of byResident.get(r.id) ?? []) {
        const form = (e.data as { form: unknown }).form;
        if (e.type === 'htnFollowup' || e.type === 't2dmFollowup') {
          const disease = e.type === 'htnFollowup' ? 'htn' : 't2dm';
          const parsed = (disease === 'htn' ? HtnFollowup : T2dmFollowup).safeParse(form);
          expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
          if (!parsed.success) continue;
          const issues = completedFollowupIssues({ disease, form: parsed.data } as Parameters<typeof completedFollowupIssues>[0], TODAY);
          expect(issues, `${r.name} ${e.date}`).toEqual([]);
          const computed = FollowupEvaluation.parse((e.data as { computed: unknown }).computed);
          expect(computed.proposed).toEqual(parsed.data.proposed);
          expect(computed.proposed.classification).toBe(parsed.data.classification);
          expect(parsed.data.override ?? null).toBeNull();
          expect(computed.urgentReferral).toBe(false);
          checked++;
        }
        if (e.type === 'htnEnrolment' || e.type === 't2dmEnrolment') expect(ChronicEnrolment.safeParse(form).success).toBe(true);
        if (e.type === 'referralCheck') {
          const check = form as { sourceId: string; dueDate: string };
          const source = realisticEncounters.find((x) => x.id === check.sourceId);
          expect((source?.data as { form: { nextStep: number } } | undefined)?.form.nextStep).toBe(3);
          expect(e.date).toBe(check.dueDate);
          expect(e.status).toBe(check.dueDate <= TODAY ? 'completed' : 'draft');
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('households pass Household; heads are members; residents point at their household', () => {
    const residents = new Map(realistic.residents.map((r) => [r.id, r]));
    for (const h of realistic.households) {
      const relations = h.data['relations'] as Record<string, string>;
      const memberIds = Object.keys(relations);
      expect(memberIds.length).toBeGreaterThanOrEqual(1);
      expect(memberIds.length).toBeLessThanOrEqual(6);
      const parsed = Household.safeParse({ ...h, memberIds, relations });
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      expect(relations[h.headResidentId]).toBe('head');
      expect(memberIds.filter((id) => relations[id] === 'head')).toEqual([h.headResidentId]);
      for (const id of memberIds) {
        expect(residents.get(id)?.householdId).toBe(h.id);
        expect(residents.get(id)?.villageCode).toBe(h.villageCode);
      }
    }
    const members = realistic.households.reduce((n, h) => n + Object.keys(h.data['relations'] as object).length, 0);
    expect(members).toBe(realistic.residents.length);
  });
});

describe('seed generator: a realistic township looks like one (3,000 residents)', () => {
  const n = realistic.residents.length;
  const ages = realistic.residents.map((r) => ageOn(r.birthDate, TODAY));
  const registry = (type: EncounterDoc['type']) => new Set(realisticEncounters.filter((e) => e.type === type).map((e) => e.residentId));
  const htn = registry('htnEnrolment');
  const t2dm = registry('t2dmEnrolment');

  it('has exactly the requested residents, in the clinic\'s villages', () => {
    expect(n).toBe(3000);
    const codes = new Set(CLINIC.villages.map((v) => v.code));
    expect(realistic.residents.every((r) => codes.has(r.villageCode))).toBe(true);
    expect(realistic.villagesCreated).toBe(false);
  });

  it('keeps the registries in the national bands: hypertension 10–15 %, diabetes 3–5 %, all aged 35+', () => {
    expect(share(htn.size, n)).toBeGreaterThanOrEqual(0.1);
    expect(share(htn.size, n)).toBeLessThanOrEqual(0.15);
    expect(share(t2dm.size, n)).toBeGreaterThanOrEqual(0.03);
    expect(share(t2dm.size, n)).toBeLessThanOrEqual(0.05);
    expect(realistic.registries).toEqual({ htn: htn.size, t2dm: t2dm.size });
    for (const r of realistic.residents) if (htn.has(r.id) || t2dm.has(r.id)) expect(ageOn(r.birthDate, TODAY)).toBeGreaterThanOrEqual(35);
  });

  it('records hypertension and diabetes on 既往史 exactly for the registry patients', () => {
    for (const r of realistic.residents) {
      const codes = (r.data['pastDiseases'] as { code: string }[]).map((d) => d.code);
      expect(codes.includes('2')).toBe(htn.has(r.id));
      expect(codes.includes('3')).toBe(t2dm.has(r.id));
    }
  });

  it('follows every patient up, quarterly, at most 12 times per registry', () => {
    for (const id of htn) {
      const visits = (byResident.get(id) ?? []).filter((e) => e.type === 'htnFollowup').map((e) => e.date);
      expect(visits.length).toBeGreaterThanOrEqual(1);
      expect(visits.length).toBeLessThanOrEqual(12);
      for (let i = 1; i < visits.length; i++) {
        const gap = (Date.parse(visits[i] as string) - Date.parse(visits[i - 1] as string)) / 86_400_000;
        expect(gap).toBeGreaterThanOrEqual(75);
        expect(gap).toBeLessThanOrEqual(107);
      }
    }
  });

  it('has an ageing pyramid: many 50–79 year-olds, few young adults', () => {
    const band = (lo: number, hi: number) => share(ages.filter((a) => a >= lo && a <= hi).length, n);
    expect(band(50, 79)).toBeGreaterThan(0.3);
    expect(band(20, 39)).toBeLessThan(0.25);
    expect(band(50, 79)).toBeGreaterThan(band(20, 39) * 1.5);
    expect(band(65, 120)).toBeGreaterThan(0.12);
  });

  it('has a balanced sex ratio', () => {
    const male = share(realistic.residents.filter((r) => r.sex === 1).length, n);
    expect(male).toBeGreaterThan(0.45);
    expect(male).toBeLessThan(0.56);
  });

  it('gives valid, unique ID numbers on the clinic\'s county code; about 2 % are children without one', () => {
    const withId = realistic.residents.filter((r) => r.idNumber);
    expect(new Set(withId.map((r) => r.idNumber)).size).toBe(withId.length);
    for (const r of withId) {
      expect(hasValidCheckDigit(r.idNumber)).toBe(true);
      const parsed = parseIdNumber(r.idNumber, TODAY);
      expect(parsed).toMatchObject({ ok: true, birthDate: r.birthDate, sex: r.sex, addressCode: '441521' });
    }
    const without = realistic.residents.filter((r) => !r.idNumber);
    expect(share(without.length, n)).toBeGreaterThan(0.01);
    expect(share(without.length, n)).toBeLessThan(0.04);
    for (const r of without) expect(ageOn(r.birthDate, TODAY)).toBeLessThan(16);
  });

  it('has phones for most adults and mostly 汉族', () => {
    const adults = realistic.residents.filter((r) => ageOn(r.birthDate, TODAY) >= 18);
    expect(share(adults.filter((r) => r.phone).length, adults.length)).toBeGreaterThan(0.75);
    expect(realistic.residents.filter((r) => ageOn(r.birthDate, TODAY) < 18).every((r) => r.phone === '')).toBe(true);
    expect(share(realistic.residents.filter((r) => r.data['ethnicity'] === '01').length, n)).toBeGreaterThan(0.9);
  });

  it('has past health checks for most residents aged 65+, one a year for up to three years', () => {
    const elderly = realistic.residents.filter((r) => ageOn(r.birthDate, TODAY) >= 65);
    const checked = elderly.filter((r) => (byResident.get(r.id) ?? []).some((e) => e.type === 'healthCheck'));
    expect(share(checked.length, elderly.length)).toBeGreaterThan(0.8);
    for (const r of elderly) {
      const years = (byResident.get(r.id) ?? []).filter((e) => e.type === 'healthCheck').map((e) => e.date);
      expect(years.length).toBeLessThanOrEqual(3);
    }
  });

  it('includes the names search must handle: polyphonic surnames and a character outside the BMP', () => {
    const big = generateTownship(input({ residents: 20_000, seed: 'names' })).residents.map((r) => r.name);
    for (const surname of ['曾', '单', '解']) expect(big.some((name) => name.startsWith(surname))).toBe(true);
    expect(big.some((name) => /[\u{10000}-\u{10FFFF}]/u.test(name))).toBe(true);
  });
});

describe('seed generator: the stress profile', () => {
  it('manages half the residents with 12 quarterly follow-ups each and makes one check per resident', () => {
    const t = generateTownship(input({ profile: 'stress', residents: 2000 }));
    const counts: Record<string, number> = {};
    const perPatient = new Map<string, number>();
    let referrals = 0;
    for (const e of t.encounters()) {
      counts[e.type] = (counts[e.type] ?? 0) + 1;
      if (e.type.endsWith('Followup')) perPatient.set(e.residentId, (perPatient.get(e.residentId) ?? 0) + 1);
      if (e.type.endsWith('Followup') && (e.data as { form: { nextStep: number } }).form.nextStep === 3) referrals++;
    }
    expect(t.residents.length).toBe(2000);
    const { referralCheck, ...rest } = counts;
    expect(rest).toEqual({ htnEnrolment: 750, t2dmEnrolment: 250, htnFollowup: 9000, t2dmFollowup: 3000, healthCheck: 2000 });
    expect(referralCheck).toBe(referrals);
    expect(perPatient.size).toBe(1000);
    expect([...perPatient.values()].every((v) => v === 12)).toBe(true);
    expect(t.registries).toEqual({ htn: 750, t2dm: 250 });
  });
});

describe('seed: villages and record numbers', () => {
  it('creates 6–10 villages under a township code that has none, and uses a village clinic\'s own code', () => {
    const { villages, created } = planVillages(new Rng('v'), { clinicCode: '441521101', clinicName: 'x', villages: [] });
    expect(created).toBe(true);
    expect(villages.length).toBeGreaterThanOrEqual(6);
    expect(villages.length).toBeLessThanOrEqual(10);
    villages.forEach((v, i) => expect(v.code).toBe(`4415211012${String(i + 1).padStart(2, '0')}`));
    expect(new Set(villages.map((v) => v.name)).size).toBe(villages.length);
    expect(planVillages(new Rng('v'), { clinicCode: '441521101201', clinicName: 'x', villages: [] }).villages.map((v) => v.code)).toEqual([
      '441521101201',
    ]);
  });

  it('issues unique numbers per village from the device block, continuing from the cursor', () => {
    const first = issueRecordNumbers(initialSerialState([FIRST_DEVICE_BLOCK]), ['441521101201', '441521101202', '441521101201']);
    expect(first.recordNos).toEqual(['44152110120100001', '44152110120200001', '44152110120100002']);
    const next = issueRecordNumbers(first.state, ['441521101201']);
    expect(next.recordNos).toEqual(['44152110120100003']);
    expect(first.recordNos.every(isRecordNo)).toBe(true);
  });

  it('refuses before writing when a village would need more serials than the block has left', () => {
    const state = initialSerialState([{ start: 1, end: 3 }]);
    const residents = Array.from({ length: 4 }, () => ({ villageCode: '441521101201' }));
    expect(() => checkSerialCapacity(state, residents)).toThrow(expect.objectContaining({ code: 'RECORD_NUMBERS_EXHAUSTED' }));
    expect(() => checkSerialCapacity(state, residents.slice(0, 3))).not.toThrow();
    expect(() => issueRecordNumbers(state, residents.map((r) => r.villageCode))).toThrow(expect.objectContaining({ code: 'RECORD_NUMBERS_EXHAUSTED' }));
  });
});

describe('seed: villages scale with the township (issue 10 §4: 200,000 residents ran out of record numbers)', () => {
  const township = { clinicCode: '441521101', clinicName: 'x', villages: [] };
  const count = (residents: number) => planVillages(new Rng('v'), township, residents).villages.length;

  it('keeps 6–10 villages, exactly as before, up to 6 × RESIDENTS_PER_VILLAGE residents', () => {
    for (const n of [1, 3000, 24_000]) expect(planVillages(new Rng('v'), township, n)).toEqual(planVillages(new Rng('v'), township));
  });

  it.each([
    [24_001, 7],
    [30_000, 8],
    [100_000, 25],
    [199_999, 50],
    [200_000, 50],
  ])('%i residents get at least %i villages', (residents, atLeast) => {
    expect(count(residents)).toBeGreaterThanOrEqual(atLeast);
    expect(count(residents)).toBeLessThanOrEqual(Math.max(10, atLeast));
  });

  it('gives the maximum township 50 villages with distinct codes 201–250 and distinct names', () => {
    const { villages } = planVillages(new Rng('v'), township, MAX_SEED_RESIDENTS);
    expect(villages.map((v) => v.code)).toEqual(Array.from({ length: 50 }, (_, i) => `4415211012${String(i + 1).padStart(2, '0')}`));
    expect(new Set(villages.map((v) => v.name)).size).toBe(50);
    expect(villages.every((v) => /村$/.test(v.name))).toBe(true);
  });

  it('even with the most uneven weights (one village 1.4, all others 0.6) no village needs more than a block', () => {
    for (let residents = 1_000; residents <= MAX_SEED_RESIDENTS; residents += 1_000) {
      const villages = Math.max(6, Math.ceil(residents / RESIDENTS_PER_VILLAGE));
      expect(villages).toBeLessThanOrEqual(MAX_SEEDED_VILLAGES);
      const heaviest = (residents * 1.4) / (1.4 + 0.6 * (villages - 1));
      // 5 % to spare for the household-by-household draw around the expected share.
      expect(heaviest * 1.05, `${residents} residents`).toBeLessThan(FIRST_BLOCK_SIZE);
    }
  });

  it('a township past the old range fits every village\'s block, counted per village before any document is made', () => {
    const t = generateTownship(input({ residents: 24_001, clinic: township }));
    expect(t.villages.length).toBeGreaterThanOrEqual(7);
    expect([...t.residentsPerVillage.values()].reduce((a, b) => a + b, 0)).toBe(24_001);
    expect(() => checkSerialCapacity(initialSerialState([FIRST_DEVICE_BLOCK]), t.residentsPerVillage)).not.toThrow();
  });
});

describe('seed: the township streams', () => {
  it('families() yields the same documents, in the same order, as the materialised lists, every time', () => {
    const t = generateTownship(input({ residents: 300 }));
    const families = [...t.families()];
    expect(families.map((f) => f.household)).toEqual(t.households);
    expect(families.flatMap((f) => f.residents)).toEqual(t.residents);
    expect(JSON.stringify([...t.families()])).toBe(JSON.stringify(families));
    expect(t.residentCount).toBe(300);
    expect(t.householdCount).toBe(t.households.length);
  });

  it('every encounter points at a generated resident in that resident\'s village', () => {
    const t = generateTownship(input({ residents: 300 }));
    const village = new Map(t.residents.map((r) => [r.id, r.villageCode]));
    const encounters = [...t.encounters()];
    expect(encounters.length).toBeGreaterThan(0);
    for (const e of encounters) expect(village.get(e.residentId)).toBe(e.villageCode);
  });
});
