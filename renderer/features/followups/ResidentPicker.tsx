import { Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentSummary } from '../../../shared/api/residents';
import { api } from '../../api-client';

/**
 * 选择居民: type a name, pinyin initials, the last digits of the ID number or phone; results come from
 * `residents.search` as one types. `initial` shows a resident opened from a link before anything was typed.
 */
export function ResidentPicker(props: {
  value: string | null;
  onChange: (r: ResidentSummary | null) => void;
  initial?: ResidentSummary | null;
  id?: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<ResidentSummary[]>(props.initial ? [props.initial] : []);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef('');

  useEffect(() => {
    if (props.initial && !options.some((o) => o.id === props.initial?.id)) setOptions((o) => [props.initial as ResidentSummary, ...o]);
  }, [props.initial, options]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const search = (text: string) => {
    latest.current = text;
    if (timer.current) clearTimeout(timer.current);
    const query = text.trim();
    if (!query) return;
    timer.current = setTimeout(() => {
      setLoading(true);
      api.residents
        .search({ query, limit: 20 })
        .then((found) => {
          if (latest.current === text) setOptions(found);
        })
        .catch(() => setOptions([]))
        .finally(() => setLoading(false));
    }, 150);
  };

  return (
    <Select<string>
      id={props.id}
      showSearch={{ filterOption: false, onSearch: search }}
      autoFocus={props.autoFocus}
      allowClear
      className="resident-picker"
      placeholder={t('followups.picker.placeholder')}
      aria-label={t('followups.picker.label')}
      loading={loading}
      value={props.value ?? undefined}
      notFoundContent={t('followups.picker.none')}
      onChange={(id) => props.onChange(options.find((o) => o.id === id) ?? null)}
      onClear={() => props.onChange(null)}
      options={options.map((r) => ({
        value: r.id,
        label: t('followups.picker.option', {
          name: r.name,
          sex: t(`followups.sex.${r.sex}`, { defaultValue: '' }),
          age: r.age,
          village: r.villageName,
          id: r.idNumber ? r.idNumber.slice(-4) : '—',
        }),
      }))}
    />
  );
}
