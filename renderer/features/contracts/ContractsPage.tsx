import { Alert, Button, Space, Spin, Table, Tabs, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContractView } from '../../../shared/api/contracting';
import type { ResidentSummary } from '../../../shared/api/residents';
import type { ClinicSettings } from '../../../shared/api/settings';
import type { DoctorTeam, ServicePackage } from '../../../shared/schemas/contract';
import { api, subscribe } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { ResidentPicker } from '../followups/ResidentPicker';
import { useClinicToday } from '../followups/use-clinic-today';
import '../followups/followups.css';
import { openSection, useHashParams } from '../worklist/hash-params';
import { ContractDetail } from './ContractDetail';
import { PackagesAdmin } from './PackagesAdmin';
import { SignForm } from './SignForm';
import { TeamsAdmin } from './TeamsAdmin';
import './contracts.css';

/** 签约: sign, a resident's agreements (status, fulfilment, renew, terminate, print), teams and packages. */
export function ContractsPage() {
  const { t } = useTranslation();
  const params = useHashParams();
  const today = useClinicToday();
  const residentId = params['residentId'] ?? null;
  const [teams, setTeams] = useState<DoctorTeam[]>([]);
  const [packages, setPackages] = useState<ServicePackage[]>([]);
  const [settings, setSettings] = useState<ClinicSettings | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [contracts, setContracts] = useState<ContractView[] | null>(null);
  const [selected, setSelected] = useState<string | null>(params['contractId'] ?? null);
  const [picked, setPicked] = useState<ResidentSummary | null>(null);
  const [tab, setTab] = useState(params['open'] === 'sign' ? 'sign' : residentId ? 'resident' : 'sign');

  const loadSetup = useCallback(async () => {
    setFailure(null);
    try {
      const [tm, pk] = await Promise.all([api.teams.list({}), api.packages.list({})]);
      setTeams(tm);
      setPackages(pk);
    } catch (e) {
      setFailure(e);
    }
    api.settings
      .get({})
      .then(setSettings)
      .catch(() => undefined);
  }, []);

  const loadContracts = useCallback(async (id: string) => {
    try {
      const list = await api.contracts.forResident({ residentId: id });
      setContracts(list);
      setSelected((s) => (s && list.some((c) => c.id === s) ? s : (list[0]?.id ?? null)));
    } catch (e) {
      setFailure(e);
    }
  }, []);

  useEffect(() => {
    void loadSetup();
  }, [loadSetup]);

  useEffect(() => {
    setContracts(null);
    if (residentId) void loadContracts(residentId);
  }, [residentId, loadContracts]);

  useEffect(() => {
    if (params['contractId']) setSelected(params['contractId']);
    if (params['open'] === 'sign') setTab('sign');
    else if (params['open'] === 'renew' || params['contractId']) setTab('resident');
  }, [params]);

  useEffect(
    () =>
      subscribe('worklist.changed', (delta) => {
        if (residentId && (delta.all || delta.residentIds.includes(residentId))) void loadContracts(residentId);
      }),
    [residentId, loadContracts],
  );

  const current = contracts?.find((c) => c.id === selected) ?? null;

  const residentTab = (
    <Space orientation="vertical" size="middle" className="full-width">
      <Space wrap align="center">
        <label htmlFor="contract-resident">{t('followups.picker.label')}</label>
        <ResidentPicker
          id="contract-resident"
          value={residentId}
          initial={picked}
          onChange={(r) => {
            setPicked(r);
            openSection('contracts', r ? { residentId: r.id } : {});
          }}
        />
      </Space>
      {residentId && !contracts ? <Spin /> : null}
      {contracts && contracts.length === 0 ? <Alert type="info" showIcon title={t('contracts.list.none')} /> : null}
      {contracts && contracts.length > 0 ? (
        <Table<ContractView>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={contracts}
          rowSelection={{ type: 'radio', selectedRowKeys: selected ? [selected] : [], onChange: (keys) => setSelected(String(keys[0] ?? '')) }}
          onRow={(r) => ({ onClick: () => setSelected(r.id) })}
          columns={[
            { title: t('contracts.print.no'), key: 'no', render: (_v, r) => r.contract.contractNo },
            { title: t('contracts.print.period'), key: 'p', render: (_v, r) => `${r.contract.startDate} — ${r.contract.endDate}` },
            { title: t('contracts.sign.team'), key: 'team', render: (_v, r) => r.team?.teamName ?? '—' },
            { title: t('followups.history.status'), key: 's', render: (_v, r) => <Tag>{t(`contract.status.${r.status}`)}</Tag> },
            { title: t('contracts.detail.fulfilment'), key: 'f', render: (_v, r) => `${r.fulfilment.deliveredItems}/${r.fulfilment.promisedItems}` },
          ]}
        />
      ) : null}
      {current ? (
        <ContractDetail
          key={current.id}
          view={current}
          today={today}
          openRenew={params['open'] === 'renew' && params['contractId'] === current.id}
          onChanged={(next) => {
            setSelected(next.id);
            if (residentId) void loadContracts(residentId);
          }}
        />
      ) : null}
    </Space>
  );

  return (
    <section className="section" data-section="contracts">
      <h1 tabIndex={-1}>{t('contracts.title')}</h1>
      {failure ? (
        <Alert type="error" showIcon title={errorText(failure)} className="form-alert" action={<Button onClick={() => void loadSetup()}>{t('common.retry')}</Button>} />
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'sign',
            label: t('contracts.tabs.sign'),
            children: (
              <SignForm
                key={residentId ?? 'none'}
                teams={teams}
                packages={packages}
                today={today}
                initialResidentId={residentId ?? undefined}
                onSigned={(views) => {
                  const first = views[0];
                  if (!first) return;
                  setTab('resident');
                  setSelected(first.id);
                  openSection('contracts', { residentId: first.resident.id, contractId: first.id });
                  void loadContracts(first.resident.id);
                }}
              />
            ),
          },
          { key: 'resident', label: t('contracts.tabs.resident'), children: residentTab },
          { key: 'teams', label: t('contracts.tabs.teams'), children: <TeamsAdmin teams={teams} settings={settings} onSaved={() => void loadSetup()} /> },
          { key: 'packages', label: t('contracts.tabs.packages'), children: <PackagesAdmin packages={packages} onSaved={() => void loadSetup()} /> },
        ]}
      />
    </section>
  );
}
