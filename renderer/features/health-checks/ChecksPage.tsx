import { Alert, Button, Spin, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthCheckView, RecentCheck, ResidentDetail, ResidentSummary } from '../../../shared/api/residents';
import { addDays } from '../../../shared/domain/dates';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import type { SectionPageProps } from '../../app/section-pages';
import { PrintSheet } from '../residents/PrintSheet';
import { ResidentSearch } from '../residents/ResidentSearch';
import { go, routeHref, useRouteParams } from '../residents/route';
import { useClinic } from '../residents/use-clinic';
import { ELDERLY_AGE } from '../../../shared/domain/health-check-judgement';
import { TcmOffer } from '../screening/TcmOffer';
import { CheckPrint } from './CheckPrint';
import { HealthCheckForm } from './HealthCheckForm';
import '../residents/residents.css';
import './checks.css';

interface Opened {
  resident: ResidentDetail;
  view: HealthCheckView | null;
  previous: HealthCheckView | null;
}

/** The completed check before this one (for "last time" beside each field). */
function previousOf(all: HealthCheckView[], current: HealthCheckView | null): HealthCheckView | null {
  return (
    all
      .filter((c) => c.status === 'completed' && c.id !== current?.id && (!current || c.checkDate <= current.checkDate))
      .sort((a, b) => b.checkDate.localeCompare(a.checkDate))[0] ?? null
  );
}

/**
 * 体检: pick a resident to start a check, or continue one of today's checks and open drafts; `?residentId=` (from
 * the work list or the resident page) continues that resident's open draft or starts a new check, `?checkId=`
 * opens one check.
 */
export function ChecksPage({ session }: SectionPageProps) {
  const { t } = useTranslation();
  const params = useRouteParams();
  const { today } = useClinic();
  const [opened, setOpened] = useState<Opened | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [printing, setPrinting] = useState<HealthCheckView | null>(null);
  /** The year of a just-completed 65+ check, while the TCM offer for it is open. */
  const [tcmYear, setTcmYear] = useState<string | null>(null);
  const checkId = params.checkId;
  const residentId = params.residentId;

  const open = useCallback(async () => {
    setOpened(null);
    setFailure(null);
    if (!checkId && !residentId) return;
    try {
      if (checkId) {
        const view = await api.healthChecks.get({ id: checkId });
        const [resident, all] = await Promise.all([api.residents.get({ id: view.residentId }), api.healthChecks.forResident({ residentId: view.residentId })]);
        setOpened({ resident, view, previous: previousOf(all, view) });
      } else if (residentId) {
        const [resident, all] = await Promise.all([api.residents.get({ id: residentId }), api.healthChecks.forResident({ residentId })]);
        const draft = all.find((c) => c.status === 'draft') ?? null;
        setOpened({ resident, view: draft, previous: previousOf(all, draft) });
      }
    } catch (e) {
      setFailure(e);
    }
  }, [checkId, residentId]);

  useEffect(() => {
    void open();
  }, [open]);

  const donePrinting = useCallback(() => setPrinting(null), []);
  const closeTcmOffer = useCallback(() => setTcmYear(null), []);

  let body;
  if (failure) {
    body = <Alert type="error" showIcon title={errorText(failure)} action={<Button onClick={() => go('checks')}>{t('health-checks.page.back')}</Button>} />;
  } else if (checkId || residentId) {
    body = opened ? (
      <>
        <Button onClick={() => go('checks')} className="back-button">
          {t('health-checks.page.back')}
        </Button>
        <Button type="link" href={routeHref('residents', { id: opened.resident.resident.id })}>
          {t('health-checks.page.openRecord')}
        </Button>
        <HealthCheckForm
          key={opened.view?.id ?? `new-${opened.resident.resident.id}`}
          session={session}
          resident={opened.resident}
          view={opened.view}
          previous={opened.previous}
          today={today}
          onSaved={(v) => {
            if (!checkId) window.history.replaceState(null, '', routeHref('checks', { checkId: v.id }));
          }}
          onPrint={setPrinting}
          onCompleted={(v) => {
            if (v.computed.ageAtCheck >= ELDERLY_AGE) setTcmYear(v.checkDate.slice(0, 4));
          }}
        />
        {tcmYear && (
          <TcmOffer residentId={opened.resident.resident.id} name={opened.resident.resident.name} year={tcmYear} today={today} onClose={closeTcmOffer} />
        )}
        {printing && (
          <PrintSheet onDone={donePrinting}>
            <CheckPrint view={printing} resident={opened.resident} />
          </PrintSheet>
        )}
      </>
    ) : (
      <Spin />
    );
  } else {
    body = (
      <>
        <p>{t('health-checks.page.pick')}</p>
        <ResidentSearch autoFocus onOpen={(r: ResidentSummary) => go('checks', { residentId: r.id })} label={t('health-checks.page.pickLabel')} />
        <RecentChecks today={today} />
      </>
    );
  }

  return (
    <section className="section checks-section" data-section="checks">
      <h1 tabIndex={-1}>{t('nav.checks')}</h1>
      {body}
    </section>
  );
}

type RecentRow = RecentCheck;

/** How far back the 体检 section lists the clinic's checks and drafts. */
const RECENT_DAYS = 30;

/** The clinic's checks of the last weeks, open drafts first. */
function RecentChecks({ today }: { today: string }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<RecentRow[] | null>(null);

  useEffect(() => {
    let alive = true;
    api.healthChecks
      .recent({ since: addDays(today, -RECENT_DAYS), limit: 100 })
      .then((list) => alive && setRows(list))
      .catch(() => alive && setRows([]));
    return () => {
      alive = false;
    };
  }, [today]);

  return (
    <div className="recent-checks">
      <h2>{t('health-checks.page.recent')}</h2>
      <Table<RecentRow>
        size="small"
        rowKey="checkId"
        loading={rows === null}
        pagination={false}
        dataSource={rows ?? []}
        locale={{ emptyText: t('health-checks.page.noRecent') }}
        columns={[
          { title: t('residents.field.name'), dataIndex: 'name', render: (name: string, r) => <a href={routeHref('checks', { checkId: r.checkId })}>{name}</a> },
          { title: t('health-checks.field.checkDate'), dataIndex: 'checkDate' },
          {
            title: t('health-checks.page.status'),
            dataIndex: 'status',
            render: (s: RecentRow['status']) => <Tag color={s === 'completed' ? 'green' : 'gold'}>{t(`health-checks.status.${s}`)}</Tag>,
          },
        ]}
      />
    </div>
  );
}
