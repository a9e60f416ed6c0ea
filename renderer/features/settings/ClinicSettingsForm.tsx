import { Alert, App as AntApp, Button, Form, Input, InputNumber, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClinicSettings } from '../../../shared/api/settings';
import { api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';

interface Values {
  clinicName: string;
  idleLockMinutes: number;
  isCardPhotoStored: boolean;
}

export function ClinicSettingsForm(props: { settings: ClinicSettings; canEdit: boolean; onSaved: (s: ClinicSettings) => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);

  const save = async (v: Values) => {
    setBusy(true);
    try {
      props.onSaved(await api.settings.update({ clinicName: v.clinicName.trim(), idleLockMinutes: v.idleLockMinutes, isCardPhotoStored: v.isCardPhotoStored }));
      void message.success(t('common.saved'));
    } catch (e) {
      void message.error(errorText(e));
      applyFieldErrors(form, e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      className="settings-form"
      initialValues={{ clinicName: props.settings.clinicName, idleLockMinutes: props.settings.idleLockMinutes, isCardPhotoStored: props.settings.isCardPhotoStored }}
      onFinish={(v) => void save(v)}
      disabled={!props.canEdit || busy}
    >
      {!props.canEdit && <Alert type="info" showIcon title={t('settings.adminOnly')} className="form-alert" />}
      <Form.Item label={t('settings.clinicCode')} htmlFor="settings-clinic-code">
        <Input id="settings-clinic-code" value={props.settings.clinicCode} readOnly disabled />
      </Form.Item>
      <Form.Item
        name="clinicName"
        label={t('settings.clinicName')}
        rules={[
          { required: true, whitespace: true, message: t('form.required') },
          { min: 2, max: 60, message: t('form.clinicNameLength') },
        ]}
      >
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item
        name="idleLockMinutes"
        label={t('settings.idleLock')}
        extra={t('settings.idleLockHelp')}
        rules={[{ required: true, type: 'integer', min: 1, max: 240, message: t('form.idleLockRange') }]}
      >
        <InputNumber min={1} max={240} precision={0} />
      </Form.Item>
      <Form.Item name="isCardPhotoStored" label={t('settings.cardPhoto')} extra={t('settings.cardPhotoHelp')} valuePropName="checked">
        <Switch aria-label={t('settings.cardPhoto')} />
      </Form.Item>
      <Form.Item label={t('settings.timeZone')} htmlFor="settings-time-zone">
        <Input id="settings-time-zone" value={t(`settings.zoneName.${props.settings.timeZone}`, { defaultValue: props.settings.timeZone })} readOnly disabled />
      </Form.Item>
      {props.canEdit && (
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('common.save')}
        </Button>
      )}
    </Form>
  );
}
