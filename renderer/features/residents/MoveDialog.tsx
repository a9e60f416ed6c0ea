import { Alert, Form, Input, Modal, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MoveRequest } from '../../../shared/sync/moves';
import { api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';
import { destinationGroups, filterVillageOption, useMoveDestinations } from './move-destinations';

interface Values {
  toVillageCode: string;
  reason?: string;
}

/**
 * 迁出申请: the resident moved to a village of another clinic of the county. The destination is picked from the
 * county's village list the platform sent (grouped by township, searchable by name, pinyin initials or code); until
 * that list has reached this computer the 12-digit code is typed and the platform checks it. A village of this clinic
 * is an address edit instead (MOVE_WITHIN_CLINIC). The request syncs to the county platform, which moves the record.
 */
export function MoveDialog(props: { open: boolean; residentId: string; onDone: (m: MoveRequest) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const list = useMoveDestinations(props.open);
  const hasList = list !== null && list.issuedAt !== null;

  const save = async (v: Values) => {
    setBusy(true);
    setFailure(null);
    try {
      props.onDone(await api.residents.requestMove({ id: props.residentId, toVillageCode: v.toVillageCode.trim(), reason: v.reason?.trim() ?? '' }));
    } catch (e) {
      if (applyFieldErrors(form, e).length === 0) setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('residents.moveDialog.title')}
      okText={t('residents.moveDialog.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ disabled: list === null }}
      onOk={() => form.submit()}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('residents.moveDialog.intro')}</Typography.Paragraph>
      <Form<Values> form={form} layout="vertical" onFinish={(v) => void save(v)} onValuesChange={() => setFailure(null)}>
        {hasList ? (
          <Form.Item
            name="toVillageCode"
            label={t('residents.moveDialog.pick')}
            extra={
              <>
                {t('residents.moveDialog.pickHint')}
                <br />
                {t('residents.moveDialog.listDate', { when: dayjs(list.issuedAt).format('YYYY-MM-DD') })}
              </>
            }
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Select
              showSearch={{ filterOption: filterVillageOption }}
              placeholder={t('residents.moveDialog.pickPlaceholder')}
              notFoundContent={t('residents.moveDialog.noMatch')}
              options={destinationGroups(list.villages, (clinic) => clinic)}
              aria-label={t('residents.moveDialog.pick')}
              data-testid="move-village"
            />
          </Form.Item>
        ) : (
          <>
            {list !== null && <Alert type="info" showIcon title={t('residents.moveDialog.listMissing')} className="form-alert" data-testid="move-list-missing" />}
            <Form.Item
              name="toVillageCode"
              label={t('residents.moveDialog.village')}
              extra={t('residents.moveDialog.villageHint')}
              rules={[
                { required: true, message: t('validation.required') },
                { pattern: /^\d{12}$/, message: t('residents.moveDialog.villageHint') },
              ]}
            >
              <Input maxLength={12} inputMode="numeric" autoComplete="off" />
            </Form.Item>
          </>
        )}
        <Form.Item name="reason" label={t('residents.moveDialog.reason')}>
          <Input maxLength={200} />
        </Form.Item>
        {failure !== null && <Alert type="error" showIcon title={errorText(failure)} data-testid="move-error" />}
      </Form>
    </Modal>
  );
}
