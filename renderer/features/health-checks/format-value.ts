import type { Lang } from '../residents/code-options';
import { codeLabel } from '../residents/code-options';
import { unitText, type FieldSpec } from './check-fields';

/** A stored value as one line of text (last year's value beside this year's field, and the printed check). */
export function formatValue(spec: FieldSpec, v: unknown, lang: Lang): string {
  if (v === undefined || v === null || v === '') return '';
  switch (spec.kind) {
    case 'number':
    case 'int':
      return typeof v === 'number' ? `${v}${spec.unit ? ` ${unitText(spec.unit, lang)}` : ''}` : '';
    case 'bp': {
      const bp = v as { sbp?: number; dbp?: number };
      return bp.sbp !== undefined && bp.dbp !== undefined ? `${bp.sbp}/${bp.dbp} mmHg` : '';
    }
    case 'code':
      return typeof v === 'string' && spec.set ? codeLabel(spec.set, v, lang) : '';
    case 'codes': {
      if (!Array.isArray(v) || !spec.set) return '';
      const set = spec.set;
      return v.map((x: unknown) => codeLabel(set, typeof x === 'string' ? x : String((x as { code?: string }).code ?? ''), lang)).join('、');
    }
    case 'codeText': {
      const ct = v as { code?: string; text?: string };
      if (!ct.code || !spec.set) return '';
      return [codeLabel(spec.set, ct.code, lang), ct.text].filter(Boolean).join(' ');
    }
    case 'text':
      return Array.isArray(v) ? v.join('；') : typeof v === 'string' ? v : '';
  }
}
