/**
 * 导入: residents (and their households) from an older system's export. Pure: the column mapping, turning one
 * row's cells into the create form's input (validated afterwards with the form's own schema), and the key that
 * finds duplicates (the 18-character ID number; a 15-digit first-generation number is converted first).
 */
import type { FieldIssue } from '../api/errors';
import { isValidDate } from './dates';
import { convert15To18 } from './id-number';

export const IMPORT_FIELDS = [
  'name',
  'idNumber',
  'sex',
  'birthDate',
  'phone',
  'villageCode',
  'villageName',
  'currentAddress',
  'createdDate',
  'householdKey',
  'relation',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** Column index per field; a field without a column is absent. */
export type ColumnMapping = Partial<Record<ImportField, number>>;

/** Header words older systems use, compared without spaces and brackets. */
const HEADER_WORDS: Record<ImportField, readonly string[]> = {
  name: ['姓名', 'name', '居民姓名'],
  idNumber: ['身份证号', '身份证号码', '证件号码', 'idnumber', '公民身份号码'],
  sex: ['性别', 'sex', 'gender'],
  birthDate: ['出生日期', 'birthdate', '出生年月日'],
  phone: ['联系电话', '电话', '手机', '手机号', '本人电话', 'phone'],
  villageCode: ['村代码', '行政村代码', '村委会代码', 'villagecode', '区划代码'],
  villageName: ['村', '所属村', '村居委会', '行政村', '村名', 'village'],
  currentAddress: ['现住址', '住址', '家庭住址', 'address'],
  createdDate: ['建档日期', 'createddate'],
  householdKey: ['户号', '家庭编号', '户编号', 'household'],
  relation: ['与户主关系', 'relation'],
};

const norm = (s: string) => s.replace(/[\s()（）【】[\]]/g, '').toLowerCase();

/** The mapping a header row suggests; the user corrects it in the mapping step. */
export function suggestMapping(headers: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  headers.forEach((h, i) => {
    const n = norm(h);
    for (const field of IMPORT_FIELDS) {
      if (mapping[field] === undefined && HEADER_WORDS[field].some((w) => norm(w) === n)) {
        mapping[field] = i;
        return;
      }
    }
  });
  return mapping;
}

/** 'YYYY-MM-DD', 'YYYY/M/D', 'YYYY.M.D', 'YYYYMMDD' or 'YYYY年M月D日' → 'YYYY-MM-DD'; anything else unchanged. */
export function normaliseDate(s: string): string {
  const t = s.trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return t;
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

/** '男' / '女' / 1 / 2 / M / F → the form's '1' / '2'; '' when unreadable (the ID number then decides). */
export function normaliseSex(s: string): string {
  const t = s.trim().toUpperCase();
  if (['男', '1', 'M', 'MALE'].includes(t)) return '1';
  if (['女', '2', 'F', 'FEMALE'].includes(t)) return '2';
  if (['0', '未知', '9', '未说明'].includes(t)) return t === '0' || t === '未知' ? '0' : '9';
  return '';
}

const RELATIONS: Record<string, string> = {
  户主: 'head',
  本人: 'head',
  配偶: 'spouse',
  妻: 'spouse',
  夫: 'spouse',
  妻子: 'spouse',
  丈夫: 'spouse',
  子: 'child',
  女: 'child',
  儿子: 'child',
  女儿: 'child',
  子女: 'child',
  儿媳: 'childInLaw',
  女婿: 'childInLaw',
  孙子: 'grandchild',
  孙女: 'grandchild',
  外孙: 'grandchild',
  外孙女: 'grandchild',
  父亲: 'parent',
  母亲: 'parent',
  父母: 'parent',
  公公: 'parentInLaw',
  婆婆: 'parentInLaw',
  岳父: 'parentInLaw',
  岳母: 'parentInLaw',
  祖父: 'grandparent',
  祖母: 'grandparent',
  兄弟姐妹: 'sibling',
  兄: 'sibling',
  弟: 'sibling',
  姐: 'sibling',
  妹: 'sibling',
  其他: 'otherRelative',
  非亲属: 'nonRelative',
};

/** The relation code for 与户主关系 text (the codes themselves pass too); null when unknown. */
export function normaliseRelation(s: string): string | null {
  const t = s.trim();
  if (t === '') return null;
  if (Object.values(RELATIONS).includes(t)) return t;
  return RELATIONS[t] ?? null;
}

/** The duplicate key: the ID number in its 18-character upper-case form, '' when there is none. */
export function idKey(idNumber: string | undefined | null): string {
  const s = (idNumber ?? '').trim().toUpperCase();
  if (s.length === 15) return convert15To18(s) ?? s;
  return s;
}

export interface MappedRow {
  /** The create form's fields, still unvalidated (the service runs the form's schema on them). */
  input: Record<string, unknown>;
  householdKey: string;
  relation: string | null;
  issues: FieldIssue[];
}

/**
 * One row's cells → the create form's input. Village: the code, or the name looked up among the clinic's villages.
 * Sex and birth date may be left out when the ID number carries them. `defaultCreatedDate` is used when the file
 * has no 建档日期 (the import date).
 */
export function mapRow(cells: readonly string[], mapping: ColumnMapping, villagesByName: ReadonlyMap<string, string>, defaultCreatedDate: string): MappedRow {
  const cell = (f: ImportField) => {
    const i = mapping[f];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const issues: FieldIssue[] = [];
  const id18 = idKey(cell('idNumber'));
  let sex = normaliseSex(cell('sex'));
  let birthDate = normaliseDate(cell('birthDate'));
  if (/^\d{17}[\dX]$/.test(id18)) {
    const fromId = `${id18.slice(6, 10)}-${id18.slice(10, 12)}-${id18.slice(12, 14)}`;
    if (birthDate === '' && isValidDate(fromId)) birthDate = fromId;
    if (sex === '') sex = Number(id18[16]) % 2 === 1 ? '1' : '2';
  }
  let villageCode = cell('villageCode');
  if (villageCode === '') {
    const name = cell('villageName');
    villageCode = villagesByName.get(name) ?? '';
    if (name !== '' && villageCode === '') issues.push({ path: 'villageCode', message: 'validation.unknownVillage' });
  }
  const relationText = cell('relation');
  const relation = normaliseRelation(relationText);
  if (relationText !== '' && relation === null) issues.push({ path: 'relation', message: 'validation.invalid' });
  const input: Record<string, unknown> = {
    name: cell('name'),
    sex,
    birthDate,
    createdDate: normaliseDate(cell('createdDate')) || defaultCreatedDate,
    villageCode,
  };
  if (id18) input['idNumber'] = id18;
  if (cell('phone')) input['phone'] = cell('phone');
  if (cell('currentAddress')) input['currentAddress'] = cell('currentAddress');
  return { input, householdKey: cell('householdKey'), relation, issues };
}
