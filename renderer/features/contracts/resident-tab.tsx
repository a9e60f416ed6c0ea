/** 签约 tab on the resident page (residents/resident-tabs.ts): the resident's agreements, status and fulfilment. */
import { Alert, Button, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ContractView } from '../../../shared/api/contracting';
import { api } from '../../api-client';
import { useLoad } from '../../app/use-load';
import type { ResidentTab, ResidentTabProps } from '../residents/resident-tabs';
import { hashFor } from '../worklist/hash-params';

function ContractsTab({ residentId }: ResidentTabProps) {
  const { t } = useTranslation();
  const { data: list, placeholder } = useLoad(() => api.contracts.forResident({ residentId }), [residentId]);

  if (!list) return placeholder;
  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="resident-contracts-tab">
      {list.length === 0 ? <Alert type="info" showIcon title={t('contracts.list.none')} /> : null}
      {list.length > 0 ? (
        <Table<ContractView>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={list}
          columns={[
            { title: t('contracts.print.period'), key: 'p', render: (_v, r) => `${r.contract.startDate} — ${r.contract.endDate}` },
            { title: t('contracts.sign.team'), key: 't', render: (_v, r) => r.team?.teamName ?? '—' },
            { title: t('contracts.sign.doctor'), dataIndex: 'doctorName' },
            { title: t('followups.history.status'), key: 's', render: (_v, r) => <Tag>{t(`contract.status.${r.status}`)}</Tag> },
            {
              title: t('contracts.detail.fulfilment'),
              key: 'f',
              render: (_v, r) => t('contracts.detail.fulfilmentCount', { delivered: r.fulfilment.deliveredItems, promised: r.fulfilment.promisedItems }),
            },
            {
              title: t('followups.history.actions'),
              key: 'a',
              render: (_v, r) => (
                <Button size="small" href={hashFor('contracts', { residentId, contractId: r.id })}>
                  {t('contracts.tab.open')}
                </Button>
              ),
            },
          ]}
        />
      ) : null}
      <Button type="primary" href={hashFor('contracts', { residentId, open: 'sign' })}>
        {t('contracts.tab.sign')}
      </Button>
    </Space>
  );
}

export const residentTab: ResidentTab = {
  key: 'contracts',
  order: 50,
  label: (t) => t('contracts.tab.label'),
  Component: ContractsTab,
};
