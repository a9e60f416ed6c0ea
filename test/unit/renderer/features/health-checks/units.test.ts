import { describe, expect, it } from 'vitest';
import { BLOCKS, unitText } from '../../../../../renderer/features/health-checks/check-fields';
import { formatValue } from '../../../../../renderer/features/health-checks/format-value';
import { en } from '../../../../../renderer/i18n/en';
import { zhCN } from '../../../../../renderer/i18n/zh-cn';

const fields = BLOCKS.flatMap((b) => b.fields);
const field = (path: string) => {
  const f = fields.find((x) => x.path === path);
  if (!f) throw new Error(path);
  return f;
};

// Issue 16: "/min", "min" and "y" showed in the Chinese 健康体检表.
describe('units of the 健康体检表 speak the UI language', () => {
  it.each([
    ['generalCondition.pulseRate', '次/分', '/min'],
    ['generalCondition.respiratoryRate', '次/分', '/min'],
    ['physicalExam.heartRate', '次/分', '/min'],
    ['lifestyle.exerciseMinutes', '分钟', 'min'],
    ['lifestyle.exerciseYears', '年', 'y'],
    ['generalCondition.temperature', '℃', '℃'],
  ])('%s: %s in Chinese, %s in English', (path, zh, english) => {
    expect(unitText(field(path).unit, 'zh')).toBe(zh);
    expect(unitText(field(path).unit, 'en')).toBe(english);
  });

  it('no Chinese unit is an English word', () => {
    const words = fields.map((f) => unitText(f.unit, 'zh')).filter((u) => /^\/?(min|y|yr|years?|times)$/i.test(u));
    expect(words).toEqual([]);
  });

  it('a printed value carries the Chinese unit', () => {
    expect(formatValue(field('generalCondition.pulseRate'), 72, 'zh')).toBe('72 次/分');
  });
});

describe('time zone shown by name', () => {
  it('Asia/Shanghai is 北京时间 in Chinese', () => {
    expect(zhCN.settings.zoneName['Asia/Shanghai']).toContain('北京时间');
    expect(en.settings.zoneName['Asia/Shanghai']).toContain('UTC+8');
  });
});
