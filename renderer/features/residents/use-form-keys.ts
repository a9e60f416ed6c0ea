import { type KeyboardEvent, useEffect, useRef } from 'react';

const FIELD_SELECTOR = 'input:not([type=hidden]):not([disabled]), textarea:not([disabled])';
const GROUP_SELECTOR = '.ant-radio-group, .ant-checkbox-group';

const isChoice = (el: Element): el is HTMLInputElement => el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox');

/** The options of the radio or checkbox group an input belongs to (empty for a tick box of its own). */
function groupOptions(el: HTMLInputElement): HTMLInputElement[] {
  const group = el.closest(GROUP_SELECTOR);
  return group ? Array.from(group.querySelectorAll<HTMLInputElement>('input[type=radio], input[type=checkbox]')).filter((o) => !o.disabled) : [];
}

/**
 * Focusable fields in document order. A radio or checkbox group counts once: its first ticked option, else its
 * first option (for the follow-up and check forms that is the usual answer: 无症状, 规律, 无).
 */
export function fieldStops(root: HTMLElement): HTMLElement[] {
  const seenGroups = new Set<Element>();
  const out: HTMLElement[] = [];
  for (const el of root.querySelectorAll<HTMLInputElement>(FIELD_SELECTOR)) {
    if (el.offsetParent === null) continue;
    const group = isChoice(el) ? el.closest(GROUP_SELECTOR) : null;
    if (group) {
      if (seenGroups.has(group)) continue;
      seenGroups.add(group);
      const options = groupOptions(el);
      out.push(options.find((o) => o.checked) ?? options[0] ?? el);
      continue;
    }
    out.push(el);
  }
  return out;
}

/**
 * Paper-form keyboard flow for the township's 100+ checks a day, the 建档 form and the follow-up form (issue 16):
 * - Enter moves to the next field (as Tab does, but where the hand already is after typing a number) instead of
 *   submitting half a form. On an option of a radio or checkbox group, Enter first ticks it (never unticks: passing
 *   through an answered group changes nothing), so 无症状 ⏎ 规律 ⏎ 无 ⏎ answers three questions in three keys.
 *   A tick box of its own is a yes/no question whose "no" is no tick: Enter passes it, Space ticks it.
 * - ←/→ move between the options of a checkbox group (radio groups do that natively); the digits 1–9 pick the
 *   option with that number, as the paper forms number their answers.
 * - Ctrl+S saves (a draft); Ctrl+Enter submits where the form has a final action (完成随访).
 * Enter still picks an option in an open drop-down and makes a new line in a text area.
 */
export function useFormKeys(onSave: () => void, onSubmit?: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  const save = useRef(onSave);
  save.current = onSave;
  const submit = useRef(onSubmit);
  submit.current = onSubmit;

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      if (e.key === 's' || e.key === 'S') {
        e.preventDefault();
        save.current();
      } else if (e.key === 'Enter' && submit.current) {
        e.preventDefault();
        submit.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onKeyDownCapture = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.altKey || e.metaKey || e.nativeEvent.isComposing) return;
    const target = e.target as HTMLInputElement;
    if (isChoice(target) && chooseByKey(e, target)) return;
    if (e.key !== 'Enter' || e.shiftKey) return;
    if (target.tagName === 'TEXTAREA' || target.tagName !== 'INPUT') return;
    if (target.getAttribute('role') === 'combobox' && target.getAttribute('aria-expanded') === 'true') return;
    const root = ref.current;
    if (!root) return;
    const options = isChoice(target) ? groupOptions(target) : [];
    if (options.length > 0 && !target.checked) target.click();
    const stops = fieldStops(root);
    const at = stops.findIndex((el) => el === target || (options.length > 0 && options.includes(el as HTMLInputElement)));
    e.preventDefault();
    e.stopPropagation();
    const next = stops[at + 1];
    if (!next) return;
    next.focus();
    if (next instanceof HTMLInputElement && next.type !== 'radio' && next.type !== 'checkbox') next.select();
  };

  return { ref, onKeyDownCapture };
}

/** Arrows and digits inside a choice group; true when the key was used. */
function chooseByKey(e: KeyboardEvent<HTMLDivElement>, target: HTMLInputElement): boolean {
  const options = groupOptions(target);
  if (options.length === 0) return false;
  const at = options.indexOf(target);
  if (/^[1-9]$/.test(e.key)) {
    const option = options[Number(e.key) - 1];
    if (!option) return false;
    e.preventDefault();
    option.focus();
    if (option.type === 'radio' ? !option.checked : true) option.click();
    return true;
  }
  // Radio groups move (and select) with the arrows natively; a checkbox group only moves, Space ticks.
  if (target.type !== 'checkbox') return false;
  const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
  if (step === 0) return false;
  e.preventDefault();
  options[(at + step + options.length) % options.length]?.focus();
  return true;
}
