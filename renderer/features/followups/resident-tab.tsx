/** 慢病管理 tab on the resident page (residents/resident-tabs.ts): registries, recent follow-ups, open referral checks. */
import { Alert, Button, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FollowupView } from '../../../shared/api/followups';
import { api } from '../../api-client';
import { useLoad } from '../../app/use-load';
import type { ResidentTab, ResidentTabProps } from '../residents/resident-tabs';
import { hashFor } from '../worklist/hash-params';
import { RegistryPanel } from './RegistryPanel';
import { useClinicToday } from './use-clinic-today';
import './followups.css';

function ChronicCareTab({ residentId, detail, reload }: ResidentTabProps) {
  const { t } = useTranslation();
  const today = useClinicToday();
  const { data, placeholder, reload: load } = useLoad(async () => {
    const [registries, followups, checks] = await Promise.all([
      api.registries.forResident({ residentId }),
      api.followups.forResident({ residentId }),
      api.followups.referralChecks({ residentId }),
    ]);
    return { registries, followups, checks };
  }, [residentId]);

  if (!data) return placeholder;
  const openChecks = data.checks.filter((c) => c.status === 'draft');
  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="resident-chronic-tab">
      <RegistryPanel
        residentId={residentId}
        birthDate={detail.resident.birthDate}
        registries={data.registries}
        today={today}
        onChanged={() => {
          void load();
          reload();
        }}
      />
      {openChecks.length > 0 ? (
        <Alert type="warning" showIcon title={t('followups.tab.openChecks', { count: openChecks.length, due: openChecks[0]?.dueDate ?? '' })} />
      ) : null}
      <Table<FollowupView>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={data.followups.slice(0, 5)}
        locale={{ emptyText: t('followups.history.empty') }}
        columns={[
          { title: t('followups.history.date'), dataIndex: 'visitDate' },
          { title: t('followups.history.disease'), key: 'd', render: (_v, r) => t(`followups.disease.${r.followup.disease}`) },
          { title: t('followups.decision.class'), key: 'c', render: (_v, r) => (r.followup.form.classification ? t(`followup.class.${r.followup.form.classification}`) : '—') },
          { title: t('followups.decision.nextDate'), key: 'n', render: (_v, r) => r.followup.form.nextVisitDate ?? '—' },
          { title: t('followups.history.status'), key: 's', render: (_v, r) => <Tag>{t(`followups.history.${r.status}`)}</Tag> },
        ]}
      />
      <Button type="primary" href={hashFor('followups', { residentId })}>
        {t('followups.tab.open')}
      </Button>
    </Space>
  );
}

export const residentTab: ResidentTab = {
  key: 'chronic-care',
  order: 40,
  label: (t) => t('followups.tab.label'),
  Component: ChronicCareTab,
};
