import { Checkbox } from 'antd';
import type { CodeItem } from '../../../shared/domain/code-sets';
import { codeOptions, exclusiveNoneChange, useLang } from './code-options';

/** A multi-select of a code set as checkboxes; with `exclusiveNone`, "无" (code 1) excludes the rest. */
export function CodeChecks(props: {
  set: readonly CodeItem[];
  value?: string[];
  onChange?: (v: string[]) => void;
  exclusiveNone?: boolean;
  disabled?: boolean;
  id?: string;
  'aria-label'?: string;
}) {
  const lang = useLang();
  const value = props.value ?? [];
  return (
    <span id={props.id} className="code-checks-wrap">
      <Checkbox.Group
        aria-label={props['aria-label']}
        className="code-checks"
        disabled={props.disabled}
        options={codeOptions(props.set, lang)}
        value={value}
        onChange={(next) => {
          const codes = next.map(String);
          props.onChange?.(props.exclusiveNone ? exclusiveNoneChange(value, codes) : codes);
        }}
      />
    </span>
  );
}
