/**
 * Administrative division codes (identifiers.md §3) as used for clinics and villages. Only the structure and the
 * province prefix are checked: the county/township/village lists change yearly and are imported as data, and
 * retired codes must stay valid for old records.
 */

/** GB/T 2260 province-level prefixes (identifiers.md §3). */
export const PROVINCE_CODES: Readonly<Record<string, string>> = {
  '11': '北京', '12': '天津', '13': '河北', '14': '山西', '15': '内蒙古',
  '21': '辽宁', '22': '吉林', '23': '黑龙江',
  '31': '上海', '32': '江苏', '33': '浙江', '34': '安徽', '35': '福建', '36': '江西', '37': '山东',
  '41': '河南', '42': '湖北', '43': '湖南', '44': '广东', '45': '广西', '46': '海南',
  '50': '重庆', '51': '四川', '52': '贵州', '53': '云南', '54': '西藏',
  '61': '陕西', '62': '甘肃', '63': '青海', '64': '宁夏', '65': '新疆',
  '71': '台湾', '81': '香港', '82': '澳门',
};

export function hasKnownProvince(code: string): boolean {
  return /^\d{2}/.test(code) && Object.hasOwn(PROVINCE_CODES, code.slice(0, 2));
}

export type DivisionLevel = 'county' | 'township' | 'village';

/** 6-digit county, 9-digit township or 12-digit village code with a known province prefix. */
export function divisionLevel(code: string): DivisionLevel | null {
  if (!hasKnownProvince(code)) return null;
  if (/^\d{6}$/.test(code)) return 'county';
  if (/^\d{9}$/.test(code)) return 'township';
  if (/^\d{12}$/.test(code)) return 'village';
  return null;
}

/** 村（居）委会 code: 12 digits (county 6 + township 3 + village 3). */
export function isVillageCode(code: string): boolean {
  return divisionLevel(code) === 'village';
}

/**
 * A clinic is a township centre (9-digit township code) or a village clinic (12-digit village code); DESIGN.md §2.
 */
export function isClinicCode(code: string): boolean {
  const level = divisionLevel(code);
  return level === 'township' || level === 'village';
}

export function countyPrefix(code: string): string {
  return code.slice(0, 6);
}

export function townshipPrefix(code: string): string {
  return code.slice(0, 9);
}

/** The 3-digit village segment (positions 10–12), the first part of a record number's last eight. */
export function villageSegment(villageCode: string): string {
  return villageCode.slice(9, 12);
}

/**
 * Whether a village belongs to a clinic's area: a township clinic covers every village of its township, a village
 * clinic only its own village.
 */
export function clinicCoversVillage(clinicCode: string, villageCode: string): boolean {
  if (!isClinicCode(clinicCode) || !isVillageCode(villageCode)) return false;
  return villageCode.startsWith(clinicCode);
}
