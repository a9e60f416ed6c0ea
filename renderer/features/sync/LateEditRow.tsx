import { Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { LateEditNotice } from '../../../shared/sync/protocol';

const STATUS_COLOR: Record<LateEditNotice['status'], string> = { forwarded: 'success', parked: 'warning', applied: 'processing', discarded: 'default' };
const COLLECTIONS = new Set(['residents', 'encounters', 'contracts']);
const when = (ms: number) => dayjs(ms).format('YYYY-MM-DD HH:mm');

/** One late edit and what became of it, in a village doctor's words (the 同步 screen's list, the resident's page). */
export function LateEditRow({ edit: e }: { edit: LateEditNotice }) {
  const { t } = useTranslation();
  const to = e.to ? t('sync.late.place', { clinic: e.to.clinicName || e.to.clinicCode, village: e.to.villageName || e.to.villageCode }) : t('sync.late.somewhere');
  const fields = e.fields.map((path) => t(`sync-review.field.${path.replace(/^data\./, '')}`, { defaultValue: path })).join('、');
  const settledAt = e.settledAt === null ? '' : when(e.settledAt);
  let text: string;
  switch (e.status) {
    case 'forwarded':
      text = t(e.outcome === 'unchanged' ? 'sync.late.forwardedUnchanged' : 'sync.late.forwarded', { when: settledAt, to });
      break;
    case 'parked':
      text = t('sync.late.parked', { reason: t(`sync.late.reason.${e.reason}`, { to, fields }) });
      break;
    case 'applied':
      text = t(e.outcome === 'conflict' ? 'sync.late.appliedConflict' : 'sync.late.applied', { when: settledAt, to, fields });
      break;
    case 'discarded':
      text = t('sync.late.discarded', { when: settledAt, reason: e.discardReason ?? '' });
      break;
  }
  return (
    <div className="sync-late-edit" data-testid="sync-late-edit" data-status={e.status}>
      <Space wrap size="small">
        <Tag color={STATUS_COLOR[e.status]}>{t(`sync.late.status.${e.status}`)}</Tag>
        <Typography.Text strong>{e.residentName ?? t('sync.late.unnamed', { id: e.residentId ?? e.documentId })}</Typography.Text>
        <Typography.Text type="secondary">{t(`sync.late.collection.${COLLECTIONS.has(e.collection) ? e.collection : 'other'}`)}</Typography.Text>
      </Space>
      <div>{text}</div>
      {e.status === 'parked' ? <Typography.Text type="secondary">{t('sync.late.parkedWho')}</Typography.Text> : null}
      <div>
        <Typography.Text type="secondary">{t('sync.late.arrived', { when: when(e.at) })}</Typography.Text>
      </div>
    </div>
  );
}
