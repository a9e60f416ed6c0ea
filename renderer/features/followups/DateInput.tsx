import { DatePicker } from 'antd';
import dayjs from 'dayjs';

/** antd DatePicker that keeps the form value a calendar-date string. */
export function DateInput(props: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  disabled?: boolean;
  max?: string;
  min?: string;
  'aria-label'?: string;
}) {
  return (
    <DatePicker
      id={props.id}
      aria-label={props['aria-label']}
      disabled={props.disabled}
      format="YYYY-MM-DD"
      value={props.value ? dayjs(props.value) : null}
      onChange={(d) => props.onChange?.(d ? d.format('YYYY-MM-DD') : null)}
      disabledDate={(d) => (props.max ? d.format('YYYY-MM-DD') > props.max : false) || (props.min ? d.format('YYYY-MM-DD') < props.min : false)}
    />
  );
}
