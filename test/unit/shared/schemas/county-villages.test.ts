import { describe, expect, it } from 'vitest';
import { CountyVillages, withClinicVillages, type CountyVillage } from '../../../../shared/schemas/county-villages';

const A = { code: '441521101', name: '赤坑镇卫生院', villages: [{ code: '441521101201', name: '东光村' }, { code: '441521101202', name: '西山村' }] };
const B = { code: '441521102', name: '大湖镇卫生院', villages: [{ code: '441521102201', name: '大湖村' }] };

describe('withClinicVillages (the county list after a clinic\'s villages are set)', () => {
  it('adds a new clinic\'s villages from today, sorted by clinic then village', () => {
    const one = withClinicVillages([], B, '2026-03-01');
    const two = withClinicVillages(one, A, '2026-03-02');
    expect(two.map((v) => [v.clinicCode, v.code, v.validFrom])).toEqual([
      ['441521101', '441521101201', '2026-03-02'],
      ['441521101', '441521101202', '2026-03-02'],
      ['441521102', '441521102201', '2026-03-01'],
    ]);
  });

  it('replaces only that clinic\'s entries: a kept village keeps its date, a removed one leaves, a renamed one takes the new name', () => {
    const start = withClinicVillages(withClinicVillages([], A, '2026-01-01'), B, '2026-01-01');
    const next = withClinicVillages(start, { ...A, name: '赤坑镇中心卫生院', villages: [{ code: '441521101201', name: '东光新村' }, { code: '441521101203', name: '南岭村' }] }, '2026-04-01');
    expect(next.map((v): Partial<CountyVillage> => ({ code: v.code, name: v.name, clinicName: v.clinicName, validFrom: v.validFrom }))).toEqual([
      { code: '441521101201', name: '东光新村', clinicName: '赤坑镇中心卫生院', validFrom: '2026-01-01' },
      { code: '441521101203', name: '南岭村', clinicName: '赤坑镇中心卫生院', validFrom: '2026-04-01' },
      { code: '441521102201', name: '大湖村', clinicName: '大湖镇卫生院', validFrom: '2026-01-01' },
    ]);
  });

  it('a clinic set to no villages leaves the list', () => {
    const start = withClinicVillages(withClinicVillages([], A, '2026-01-01'), B, '2026-01-01');
    expect(withClinicVillages(start, { ...B, villages: [] }, '2026-02-01').map((v) => v.clinicCode)).toEqual(['441521101', '441521101']);
  });
});

describe('CountyVillages (what a device accepts as the list)', () => {
  const good = { villages: withClinicVillages([], A, '2026-01-01'), issuedAt: 1 };
  it('accepts the platform\'s list', () => expect(CountyVillages.safeParse(good).success).toBe(true));
  it.each([
    ['an 11-digit village code', { code: '44152110120' }],
    ['a 13-digit village code', { code: '4415211012011' }],
    ['an empty name', { name: '' }],
    ['a clinic code of 10 digits', { clinicCode: '4415211012' }],
    ['an impossible date', { validFrom: '2026-02-30' }],
  ])('refuses %s', (_what, over) => {
    expect(CountyVillages.safeParse({ ...good, villages: [{ ...good.villages[0], ...over }] }).success).toBe(false);
  });
  it('accepts a 12-digit (village clinic) clinic code', () => {
    expect(CountyVillages.safeParse({ ...good, villages: [{ ...good.villages[0], clinicCode: '441521101201' }] }).success).toBe(true);
  });
});
