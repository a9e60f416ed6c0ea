import { Alert, App as AntApp, Button, Card, Checkbox, Collapse, Form, Input, Modal, Space, Tag } from 'antd';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { v7 as uuidv7 } from 'uuid';
import { useTranslation } from 'react-i18next';
import type { Disease, FollowupEvaluation, FollowupView } from '../../../shared/api/followups';
import { KINDS_WITHOUT_GLUCOSE } from '../../../shared/domain/device-sources';
import { ApiError, api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { fieldIssueText } from '../../i18n';
import { ReadingOffer } from '../devices/ReadingOffer';
import { useFormKeys } from '../residents/use-form-keys';
import { AdherenceFields } from './AdherenceFields';
import { ClosingFields } from './ClosingFields';
import { DecisionPanel } from './DecisionPanel';
import { DiseaseDetail } from './DiseaseDetail';
import { DiseaseFields } from './DiseaseFields';
import type { EmergencyByPath } from './emergency-fields';
import { EmergencySigns } from './EmergencySigns';
import { formPathFor } from './field-paths';
import { carriedFrom, emergencyNow, fromView, toPayload, type VisitValues } from './followup-model';
import { type SectionKey, sectionOf, sectionsToOpen } from './form-sections';
import { LifestyleFields } from './LifestyleFields';
import { MedicationFields } from './MedicationFields';
import { SignatureFields } from './SignatureFields';
import { SignsFields } from './SignsFields';
import { VisitFields } from './VisitFields';

/** What the form edits: a new visit (one or both diseases), a draft to finish, or a completed record to correct. */
export type FollowupTarget = { mode: 'new'; diseases: Disease[] } | { mode: 'draft'; view: FollowupView } | { mode: 'amend'; view: FollowupView };

const EVALUATE_DELAY_MS = 250;

/**
 * 高血压 / 2型糖尿病 随访服务记录表 for one resident. The emergency check runs in the browser on every keystroke
 * (shared rules, so the red flag never waits for the network); the proposal comes from `followups.evaluate`, which
 * also knows the previous visit's class. Saving, completing and amending go to each chosen disease's form.
 */
export function FollowupForm(props: {
  residentId: string;
  enrolled: Disease[];
  target: FollowupTarget;
  lastVisit: Partial<Record<Disease, FollowupView>>;
  doctorName: string;
  today: string;
  onSaved: (views: FollowupView[], completed: boolean) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<VisitValues>();
  const { target } = props;
  const fixedDisease = target.mode === 'new' ? null : target.view.followup.disease;
  const [diseases, setDiseases] = useState<Disease[]>(fixedDisease ? [fixedDisease] : target.mode === 'new' ? target.diseases : []);
  const clientIds = useRef({ htn: uuidv7(), t2dm: uuidv7() });
  const ids = useRef<Partial<Record<Disease, string>>>(target.mode === 'draft' ? { [target.view.followup.disease]: target.view.id } : {});
  const [done, setDone] = useState<Partial<Record<Disease, FollowupView>>>({});
  const [evaluations, setEvaluations] = useState<Partial<Record<Disease, FollowupEvaluation>>>({});
  const [busy, setBusy] = useState(false);
  const [amendOpen, setAmendOpen] = useState(false);
  const [amendReason, setAmendReason] = useState('');
  const [openSections, setOpenSections] = useState<SectionKey[]>([]);
  const openAlso = (keys: readonly SectionKey[]) => setOpenSections((prev) => (keys.every((k) => prev.includes(k)) ? prev : [...new Set([...prev, ...keys])]));

  // Computed once: the form is keyed by its target, and a later reload of the last visit must not reset typing.
  const [initialValues] = useState<VisitValues>(() => {
    if (target.mode !== 'new') return fromView(target.view);
    const carried = carriedFrom(props.lastVisit, target.diseases);
    return { visitDate: props.today, visitMode: 1, doctorSignature: props.doctorName, ...carried, t2dm: { glucoseUnit: 'mmol/L' }, htn: {} };
  });
  const [values, setValues] = useState<VisitValues>(initialValues);
  // Until the doctor edits the drug list, it follows the diseases ticked: each disease's own last drugs.
  const medsEdited = useRef(false);
  const chooseDiseases = (next: Disease[]) => {
    setDiseases(next);
    if (target.mode !== 'new' || medsEdited.current) return;
    form.setFieldsValue({ medications: carriedFrom(props.lastVisit, next).medications ?? [] });
    setValues({ ...(form.getFieldsValue(true) as VisitValues) });
  };

  const emergencies = useMemo(() => Object.fromEntries(diseases.map((d) => [d, emergencyNow(d, values)])) as Record<Disease, ReturnType<typeof emergencyNow>>, [diseases, values]);
  const emergencyByPath: EmergencyByPath = useMemo(() => {
    const m: EmergencyByPath = new Map();
    for (const d of diseases) for (const c of emergencies[d] ?? []) if (!m.has(c.path)) m.set(c.path, c);
    return m;
  }, [diseases, emergencies]);

  useEffect(() => {
    const timer = setTimeout(() => {
      for (const d of diseases) {
        const forEval = { ...values, htn: { ...values.htn, isOverriding: false }, t2dm: { ...values.t2dm, isOverriding: false } };
        const payload = toPayload(d, forEval, null);
        api.followups
          .evaluate({ residentId: props.residentId, ...payload })
          .then((ev) => setEvaluations((prev) => ({ ...prev, [d]: ev })))
          // A half-typed value the door refuses keeps the last proposal on screen; saving will name the field.
          .catch(() => undefined);
      }
    }, EVALUATE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [values, diseases, props.residentId]);

  // Carried drugs, a proposed referral, a ticked emergency sign: the section that holds them opens by itself.
  const autoOpen = useMemo(() => sectionsToOpen(values, diseases, evaluations), [values, diseases, evaluations]);
  useEffect(() => openAlso(autoOpen), [autoOpen]);

  // A new visit starts where the doctor types first: the blood pressure (date and way are already today, 门诊).
  const rootRef = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (target.mode !== 'new') return;
    rootRef.current?.querySelector<HTMLInputElement>('[data-testid=sbp]')?.focus();
  }, [target.mode]);

  // 有 on the first screen: the checklist opens and its first sign takes the focus, once it is laid out.
  const focusChecklist = () => {
    openAlso(['emergency']);
    requestAnimationFrame(() => {
      const first = rootRef.current?.querySelector<HTMLInputElement>('[data-testid=emergency-signs] input[type=checkbox]');
      first?.scrollIntoView({ block: 'center' });
      first?.focus();
    });
  };

  const showErrors = (d: Disease, e: unknown) => {
    if (e instanceof ApiError && e.fields.length > 0) {
      const names = e.fields.map((f) => formPathFor(d, f.path));
      openAlso(names.map(sectionOf).filter((k): k is SectionKey => k !== null));
      form.setFields(e.fields.map((f, i) => ({ name: names[i], errors: [fieldIssueText(f)] })) as Parameters<typeof form.setFields>[0]);
    }
  };

  /**
   * Checks the fields before a save. A draft may be incomplete but never wrong: it ignores only the "required"
   * marks. A refused save brings the first red field into view and focus (issue 16).
   */
  const fieldsAccepted = async (kind: 'draft' | 'complete'): Promise<boolean> => {
    let errorFields: { name: (string | number)[]; errors: string[] }[] = [];
    try {
      await form.validateFields();
    } catch (e) {
      errorFields = (e as { errorFields?: typeof errorFields }).errorFields ?? [];
    }
    const blocking = kind === 'complete' ? errorFields : errorFields.filter((f) => f.errors.some((msg) => msg !== t('form.required')));
    const first = blocking[0];
    if (!first) return true;
    // A red field in a folded section opens it first, then comes into view once it is laid out.
    openAlso(blocking.map((f) => sectionOf(f.name)).filter((k): k is SectionKey => k !== null));
    requestAnimationFrame(() => form.scrollToField(first.name, { block: 'center', focus: true }));
    void message.error(t('followups.form.fixFields'));
    return false;
  };

  /** The proposal for exactly what is saved: a value typed in the last 250 ms must not complete with a stale class. */
  const freshEvaluation = async (d: Disease, all: VisitValues): Promise<FollowupEvaluation | null> => {
    const forEval = { ...all, htn: { ...all.htn, isOverriding: false }, t2dm: { ...all.t2dm, isOverriding: false } };
    try {
      const ev = await api.followups.evaluate({ residentId: props.residentId, ...toPayload(d, forEval, null) });
      setEvaluations((prev) => ({ ...prev, [d]: ev }));
      return ev;
    } catch {
      return evaluations[d] ?? null;
    }
  };

  const run = async (kind: 'draft' | 'complete') => {
    if (!(await fieldsAccepted(kind))) return;
    const all = form.getFieldsValue(true) as VisitValues;
    setBusy(true);
    const saved: FollowupView[] = [];
    let failed = false;
    for (const d of diseases) {
      if (done[d]) continue;
      const payload = toPayload(d, all, kind === 'complete' ? await freshEvaluation(d, all) : (evaluations[d] ?? null));
      try {
        // A new visit carries the id made when the form opened, so saving again after a lost answer writes nothing twice.
        const input = { id: ids.current[d], clientId: ids.current[d] ? undefined : clientIds.current[d], residentId: props.residentId, ...payload };
        const view = kind === 'draft' ? await api.followups.saveDraft(input) : await api.followups.complete(input);
        ids.current[d] = view.id;
        saved.push(view);
        if (kind === 'complete') setDone((prev) => ({ ...prev, [d]: view }));
      } catch (e) {
        failed = true;
        showErrors(d, e);
        void message.error(`${t(`followups.disease.${d}`)}: ${errorText(e)}`);
      }
    }
    setBusy(false);
    if (saved.length > 0) {
      // A completed visit is announced by the page's success screen (with 下一位); a toast would say it twice.
      if (kind === 'draft' || failed) void message.success(kind === 'draft' ? t('followups.form.draftSaved') : t('followups.form.completed'));
      if (!failed) props.onSaved(saved, kind === 'complete');
    }
  };

  const amend = async () => {
    if (target.mode !== 'amend') return;
    if (!(await fieldsAccepted('complete'))) return;
    const d = target.view.followup.disease;
    const all = form.getFieldsValue(true) as VisitValues;
    setBusy(true);
    try {
      const view = await api.followups.amend({
        id: target.view.id,
        residentId: props.residentId,
        reason: amendReason.trim(),
        basedOn: target.view.amendedBy[0] ?? target.view.id,
        ...toPayload(d, all, evaluations[d] ?? null),
      });
      setAmendOpen(false);
      void message.success(t('followups.form.amended'));
      props.onSaved([view], true);
    } catch (e) {
      showErrors(d, e);
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const visitDate = values.visitDate ?? props.today;
  // As on the health check: Enter moves to the next field (and ticks a choice) instead of submitting half a form;
  // Ctrl+S saves a draft, Ctrl+Enter completes the visit (or opens the amendment's reason).
  const canSave = diseases.length > 0 && !busy;
  const keys = useFormKeys(
    () => {
      if (target.mode !== 'amend' && canSave) void run('draft');
    },
    () => {
      if (!canSave) return;
      if (target.mode === 'amend') setAmendOpen(true);
      else void run('complete');
    },
  );
  const referralNeeded = diseases.some((d) => {
    const own = d === 'htn' ? values.htn : values.t2dm;
    const step = own?.isOverriding ? own.nextStep : evaluations[d]?.proposed.nextStep;
    return step === 3 || step === 4;
  });
  const drugCount = (values.medications ?? []).filter((m) => (m.drugName ?? '').trim() !== '').length;
  const signCount = diseases.reduce((n, d) => n + ((d === 'htn' ? values.htn : values.t2dm)?.emergencySigns?.length ?? 0), 0);
  const section = (key: SectionKey, children: ReactNode, note?: ReactNode) => ({
    key,
    label: (
      <span className="section-label">
        {t(`followups.section.${key}`)}
        {note}
      </span>
    ),
    children,
    forceRender: true,
  });
  const sections = [
    section('signs', <SignsFields emergency={emergencyByPath} values={values} />),
    section('emergency', <EmergencySigns diseases={diseases} emergency={emergencyByPath} />, signCount > 0 ? <Tag color="red">{t('followups.section.ticked', { count: signCount })}</Tag> : null),
    section('detail', diseases.map((d) => <DiseaseDetail key={d} disease={d} values={values} />)),
    section('lifestyle', <LifestyleFields />),
    section(
      'medication',
      <MedicationFields values={values} diseases={diseases} />,
      drugCount > 0 ? <Tag>{t(target.mode === 'new' && !medsEdited.current ? 'followups.section.carried' : 'followups.section.drugs', { count: drugCount })}</Tag> : null,
    ),
    section('adjustment', <ClosingFields values={values} diseases={diseases} referralNeeded={referralNeeded} />, referralNeeded ? <Tag color="orange">{t('followups.section.referral')}</Tag> : null),
    section('signature', <SignatureFields />, values.residentSignatureImage ? <Tag color="green">{t('followups.section.signed')}</Tag> : null),
  ];
  return (
    <div
      ref={(el) => {
        keys.ref.current = el;
        rootRef.current = el;
      }}
      onKeyDownCapture={keys.onKeyDownCapture}
    >
    <Form<VisitValues>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onValuesChange={(changed: Partial<VisitValues>) => {
        if ('medications' in changed) medsEdited.current = true;
        // Ticking a sign in the checklist answers the first screen's question 有 (only then: a 无 chosen later stays,
        // marked as contradicting the ticks).
        if (diseases.some((d) => (changed[d]?.emergencySigns ?? []).length > 0)) form.setFieldValue('hasEmergency', 2);
        if (changed.hasEmergency === 2) focusChecklist();
        setValues({ ...(form.getFieldsValue(true) as VisitValues) });
      }}
      className="followup-form"
      aria-label={t('followups.form.title')}
    >
      {target.mode !== 'new' ? (
        <Alert type="info" showIcon className="form-alert" title={t(target.mode === 'amend' ? 'followups.form.amending' : 'followups.form.continuing', { date: target.view.visitDate })} />
      ) : null}
      {diseases.length === 0 ? <Alert type="warning" showIcon title={t('followups.form.chooseDisease')} className="form-alert" /> : null}
      {/* The first screen: what a routine visit needs (issue 16). Everything else is folded below. */}
      <Card size="small" className="form-card first-screen" data-testid="first-screen">
        {/* Which forms this visit fills: only a question when the resident is in both registries. */}
        {target.mode === 'new' && props.enrolled.length > 1 ? (
          <Form.Item label={t('followups.form.diseases')} required className="disease-choice">
            <Checkbox.Group
              value={diseases}
              onChange={chooseDiseases}
              options={props.enrolled.map((d) => ({ value: d, label: t(`followups.formTitle.${d}`), disabled: Boolean(done[d]) }))}
            />
          </Form.Item>
        ) : null}
        <ReadingOffer form={form} target="followup" kinds={diseases.includes('t2dm') ? undefined : KINDS_WITHOUT_GLUCOSE} storedForm={() => Object.assign({}, ...diseases.map((d) => toPayload(d, form.getFieldsValue(true) as VisitValues, null).followup.form)) as unknown} onApplied={() => setValues({ ...(form.getFieldsValue(true) as VisitValues) })} />
        <VisitFields today={props.today} emergency={emergencyByPath} values={values} />
        {diseases.map((d) => (
          <DiseaseFields key={d} disease={d} values={values} emergency={emergencyByPath} showTitle={diseases.length > 1} />
        ))}
        <AdherenceFields values={values} diseases={diseases} />
      </Card>
      {/* The proposal sits right under the values it depends on, so it is seen while typing. */}
      {diseases.map((d) => (
        <DecisionPanel key={d} disease={d} evaluation={evaluations[d] ?? null} localEmergency={emergencies[d] ?? []} values={values} visitDate={visitDate} />
      ))}
      <Collapse
        className="form-sections"
        size="small"
        activeKey={openSections}
        onChange={(keys) => setOpenSections((Array.isArray(keys) ? keys : [keys]) as SectionKey[])}
        items={sections}
      />
      <Space wrap className="form-actions">
        {target.mode === 'amend' ? (
          <Button type="primary" loading={busy} onClick={() => setAmendOpen(true)}>
            {t('followups.form.amend')}
          </Button>
        ) : (
          <>
            <Button loading={busy} disabled={diseases.length === 0} onClick={() => void run('draft')}>
              {t('followups.form.saveDraft')}
            </Button>
            <Button type="primary" loading={busy} disabled={diseases.length === 0} onClick={() => void run('complete')}>
              {t('followups.form.complete')}
            </Button>
          </>
        )}
        <Button onClick={props.onCancel}>{t('common.cancel')}</Button>
        <span className="keys-hint" data-testid="keys-hint">{t(target.mode === 'amend' ? 'followups.form.keysAmend' : 'followups.form.keys')}</span>
      </Space>
      <Modal
        open={amendOpen}
        title={t('followups.form.amend')}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        okButtonProps={{ disabled: amendReason.trim().length < 2 }}
        onOk={() => void amend()}
        onCancel={() => setAmendOpen(false)}
        destroyOnHidden
      >
        <label htmlFor="amend-reason">{t('followups.form.amendReason')}</label>
        <Input.TextArea id="amend-reason" value={amendReason} onChange={(e) => setAmendReason(e.target.value)} maxLength={500} autoFocus />
      </Modal>
    </Form>
    </div>
  );
}
