/**
 * 此次随访分类 and 下一步管理措施 for one disease: the rules' proposal as the doctor types (followups.evaluate), the
 * emergency flags, and an override that opens the fields and asks for a reason.
 */
import { Alert, Card, Col, Descriptions, Form, Input, Row, Select, Switch, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Disease, FollowupEvaluation } from '../../../shared/api/followups';
import type { EmergencyCriterion } from '../../../shared/domain/followup-emergency';
import { DateInput } from './DateInput';
import { EmergencyAlert } from './EmergencyAlert';
import type { VisitValues } from './followup-model';

function controlTag(value: boolean | null | undefined, t: (k: string) => string) {
  if (value === null || value === undefined) return <Tag>{t('followups.decision.unknown')}</Tag>;
  return value ? <Tag color="green">{t('followups.decision.controlled')}</Tag> : <Tag color="orange">{t('followups.decision.notControlled')}</Tag>;
}

export function DecisionPanel(props: {
  disease: Disease;
  evaluation: FollowupEvaluation | null;
  localEmergency: EmergencyCriterion[];
  values: VisitValues;
  visitDate: string;
}) {
  const { t } = useTranslation();
  const { disease, evaluation: ev } = props;
  const own = disease === 'htn' ? props.values.htn : props.values.t2dm;
  const overriding = own?.isOverriding === true;
  const p = ev?.proposed;
  // Where the rules had nothing to propose (a phone visit without values) the doctor chooses; that is no override.
  // A face-to-face visit whose BP is not typed yet will get a proposal as soon as it is: no choice to offer meanwhile.
  const v = props.values;
  const waitingForBp = (v.visitMode === 1 || v.visitMode === 2) && (v.sbp == null || v.dbp == null);
  const mustChoose = (field: 'classification' | 'nextStep' | 'nextVisitDate') => !overriding && !waitingForBp && ev !== null && p?.[field] === null;
  const show = (key: 'class' | 'nextStep', v: number | null | undefined) => (v ? t(`followup.${key}.${v}`) : '—');
  return (
    <Card
      size="small"
      title={t(`followups.decision.title.${disease}`)}
      className="form-card decision-card"
      data-testid={`decision-${disease}`}
      extra={
        // In the title bar, so the proposal takes no extra line on the first screen (issue 16).
        <Form.Item name={[disease, 'isOverriding']} valuePropName="checked" noStyle>
          <Switch checkedChildren={t('followups.decision.override')} unCheckedChildren={t('followups.decision.override')} aria-label={t('followups.decision.override')} />
        </Form.Item>
      }
    >
      <EmergencyAlert criteria={props.localEmergency} disease={disease} />
      <Descriptions
        size="small"
        column={{ xs: 1, md: 3, xl: 5 }}
        items={[
          { key: 'bp', label: t('followups.decision.bp'), children: controlTag(ev?.bpControlled, t) },
          ...(disease === 't2dm'
            ? [{ key: 'glucose', label: t('followups.decision.glucose'), children: controlTag(ev?.glucoseControlled, t) }]
            : []),
          { key: 'prev', label: t('followups.decision.previous'), children: show('class', ev?.previousClass) },
          {
            key: 'class',
            label: t('followups.decision.proposedClass'),
            children: <strong data-testid={`proposed-class-${disease}`}>{show('class', p?.classification)}</strong>,
          },
          {
            key: 'step',
            label: t('followups.decision.proposedStep'),
            children: <strong data-testid={`proposed-step-${disease}`}>{show('nextStep', p?.nextStep)}</strong>,
          },
          {
            key: 'date',
            label: t('followups.decision.proposedDate'),
            children: <strong data-testid={`proposed-date-${disease}`}>{p?.nextVisitDate ?? '—'}</strong>,
          },
          ...(ev?.referralCheckDue
            ? [{ key: 'ref', label: t('followups.decision.referralCheck'), children: ev.referralCheckDue }]
            : []),
        ]}
      />
      {ev?.referralAdvised ? <Alert type="warning" showIcon title={t('followups.decision.referralAdvised')} className="form-alert" /> : null}
      {overriding || mustChoose('classification') || mustChoose('nextStep') || mustChoose('nextVisitDate') ? (
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name={[disease, 'classification']} label={t('followups.decision.class')}>
              <Select allowClear options={[1, 2, 3, 4].map((c) => ({ value: c, label: t(`followup.class.${c}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={[disease, 'nextStep']} label={t('followups.decision.nextStep')}>
              <Select allowClear options={[1, 2, 3, 4].map((c) => ({ value: c, label: t(`followup.nextStep.${c}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={[disease, 'nextVisitDate']} label={t('followups.decision.nextDate')}>
              <DateInput min={props.visitDate} />
            </Form.Item>
          </Col>
          {overriding ? (
            <Col span={24}>
              <Form.Item
                name={[disease, 'overrideReason']}
                label={t('followups.decision.reason')}
                rules={[{ required: true, min: 2, whitespace: true, message: t('validation.followup.overrideReasonRequired') }]}
              >
                <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 3 }} />
              </Form.Item>
            </Col>
          ) : null}
        </Row>
      ) : null}
    </Card>
  );
}
