import { Alert, Button, Card, Result, Space, Spin, Tabs, Tag } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Disease, FollowupView, ReferralCheckView, RegistryView, WorkRow } from '../../../shared/api/followups';
import type { ResidentDetail, ResidentSummary } from '../../../shared/api/residents';
import { api, subscribe } from '../../api-client';
import { errorText } from '../../app/api-errors';
import type { SectionPageProps } from '../../app/section-pages';
import { openSection, useHashParams } from '../worklist/hash-params';
import { workLink } from '../worklist/work-links';
import { defaultDoctorFilter } from '../worklist/WorklistPage';
import { sameDayDraft } from './followup-model';
import { FollowupForm, type FollowupTarget } from './FollowupForm';
import { FollowupHistory } from './FollowupHistory';
import { sheetFor } from './followup-print';
import { FollowupPrint } from './FollowupPrint';
import { PrintSheet } from '../residents/PrintSheet';
import { type FetchPage, FOLLOWUP_KINDS, nextInList, placeFromParams, type WorklistPlace } from './next-patient';
import { ReferralChecks } from './ReferralChecks';
import { RegistryPanel } from './RegistryPanel';
import { ResidentPicker } from './ResidentPicker';
import { useClinicToday } from './use-clinic-today';
import './followups.css';

interface Loaded {
  detail: ResidentDetail;
  registries: RegistryView[];
  followups: FollowupView[];
  checks: ReferralCheckView[];
}

const isDisease = (v: string | undefined): v is Disease => v === 'htn' || v === 't2dm';

/** After a completed visit: who it was, and (opened from the work list) the next patient, once looked up. */
interface Finished {
  name: string;
  views: FollowupView[];
  next: WorkRow | null | 'looking';
}

/**
 * The next follow-up line of the list the doctor came from (its filter, group and page, carried in the link); from
 * a link without one, the doctor's own list (everyone's when the doctor has none, as the work list does).
 */
async function findNext(place: WorklistPlace | null, doctor: string, seen: ReadonlySet<string>): Promise<WorkRow | null> {
  const fetch: FetchPage = (filter) => api.worklist.get(filter);
  if (place) return nextInList(fetch, place, seen);
  const mine = doctor ? await api.worklist.get({ doctor, kinds: [...FOLLOWUP_KINDS], statuses: ['overdue', 'due'], limit: 1 }) : null;
  return nextInList(fetch, { doctor: mine && mine.total > 0 ? doctor : undefined, offset: 0 }, seen);
}

/** 随访: pick a patient, see and change their registries, record a visit, finish drafts, correct, check referrals. */
export function FollowupsPage({ session }: SectionPageProps) {
  const { t } = useTranslation();
  const params = useHashParams();
  const today = useClinicToday();
  const residentId = params['residentId'] ?? null;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [target, setTarget] = useState<FollowupTarget | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [tab, setTab] = useState(params['open'] === 'referral' ? 'referrals' : 'visit');
  const [finished, setFinished] = useState<Finished | null>(null);
  const [printing, setPrinting] = useState<FollowupView | null>(null);
  // Drafts the open form saved itself: never offered back to it (the offer's button would take the focus, issue 16).
  const [ownDrafts, setOwnDrafts] = useState<{ formKey: number; ids: string[] }>({ formKey: 0, ids: [] });
  const donePrinting = useCallback(() => setPrinting(null), []);
  // Residents completed in this run from the work list, so 下一位 never offers one of them again.
  const seen = useRef(new Set<string>());
  const fromWorklist = params['from'] === 'worklist';
  const listPlace = useMemo(() => placeFromParams(params), [params]);

  const load = useCallback(async (id: string) => {
    setFailure(null);
    try {
      const [detail, registries, followups, checks] = await Promise.all([
        api.residents.get({ id }),
        api.registries.forResident({ residentId: id }),
        api.followups.forResident({ residentId: id }),
        api.followups.referralChecks({ residentId: id }),
      ]);
      setLoaded({ detail, registries, followups, checks });
      return { registries };
    } catch (e) {
      setFailure(e);
      return null;
    }
  }, []);

  const openParam = params['open'];
  const diseaseParam = params['disease'];
  // Only a change of resident (or of the link that opened the page) reloads and opens a fresh form.
  useEffect(() => {
    setLoaded(null);
    setTarget(null);
    setFinished(null);
    if (!residentId) return;
    void load(residentId).then((r) => {
      if (!r) return;
      const active = r.registries.filter((g) => g.enrolment.status === 'active').map((g) => g.disease);
      if (openParam === 'new' || (openParam === undefined && active.length > 0)) {
        setTarget({ mode: 'new', diseases: isDisease(diseaseParam) && active.includes(diseaseParam) ? [diseaseParam] : active });
        setFormKey((k) => k + 1);
      }
      setTab(openParam === 'referral' ? 'referrals' : 'visit');
    });
  }, [residentId, openParam, diseaseParam, load]);

  useEffect(
    () =>
      subscribe('worklist.changed', (delta) => {
        if (residentId && (delta.all || delta.residentIds.includes(residentId))) void load(residentId);
      }),
    [residentId, load],
  );

  const pick = (r: ResidentSummary | null) => openSection('followups', r ? { residentId: r.id } : {});

  const next = finished?.next && finished.next !== 'looking' ? finished.next : null;
  const openNext = useCallback(() => {
    if (!next) return;
    // The place travels on, so the visit after this one follows the same list again.
    const link = workLink(next, listPlace ?? undefined);
    openSection(link.section, link.params);
  }, [next, listPlace]);
  // Ctrl+→ opens the next patient from anywhere on the page; Enter does it from the focused button.
  useEffect(() => {
    if (!next) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'ArrowRight') {
        e.preventDefault();
        openNext();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [next, openNext]);

  const onCompleted = (views: FollowupView[], name: string, id: string) => {
    setTarget(null);
    setFinished({ name, views, next: fromWorklist ? 'looking' : null });
    if (!fromWorklist) return;
    seen.current.add(id);
    findNext(listPlace, defaultDoctorFilter(session.user), seen.current)
      .then((row) => setFinished((f) => (f ? { ...f, next: row } : f)))
      .catch(() => setFinished((f) => (f ? { ...f, next: null } : f)));
  };

  const active = (loaded?.registries ?? []).filter((g) => g.enrolment.status === 'active').map((g) => g.disease);
  const lastVisit: Partial<Record<Disease, FollowupView>> = {};
  for (const f of loaded?.followups ?? []) {
    if (f.status === 'completed' && !lastVisit[f.followup.disease]) lastVisit[f.followup.disease] = f;
  }
  const summary = loaded?.detail.summary;

  let body = null;
  if (failure) {
    body = (
      <Alert
        type="error"
        showIcon
        title={errorText(failure)}
        action={residentId ? <Button onClick={() => void load(residentId)}>{t('common.retry')}</Button> : undefined}
      />
    );
  } else if (residentId && !loaded) {
    body = <Spin />;
  } else if (loaded) {
    const own = ownDrafts.formKey === formKey ? ownDrafts.ids : [];
    const draftToday =
      target?.mode === 'new'
        ? sameDayDraft(
            loaded.followups.filter((f) => !own.includes(f.id)),
            target.diseases,
            today,
          )
        : undefined;
    const draftOffer = draftToday ? (
      <Alert
        type="warning"
        showIcon
        className="form-alert"
        data-testid="same-day-draft"
        title={t('followups.form.sameDayDraft', { date: draftToday.visitDate, disease: t(`followups.disease.${draftToday.followup.disease}`) })}
        action={
          <Button
            type="primary"
            autoFocus
            onClick={() => {
              setTarget({ mode: 'draft', view: draftToday });
              setFormKey((k) => k + 1);
            }}
          >
            {t('followups.form.continueDraft')}
          </Button>
        }
      />
    ) : null;
    const visitTab = target ? (
      <>
      {draftOffer}
      <FollowupForm
        key={formKey}
        residentId={loaded.detail.resident.id}
        enrolled={active}
        target={target}
        lastVisit={lastVisit}
        doctorName={session.user.displayName}
        today={today}
        onSaved={(views, completed) => {
          setOwnDrafts((prev) => ({ formKey, ids: [...(prev.formKey === formKey ? prev.ids : []), ...views.map((v) => v.id)] }));
          void load(loaded.detail.resident.id);
          if (completed) onCompleted(views, loaded.detail.summary.name, loaded.detail.resident.id);
        }}
        onCancel={() => setTarget(null)}
      />
      </>
    ) : finished ? (
      <Result
        status="success"
        className="followup-done"
        data-testid="followup-done"
        title={t('followups.done.title')}
        subTitle={t('followups.done.saved', { name: finished.name })}
        extra={
          <Space orientation="vertical" align="center">
            {fromWorklist && finished.next === 'looking' ? <span>{t('followups.done.finding')}</span> : null}
            {next ? (
              <>
                <Button type="primary" size="large" autoFocus onClick={openNext} data-testid="next-patient">
                  {t('followups.done.next', { name: next.name })} (Ctrl+→)
                </Button>
                <span className="keys-hint">{t('followups.done.nextHint')}</span>
              </>
            ) : null}
            {fromWorklist && finished.next === null ? <span>{t('followups.done.noNext')}</span> : null}
            <Space wrap>
              {finished.views.map((v) => (
                <Button key={v.id} onClick={() => setPrinting(v)} data-testid={`print-${v.followup.disease}`}>
                  {t('followups.done.print')}
                  {finished.views.length > 1 ? `（${t(`followups.diseaseShort.${v.followup.disease}`)}）` : ''}
                </Button>
              ))}
              <Button autoFocus={!fromWorklist} onClick={() => openSection('worklist')}>
                {t('followups.done.back')}
              </Button>
              <Button
                onClick={() => {
                  setFinished(null);
                  setTarget({ mode: 'new', diseases: active });
                  setFormKey((k) => k + 1);
                }}
                disabled={active.length === 0}
              >
                {t('followups.done.again')}
              </Button>
            </Space>
          </Space>
        }
      />
    ) : active.length === 0 ? (
      <Alert type="info" showIcon title={t('followups.notEnrolled')} />
    ) : (
      <Button
        type="primary"
        onClick={() => {
          setTarget({ mode: 'new', diseases: active });
          setFormKey((k) => k + 1);
        }}
      >
        {t('followups.newVisit')}
      </Button>
    );
    body = (
      <Space orientation="vertical" size="small" className="full-width">
        <RegistryPanel residentId={loaded.detail.resident.id} birthDate={loaded.detail.resident.birthDate} registries={loaded.registries} today={today} onChanged={() => void load(loaded.detail.resident.id)} />
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'visit', label: t('followups.tabs.visit'), children: visitTab },
            {
              key: 'history',
              label: t('followups.tabs.history', { count: loaded.followups.length }),
              children: (
                <FollowupHistory
                  followups={loaded.followups}
                  onPrint={setPrinting}
                  onOpen={(view, mode) => {
                    setTarget({ mode, view });
                    setFormKey((k) => k + 1);
                    setTab('visit');
                  }}
                />
              ),
            },
            {
              key: 'referrals',
              label: t('followups.tabs.referrals', { count: loaded.checks.filter((c) => c.status === 'draft').length }),
              children: (
                <ReferralChecks
                  checks={loaded.checks}
                  today={today}
                  focusSourceId={params['sourceId']}
                  onChanged={() => void load(loaded.detail.resident.id)}
                />
              ),
            },
          ]}
        />
      </Space>
    );
  }

  return (
    <section className="section" data-section="followups">
      <h1 tabIndex={-1}>{t('followups.title')}</h1>
      <Card size="small" className="form-card">
        <Space wrap align="center">
          <label htmlFor="followup-resident">{t('followups.picker.label')}</label>
          <ResidentPicker id="followup-resident" value={residentId} onChange={pick} initial={summary ?? null} autoFocus={!residentId} />
          {summary ? (
            <span className="resident-line" data-testid="resident-line">
              {summary.name} · {t(`followups.sex.${summary.sex}`, { defaultValue: '' })} · {t('followups.age', { age: summary.age })} · {summary.villageName}
              {summary.tags.map((tag) => (
                <Tag key={tag}>{t(`followups.tag.${tag}`, { defaultValue: tag })}</Tag>
              ))}
            </span>
          ) : null}
        </Space>
      </Card>
      {body}
      {printing && loaded ? (
        <PrintSheet onDone={donePrinting}>
          <FollowupPrint
            disease={printing.followup.disease}
            views={sheetFor(printing, [...loaded.followups.filter((f) => f.id !== printing.id), printing])}
            resident={loaded.detail}
          />
        </PrintSheet>
      ) : null}
    </section>
  );
}
