/** 筛查与测量 tab: the quick outpatient measurement, both diseases' screening states, the readings, and (65+) TCM. */
import { Alert, Button, Card, Modal, Space, Table } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReadingView, ResidentScreening, TcmAssessmentView } from '../../../shared/api/screening';
import { TYPE_NAMES_ZH, type ConstitutionType } from '../../../shared/domain/tcm';
import { api } from '../../api-client';
import { useLoad } from '../../app/use-load';
import type { ResidentTabProps } from '../residents/resident-tabs';
import { useClinicToday } from '../followups/use-clinic-today';
import { MeasurementEntry } from './MeasurementEntry';
import { ScreeningStatus } from './ScreeningStatus';
import { PrintSheet } from '../residents/PrintSheet';
import { TcmForm } from './TcmForm';
import { TcmPrint } from './TcmPrint';
import './screening.css';

export function ScreeningTab({ residentId, detail, reload }: ResidentTabProps) {
  const { t } = useTranslation();
  const today = useClinicToday();
  const [tcmOpen, setTcmOpen] = useState(false);
  const [printing, setPrinting] = useState<TcmAssessmentView | null>(null);
  const donePrinting = useCallback(() => setPrinting(null), []);
  const loaded = useLoad(async () => {
    const [screening, tcm] = await Promise.all([api.screening.forResident({ residentId }), api.tcm.forResident({ residentId })]);
    return { screening, tcm };
  }, [residentId]);

  if (!loaded.data) return loaded.placeholder;
  const { screening, tcm } = loaded.data;
  const setScreening = (next: ResidentScreening) => loaded.setData({ screening: next, tcm });
  const setTcm = (next: TcmAssessmentView[]) => loaded.setData({ screening, tcm: next });
  const thisYear = tcm.find((a) => a.date.startsWith(today.slice(0, 4)));
  return (
    <div className="screening-tab">
      <Card size="small" title={t('screening.measure.title')} extra={<span className="screening-hint">{t('screening.measure.hint')}</span>}>
        <MeasurementEntry
          residentId={residentId}
          today={today}
          onSaved={(s) => {
            setScreening(s);
            reload();
          }}
        />
      </Card>
      <Card size="small">
        <ScreeningStatus s={screening.htn} residentId={residentId} />
        <ScreeningStatus s={screening.t2dm} residentId={residentId} />
      </Card>
      {screening.age >= 65 ? (
        <Card size="small" title={t('screening.tcm.title')} extra={<Button onClick={() => setTcmOpen(true)}>{t('screening.tcm.open')}</Button>}>
          {thisYear ? (
            <Space wrap>
              <span data-testid="tcm-done">
                {t('screening.tcm.done', { date: thisYear.date, types: thisYear.constitutions.map((c) => TYPE_NAMES_ZH[c as ConstitutionType] ?? c).join('、') })}
              </span>
              <Button size="small" onClick={() => setPrinting(thisYear)}>
                {t('screening.tcm.print')}
              </Button>
            </Space>
          ) : (
            <Alert type="info" showIcon title={t('screening.tcm.offer')} />
          )}
        </Card>
      ) : null}
      <Card size="small" title={t('screening.readings')}>
        <Table<ReadingView>
          size="small"
          rowKey={(r) => `${r.encounterId}-${r.date}`}
          dataSource={screening.readings}
          pagination={{ pageSize: 8, hideOnSinglePage: true }}
          columns={[
            { title: t('screening.col.date'), dataIndex: 'date' },
            { title: t('screening.col.source'), dataIndex: 'source', render: (v: string) => t(`screening.source.${v}`) },
            { title: t('screening.col.bp'), key: 'bp', render: (_v, r) => (r.sbp !== null ? `${r.sbp}/${r.dbp ?? ''} mmHg` : '') },
            { title: t('screening.col.glucose'), dataIndex: 'fastingGlucose', render: (v: number | null) => (v !== null ? `${v} mmol/L` : '') },
          ]}
        />
      </Card>
      {printing && (
        <PrintSheet onDone={donePrinting}>
          <TcmPrint view={printing} resident={detail} />
        </PrintSheet>
      )}
      <Modal open={tcmOpen} title={t('screening.tcm.title')} width={960} footer={null} onCancel={() => setTcmOpen(false)} destroyOnHidden>
        <TcmForm
          residentId={residentId}
          today={today}
          onSaved={(v) => {
            setTcm([v, ...tcm]);
            setTcmOpen(false);
            reload();
          }}
        />
      </Modal>
    </div>
  );
}
