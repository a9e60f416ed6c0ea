import { PrinterOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatedClinic } from '../../app/App';
import { SetupSteps } from './SetupSteps';

/**
 * Shows the recovery key once. The print stylesheet (global.css, `.print-only-area`) prints only the key, the
 * clinic's name and the date, never the rest of the screen.
 */
export function RecoveryKeyScreen({ created, onDone }: { created: CreatedClinic; onDone: () => void }) {
  const { t } = useTranslation();
  const [acknowledged, setAcknowledged] = useState(false);
  const date = dayjs(created.createdAt).format('YYYY-MM-DD');

  return (
    <div className="center-screen">
      <Card className="wide-card" title={<h1 className="card-title">{t('setup.title')}</h1>}>
        <SetupSteps current={3} />
        <Typography.Title level={3}>{t('setup.recoveryTitle')}</Typography.Title>
        <Typography.Paragraph>{t('setup.recoveryBody')}</Typography.Paragraph>
        <div className="print-only-area">
          <div className="print-clinic">{created.clinicName}</div>
          <pre className="recovery-key" data-testid="recovery-key" aria-label={t('setup.recoveryTitle')}>
            {created.recoveryKey}
          </pre>
          <div className="print-date">{t('setup.printedOn', { date })}</div>
        </div>
        <Space orientation="vertical" size="large" className="full-width">
          <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
            {t('setup.print')}
          </Button>
          <Checkbox checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)}>
            {t('setup.acknowledge')}
          </Checkbox>
          <Button type="primary" size="large" disabled={!acknowledged} onClick={onDone}>
            {t('setup.continue')}
          </Button>
        </Space>
      </Card>
    </div>
  );
}
