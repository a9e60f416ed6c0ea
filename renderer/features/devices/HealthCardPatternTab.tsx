import { Alert, App as AntApp, Button, Form, Input, InputNumber, Radio, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { compileHealthCardPattern, isPlaceholderPattern, MAX_BURST_LENGTH, PLACEHOLDER_HEALTH_CARD_PATTERN, type HealthCardPattern } from '../../../shared/domain/key-burst';
import { api, ApiError } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { fieldIssueText } from '../../i18n';
import { setHealthCardPattern } from './health-card-pattern';

type Values = { kind: 'regex' | 'prefix'; source: string; prefix: string; minLength: number | null; maxLength: number | null };

const toValues = (p: HealthCardPattern): Values =>
  p.kind === 'regex'
    ? { kind: 'regex', source: p.source, prefix: '', minLength: 16, maxLength: 256 }
    : { kind: 'prefix', source: '', prefix: p.prefix, minLength: p.minLength, maxLength: p.maxLength };

/** Also for the form's watched values, whose fields are undefined until the form has mounted them. */
const toPattern = (v: Partial<Values>): HealthCardPattern =>
  v.kind === 'prefix' ? { kind: 'prefix', prefix: v.prefix ?? '', minLength: v.minLength ?? 0, maxLength: v.maxLength ?? 0 } : { kind: 'regex', source: v.source ?? '' };

/**
 * 电子健康卡格式 (issue 14 §2): how a keyboard-mode QR scan is recognised, as a regular expression or a prefix and a
 * length range. Administrators change it; the server refuses a pattern that does not compile or accepts an empty code.
 */
export function HealthCardPatternTab({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [saved, setSaved] = useState<HealthCardPattern | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [sample, setSample] = useState('');
  const values = Form.useWatch([], form) as Partial<Values> | undefined;

  useEffect(() => {
    api.settings
      .get({})
      .then((s) => {
        setSaved(s.healthCardPattern);
        form.setFieldsValue(toValues(s.healthCardPattern));
      })
      .catch(setFailure);
  }, [form]);

  const save = async (v: Values) => {
    try {
      const next = await api.settings.update({ healthCardPattern: toPattern(v) });
      setSaved(next.healthCardPattern);
      setHealthCardPattern(next.healthCardPattern);
      void message.success(t('devices.healthCard.saved'));
    } catch (e) {
      // The server names `healthCardPattern.<field>`: put each message next to that field.
      if (!(e instanceof ApiError) || e.fields.length === 0) return void message.error(errorText(e));
      form.setFields(e.fields.map((f) => ({ name: f.path.replace(/^healthCardPattern\./, '') as keyof Values, errors: [fieldIssueText(f)] })));
    }
  };

  if (failure) return <Alert type="error" showIcon title={errorText(failure)} />;
  if (!saved) return null;
  // The sample is tried against what is in the form, so a pattern can be checked before it is saved.
  const compiled = values?.kind ? compileHealthCardPattern(toPattern(values)) : null;
  const kind = values?.kind ?? saved.kind;
  return (
    <Space orientation="vertical" size="middle" className="full-width" style={{ maxWidth: 720 }}>
      <Typography.Paragraph>{t('devices.healthCard.intro')}</Typography.Paragraph>
      {isPlaceholderPattern(saved) ? <Alert type="warning" showIcon title={t('devices.healthCard.placeholder')} data-testid="health-card-placeholder" /> : null}
      {canEdit ? null : <Alert type="info" showIcon title={t('devices.healthCard.adminOnly')} />}
      <Form<Values> form={form} layout="vertical" disabled={!canEdit} initialValues={toValues(saved)} onFinish={(v) => void save(v)}>
        <Form.Item name="kind" label={t('devices.healthCard.kind')}>
          <Radio.Group
            options={[
              { value: 'regex', label: t('devices.healthCard.kindRegex') },
              { value: 'prefix', label: t('devices.healthCard.kindPrefix') },
            ]}
          />
        </Form.Item>
        {kind === 'regex' ? (
          <Form.Item name="source" label={t('devices.healthCard.source')} rules={[{ required: true }]}>
            <Input className="monospace" maxLength={200} />
          </Form.Item>
        ) : (
          <Space wrap align="start">
            <Form.Item name="prefix" label={t('devices.healthCard.prefix')}>
              <Input className="monospace" maxLength={64} />
            </Form.Item>
            <Form.Item name="minLength" label={t('devices.healthCard.minLength')} rules={[{ required: true }]}>
              <InputNumber min={1} max={MAX_BURST_LENGTH} precision={0} />
            </Form.Item>
            <Form.Item name="maxLength" label={t('devices.healthCard.maxLength')} rules={[{ required: true }]}>
              <InputNumber min={1} max={MAX_BURST_LENGTH} precision={0} />
            </Form.Item>
          </Space>
        )}
        {canEdit ? (
          <Space>
            <Button type="primary" htmlType="submit">{t('devices.healthCard.save')}</Button>
            <Button onClick={() => form.setFieldsValue(toValues(PLACEHOLDER_HEALTH_CARD_PATTERN))}>{t('devices.healthCard.reset')}</Button>
          </Space>
        ) : null}
      </Form>
      <Typography.Text strong>{t('devices.healthCard.sample')}</Typography.Text>
      <Input value={sample} onChange={(e) => setSample(e.target.value)} className="monospace" data-testid="health-card-sample" />
      {sample && compiled ? (
        compiled.ok ? (
          <Alert type={compiled.test(sample) ? 'success' : 'info'} showIcon title={t(compiled.test(sample) ? 'devices.healthCard.matches' : 'devices.healthCard.noMatch')} />
        ) : (
          <Alert type="error" showIcon title={t(`validation.${compiled.problem.key}`, { detail: compiled.problem.detail ?? '' })} />
        )
      ) : null}
    </Space>
  );
}
