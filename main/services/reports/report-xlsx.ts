/**
 * The monthly report as a workbook a county office can file: a title, who made it and when, the counting window
 * and conventions, one row per indicator (numerator, denominator, rate, where the denominator comes from), the
 * per-village sheet and the period's work counts. Labels come from shared/domain/indicators/messages.ts, the same
 * words the screen shows. The identifiable list says on its first row what it contains.
 */
import ExcelJS from 'exceljs';
import type { Report } from '../../../shared/api/reports';
import { denominatorLabel, formatRate, reportMessages, rulesLines, rulesMessages, rulesSource, type IndicatorId } from '../../../shared/domain/indicators';
import type { ResidentDoc } from '../../../shared/schemas/collections';

const zh = reportMessages.zh;
const FONT = 'Noto Sans SC';

function stamp(at: number): string {
  // The filed sheet shows Beijing time, the clinic's zone (DESIGN.md §1), whatever the machine's zone is.
  return new Date(at + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}

function note(f: Report['indicators'][number]): string {
  if (f.reason === 'noDenominator') return zh.reasonNoDenominator;
  if (f.reason === 'denominatorNotEntered') return zh.reasonDenominatorNotEntered;
  return '';
}

function source(f: Report['indicators'][number]): string {
  return f.denominatorSource === 'entered' ? zh.sourceEntered.replace('{{date}}', f.enteredAsOf ?? '—') : zh.sourceRecords;
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { name: FONT, bold: true };
  row.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    c.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
  });
}

export async function reportWorkbook(report: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = report.generatedBy;
  wb.created = new Date(report.generatedAt);
  const ws = wb.addWorksheet('指标', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1 } });
  ws.columns = [{ width: 6 }, { width: 30 }, { width: 26 }, { width: 10 }, { width: 26 }, { width: 10 }, { width: 10 }, { width: 22 }, { width: 30 }];
  ws.mergeCells('A1:I1');
  const title = ws.getCell('A1');
  title.value = `${report.clinic.name} ${zh.title}（${report.period.key}）`;
  title.font = { name: FONT, size: 16, bold: true };
  title.alignment = { horizontal: 'center' };
  const info: [string, string][] = [
    [zh.clinic, `${report.clinic.name}（${report.clinic.code}）`],
    [zh.scope, report.scopeName],
    [zh.period, `${report.periodStart} ~ ${report.periodEnd}`],
    [zh.window, `${report.windowStart} ~ ${report.windowEnd}`],
    [zh.madeBy, report.generatedBy],
    [zh.madeAt, stamp(report.generatedAt)],
    // The 口径 the figures were computed with, and the version (reproducibility: indicators.md §6).
    [rulesMessages.zh.title, `${rulesSource(report.rules, 'zh')}${report.rules.versionId ? `（${report.rules.versionId}）` : ''}`],
    ...rulesLines(report.rules, 'zh').map((line): [string, string] => ['', line]),
  ];
  for (const [k, v] of info) {
    const row = ws.addRow(['', k, v]);
    row.font = { name: FONT };
  }
  ws.addRow([]);
  styleHeader(ws.addRow([zh.no, zh.name, zh.num, '', zh.den, '', zh.rate, zh.source, zh.note]));
  report.indicators.forEach((f, i) => {
    const id = f.id;
    const row = ws.addRow([
      i + 1,
      zh.indicator[id],
      zh.numerator[id],
      f.numerator,
      denominatorLabel(id, report.rules, 'zh'),
      f.denominator ?? '—',
      f.rate === null ? '—' : Number(formatRate(f.rate)),
      source(f),
      note(f),
    ]);
    row.font = { name: FONT };
  });
  ws.addRow([]);
  styleHeader(ws.addRow(['', zh.activity, '']));
  for (const [k, v] of [
    [zh.newRecords, report.activity.newRecords],
    [zh.followups, report.activity.followups],
    [zh.faceToFaceFollowups, report.activity.faceToFaceFollowups],
    [zh.healthChecks, report.activity.healthChecks],
  ] as const) ws.addRow(['', k, v]).font = { name: FONT };
  ws.addRow([]);
  const conv = ws.addRow(['', zh.conventions]);
  conv.font = { name: FONT, size: 9, italic: true };

  const vs = wb.addWorksheet(zh.perVillage, { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1 } });
  const ids = report.indicators.map((f) => f.id);
  vs.columns = [{ width: 16 }, { width: 14 }, ...ids.map(() => ({ width: 14 }))];
  styleHeader(vs.addRow(['村代码', zh.village, ...ids.map((id) => `${zh.indicator[id]}（%）`)]));
  vs.getRow(1).alignment = { wrapText: true, vertical: 'middle' };
  for (const v of report.villages) {
    vs.addRow([v.villageCode, v.villageName, ...v.indicators.map((f) => (f.rate === null ? '—' : Number(formatRate(f.rate))))]).font = { name: FONT };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ResidentsSheet {
  rows: (ResidentDoc & { villageName: string })[];
  indicator: IndicatorId;
  side: 'numerator' | 'denominator' | 'gap';
  periodKey: string;
  generatedAt: number;
  generatedBy: string;
}

export async function residentsWorkbook(s: ResidentsSheet): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = s.generatedBy;
  wb.created = new Date(s.generatedAt);
  const ws = wb.addWorksheet(zh.residentsTitle);
  ws.columns = [{ width: 20 }, { width: 12 }, { width: 6 }, { width: 12 }, { width: 22 }, { width: 14 }, { width: 14 }, { width: 10 }];
  const sideText = s.side === 'numerator' ? zh.sideNumerator : s.side === 'denominator' ? zh.sideDenominator : zh.sideGap;
  ws.addRow([zh.identifiableNote]).font = { name: FONT, bold: true, color: { argb: 'FFB00020' } };
  ws.addRow([`${zh.indicator[s.indicator]} · ${sideText} · ${s.periodKey}`]).font = { name: FONT, bold: true };
  ws.addRow([`${zh.madeBy}: ${s.generatedBy}    ${zh.madeAt}: ${stamp(s.generatedAt)}`]).font = { name: FONT };
  styleHeader(ws.addRow([zh.recordNo, '姓名', zh.sex, zh.birthDate, zh.idNumber, zh.phone, zh.village, zh.status]));
  for (const r of s.rows) {
    ws.addRow([r.recordNo, r.name, r.sex === 1 ? '男' : r.sex === 2 ? '女' : String(r.sex), r.birthDate, r.idNumber, r.phone, r.villageName, r.status]).font = { name: FONT };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
