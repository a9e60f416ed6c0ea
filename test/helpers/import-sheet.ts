/**
 * The older system's export the import tests read (issue 15 item 7): 2,000 rows with 50 bad rows (wrong check digit,
 * unknown village, no name, a future 建档日期, an impossible birth date) and 30 duplicates of residents already on file
 * (10 written as 15-digit numbers, half with a new phone number). The integration test and the e2e share it.
 */
import ExcelJS from 'exceljs';
import { formatDate } from '../../shared/domain/dates';
import { idCheckDigit } from '../../shared/domain/id-number';

export const HEADERS = ['户号', '与户主关系', '姓名', '性别', '出生日期', '身份证号', '联系电话', '所属村', '现住址', '建档日期'];
export const ROWS = 2000;
export const BAD = 50;
export const DUPLICATES = 30;

export function person(n: number) {
  const birth = formatDate(1940 + (n % 60), 1 + (n % 12), 1 + (n % 28));
  const seq = String(100 + (n % 900)).padStart(3, '0');
  const first17 = `441521${birth.replaceAll('-', '')}${seq}`;
  const id = first17 + (idCheckDigit(first17) ?? '');
  return { birth, id, sex: Number(seq[2]) % 2 === 1 ? '男' : '女', name: `居民${n}` };
}

/** The 15-digit first-generation form of an 18-digit number born in the 1900s. */
const to15 = (id18: string) => id18.slice(0, 6) + id18.slice(8, 17);

export interface Built {
  rows: string[][];
  bad: number[];
  duplicates: number[];
  households: number;
}

export function build(existing: { n: number }[]): Built {
  const rows: string[][] = [];
  const bad: number[] = [];
  const duplicates: number[] = [];
  let households = 0;
  const dupSet = new Map(existing.map((e, i) => [e.n, i]));
  for (let n = 0; n < ROWS; n += 1) {
    const p = person(n);
    const household = Math.floor(n / 4);
    const relation = n % 4 === 0 ? '户主' : n % 4 === 1 ? '配偶' : '子';
    const row = [`H${household}`, relation, p.name, p.sex, p.birth, p.id, `1390000${String(n).padStart(4, '0')}`, '东光村', `东光村${household}号`, '2024-05-01'];
    const d = dupSet.get(n);
    if (d !== undefined) {
      duplicates.push(n + 2);
      if (d < 10) row[5] = to15(p.id);
      // Half of them come with a new phone number: those are updates, the rest unchanged.
      if (d % 2 === 0) row[6] = `1370000${String(n).padStart(4, '0')}`;
    } else if (n % 40 === 7 && bad.length < BAD) {
      bad.push(n + 2);
      switch (bad.length % 5) {
        case 0:
          row[5] = p.id.slice(0, 17) + (p.id[17] === '0' ? '1' : '0');
          break;
        case 1:
          row[7] = '不存在村';
          break;
        case 2:
          row[2] = '';
          break;
        case 3:
          row[9] = '2999-01-01';
          break;
        default:
          row[4] = '1990-02-30';
          row[5] = '';
          break;
      }
    }
    rows.push(row);
  }
  for (let h = 0; h * 4 < ROWS; h += 1) {
    const headRow = h * 4 + 2;
    if (!bad.includes(headRow) && !duplicates.includes(headRow)) households += 1;
  }
  return { rows, bad, duplicates, households };
}

export async function xlsx(rows: string[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('居民');
  ws.addRow(HEADERS);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}


/** The rows already on file that the sheet repeats, spread through it (all born before 2000, so a 15-digit form exists). */
export const EXISTING = Array.from({ length: DUPLICATES }, (_v, i) => ({ n: 13 + i * 61 }));

/** What `residents.create` takes for an existing row. */
export function existingInput(n: number, villageCode: string) {
  const p = person(n);
  return { name: p.name, createdDate: '2025-01-01', sex: p.sex === '男' ? '1' : '2', birthDate: p.birth, idNumber: p.id, phone: `1390000${String(n).padStart(4, '0')}`, villageCode, currentAddress: `东光村${Math.floor(n / 4)}号` };
}
