import { Input } from 'antd';
import { useEffect, useState } from 'react';
import { readNumberText } from './number-text';

/** What the form holds for a number field: the number, the text as typed when it is not one, or null when empty. */
export type NumberValue = number | string | null;

/**
 * The number box every form uses (follow-ups, health checks). It never rewrites what the doctor typed: no clamping
 * to a range and no dropping of letters. Full-width digits and a decimal comma become ASCII when the field is left,
 * so the change is seen. Whether the value is acceptable is the form's rule (`numberRules`), shown at the field.
 */
export function NumberInput(props: {
  value?: NumberValue;
  onChange?: (value: NumberValue) => void;
  onBlur?: () => void;
  unit?: string;
  id?: string;
  status?: 'error' | 'warning' | '';
  placeholder?: string;
  className?: string;
  'aria-label'?: string;
  'data-testid'?: string;
}) {
  const { value, onChange } = props;
  const [text, setText] = useState(() => (value === null || value === undefined ? '' : String(value)));

  // A value set from outside (a draft loaded, a device reading, a reset) replaces the text unless it already says so.
  useEffect(() => {
    setText((current) => {
      if (value === null || value === undefined) return readNumberText(current).kind === 'empty' ? current : '';
      if (typeof value === 'string') return value;
      const read = readNumberText(current);
      return read.kind === 'number' && read.value === value ? current : String(value);
    });
  }, [value]);

  return (
    <Input
      id={props.id}
      value={text}
      inputMode="decimal"
      autoComplete="off"
      suffix={props.unit}
      status={props.status || undefined}
      placeholder={props.placeholder}
      className={['number-input', props.className].filter(Boolean).join(' ')}
      aria-label={props['aria-label']}
      data-testid={props['data-testid']}
      onChange={(e) => {
        const raw = e.target.value;
        setText(raw);
        const read = readNumberText(raw);
        onChange?.(read.kind === 'empty' ? null : read.kind === 'number' ? read.value : raw);
      }}
      onBlur={() => {
        const read = readNumberText(text);
        if (read.kind === 'number' && read.normalised !== text) setText(read.normalised);
        props.onBlur?.();
      }}
    />
  );
}
