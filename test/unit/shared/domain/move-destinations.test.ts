import { describe, expect, it } from 'vitest';
import { groupByClinic, placeMatches } from '../../../../shared/domain/move-destinations';
import { placeKeys } from '../../../../shared/domain/pinyin-keys';

const place = (code: string, name: string, clinicCode: string, clinicName: string) => ({ code, name, clinicCode, clinicName, ...placeKeys(name) });
const dahu = place('441521102201', '大湖村', '441521102', '大湖镇卫生院');
const changsha = place('441521103201', '长沙村', '441521103', '公平镇卫生院');

describe('placeKeys', () => {
  it.each([
    ['大湖村', 'dahucun', 'dhc'],
    ['长沙村', 'changshacun', 'csc'],
    ['绿水村', 'lvshuicun', 'lsc'],
    ['新 塘村', 'xintangcun', 'xtc'],
  ])('%s reads %s / %s', (name, pinyin, initials) => expect(placeKeys(name)).toEqual({ pinyin, initials }));
});

describe('placeMatches (the 迁出 picker\'s search)', () => {
  it.each([
    ['', true],
    ['大湖', true],
    ['湖村', true],
    ['dhc', true],
    ['DH', true],
    ['dahu', true],
    ['da hu', true],
    ['hu', false],
    ['hc', false],
    ['大湖镇', true],
    ['4415211022', true],
    ['441521102201', true],
    ['441521103', false],
    ['csc', false],
  ])('大湖村 and %j: %s', (q, hit) => expect(placeMatches(dahu, q)).toBe(hit));
  it('reads ü typed as v or ü', () => {
    const lv = place('441521104201', '绿水村', '441521104', '梅陇镇卫生院');
    expect([placeMatches(lv, 'lvs'), placeMatches(lv, 'lüs')]).toEqual([true, true]);
  });
});

describe('groupByClinic', () => {
  it('groups by clinic in code order, villages in code order', () => {
    const second = place('441521102202', '新塘村', '441521102', '大湖镇卫生院');
    expect(groupByClinic([changsha, second, dahu]).map((g) => [g.clinicName, g.villages.map((v) => v.name)])).toEqual([
      ['大湖镇卫生院', ['大湖村', '新塘村']],
      ['公平镇卫生院', ['长沙村']],
    ]);
  });
});
