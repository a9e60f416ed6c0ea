import { Alert, Button, Card, Space, Spin, Tabs, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Disease, FollowupView, ReferralCheckView, RegistryView } from '../../../shared/api/followups';
import type { ResidentDetail, ResidentSummary } from '../../../shared/api/residents';
import { api, subscribe } from '../../api-client';
import { errorText } from '../../app/api-errors';
import type { SectionPageProps } from '../../app/section-pages';
import { openSection, useHashParams } from '../worklist/hash-params';
import { sameDayDraft } from './followup-model';
import { FollowupForm, type FollowupTarget } from './FollowupForm';
import { FollowupHistory } from './FollowupHistory';
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
    const draftToday = target?.mode === 'new' ? sameDayDraft(loaded.followups, target.diseases, today) : undefined;
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
        onSaved={(_views, completed) => {
          void load(loaded.detail.resident.id);
          if (completed) setTarget(null);
        }}
        onCancel={() => setTarget(null)}
      />
      </>
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
      <Space orientation="vertical" size="middle" className="full-width">
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
    </section>
  );
}
