import { describe, expect, it } from 'vitest';
import * as cs from '../../../../shared/domain/code-sets';

const sets = Object.entries(cs as Record<string, unknown>).filter((e): e is [string, cs.CodeSet] => Array.isArray(e[1]));

describe('code sets (records.md)', () => {
  it.each(sets)('%s has unique codes and both labels', (_name, set) => {
    expect(set.length).toBeGreaterThan(0);
    expect(new Set(set.map((c) => c.code)).size).toBe(set.length);
    for (const c of set) {
      expect(c.zh.length).toBeGreaterThan(0);
      expect(c.en.length).toBeGreaterThan(0);
    }
  });

  it('matches spot values of the forms and standards', () => {
    expect(cs.labelOf(cs.sex, '2')).toBe('女');
    expect(cs.labelOf(cs.sex, '9')).toBe('未说明的性别');
    expect(cs.ethnicity).toHaveLength(58);
    expect(cs.labelOf(cs.ethnicity, '01')).toBe('汉族');
    expect(cs.labelOf(cs.ethnicity, '56')).toBe('基诺族');
    expect(cs.labelOf(cs.education, '10')).toBe('不详');
    expect(cs.labelOf(cs.occupation, '0', 'en')).toMatch(/Heads/);
    expect(cs.codesOf(cs.pastDiseases)).toHaveLength(13);
    expect(cs.codesOf(cs.familyHistory)).toHaveLength(12);
    expect(cs.codesOf(cs.symptoms)).toHaveLength(25);
    expect(cs.codesOf(cs.existingProblems.cardiac)).toHaveLength(7);
    expect(cs.labelOf(cs.riskControl, '5')).toBe('减体重');
    expect(cs.labelOf(cs.sex, 'x')).toBeUndefined();
  });

  it.each([
    [[], true],
    [['1'], true],
    [['2', '3'], true],
    [['1', '2'], false],
    [['2', '1'], false],
  ])('exclusiveNone(%o) = %s', (values, ok) => expect(cs.exclusiveNone(values)).toBe(ok));
});
