import { describe, expect, it } from 'vitest';
import { MAX_READINGS, nameMatches, nameSearchKeys, normaliseQuery, splitName } from '../../../../shared/domain/pinyin-keys';

describe('nameSearchKeys (DESIGN.md §3)', () => {
  it('indexes full pinyin, initials and the given name', () => {
    expect(nameSearchKeys('王建国')).toEqual({
      name: '王建国',
      surname: '王',
      givenName: '建国',
      fullPinyin: ['wangjianguo'],
      initials: ['wjg'],
      givenFullPinyin: ['jianguo'],
      givenInitials: ['jg'],
    });
  });

  it.each([
    ['曾小明', 'zengxiaoming', 'ceng'],
    ['单田芳', 'shantianfang', 'dan'],
    ['解放', 'xiefang', 'jie'],
  ])('reads the surname of %s in surname mode (%s, never %s…)', (name, full, wrong) => {
    const keys = nameSearchKeys(name);
    expect(keys.fullPinyin).toContain(full);
    expect(keys.fullPinyin.some((k) => k.startsWith(wrong))).toBe(false);
  });

  it('indexes every reading of polyphonic given-name characters', () => {
    const keys = nameSearchKeys('张长乐');
    expect(keys.fullPinyin).toEqual(expect.arrayContaining(['zhangchangle', 'zhangchangyue', 'zhangzhangle']));
    expect(keys.initials).toEqual(expect.arrayContaining(['zcl', 'zcy', 'zzl']));
    expect(keys.givenFullPinyin).toContain('changyue');
  });

  it('caps the reading combinations', () => {
    const keys = nameSearchKeys('乐乐乐乐乐');
    expect(keys.fullPinyin.length).toBeLessThanOrEqual(MAX_READINGS);
    expect(keys.fullPinyin.length).toBeGreaterThan(1);
  });

  it('splits compound surnames', () => {
    expect(splitName('欧阳长乐')).toEqual({ surname: '欧阳', givenName: '长乐' });
    expect(splitName('欧阳')).toEqual({ surname: '欧', givenName: '阳' });
    expect(splitName('张 三')).toEqual({ surname: '张', givenName: '三' });
    expect(splitName('Anna')).toEqual({ surname: '', givenName: 'Anna' });
    expect(nameSearchKeys('欧阳修').initials).toEqual(['oyx']);
  });

  it('writes ü as v and as u', () => {
    expect(nameSearchKeys('吕布').fullPinyin).toEqual(expect.arrayContaining(['lvbu', 'lubu']));
  });
});

describe('nameMatches', () => {
  const keys = nameSearchKeys('王建国');
  it.each([
    ['王', true],
    ['王建', true],
    ['建国', true],
    ['建', true],
    ['国', false],
    ['wang', true],
    ['wangjianguo', true],
    ['wang jian guo', true],
    ['Wang Jian', true],
    ['jianguo', true],
    ['wjg', true],
    ['wj', true],
    ['jg', true],
    ['zs', false],
    ['guo', false],
    ['', false],
  ])('%s → %s', (q, match) => expect(nameMatches(keys, q)).toBe(match));
});

describe('normaliseQuery', () => {
  it.each([
    ['440304200002291236', [['idNumber', '440304200002291236']]],
    ['11010519491231002x', [['idNumber', '11010519491231002X']]],
    ['650101850101000', [['idNumber', '650101198501010004']]],
    ['44030400110100001', [['recordNo', '44030400110100001']]],
    ['13800138000', [['phone', '13800138000']]],
    ['138 0013 8000', [['phone', '13800138000']]],
    ['23800138000', []],
    ['123', []],
    ['1234', [['idSuffix', '1234'], ['phoneSuffix', '1234']]],
    ['12345', [['idSuffix', '12345'], ['recordSuffix', '12345']]],
    ['123456', [['idSuffix', '123456']]],
    ['1234567', []],
    ['002X', [['idSuffix', '002X']]],
    ['1002x', [['idSuffix', '1002X']]],
    ['１２３４', [['idSuffix', '1234'], ['phoneSuffix', '1234']]],
    ['zhang san', [['pinyin', 'zhangsan']]],
    ['ZS', [['pinyin', 'zs']]],
    ['王建国', [['name', '王建国']]],
    [' 建国 ', [['name', '建国']]],
    ['', []],
    ['a1', []],
  ])('%s → %o', (q, expected) =>
    expect(normaliseQuery(q)).toEqual(expected.map(([kind, value]) => ({ kind, value }))),
  );
});
