import { Alert, App as AntApp, Button, Form, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClinicSettings } from '../../../shared/api/settings';
import { api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';
import { VillageRows } from '../setup/VillageRows';

interface Values {
  villages: { code: string; name: string }[];
}

export function VillagesEditor(props: { settings: ClinicSettings; canEdit: boolean; onSaved: (s: ClinicSettings) => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);

  if (!props.canEdit) {
    return (
      <>
        <Alert type="info" showIcon title={t('settings.adminOnly')} className="form-alert" />
        <Table
          rowKey="code"
          size="small"
          pagination={false}
          dataSource={props.settings.villages}
          columns={[
            { title: t('setup.villageCode'), dataIndex: 'code' },
            { title: t('setup.villageName'), dataIndex: 'name' },
          ]}
        />
      </>
    );
  }

  const save = async (v: Values) => {
    setBusy(true);
    try {
      const villages = (v.villages ?? []).map((x) => ({ code: x.code.trim(), name: x.name.trim() }));
      props.onSaved(await api.settings.update({ villages }));
      void message.success(t('settings.villagesSaved'));
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
      initialValues={{ villages: props.settings.villages }}
      onFinish={(v) => void save(v)}
      disabled={busy}
    >
      <VillageRows />
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('common.save')}
      </Button>
    </Form>
  );
}
