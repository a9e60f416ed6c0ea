import { Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { NumberInput } from '../../components/NumberInput';
import { CodeChecks } from '../residents/CodeChecks';
import { CodeRadio } from '../residents/CodeRadio';
import { useLang } from '../residents/code-options';
import { unitText, type FieldSpec } from './check-fields';
import { formatValue } from './format-value';

const name = (path: string) => path.split('.');

/**
 * One field of the 健康体检表. Number boxes take typing only (no spinner to aim at); last time's value, when there is
 * one, is shown under the box so a change stands out. The messages of the two halves of a pair (blood pressure,
 * finding + detail) show under the pair: antd reports a `noStyle` item's messages to the item around it.
 */
export function CheckField({ spec, previous }: { spec: FieldSpec; previous?: unknown }) {
  const { t } = useTranslation();
  const lang = useLang();
  const label = t(`health-checks.field.${spec.path}`);
  const last = formatValue(spec, previous, lang);
  const extra = last ? <span className="last-value">{t('health-checks.form.last', { value: last })}</span> : undefined;
  const cls = spec.wide || spec.kind === 'codes' || spec.kind === 'codeText' ? 'check-field check-field-wide' : 'check-field';

  switch (spec.kind) {
    case 'number':
    case 'int':
      return (
        <Form.Item name={name(spec.path)} label={label} extra={extra} className={cls}>
          <NumberInput unit={unitText(spec.unit, lang) || undefined} aria-label={label} />
        </Form.Item>
      );
    case 'bp':
      return (
        <Form.Item label={label} extra={extra} className={cls} required={false}>
          <Space.Compact className="bp-pair">
            <Form.Item name={[...name(spec.path), 'sbp']} noStyle>
              <NumberInput aria-label={t('health-checks.form.sbp', { field: label })} placeholder={t('health-checks.form.sbpShort')} className="bp-input" />
            </Form.Item>
            <span className="bp-slash">/</span>
            <Form.Item name={[...name(spec.path), 'dbp']} noStyle>
              <NumberInput aria-label={t('health-checks.form.dbp', { field: label })} placeholder={t('health-checks.form.dbpShort')} className="bp-input" unit="mmHg" />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
      );
    case 'code':
      return (
        <Form.Item name={name(spec.path)} label={label} extra={extra} className={cls}>
          <CodeRadio set={spec.set ?? []} aria-label={label} />
        </Form.Item>
      );
    case 'codes':
      return (
        <Form.Item name={name(spec.path)} label={label} extra={extra} className={cls}>
          <CodeChecks set={spec.set ?? []} exclusiveNone={spec.exclusive} aria-label={label} />
        </Form.Item>
      );
    case 'codeText':
      return (
        <Form.Item label={label} extra={extra} className={cls}>
          <Space wrap align="start">
            <Form.Item name={[...name(spec.path), 'code']} noStyle>
              <CodeRadio set={spec.set ?? []} aria-label={label} />
            </Form.Item>
            <Form.Item name={[...name(spec.path), 'text']} noStyle>
              <Input maxLength={100} placeholder={t('health-checks.form.detail')} aria-label={t('health-checks.form.detailOf', { field: label })} className="detail-input" />
            </Form.Item>
          </Space>
        </Form.Item>
      );
    case 'text':
      return (
        <Form.Item name={name(spec.path)} label={label} extra={extra} className={cls}>
          {spec.path === 'abnormalities' ? <Input.TextArea rows={3} maxLength={800} aria-label={label} /> : <Input maxLength={spec.wide ? 200 : 60} aria-label={label} />}
        </Form.Item>
      );
  }
}
