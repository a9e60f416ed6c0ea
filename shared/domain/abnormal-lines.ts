/**
 * 健康评价 异常 lines written for the doctor (issue 12 §2): the check's abnormal findings become lines of the 异常 box
 * as the values are typed, and stay the doctor's to edit. One line per slot (a BP that moves from grade 2 to grade 3
 * replaces its line, the four lipids share one), so the box never holds two lines for one value and at most ten
 * (the schema's limit) come from findings. A line the doctor changed or deleted is theirs: it is never rewritten
 * or added again while that value stays abnormal.
 */
import type { Finding } from './health-check-judgement';

export interface AbnormalLine {
  slot: string;
  text: string;
}

/** What the doctor has not taken over: the text last written per slot, and the slots whose line was changed. */
export interface AbnormalLinesState {
  written: Readonly<Record<string, string>>;
  dismissed: readonly string[];
}

export const NO_LINES_WRITTEN: AbnormalLinesState = { written: {}, dismissed: [] };

/** The slot a finding's line fills: the BP, BMI, glucose and lipid findings each share one. */
export function findingSlot(key: string): string {
  const head = key.split('.')[0] ?? key;
  return ['bp', 'bmi', 'glucose', 'lipid'].includes(head) ? head : key;
}

/** The lines the findings ask for, in the findings' order; findings sharing a slot are joined into its line. */
export function findingLines(findings: readonly Finding[], textOf: (f: Finding) => string): AbnormalLine[] {
  const out: AbnormalLine[] = [];
  for (const f of findings) {
    const slot = findingSlot(f.key);
    const text = textOf(f).trim();
    const line = out.find((l) => l.slot === slot);
    if (line) line.text = `${line.text}；${text}`;
    else out.push({ slot, text });
  }
  return out;
}

/**
 * The 异常 lines after the findings changed. `lines` are the box's lines as they are now (the doctor's edits
 * included), `state` what this function wrote before. A written line still in the box is replaced in place or,
 * when its value became normal, removed; one no longer in the box was changed by the doctor and its slot is left
 * alone until its value is normal again. A finding's line already in the box (a saved draft) is taken over as is.
 */
export function mergeAbnormalLines(
  lines: readonly string[],
  state: AbnormalLinesState,
  wanted: readonly AbnormalLine[],
): { lines: string[]; state: AbnormalLinesState } {
  const out = [...lines];
  const written: Record<string, string> = {};
  const dismissed = new Set(state.dismissed);
  const want = new Map(wanted.map((l) => [l.slot, l.text]));
  for (const [slot, old] of Object.entries(state.written)) {
    const at = out.indexOf(old);
    const text = want.get(slot);
    if (at < 0) {
      dismissed.add(slot);
    } else if (text === undefined) {
      out.splice(at, 1);
    } else {
      out[at] = text;
      written[slot] = text;
    }
  }
  for (const { slot, text } of wanted) {
    if (written[slot] !== undefined || dismissed.has(slot)) continue;
    if (!out.includes(text)) out.push(text);
    written[slot] = text;
  }
  // A value that became normal frees its slot: if it turns abnormal again, its line is written again.
  const stillDismissed = [...dismissed].filter((slot) => want.has(slot));
  return { lines: out, state: { written, dismissed: stillDismissed } };
}
