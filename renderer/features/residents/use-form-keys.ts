import { type KeyboardEvent, useEffect, useRef } from 'react';

const FIELD_SELECTOR = 'input:not([type=hidden]):not([disabled]), textarea:not([disabled])';

/** Focusable fields in document order; a radio group counts once (its checked radio, else its first). */
function fieldStops(root: HTMLElement): HTMLElement[] {
  const seenGroups = new Set<string>();
  const out: HTMLElement[] = [];
  for (const el of root.querySelectorAll<HTMLInputElement>(FIELD_SELECTOR)) {
    if (el.offsetParent === null) continue;
    if (el.type === 'radio') {
      const group = el.closest('.ant-radio-group');
      const key = group ? (group.id || String(out.length)) : el.name;
      if (seenGroups.has(key) && group) continue;
      seenGroups.add(key);
      const checked = group?.querySelector<HTMLInputElement>('input[type=radio]:checked');
      out.push(checked ?? el);
      continue;
    }
    out.push(el);
  }
  return out;
}

/**
 * Paper-form keyboard flow for the township's 100+ checks a day (and the 建档 form): Enter moves to the next field
 * (as Tab does, but where the hand already is after typing a number) instead of submitting half a form; Ctrl+S
 * saves. Enter still picks an option in an open drop-down and makes a new line in a text area.
 */
export function useFormKeys(onSave: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  const save = useRef(onSave);
  save.current = onSave;

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === 's' || e.key === 'S')) {
        e.preventDefault();
        save.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onKeyDownCapture = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' || e.ctrlKey || e.altKey || e.metaKey || e.shiftKey || e.nativeEvent.isComposing) return;
    const target = e.target as HTMLInputElement;
    if (target.tagName === 'TEXTAREA' || target.tagName !== 'INPUT') return;
    if (target.getAttribute('role') === 'combobox' && target.getAttribute('aria-expanded') === 'true') return;
    const root = ref.current;
    if (!root) return;
    const stops = fieldStops(root);
    const at = stops.findIndex((el) => el === target || el.closest('.ant-radio-group') === target.closest('.ant-radio-group') && target.type === 'radio');
    const next = stops[at + 1];
    if (!next) return;
    e.preventDefault();
    e.stopPropagation();
    next.focus();
    if (next instanceof HTMLInputElement && next.type !== 'radio' && next.type !== 'checkbox') next.select();
  };

  return { ref, onKeyDownCapture };
}
