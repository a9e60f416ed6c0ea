/**
 * The one rule set for numbers typed into any form (issue 16: "input is never changed silently"). Text typed with a
 * Chinese input method is accepted as the doctor meant it (full-width digits １５０, the full-width or ideographic
 * full stop ．。 and a decimal comma 36,5 all read as ASCII), and the field then shows the normalised digits. Anything
 * else stays exactly as typed and is reported with the allowed range; nothing is clamped or dropped. Pure, so the
 * rules are table-tested without a browser.
 */

export interface NumberLimits {
  min?: number;
  max?: number;
  /** Decimal places allowed; 0 for whole numbers. */
  precision?: number;
}

export type NumberText =
  | { kind: 'empty' }
  | { kind: 'number'; value: number; normalised: string }
  | { kind: 'malformed'; text: string };

const FULL_WIDTH_DIGIT = /[\uff10-\uff19]/g;

/** Full-width digits, signs and decimal marks to ASCII; spaces (also full-width) dropped. */
export function toAsciiNumber(text: string): string {
  return text
    .replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[\s\u3000]/g, '')
    .replace(/[\uff0e\u3002\uff0c,]/g, '.')
    .replace(/[\uff0d\u2212]/g, '-')
    .replace(/\uff0b/g, '+');
}

/** What a field's text means: empty, a number (and the text it is shown as), or malformed (kept as typed). */
export function readNumberText(text: string): NumberText {
  const ascii = toAsciiNumber(text);
  if (ascii === '') return { kind: 'empty' };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(ascii)) return { kind: 'malformed', text };
  const value = Number(ascii);
  if (!Number.isFinite(value)) return { kind: 'malformed', text };
  return { kind: 'number', value, normalised: String(value) };
}

export type NumberProblem =
  | { code: 'malformed' }
  | { code: 'belowMin' | 'aboveMax' | 'outOfRange' }
  | { code: 'tooManyDecimals'; precision: number };

function decimals(value: number): number {
  const s = String(value);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * Why a field's value is not acceptable, or null. The value is what the input hands the form: a number, the text as
 * typed when it is not one, or empty.
 */
export function numberProblem(value: unknown, limits: NumberLimits): NumberProblem | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') {
    const read = readNumberText(value);
    if (read.kind === 'empty') return null;
    if (read.kind === 'malformed') return { code: 'malformed' };
    return numberProblem(read.value, limits);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return { code: 'malformed' };
  const { min, max, precision } = limits;
  const low = min !== undefined && value < min;
  const high = max !== undefined && value > max;
  if (low || high) return { code: min !== undefined && max !== undefined ? 'outOfRange' : low ? 'belowMin' : 'aboveMax' };
  if (precision !== undefined && decimals(value) > precision) return { code: 'tooManyDecimals', precision };
  return null;
}
