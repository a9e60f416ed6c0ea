/** The first sheet of an .xlsx, or a .csv, as rows of trimmed strings (dates as 'YYYY-MM-DD'). */
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { AppError } from '../../../shared/api/errors';

export const MAX_IMPORT_ROWS = 20_000;

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText(v.result);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    return '';
  }
  return String(v);
}

export async function parseTable(fileName: string, bytes: Buffer): Promise<string[][]> {
  let rows: string[][];
  if (/\.csv$/i.test(fileName)) {
    // Older systems export GBK as often as UTF-8; a BOM or valid UTF-8 decides, otherwise GB18030.
    let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (text.includes('\uFFFD')) text = new TextDecoder('gb18030').decode(bytes);
    rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' }).data;
  } else if (/\.xlsx$/i.test(fileName)) {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch {
      throw new AppError('VALIDATION_FAILED', { fileName }, 'not an xlsx file', [{ path: 'file', message: 'validation.invalid' }]);
    }
    const ws = wb.worksheets[0];
    rows = [];
    ws?.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let i = 1; i <= row.cellCount; i += 1) cells.push(cellText(row.getCell(i).value).trim());
      rows.push(cells);
    });
  } else {
    throw new AppError('NOT_SUPPORTED', { fileName });
  }
  if (rows.length - 1 > MAX_IMPORT_ROWS) throw new AppError('VALIDATION_FAILED', { rows: rows.length }, 'too many rows', [{ path: 'file', message: 'validation.invalid' }]);
  return rows.map((r) => r.map((c) => String(c).trim()));
}
