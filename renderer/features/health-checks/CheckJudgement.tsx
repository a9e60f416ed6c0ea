/**
 * 自动判定 (issue 12 §2): the check's own judgement of the values typed so far (higher-arm BP and grade, BMI band,
 * central obesity, abnormal findings for 健康评价, what a 65+ check still lacks), recomputed as the doctor types.
 */
import { Alert, Card, Form, Tag, type FormInstance } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { judgeHealthCheck } from '../../../shared/domain/health-check-judgement';
import { toDraft, type FormValues } from './check-form-values';

interface Props {
  form: FormInstance<FormValues>;
  initialValues: FormValues;
  residentId: string;
  birthDate: string;
  sex: number;
  isElderly: boolean;
}

/** Watches the form itself, so typing re-renders this card only, not the whole check form. */
export function CheckJudgement({ form, initialValues, residentId, birthDate, sex, isElderly }: Props) {
  const { t } = useTranslation();
  const watched = Form.useWatch([], form) as FormValues | undefined;
  const j = useMemo(
    () => judgeHealthCheck(toDraft({ ...initialValues, ...(watched ?? {}) }, residentId).draft, birthDate, sex),
    [watched, initialValues, residentId, birthDate, sex],
  );
  return (
    <Card size="small" title={t('health-checks.judgement.title')} className="check-card" data-testid="check-judgement">
      <div className="check-judgement-tags">
        {j.bp && (
          <Tag color={j.bpGrade === 'normal' || j.bpGrade === 'highNormal' ? 'default' : 'red'}>
            {t('health-checks.judgement.bp', { sbp: j.bp.sbp, dbp: j.bp.dbp, arm: t(`health-checks.judgement.arm.${j.bp.arm}`) })}
            {' · '}
            {t(`health-checks.judgement.grade.${j.bpGrade ?? 'normal'}`)}
          </Tag>
        )}
        {j.bmiBand && <Tag color={j.bmiBand === 'normal' ? 'default' : 'orange'}>{t(`health-checks.judgement.bmi.${j.bmiBand}`)}</Tag>}
        {j.centralObesity === true && <Tag color="orange">{t('health-checks.judgement.centralObesity')}</Tag>}
      </div>
      {j.abnormal.length > 0 && (
        <>
          <div>{t('health-checks.judgement.abnormal')}</div>
          <ul data-testid="check-abnormal">
            {j.abnormal.map((f) => (
              <li key={f.key}>{t(`health-checks.finding.${f.key}`, f.params ?? {})}</li>
            ))}
          </ul>
        </>
      )}
      {j.isNoAbnormalConflict && <Alert type="warning" showIcon title={t('validation.noAbnormalConflict')} />}
      {isElderly && j.elderlyMissing.length > 0 && (
        <Alert
          type="info"
          showIcon
          title={t('validation.elderlyIncomplete')}
          description={j.elderlyMissing.map((p) => t(`health-checks.field.${p}`, { defaultValue: p })).join('、')}
        />
      )}
    </Card>
  );
}
