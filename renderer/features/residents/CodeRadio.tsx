import { Radio, Select } from 'antd';
import type { CodeItem } from '../../../shared/domain/code-sets';
import { codeOptions, useLang } from './code-options';

/**
 * One code of a set: radio buttons for short sets (arrow keys choose, as on the paper form's tick boxes), a select
 * for long ones. A ticked radio can be unticked with Delete/Backspace, since "not asked" is a valid state.
 */
export function CodeRadio(props: {
  set: readonly CodeItem[];
  value?: string;
  onChange?: (v: string | undefined) => void;
  disabled?: boolean;
  id?: string;
  'aria-label'?: string;
  /** Sets longer than this become a select. */
  maxRadios?: number;
}) {
  const lang = useLang();
  const options = codeOptions(props.set, lang);
  if (props.set.length > (props.maxRadios ?? 6)) {
    return (
      <Select
        id={props.id}
        aria-label={props['aria-label']}
        className="code-select"
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        disabled={props.disabled}
        value={props.value}
        onChange={(v: string | undefined) => props.onChange?.(v)}
        options={options}
      />
    );
  }
  return (
    <span
      className="code-radio-wrap"
      onKeyDown={(e) => {
        if (!props.disabled && (e.key === 'Delete' || e.key === 'Backspace')) props.onChange?.(undefined);
      }}
    >
      <Radio.Group
        id={props.id}
        aria-label={props['aria-label']}
        className="code-radio"
        disabled={props.disabled}
        value={props.value}
        onChange={(e) => props.onChange?.(String(e.target.value))}
        options={options}
      />
    </span>
  );
}
