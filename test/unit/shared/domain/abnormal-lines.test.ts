import { describe, expect, it } from 'vitest';
import { findingLines, findingSlot, mergeAbnormalLines, NO_LINES_WRITTEN, type AbnormalLine } from '../../../../shared/domain/abnormal-lines';
import { judgeHealthCheck, type Finding } from '../../../../shared/domain/health-check-judgement';
import type { HealthCheckDraft } from '../../../../shared/schemas/health-check';

const textOf = (f: Finding) => `${f.key} ${Object.values(f.params ?? {}).join('/')}`;
const bp = (sbp: number, dbp: number): AbnormalLine => ({ slot: 'bp', text: `血压 ${sbp}/${dbp}` });
const glucose = (v: number): AbnormalLine => ({ slot: 'glucose', text: `空腹血糖 ${v}` });

describe('findingSlot: one line per value', () => {
  it.each([
    ['bp.grade1', 'bp'],
    ['bp.grade3', 'bp'],
    ['bmi.obese', 'bmi'],
    ['glucose.ifg', 'glucose'],
    ['lipid.tc', 'lipid'],
    ['lipid.hdlc', 'lipid'],
    ['centralObesity', 'centralObesity'],
    ['exam.ecg', 'exam.ecg'],
    ['exam.chestXray', 'exam.chestXray'],
  ])('%s -> %s', (key, slot) => expect(findingSlot(key)).toBe(slot));
});

describe('findingLines', () => {
  it('the issue’s case, 190/115 and FPG 12.5 in a 65+ check: one line each, in form order', () => {
    const c: HealthCheckDraft = {
      residentId: 'r1' as HealthCheckDraft['residentId'],
      checkDate: '2026-06-15',
      generalCondition: { bpLeft: { sbp: 190, dbp: 115 } },
      auxExams: { fastingGlucose: 12.5 },
    };
    expect(findingLines(judgeHealthCheck(c, '1956-01-01', 1).abnormal, textOf)).toEqual([
      { slot: 'bp', text: 'bp.grade3 190/115' },
      { slot: 'glucose', text: 'glucose.high 12.5' },
    ]);
  });
  it('the lipids share one line, so every finding of a check fits the ten lines the form keeps', () => {
    const c: HealthCheckDraft = {
      residentId: 'r1' as HealthCheckDraft['residentId'],
      checkDate: '2026-06-15',
      generalCondition: { bpLeft: { sbp: 190, dbp: 115 }, height: 160, weight: 90, waist: 110 },
      auxExams: {
        fastingGlucose: 12.5,
        tc: 7,
        tg: 3,
        ldlc: 5,
        hdlc: 0.8,
        ecg: { code: '2', text: 'ST' },
        chestXray: { code: '2' },
        ultrasoundAbdomen: { code: '2' },
        ultrasoundOther: { code: '2' },
        cervicalSmear: { code: '2' },
      },
    };
    const lines = findingLines(judgeHealthCheck(c, '1956-01-01', 2).abnormal, textOf);
    expect(lines).toHaveLength(10);
    expect(lines.find((l) => l.slot === 'lipid')?.text).toBe('lipid.tc 7；lipid.tg 3；lipid.ldlc 5；lipid.hdlc 0.8');
  });
});

describe('mergeAbnormalLines: written for the doctor, then the doctor’s', () => {
  it('writes the findings under what the doctor typed', () => {
    const r = mergeAbnormalLines(['左膝关节疼痛'], NO_LINES_WRITTEN, [bp(190, 115), glucose(12.5)]);
    expect(r.lines).toEqual(['左膝关节疼痛', '血压 190/115', '空腹血糖 12.5']);
    expect(r.state).toEqual({ written: { bp: '血压 190/115', glucose: '空腹血糖 12.5' }, dismissed: [] });
  });

  it('a value typed on replaces its own line in place (19 → 190 mmHg), never adding a second', () => {
    const first = mergeAbnormalLines([], NO_LINES_WRITTEN, [bp(160, 100), glucose(12.5)]);
    const next = mergeAbnormalLines(first.lines, first.state, [bp(190, 115), glucose(12.5)]);
    expect(next.lines).toEqual(['血压 190/115', '空腹血糖 12.5']);
  });

  it('a value that becomes normal takes its line away; the doctor’s own lines stay', () => {
    const first = mergeAbnormalLines(['建议复查血脂'], NO_LINES_WRITTEN, [bp(150, 95), glucose(7.2)]);
    const next = mergeAbnormalLines(first.lines, first.state, [glucose(7.2)]);
    expect(next.lines).toEqual(['建议复查血脂', '空腹血糖 7.2']);
    expect(next.state.written).toEqual({ glucose: '空腹血糖 7.2' });
  });

  it('a line the doctor deleted is not written again while its value stays abnormal', () => {
    const first = mergeAbnormalLines([], NO_LINES_WRITTEN, [bp(150, 95), glucose(7.2)]);
    const deleted = first.lines.filter((l) => !l.startsWith('血压'));
    const next = mergeAbnormalLines(deleted, first.state, [bp(152, 95), glucose(7.2)]);
    expect(next.lines).toEqual(['空腹血糖 7.2']);
    expect(next.state.dismissed).toEqual(['bp']);
    // Normal again, then high again: a new finding, written again.
    const normal = mergeAbnormalLines(next.lines, next.state, [glucose(7.2)]);
    expect(normal.state.dismissed).toEqual([]);
    expect(mergeAbnormalLines(normal.lines, normal.state, [bp(170, 100), glucose(7.2)]).lines).toEqual(['空腹血糖 7.2', '血压 170/100']);
  });

  it('a line the doctor edited stays as edited when the value changes', () => {
    const first = mergeAbnormalLines([], NO_LINES_WRITTEN, [bp(150, 95)]);
    const edited = ['血压 150/95，建议两周后复测'];
    const next = mergeAbnormalLines(edited, first.state, [bp(156, 96)]);
    expect(next.lines).toEqual(edited);
    expect(mergeAbnormalLines(next.lines, next.state, []).lines).toEqual(edited);
  });

  it('a saved draft’s line that matches a finding is taken over, not written twice', () => {
    const r = mergeAbnormalLines(['血压 190/115'], NO_LINES_WRITTEN, [bp(190, 115)]);
    expect(r.lines).toEqual(['血压 190/115']);
    expect(mergeAbnormalLines(r.lines, r.state, [bp(180, 110)]).lines).toEqual(['血压 180/110']);
  });

  it('nothing abnormal, nothing written: the lines are left as they are', () =>
    expect(mergeAbnormalLines(['既往骨折'], NO_LINES_WRITTEN, [])).toEqual({ lines: ['既往骨折'], state: NO_LINES_WRITTEN }));
});
