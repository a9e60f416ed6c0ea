import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FollowupView } from '../../../../../shared/api/followups';
import { printRows, sheetFor, type Translate } from '../../../../../renderer/features/followups/followup-print';
import { resources } from '../../../../../renderer/i18n';

let t: Translate;
beforeAll(async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: resources(), lng: 'zh-CN', interpolation: { escapeValue: false } });
  t = (key, params) => i18n.t(key, params ?? {});
});

const view = (id: string, visitDate: string, form: Record<string, unknown>, disease: 'htn' | 't2dm' = 't2dm', status: 'completed' | 'draft' = 'completed') =>
  ({ id, residentId: 'r', status, visitDate, followup: { disease, form: { visitDate, ...form } }, amendedBy: [] }) as unknown as FollowupView;

const cell = (rows: ReturnType<typeof printRows>, label: string, i = 0) => rows.find((r) => r.label === label)?.cells[i];

describe('随访服务记录表 print rows (issue 12)', () => {
  it('prints the diabetes form: glucose, foot pulse, hypoglycaemia, insulin in 用药情况 and 用药调整意见', () => {
    const rows = printRows(t, 't2dm', [
      view('a', '2026-03-01', {
        visitMode: 1,
        symptoms: [1],
        sbp: 128,
        dbp: 78,
        fastingGlucose: 8.2,
        dorsalisPedis: { result: 2, side: 'left' },
        hypoglycemia: 2,
        classification: 2,
        nextStep: 2,
        medications: [{ drugName: '二甲双胍', timesPerDay: 2, doseMg: 500 }],
        insulin: { kind: '甘精胰岛素', doseUnits: 12, timesPerDay: 1 },
        medAdjustment: [{ drugName: '二甲双胍', timesPerDay: 3, doseMg: 500 }],
        insulinAdjustment: { kind: '甘精胰岛素', doseUnits: 14, timesPerDay: 1, usage: '睡前' },
        nextVisitDate: '2026-03-15',
        doctorSignature: '李医生',
      }),
    ]);
    expect(cell(rows, '随访方式')).toBe('1 门诊');
    expect(cell(rows, '症状')).toBe('1 无症状');
    expect(cell(rows, '血压（mmHg）')).toBe('128/78');
    expect(cell(rows, '空腹血糖值（mmol/L）')).toBe('8.2');
    expect(cell(rows, '足背动脉搏动')).toBe('2 减弱（左侧）');
    expect(cell(rows, '低血糖反应')).toBe('2 偶尔');
    expect(cell(rows, '此次随访分类')).toBe('2 控制不满意');
    expect(cell(rows, '用药情况')).toBe('二甲双胍 每日 2 次 每次 500毫克\n胰岛素 种类：甘精胰岛素；用法和用量：每日 1 次 每次 12 单位');
    expect(cell(rows, '用药调整意见')).toBe('二甲双胍 每日 3 次 每次 500毫克\n胰岛素 种类：甘精胰岛素；用法和用量：每日 1 次 每次 14 单位 睡前');
    // The hypertension-only rows are not on the diabetes form.
    expect(rows.some((r) => r.label.startsWith('心率') || r.label.startsWith('摄盐'))).toBe(false);
    expect(rows.filter((r) => r.group === '体征').map((r) => r.label)).toEqual(['血压（mmHg）', '体重（kg）', '体质指数（kg/m²）', '足背动脉搏动', '其他']);
  });

  it('prints the hypertension form with heart rate and salt, and never insulin', () => {
    const rows = printRows(t, 'htn', [view('h', '2026-03-01', { heartRate: 76, saltIntake: 2, targetSaltIntake: 1, insulin: { kind: '不该出现' } }, 'htn')]);
    expect(cell(rows, '心率（次/分钟）')).toBe('76');
    expect(cell(rows, '摄盐情况（咸淡）')).toBe('中 / 轻');
    expect(rows.some((r) => r.cells.some((c) => c.includes('不该出现')))).toBe(false);
    expect(rows.some((r) => r.label.startsWith('空腹血糖'))).toBe(false);
  });

  it('an empty visit prints blank cells, not "undefined"', () => {
    const rows = printRows(t, 'htn', [view('e', '2026-03-01', {}, 'htn')]);
    expect(rows.filter((r) => r.label !== '随访日期').every((r) => r.cells[0] === '')).toBe(true);
  });

  it.each([
    [1, ['v1', 'v2', 'v3', 'v4']],
    [4, ['v1', 'v2', 'v3', 'v4']],
    [5, ['v5']],
  ])('visit %i of the year is printed on the sheet %j (four visits a sheet, drafts and other years left out)', (n, ids) => {
    const all = [
      view('old', '2025-12-20', {}),
      ...[1, 2, 3, 4, 5].map((i) => view(`v${i}`, `2026-0${i}-10`, {})),
      view('draft', '2026-06-01', {}, 't2dm', 'draft'),
      view('htn', '2026-02-11', {}, 'htn'),
    ];
    const me = all.find((v) => v.id === `v${n}`)!;
    expect(sheetFor(me, all).map((v) => v.id)).toEqual(ids);
  });
});
