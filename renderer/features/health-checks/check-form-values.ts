/**
 * The check form's values and the API's `HealthCheckDraft`, both ways. The form differs in three places: dentition
 * is ticked as codes, 异常 lines are one text box, and the self-care items are chosen by level (two levels of 进餐 and
 * 穿衣 both score 0, so the score alone cannot say which box was ticked). Empty inputs become absent fields.
 */
import type { FieldIssue } from '../../../shared/api/errors';
import { numberProblem } from '../../components/number-text';
import { type CheckFindings, checkRange, DBP_RANGE, SBP_RANGE } from '../../../shared/domain/health-check-rules';
import type { HealthCheckDraft } from '../../../shared/schemas/health-check';
import { keepSourcesIn } from '../../../shared/domain/device-sources';
import type { DeviceSources } from '../../../shared/schemas/device-source';
import { SELF_CARE_ITEMS, SELF_CARE_LEVEL_SCORES, type SelfCareItem } from '../../../shared/domain/self-care';
import { ALL_FIELDS, type FieldSpec } from './check-fields';

export type FormValues = Record<string, unknown>;

export function valueAt(obj: unknown, path: string | readonly (string | number)[]): unknown {
  const parts = typeof path === 'string' ? path.split('.') : path;
  let cur: unknown = obj;
  for (const p of parts) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[String(p)];
  }
  return cur;
}

function setAt(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] ?? ''] = value;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/**
 * A number box's value (renderer/components/NumberInput): a number, or the text as typed when it is not one. Text
 * is never dropped silently: it becomes an issue at the field, which refuses the save until it is corrected.
 */
function typedNumber(path: string, raw: unknown, precision: number | undefined, issues: FieldIssue[]): number | undefined {
  if (isEmpty(raw)) return undefined;
  const problem = numberProblem(raw, precision === undefined ? {} : { precision });
  if (problem || typeof raw !== 'number') {
    issues.push({ path, message: problem?.code === 'tooManyDecimals' ? 'validation.tooManyDecimals' : 'validation.notANumber', params: { precision: precision ?? 0 } });
    return undefined;
  }
  return num(raw);
}

function fieldValue(spec: FieldSpec, raw: unknown, issues: FieldIssue[]): unknown {
  switch (spec.kind) {
    case 'number':
    case 'int':
      return typedNumber(spec.path, raw, spec.kind === 'int' ? 0 : spec.precision, issues);
    case 'code':
      return typeof raw === 'string' && raw ? raw : undefined;
    case 'codes': {
      const codes = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
      if (codes.length === 0) return undefined;
      return spec.path === 'organFunction.dentition' ? codes.map((code) => ({ code })) : codes;
    }
    case 'codeText': {
      const code = valueAt(raw, 'code');
      if (typeof code !== 'string' || !code) return undefined;
      const t = text(valueAt(raw, 'text'));
      return t ? { code, text: t } : { code };
    }
    case 'text':
      if (spec.path === 'abnormalities') {
        const lines = typeof raw === 'string' ? raw.split('\n').map((l) => l.trim()).filter(Boolean) : [];
        return lines.length > 0 ? lines : undefined;
      }
      return text(raw);
    case 'bp': {
      const sbp = typedNumber(`${spec.path}.sbp`, valueAt(raw, 'sbp'), 0, issues);
      const dbp = typedNumber(`${spec.path}.dbp`, valueAt(raw, 'dbp'), 0, issues);
      if (sbp === undefined && dbp === undefined) return undefined;
      // A pair is one reading: half of it cannot be saved, so the missing half is asked for next to its box.
      if (sbp === undefined && isEmpty(valueAt(raw, 'sbp'))) issues.push({ path: `${spec.path}.sbp`, message: 'validation.required' });
      if (dbp === undefined && isEmpty(valueAt(raw, 'dbp'))) issues.push({ path: `${spec.path}.dbp`, message: 'validation.required' });
      return sbp !== undefined && dbp !== undefined ? { sbp, dbp } : undefined;
    }
  }
}

function cleanRows<T extends Record<string, unknown>>(rows: unknown, keep: (row: T) => boolean): T[] | undefined {
  if (!Array.isArray(rows)) return undefined;
  const out = rows
    .filter((r): r is T => typeof r === 'object' && r !== null)
    .map((r) => Object.fromEntries(Object.entries(r).flatMap(([k, v]) => (typeof v === 'string' ? (v.trim() ? [[k, v.trim()]] : []) : v == null ? [] : [[k, v]]))) as T)
    .filter(keep);
  return out.length > 0 ? out : undefined;
}

/** The draft to send, and the issues the conversion itself found (half a blood pressure, half a self-care form). */
export function toDraft(values: FormValues, residentId: string): { draft: HealthCheckDraft; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const out: Record<string, unknown> = { residentId, checkDate: text(values['checkDate']) ?? '' };
  const doctor = text(values['responsibleDoctor']);
  if (doctor) out['responsibleDoctor'] = doctor;
  for (const spec of ALL_FIELDS) {
    const v = fieldValue(spec, valueAt(values, spec.path), issues);
    if (v !== undefined) setAt(out, spec.path, v);
  }
  const levels = (values['selfCareLevels'] ?? {}) as Partial<Record<SelfCareItem, number>>;
  const chosen = SELF_CARE_ITEMS.filter((item) => typeof levels[item] === 'number');
  if (chosen.length === SELF_CARE_ITEMS.length) {
    out['selfCare'] = Object.fromEntries(SELF_CARE_ITEMS.map((item) => [item, SELF_CARE_LEVEL_SCORES[item][levels[item] ?? 0]]));
  } else if (chosen.length > 0) {
    for (const item of SELF_CARE_ITEMS.filter((x) => !chosen.includes(x))) issues.push({ path: `selfCare.${item}`, message: 'validation.required' });
  }
  const hosp = cleanRows<Record<string, unknown>>(values['hospitalizations'], (r) => Object.keys(r).some((k) => k !== 'kind'));
  if (hosp) out['hospitalizations'] = hosp.map((r) => ({ kind: 'inpatient', ...r }));
  const meds = cleanRows<Record<string, unknown>>(values['medications'], (r) => typeof r['drugName'] === 'string');
  if (meds) out['medications'] = meds;
  const vacc = cleanRows<Record<string, unknown>>(values['vaccinations'], (r) => typeof r['vaccineName'] === 'string');
  if (vacc) out['vaccinations'] = vacc;
  // Only the device values still as the device gave them: a value typed over one was typed (issue 14 §3).
  const sources = keepSourcesIn(out, values['deviceSources'] as DeviceSources | undefined);
  if (sources) out['deviceSources'] = sources;
  return { draft: out as HealthCheckDraft, issues };
}

/** A saved draft as form values (the reverse of `toDraft`). */
export function fromDraft(d: HealthCheckDraft): FormValues {
  const values = structuredClone(d) as unknown as FormValues;
  const org = values['organFunction'] as Record<string, unknown> | undefined;
  if (org && Array.isArray(org['dentition'])) org['dentition'] = (org['dentition'] as { code: string }[]).map((x) => x.code);
  if (d.abnormalities) values['abnormalities'] = d.abnormalities.join('\n');
  if (d.selfCare) {
    const sc = d.selfCare;
    values['selfCareLevels'] = Object.fromEntries(SELF_CARE_ITEMS.map((item) => [item, Math.max(0, SELF_CARE_LEVEL_SCORES[item].indexOf(sc[item]))]));
    delete values['selfCare'];
  }
  return values;
}

const CODE_TEXT = new Set(ALL_FIELDS.filter((f) => f.kind === 'codeText').map((f) => f.path));
const BP = new Set(ALL_FIELDS.filter((f) => f.kind === 'bp').map((f) => f.path));

/** Where a rule's issue is shown: its field, or null for the self-care block's own message. */
export function fieldNameOf(issuePath: string): (string | number)[] | null {
  const path = issuePath.replace(/^data\./, '');
  if (path === 'selfCare') return null;
  if (path.startsWith('selfCare.')) return ['selfCareLevels', path.slice('selfCare.'.length).split('.')[0] ?? ''];
  if (path === 'generalCondition.bmi') return ['generalCondition', 'weight'];
  if (CODE_TEXT.has(path)) return [...path.split('.'), 'code'];
  if (BP.has(path)) return [...path.split('.'), 'sbp'];
  if (path.startsWith('organFunction.dentition')) return ['organFunction', 'dentition'];
  if (path.startsWith('abnormalities')) return ['abnormalities'];
  return path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Where a refused save scrolls for an issue: its field, or for the self-care block as a whole its first item, so a
 * refused 65+ check shows the block rather than the top of the form (issue 16).
 */
export function scrollNameOf(issuePath: string): (string | number)[] {
  const path = issuePath.replace(/^data\./, '');
  if (path === 'selfCare') return ['selfCareLevels', SELF_CARE_ITEMS[0] ?? ''];
  return fieldNameOf(path) ?? ['checkDate'];
}

/**
 * Half a blood pressure never reaches the draft (a reading is a pair), so the rules would not see a 400 typed into
 * the systolic box until the diastolic is typed too. Range-check each typed half on its own meanwhile.
 */
export function halfPairFindings(values: FormValues): CheckFindings {
  const findings: CheckFindings = { errors: [], warnings: [] };
  for (const spec of ALL_FIELDS.filter((f) => f.kind === 'bp')) {
    const sbp = num(valueAt(values, `${spec.path}.sbp`));
    const dbp = num(valueAt(values, `${spec.path}.dbp`));
    if ((sbp === undefined) === (dbp === undefined)) continue;
    checkRange(`${spec.path}.sbp`, sbp, SBP_RANGE, findings);
    checkRange(`${spec.path}.dbp`, dbp, DBP_RANGE, findings);
  }
  return findings;
}
