import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Space, Tag } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { v7 as uuidv7 } from 'uuid';
import { useTranslation } from 'react-i18next';
import type { FieldIssue } from '../../../shared/api/errors';
import type { HealthCheckView, ResidentDetail } from '../../../shared/api/residents';
import { computeBmi } from '../../../shared/domain/bmi';
import { ageOn, isValidDate } from '../../../shared/domain/dates';
import { checkHealthCheck } from '../../../shared/domain/health-check-rules';
import type { HealthCheckDraft } from '../../../shared/schemas/health-check';
import { api, ApiError } from '../../api-client';
import { errorText } from '../../app/api-errors';
import type { UnlockedSession } from '../../app/section-pages';
import { fieldIssueText } from '../../i18n';
import { placeIssues } from '../residents/place-issues';
import { BLOCKS } from './check-fields';
import { fieldNameOf, fromDraft, type FormValues, halfPairFindings, scrollNameOf, toDraft } from './check-form-values';
import { CheckBlock } from './CheckBlock';
import { CheckJudgement } from './CheckJudgement';
import { RowsBlock } from './RowsBlock';
import { SelfCareBlock } from './SelfCareBlock';
import { useFormKeys } from '../residents/use-form-keys';
import { ReadingOffer } from '../devices/ReadingOffer';
import { useAbnormalLines } from './use-abnormal-lines';

type Findings = { errors: FieldIssue[]; warnings: FieldIssue[] };

/**
 * 健康体检表: defaults (today, 无症状, the signed-in doctor), last time's values beside this time's, BMI and age live,
 * the shared rules in the browser as one types (impossible values refused next to the field, unusual ones marked),
 * the self-care assessment for 65+; save draft (Ctrl+S), 完成体检 (unusual values confirmed first), and for a
 * completed check a read-only view with 修订 (a reason is asked for).
 */
export function HealthCheckForm(props: {
  session: UnlockedSession;
  resident: ResidentDetail;
  view: HealthCheckView | null;
  previous: HealthCheckView | null;
  today: string;
  onSaved: (v: HealthCheckView) => void;
  onPrint: (v: HealthCheckView) => void;
  /** After 完成体检 (not after a draft or an amendment): the page offers what follows a check. */
  onCompleted?: (v: HealthCheckView) => void;
}) {
  // The id a new record gets, made once per form: saving again after a lost answer writes nothing twice.
  const clientId = useRef(uuidv7());
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const [view, setView] = useState<HealthCheckView | null>(props.view);
  const [amending, setAmending] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [selfCareMessage, setSelfCareMessage] = useState<string | undefined>();
  const [showSelfCare, setShowSelfCare] = useState(false);
  const [reasonOpen, setReasonOpen] = useState(false);
  const [reason, setReason] = useState('');
  const placed = useRef(new Set<string>());
  const r = props.resident.resident;
  const residentId = r.id;
  const readOnly = view?.status === 'completed' && !amending;

  const initialValues = useMemo<FormValues>(
    () =>
      props.view
        ? fromDraft(props.view.data)
        : { checkDate: props.today, responsibleDoctor: props.session.user.displayName, symptoms: ['1'] },
    // Mounted once per check: later renders must not reset what was typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [props.view?.id],
  );

  const checkDate = (Form.useWatch('checkDate', form) as string | undefined) ?? props.today;
  const height = Form.useWatch(['generalCondition', 'height'], form) as number | null | undefined;
  const weight = Form.useWatch(['generalCondition', 'weight'], form) as number | null | undefined;
  const age = isValidDate(checkDate) && checkDate >= r.birthDate ? ageOn(r.birthDate, checkDate) : null;
  const bmi = typeof height === 'number' && typeof weight === 'number' ? computeBmi(weight, height) : null;
  const needsSelfCare = age !== null && age >= 65;


  const show = useCallback(
    (f: Findings) => {
      placed.current = placeIssues(form, f, fieldNameOf, placed.current);
      const sc = f.errors.find((e) => e.path === 'selfCare');
      setSelfCareMessage(sc ? fieldIssueText(sc) : undefined);
    },
    [form],
  );

  const judge = useCallback(
    (mode: 'draft' | 'complete', withConversion: boolean): { draft: HealthCheckDraft; findings: Findings } => {
      const values = form.getFieldsValue(true) as FormValues;
      const { draft, issues } = toDraft(values, residentId);
      const findings = checkHealthCheck(draft, { birthDate: r.birthDate, today: props.today }, mode);
      const half = halfPairFindings(values);
      return {
        draft,
        findings: { errors: [...findings.errors, ...half.errors, ...(withConversion ? issues : [])], warnings: [...findings.warnings, ...half.warnings] },
      };
    },
    [form, residentId, r.birthDate, props.today],
  );

  const liveCheck = useCallback(() => show(judge('draft', false).findings), [judge, show]);
  const autoLines = useAbnormalLines({ form, residentId, birthDate: r.birthDate, sex: Number(r.sex), readOnly });
  const valuesChanged = useCallback(
    (changed?: FormValues) => {
      autoLines(changed);
      liveCheck();
    },
    [autoLines, liveCheck],
  );

  useEffect(() => {
    if (props.view) liveCheck();
    // Only on mount: an opened draft shows its messages at once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const refused = (f: Findings) => {
    show(f);
    void message.error(t('health-checks.form.fixFirst', { count: f.errors.length }));
    form.scrollToField(scrollNameOf(f.errors[0]?.path ?? ''), { block: 'center' });
  };

  const apiFailed = (e: unknown) => {
    setFailure(e);
    if (e instanceof ApiError && e.fields.length > 0) show({ errors: e.fields, warnings: [] });
  };

  const saved = (v: HealthCheckView, text: string) => {
    setView(v);
    void message.success(text);
    props.onSaved(v);
  };

  const saveDraft = async (): Promise<HealthCheckView | null> => {
    if (readOnly || amending || busy) return null;
    const { draft, findings } = judge('draft', true);
    if (findings.errors.length > 0) {
      refused(findings);
      return null;
    }
    setBusy(true);
    setFailure(null);
    try {
      const v = await api.healthChecks.saveDraft({ ...(view ? { id: view.id } : { clientId: clientId.current }), data: draft });
      saved(v, t('health-checks.form.draftSaved'));
      return v;
    } catch (e) {
      apiFailed(e);
      return null;
    } finally {
      setBusy(false);
    }
  };

  /** Calls once; if the API asks for unusual values to be confirmed, lists them and calls again after "确认". */
  const withConfirmation = async (call: (confirm: boolean) => Promise<HealthCheckView>): Promise<HealthCheckView | null> => {
    try {
      return await call(false);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'VALIDATION_FAILED' && e.details.needsConfirmation === true)) throw e;
      show({ errors: [], warnings: e.fields });
      const ok = await new Promise<boolean>((resolve) => {
        modal.confirm({
          title: t('health-checks.confirm.title'),
          content: (
            <ul className="confirm-list" data-testid="confirm-warnings">
              {e.fields.map((f) => (
                <li key={f.path}>
                  <strong>{t(`health-checks.field.${f.path.replace(/\.(sbp|dbp|code)$/, '')}`, { defaultValue: f.path })}</strong>: {fieldIssueText(f)}
                </li>
              ))}
            </ul>
          ),
          okText: t('health-checks.confirm.ok'),
          cancelText: t('health-checks.confirm.back'),
          onOk: () => resolve(true),
          onCancel: () => resolve(false),
        });
      });
      return ok ? call(true) : null;
    }
  };

  const complete = async () => {
    const { draft, findings } = judge('complete', true);
    if (findings.errors.length > 0) {
      refused(findings);
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const id = view?.id ?? (await api.healthChecks.saveDraft({ clientId: clientId.current, data: draft })).id;
      const v = await withConfirmation((confirmWarnings) => api.healthChecks.complete({ id, data: draft, confirmWarnings }));
      if (v) {
        saved(v, t('health-checks.form.completed'));
        props.onCompleted?.(v);
      }
    } catch (e) {
      apiFailed(e);
    } finally {
      setBusy(false);
    }
  };

  const amend = async () => {
    if (!view) return;
    const { draft, findings } = judge('complete', true);
    if (findings.errors.length > 0) {
      setReasonOpen(false);
      refused(findings);
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const v = await withConfirmation((confirmWarnings) => api.healthChecks.amend({ id: view.id, data: draft, reason: reason.trim(), confirmWarnings, basedOn: view.amendedBy[0] ?? view.id }));
      if (v) {
        setAmending(false);
        setReasonOpen(false);
        setReason('');
        saved(v, t('health-checks.form.amended'));
      }
    } catch (e) {
      setReasonOpen(false);
      apiFailed(e);
    } finally {
      setBusy(false);
    }
  };

  const keys = useFormKeys(() => void saveDraft());
  const isFemale = r.sex === '2';
  const prevData = props.previous?.data;
  const blockTitle = (key: string) => t(`health-checks.block.${key}`);
  const bmiBox = (
    <div className="computed-box" aria-live="polite">
      <div className="computed-label">{t('health-checks.form.bmi')}</div>
      <div className="computed-value" data-testid="bmi">
        {bmi !== null ? `${bmi.toFixed(1)} kg/m²` : '—'}
      </div>
      {props.previous?.computed.bmi !== undefined && (
        <span className="last-value">{t('health-checks.form.last', { value: props.previous.computed.bmi })}</span>
      )}
    </div>
  );

  return (
    <div className="health-check-form" data-testid="health-check-form" ref={keys.ref} onKeyDownCapture={keys.onKeyDownCapture}>
      <div className="check-head">
        <h2>
          {t('health-checks.form.title')} · {r.name}
        </h2>
        <span className="resident-muted">
          {t('residents.field.recordNo')} <span className="monospace">{r.recordNo}</span>
        </span>
        {age !== null && <Tag>{t('health-checks.form.age', { age })}</Tag>}
        {view && <Tag color={view.status === 'completed' ? 'green' : 'gold'}>{t(`health-checks.status.${view.status}`)}</Tag>}
        {view && view.amendedBy.length > 0 && <Tag color="purple">{t('health-checks.form.amendedTag', { reason: view.amendReason })}</Tag>}
        {props.previous && <span className="resident-muted">{t('health-checks.form.previous', { date: props.previous.checkDate })}</span>}
      </div>
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onValuesChange={(changed: FormValues) => valuesChanged(changed)}
        disabled={readOnly || busy}
        className="check-form-body"
      >
        <Card size="small" title={t('health-checks.block.header')} className="check-card">
          <div className="check-grid">
            <Form.Item name="checkDate" label={t('health-checks.field.checkDate')} className="check-field">
              <Input maxLength={10} placeholder={t('residents.form.datePlaceholder')} />
            </Form.Item>
            <Form.Item name="responsibleDoctor" label={t('health-checks.field.responsibleDoctor')} className="check-field">
              <Input maxLength={40} />
            </Form.Item>
          </div>
        </Card>
        <ReadingOffer form={form} target="healthCheck" disabled={readOnly} storedForm={() => toDraft(form.getFieldsValue(true) as FormValues, residentId).draft} onApplied={liveCheck} />
        {BLOCKS.map((block) => (
          <Card key={block.key} size="small" title={blockTitle(block.key)} className="check-card">
            <CheckBlock
              block={block}
              previous={prevData}
              isFemale={isFemale}
              disabled={readOnly}
              onFilled={() => valuesChanged()}
              after={block.key === 'general' ? { 'generalCondition.waist': bmiBox } : undefined}
            />
            {block.key === 'general' &&
              (needsSelfCare || showSelfCare || view?.data.selfCare ? (
                <Card size="small" type="inner" title={t('health-checks.block.selfCare')} className="check-card">
                  <SelfCareBlock required={needsSelfCare} message={selfCareMessage} />
                </Card>
              ) : (
                !readOnly && (
                  <Button type="link" onClick={() => setShowSelfCare(true)}>
                    {t('health-checks.selfCare.add')}
                  </Button>
                )
              ))}
            {block.key === 'problems' && (
              <>
                <h4>{t('health-checks.block.hospitalizations')}</h4>
                <RowsBlock kind="hospitalizations" />
                <h4>{t('health-checks.block.medications')}</h4>
                <RowsBlock kind="medications" />
                <h4>{t('health-checks.block.vaccinations')}</h4>
                <RowsBlock kind="vaccinations" />
              </>
            )}
          </Card>
        ))}
        <CheckJudgement form={form} initialValues={initialValues} residentId={residentId} birthDate={r.birthDate} sex={Number(r.sex)} isElderly={needsSelfCare} />
      </Form>
      {failure !== null && <Alert type="error" showIcon title={errorText(failure)} className="form-alert" role="alert" />}
      <div className="check-actions">
        <Space wrap>
          {!view || view.status === 'draft' ? (
            <>
              <Button onClick={() => void saveDraft()} loading={busy}>
                {t('health-checks.form.saveDraft')}
              </Button>
              <Button type="primary" onClick={() => void complete()} loading={busy}>
                {t('health-checks.form.complete')}
              </Button>
            </>
          ) : amending ? (
            <>
              <Button type="primary" onClick={() => setReasonOpen(true)} loading={busy}>
                {t('health-checks.form.saveAmendment')}
              </Button>
              <Button
                onClick={() => {
                  setAmending(false);
                  form.resetFields();
                  form.setFieldsValue(fromDraft(view.data));
                  liveCheck();
                }}
              >
                {t('common.cancel')}
              </Button>
            </>
          ) : (
            <>
              <Button onClick={() => setAmending(true)}>{t('health-checks.form.amend')}</Button>
              <Button onClick={() => props.onPrint(view)}>{t('health-checks.form.print')}</Button>
            </>
          )}
          <span className="resident-muted">{t('health-checks.form.keys')}</span>
        </Space>
      </div>
      <Modal
        open={reasonOpen}
        title={t('health-checks.amend.title')}
        okText={t('health-checks.amend.ok')}
        cancelText={t('common.cancel')}
        okButtonProps={{ disabled: reason.trim().length < 2, loading: busy }}
        onOk={() => void amend()}
        onCancel={() => setReasonOpen(false)}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={t('health-checks.amend.reason')} required extra={t('health-checks.amend.hint')}>
            <Input.TextArea rows={3} maxLength={500} aria-label={t('health-checks.amend.reason')} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
