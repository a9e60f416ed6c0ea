import { Alert, Button, Form, Input, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HouseholdView, ResidentSummary } from '../../../shared/api/residents';
import * as cs from '../../../shared/domain/code-sets';
import { HouseholdRelation } from '../../../shared/schemas/household';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { codeLabel, useLang } from './code-options';
import { ResidentSearch } from './ResidentSearch';
import { routeHref } from './route';

type Member = HouseholdView['members'][number];

/** 家庭: members with their relation to the head; create a household, add a member, set the head, remove a member. */
export function HouseholdPanel(props: {
  residentId: string;
  household: HouseholdView | null;
  defaultAddress: string;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [address, setAddress] = useState(props.defaultAddress);
  const [adding, setAdding] = useState<ResidentSummary | null>(null);
  const [relation, setRelation] = useState<HouseholdRelation>('spouse');
  const h = props.household;

  const run = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(null);
    try {
      await call();
      setAdding(null);
      props.onChanged();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  const relations = HouseholdRelation.options.filter((r) => r !== 'head').map((r) => ({ value: r, label: t(`residents.relation.${r}`) }));

  if (!h) {
    return (
      <div className="household-panel">
        <p>{t('residents.household.none')}</p>
        <Form layout="inline" onFinish={() => void run(() => api.households.create({ headResidentId: props.residentId, address: address.trim() }))}>
          <Form.Item label={t('residents.household.address')} required>
            <Input value={address} onChange={(e) => setAddress(e.target.value)} maxLength={120} className="address-input" aria-label={t('residents.household.address')} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} disabled={address.trim().length === 0}>
            {t('residents.household.create')}
          </Button>
        </Form>
        {failure !== null && <Alert type="error" showIcon title={errorText(failure)} className="form-alert" />}
      </div>
    );
  }

  return (
    <div className="household-panel" data-testid="household">
      <p>
        {t('residents.household.address')}: {h.address}
      </p>
      <Table<Member>
        size="small"
        rowKey="residentId"
        pagination={false}
        dataSource={h.members}
        columns={[
          {
            title: t('residents.field.name'),
            dataIndex: 'name',
            render: (name: string, m) => <a href={routeHref('residents', { id: m.residentId })}>{name}</a>,
          },
          {
            title: t('residents.household.relation'),
            dataIndex: 'relation',
            render: (r: string) => (r === 'head' ? <Tag color="blue">{t('residents.relation.head')}</Tag> : t(`residents.relation.${r}`)),
          },
          { title: t('residents.field.sex'), dataIndex: 'sex', render: (s: string) => codeLabel(cs.sex, s, lang) },
          { title: t('residents.list.age'), dataIndex: 'age' },
          {
            title: t('residents.household.actions'),
            key: 'actions',
            render: (_: unknown, m) =>
              m.relation === 'head' ? null : (
                <Space>
                  <Button size="small" onClick={() => void run(() => api.households.setHead({ id: h.id, residentId: m.residentId }))}>
                    {t('residents.household.setHead')}
                  </Button>
                  <Popconfirm
                    title={t('residents.household.removeConfirm', { name: m.name })}
                    okText={t('common.confirm')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => void run(() => api.households.removeMember({ id: h.id, residentId: m.residentId }))}
                  >
                    <Button size="small" danger>
                      {t('residents.household.remove')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <div className="household-add">
        <h3>{t('residents.household.addMember')}</h3>
        {adding ? (
          <Space wrap>
            <strong>{adding.name}</strong>
            <Select<HouseholdRelation> value={relation} onChange={setRelation} options={relations} className="relation-select" aria-label={t('residents.household.relation')} />
            <Button type="primary" loading={busy} onClick={() => void run(() => api.households.addMember({ id: h.id, residentId: adding.id, relation }))}>
              {t('residents.household.add')}
            </Button>
            <Button onClick={() => setAdding(null)}>{t('common.cancel')}</Button>
          </Space>
        ) : (
          <ResidentSearch onOpen={setAdding} label={t('residents.household.find')} placeholder={t('residents.household.findPlaceholder')} />
        )}
      </div>
      {failure !== null && <Alert type="error" showIcon title={errorText(failure)} className="form-alert" />}
    </div>
  );
}
