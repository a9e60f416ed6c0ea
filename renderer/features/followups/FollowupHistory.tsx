import { Button, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FollowupView } from '../../../shared/api/followups';

/** 随访记录: newest first; a draft is continued, a completed record is corrected by an amendment or printed. */
export function FollowupHistory(props: { followups: FollowupView[]; onOpen: (v: FollowupView, mode: 'draft' | 'amend') => void; onPrint: (v: FollowupView) => void }) {
  const { t } = useTranslation();
  return (
    <Table<FollowupView>
      rowKey="id"
      size="small"
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      dataSource={props.followups}
      locale={{ emptyText: t('followups.history.empty') }}
      columns={[
        { title: t('followups.history.date'), dataIndex: 'visitDate' },
        { title: t('followups.history.disease'), key: 'disease', render: (_v, r) => t(`followups.disease.${r.followup.disease}`) },
        { title: t('followups.form.visitMode'), key: 'mode', render: (_v, r) => (r.followup.form.visitMode ? t(`followup.visitMode.${r.followup.form.visitMode}`) : '—') },
        {
          title: t('followups.history.bpGlucose'),
          key: 'values',
          render: (_v, r) => {
            const f = r.followup.form;
            const bp = f.sbp && f.dbp ? `${f.sbp}/${f.dbp}` : '—';
            return r.followup.disease === 't2dm' && r.followup.form.fastingGlucose != null ? `${bp} · ${r.followup.form.fastingGlucose} mmol/L` : bp;
          },
        },
        {
          title: t('followups.decision.class'),
          key: 'class',
          render: (_v, r) => (r.followup.form.classification ? t(`followup.class.${r.followup.form.classification}`) : '—'),
        },
        { title: t('followups.decision.nextDate'), key: 'next', render: (_v, r) => r.followup.form.nextVisitDate ?? '—' },
        {
          title: t('followups.history.status'),
          key: 'status',
          render: (_v, r) => (
            <>
              <Tag color={r.status === 'completed' ? 'green' : 'gold'}>{t(`followups.history.${r.status}`)}</Tag>
              {r.computed.urgentReferral ? <Tag color="red">{t('followup.nextStep.4')}</Tag> : null}
              {r.amendedBy.length > 0 ? <Tag>{t('followups.history.amended')}</Tag> : null}
            </>
          ),
        },
        {
          title: t('followups.history.actions'),
          key: 'actions',
          render: (_v, r) =>
            r.status === 'draft' ? (
              <Button size="small" onClick={() => props.onOpen(r, 'draft')}>
                {t('followups.history.continue')}
              </Button>
            ) : (
              <Space size="small">
                <Button size="small" onClick={() => props.onOpen(r, 'amend')}>
                  {t('followups.history.amend')}
                </Button>
                <Button size="small" onClick={() => props.onPrint(r)}>
                  {t('followups.print.button')}
                </Button>
              </Space>
            ),
        },
      ]}
    />
  );
}
