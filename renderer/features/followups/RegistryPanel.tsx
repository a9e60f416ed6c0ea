import { App as AntApp, Button, Card, Form, Input, Modal, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Disease, RegistryView } from '../../../shared/api/followups';
import { ApiError, api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { fieldIssueText } from '../../i18n';
import { AGE_REASON_MIN_LENGTH, needsAgeReason } from '../../../shared/domain/chronic-enrolment';
import { isValidDate } from '../../../shared/domain/dates';
import { DateInput } from './DateInput';

const DISEASES: Disease[] = ['htn', 't2dm'];

interface EnrolValues {
  diagnosisDate: string;
  diagnosingOrg: string;
  enrolledDate: string;
  ageOverrideReason?: string;
}

/**
 * 慢病登记: the resident's hypertension and diabetes registries, and 纳入管理 for a confirmed diagnosis; a resident
 * under 35 on the enrolment date is enrolled only with a reason (shared/domain/chronic-enrolment).
 */
export function RegistryPanel(props: { residentId: string; birthDate: string; registries: RegistryView[]; today: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [enrolling, setEnrolling] = useState<Disease | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<EnrolValues>();
  const enrolledDate = (Form.useWatch('enrolledDate', form) as string | undefined) ?? props.today;
  const askReason = isValidDate(enrolledDate) && enrolledDate >= props.birthDate && needsAgeReason(props.birthDate, enrolledDate);

  const enrol = async (v: EnrolValues) => {
    if (!enrolling) return;
    setBusy(true);
    try {
      await api.registries.enrol({
        residentId: props.residentId,
        enrolment: {
          disease: enrolling,
          diagnosisDate: v.diagnosisDate,
          diagnosingOrg: v.diagnosingOrg.trim(),
          enrolledDate: v.enrolledDate,
          ...(askReason && v.ageOverrideReason ? { ageOverrideReason: v.ageOverrideReason.trim() } : {}),
        },
      });
      void message.success(t('followups.registry.enrolled'));
      setEnrolling(null);
      form.resetFields();
      props.onChanged();
    } catch (e) {
      void message.error(errorText(e));
      if (e instanceof ApiError) {
        form.setFields(
          e.fields.map((f) => ({ name: f.path.replace(/^enrolment\./, ''), errors: [fieldIssueText(f)] })) as Parameters<typeof form.setFields>[0],
        );
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    // One line per disease, both on one row where they fit: the follow-up form below needs the screen (issue 16).
    <Card size="small" className="form-card registry-card" data-testid="registries">
      <div className="registry-line">
        <strong className="registry-title">{t('followups.registry.title')}</strong>
        {DISEASES.map((d) => {
          const r = props.registries.find((x) => x.disease === d);
          return (
            <span key={d} className="registry-row">
              <strong>{t(`followups.disease.${d}`)}</strong>{' '}
              {r ? (
                <>
                  <Tag color={r.enrolment.status === 'active' ? 'blue' : 'default'}>{t(`followups.registry.status.${r.enrolment.status}`)}</Tag>
                  <span className="registry-facts">
                    {t('followups.registry.diagnosisDate')}：{r.enrolment.diagnosisDate} · {t('followups.registry.diagnosingOrg')}：{r.enrolment.diagnosingOrg} ·{' '}
                    {t('followups.registry.enrolledDate')}：{r.enrolment.enrolledDate}
                  </span>
                </>
              ) : (
                <>
                  <Tag>{t('followups.registry.notEnrolled')}</Tag>
                  <Button size="small" onClick={() => setEnrolling(d)}>
                    {t('followups.registry.enrol')}
                  </Button>
                </>
              )}
            </span>
          );
        })}
      </div>
      <Modal
        open={enrolling !== null}
        title={enrolling ? t('followups.registry.enrolTitle', { disease: t(`followups.disease.${enrolling}`) }) : ''}
        okText={t('followups.registry.enrol')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => setEnrolling(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ enrolledDate: props.today }} onFinish={(v) => void enrol(v)}>
          <Form.Item name="diagnosisDate" label={t('followups.registry.diagnosisDate')} rules={[{ required: true, message: t('form.required') }]}>
            <DateInput max={props.today} />
          </Form.Item>
          <Form.Item name="diagnosingOrg" label={t('followups.registry.diagnosingOrg')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="enrolledDate" label={t('followups.registry.enrolledDate')} rules={[{ required: true, message: t('form.required') }]}>
            <DateInput max={props.today} />
          </Form.Item>
          {askReason && (
            <Form.Item
              name="ageOverrideReason"
              label={t('followups.registry.ageReason')}
              extra={t('followups.registry.ageReasonHint')}
              rules={[{ required: true, whitespace: true, min: AGE_REASON_MIN_LENGTH, message: t('validation.under35Reason') }]}
            >
              <Input.TextArea rows={2} maxLength={200} aria-label={t('followups.registry.ageReason')} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
