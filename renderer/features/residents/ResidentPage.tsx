/**
 * # The resident page (居民档案 → one record)
 *
 * Cover summary, tags, actions (edit, 新建体检, print cover, mark died / moved out) and tabs: 时间线, 家庭, 个人信息.
 *
 * ## Adding a tab from another feature (contracts, registries, …)
 * Create `renderer/features/<your-folder>/resident-tab.tsx` exporting
 * `export const residentTab: ResidentTab = { key, order, label: (t) => t('<your-folder>.tab'), Component }`
 * with the types from `renderer/features/residents/resident-tabs.ts`. `Component` receives
 * `{ residentId, detail, reload }`; call `reload()` after a change the cover shows (contract status). The file is
 * found at build time; nothing in this folder or in app/ needs editing. Built-in tabs use orders 10, 20, 30.
 */
import { Alert, Button, Descriptions, Space, Spin, Tabs } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentDetail, TimelineItem } from '../../../shared/api/residents';
import * as cs from '../../../shared/domain/code-sets';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { codeLabel, useLang } from './code-options';
import { CoverPrint } from './CoverPrint';
import { HouseholdPanel } from './HouseholdPanel';
import { PersonalInfo } from './PersonalInfo';
import { PrintSheet } from './PrintSheet';
import { extraResidentTabs } from './resident-tabs';
import { go, parseRouteParams } from './route';
import { StatusDialog } from './StatusDialog';
import { MoveDialog } from './MoveDialog';
import type { MoveRequest } from '../../../shared/sync/moves';
import { SummaryBadges } from './SummaryBadges';
import { ResidentLateEdits } from '../sync/ResidentLateEdits';
import { useMoveDestinations } from './move-destinations';
import { Timeline } from './Timeline';

export function ResidentPage(props: { residentId: string; today: string; onEdit: (d: ResidentDetail) => void; onBack: () => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const [detail, setDetail] = useState<ResidentDetail | null>(null);
  const [timeline, setTimeline] = useState<TimelineItem[] | null>(null);
  const [amendReasons, setAmendReasons] = useState<ReadonlyMap<string, string>>(new Map());
  const [failure, setFailure] = useState<unknown>(null);
  const [timelineFailure, setTimelineFailure] = useState<unknown>(null);
  const [statusOpen, setStatusOpen] = useState(false);
  const [moveOpen, setMoveOpen] = useState(false);
  const [move, setMove] = useState<MoveRequest | null>(null);
  const [printing, setPrinting] = useState(false);
  const id = props.residentId;
  // The county list names a pending request's village (the request itself holds only its code).
  const destinations = useMoveDestinations(move?.status === 'pending');

  const loadTimeline = useCallback(async () => {
    try {
      const [items, checks, followups] = await Promise.all([
        api.residents.timeline({ id }),
        api.healthChecks.forResident({ residentId: id }),
        // The follow-up service may be absent in an older host; the timeline still shows without its reasons.
        api.followups.forResident({ residentId: id }).catch(() => []),
      ]);
      setTimeline(items);
      setAmendReasons(new Map([...checks, ...followups].filter((v) => v.amendReason).map((v) => [v.id, v.amendReason])));
      setTimelineFailure(null);
    } catch (e) {
      setTimelineFailure(e);
    }
  }, [id]);

  const load = useCallback(async () => {
    setFailure(null);
    try {
      // residents.get is the audited "opening" of a record.
      setDetail(await api.residents.get({ id }));
      // An older host has no move requests: the page shows without the notice.
      setMove(await api.residents.moveRequest({ id }).catch(() => null));
    } catch (e) {
      setFailure(e);
    }
    await loadTimeline();
  }, [id, loadTimeline]);

  useEffect(() => {
    setDetail(null);
    setTimeline(null);
    void load();
  }, [load]);

  const donePrinting = useCallback(() => setPrinting(false), []);

  if (failure) {
    return (
      <Alert
        type="error"
        showIcon
        title={errorText(failure)}
        action={
          <Space>
            <Button onClick={() => void load()}>{t('common.retry')}</Button>
            <Button onClick={props.onBack}>{t('residents.page.back')}</Button>
          </Space>
        }
      />
    );
  }
  if (!detail) return <Spin />;

  const r = detail.resident;
  const s = detail.summary;
  const villageLabel = (code: string) => {
    const v = destinations?.villages.find((d) => d.code === code);
    return v ? `${v.clinicName} ${v.name}（${code}）` : code;
  };
  const reload = () => void load();
  const extra = extraResidentTabs();
  const builtIn = [
    {
      key: 'timeline',
      order: 10,
      label: t('residents.page.timeline'),
      children: <Timeline items={timeline} amendReasons={amendReasons} residentId={id} failure={timelineFailure ? errorText(timelineFailure) : undefined} />,
    },
    {
      key: 'household',
      order: 20,
      label: t('residents.page.household'),
      children: <HouseholdPanel residentId={id} household={detail.household} defaultAddress={r.currentAddress ?? ''} onChanged={reload} />,
    },
    { key: 'personal', order: 30, label: t('residents.page.personal'), children: <PersonalInfo resident={r} /> },
  ];
  const tabs = [
    ...builtIn,
    ...extra.map((x) => ({ key: x.key, order: x.order, label: x.label(t), children: <x.Component residentId={id} detail={detail} reload={reload} /> })),
  ].sort((a, b) => a.order - b.order);

  return (
    <div className="resident-page" data-testid="resident-page">
      <div className="resident-head">
        <Button onClick={props.onBack}>{t('residents.page.back')}</Button>
        <h2 className="resident-name">{r.name}</h2>
        <SummaryBadges summary={s} />
      </div>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, lg: 3 }}
        className="resident-cover"
        items={[
          { key: 'recordNo', label: t('residents.field.recordNo'), children: <span className="monospace">{r.recordNo}</span> },
          { key: 'sex', label: t('residents.field.sex'), children: `${codeLabel(cs.sex, r.sex, lang)} · ${t('residents.ageYears', { age: s.age })}` },
          { key: 'birthDate', label: t('residents.field.birthDate'), children: r.birthDate },
          { key: 'idNumber', label: t('residents.field.idNumber'), children: <span className="monospace">{r.idNumber ?? ''}</span> },
          { key: 'phone', label: t('residents.field.phone'), children: r.phone ?? '' },
          { key: 'village', label: t('residents.field.villageCode'), children: s.villageName },
          { key: 'address', label: t('residents.field.currentAddress'), children: r.currentAddress ?? '' },
          { key: 'doctor', label: t('residents.field.responsibleDoctor'), children: r.responsibleDoctor ?? '' },
          { key: 'createdDate', label: t('residents.field.createdDate'), children: r.createdDate },
          ...(r.status !== 'active'
            ? [{ key: 'status', label: t('residents.statusDialog.status'), children: `${t(`residents.status.${r.status}`)} ${r.statusDate ?? ''}` }]
            : []),
        ]}
      />
      {move?.status === 'pending' ? (
        <Alert
          type="info"
          showIcon
          data-testid="move-pending"
          title={t('residents.moveDialog.pending')}
          description={t('residents.moveDialog.pendingDetail', { village: villageLabel(move.toVillageCode), when: dayjs(move.requestedAt).format('YYYY-MM-DD HH:mm') })}
        />
      ) : null}
      {move?.status === 'refused' ? (
        <Alert
          type="warning"
          showIcon
          data-testid="move-refused"
          title={t(move.timedOut ? 'residents.moveDialog.timedOut' : 'residents.moveDialog.refused')}
          description={
            move.timedOut ? (
              <>
                <div data-testid="move-timed-out-what-to-do">{t('residents.moveDialog.timedOutDetail', { when: dayjs(move.requestedAt).format('YYYY-MM-DD') })}</div>
                <div className="move-refusal-words">{move.refusal ?? ''}</div>
              </>
            ) : (
              (move.refusal ?? '')
            )
          }
        />
      ) : null}
      <ResidentLateEdits residentId={id} />
      <Space wrap className="resident-actions">
        <Button onClick={() => props.onEdit(detail)}>{t('residents.page.edit')}</Button>
        <Button type="primary" onClick={() => go('checks', { residentId: id, open: 'new' })} disabled={r.status !== 'active'}>
          {t('residents.page.newCheck')}
        </Button>
        <Button onClick={() => setPrinting(true)}>{t('residents.page.printCover')}</Button>
        <Button onClick={() => setStatusOpen(true)}>{t('residents.page.setStatus')}</Button>
        <Button onClick={() => setMoveOpen(true)} disabled={move?.status === 'pending'}>
          {t('residents.page.requestMove')}
        </Button>
      </Space>
      <Tabs items={tabs} defaultActiveKey={parseRouteParams(window.location.hash)['tab']} />
      <StatusDialog
        open={statusOpen}
        residentId={id}
        today={props.today}
        current={r.status}
        onDone={(d) => {
          setDetail(d);
          setStatusOpen(false);
        }}
        onClose={() => setStatusOpen(false)}
      />
      <MoveDialog
        open={moveOpen}
        residentId={id}
        onDone={(m) => {
          setMove(m);
          setMoveOpen(false);
        }}
        onClose={() => setMoveOpen(false)}
      />
      {printing && (
        <PrintSheet onDone={donePrinting}>
          <CoverPrint detail={detail} />
        </PrintSheet>
      )}
    </div>
  );
}
