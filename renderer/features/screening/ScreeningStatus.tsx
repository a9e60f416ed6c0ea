/** One disease's screening state on the resident page: what to do next, the enrolment prompt and the referral hint. */
import { Alert, Button, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DiseaseScreeningView } from '../../../shared/api/screening';
import { hashFor } from '../worklist/hash-params';

const COLOR: Record<DiseaseScreeningView['state'], string> = {
  notEligible: 'default',
  yearlyDue: 'blue',
  normal: 'green',
  highRisk: 'orange',
  suspected: 'volcano',
  confirmed: 'red',
  history: 'red',
  enrolled: 'purple',
};

export function ScreeningStatus({ s, residentId }: { s: DiseaseScreeningView; residentId: string }) {
  const { t } = useTranslation();
  return (
    <div className="screening-status" data-testid={`screening-${s.disease}`} data-state={s.state}>
      <Space wrap>
        <strong>{t(`screening.disease.${s.disease}`)}</strong>
        <Tag color={COLOR[s.state]}>{t(`screening.state.${s.state}`)}</Tag>
        {s.nextDue && s.state !== 'confirmed' && s.state !== 'history' ? <span>{t('screening.nextDue', { date: s.nextDue })}</span> : null}
        {s.earliest ? <span>{t('screening.earliest', { date: s.earliest })}</span> : null}
        {s.episode.length > 0 ? <span>{t('screening.episode', { days: s.episode.map((d) => d.date.slice(5)).join('、') })}</span> : null}
      </Space>
      {s.promptEnrolment ? (
        <Alert
          type="warning"
          showIcon
          data-testid={`enrol-prompt-${s.disease}`}
          title={t('screening.enrolPrompt')}
          description={[s.suggestReferral ? t('screening.referral') : '', s.needsAgeOverride ? t('screening.under35') : ''].filter((x) => x).join('；')}
          action={
            <Button size="small" href={hashFor('followups', { residentId, disease: s.disease, open: 'enrol' })}>
              {t('screening.enrol')}
            </Button>
          }
        />
      ) : null}
    </div>
  );
}
