import { Alert, App as AntApp, Button, Card, Descriptions, Form, Input, Progress, Space, Spin, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncState, SyncStatus } from '../../../shared/api/sync';
import { api, subscribe } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';
import type { SectionPageProps } from '../../app/section-pages';
import { SyncReviewTab } from '../sync-review/SyncReviewTab';
import { BundleTab } from './BundleTab';
import { LateEditsCard } from './LateEditsCard';

const STATE_COLOR: Record<SyncState, string> = { notEnrolled: 'default', idle: 'success', syncing: 'processing', offline: 'warning', error: 'error' };
/** Codes whose own sentence is not the whole story: the platform's reason is shown under it. */
const DETAILED = new Set(['PLATFORM_REFUSED', 'PLATFORM_BAD_RESPONSE', 'INTERNAL']);

const when = (ms: number) => dayjs(ms).format('YYYY-MM-DD HH:mm:ss');

/** 同步: the link to the county platform (enrol, status, sync now), the review queue and offline bundles. */
export function SyncPage({ session }: SectionPageProps) {
  const { t } = useTranslation();
  const isAdmin = session.user.role === 'admin';
  return (
    <div className="sync-page">
      <h1 tabIndex={-1}>{t('sync.title')}</h1>
      <Tabs
        items={[
          { key: 'status', label: t('sync.tabs.status'), children: <StatusTab isAdmin={isAdmin} /> },
          { key: 'review', label: t('sync.tabs.review'), children: <SyncReviewTab /> },
          { key: 'bundle', label: t('sync.tabs.bundle'), children: <BundleTab isAdmin={isAdmin} /> },
        ]}
      />
    </div>
  );
}

function StatusTab({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setStatus(await api.sync.status({}));
      setFailure(null);
    } catch (e) {
      setFailure(e);
    }
  }, []);
  useEffect(() => {
    void load();
    return subscribe('sync.changed', (s) => setStatus(s));
  }, [load]);

  const syncNow = async () => {
    setBusy(true);
    try {
      setStatus(await api.sync.now({}));
      void message.success(t('sync.status.synced'));
    } catch (e) {
      // The engine published its error state; read it back so the page shows the same words as the status.
      await load();
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (failure) return <Alert type="error" showIcon title={errorText(failure)} />;
  if (!status) return <Spin />;
  if (status.state === 'notEnrolled') {
    // Calm for a village doctor: nothing is wrong, an administrator connects the computer (issue 16).
    return isAdmin ? <EnrolCard onEnrolled={setStatus} /> : <Typography.Paragraph className="sync-not-enrolled">{t('sync.enrol.adminOnly')}</Typography.Paragraph>;
  }
  const eta = status.progress?.etaSeconds;
  const etaText =
    eta === null || eta === undefined
      ? t('sync.status.etaUnknown')
      : t('sync.status.eta', { time: eta < 90 ? t('sync.status.seconds', { count: eta }) : t('sync.status.minutes', { count: Math.ceil(eta / 60) }) });
  return (
    <Space orientation="vertical" size="large" className="full-width">
      {status.lastError ? (
        <Alert
          type={status.state === 'offline' ? 'warning' : 'error'}
          showIcon
          data-testid="sync-error"
          title={t('sync.status.errorTitle')}
          description={
            <>
              <div>{t(`error.${status.lastError.code}`, { defaultValue: status.lastError.message })}</div>
              {DETAILED.has(status.lastError.code) && status.lastError.message !== status.lastError.code ? (
                <Typography.Text type="secondary">{t('sync.status.errorDetail', { message: status.lastError.message })}</Typography.Text>
              ) : null}
            </>
          }
        />
      ) : null}
      {status.parked ? (
        <Alert type="info" showIcon data-testid="sync-parked" title={t('sync.status.parkedTitle', { count: status.parked })} description={t('sync.status.parkedDetail')} />
      ) : null}
      <LateEditsCard refresh={status.lastSyncAt} />
      {status.progress ? (
        <Card size="small" data-testid="sync-progress">
          <Progress percent={status.progress.total > 0 ? Math.min(100, Math.floor((status.progress.received / status.progress.total) * 100)) : 0} />
          <Space size="large">
            <span>{t('sync.status.progress', { received: status.progress.received, total: status.progress.total })}</span>
            <Typography.Text type="secondary">{etaText}</Typography.Text>
          </Space>
        </Card>
      ) : null}
      <Descriptions bordered column={1} size="middle" data-testid="sync-status">
        <Descriptions.Item label={t('sync.status.state')}>
          <Tag color={STATE_COLOR[status.state]} data-testid="sync-state">
            {t(`sync.state.${status.state}`)}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('sync.status.acked')}>
          <span data-testid="sync-acked">
            {status.ackedUpTo ? t('sync.status.ackedUpTo', { when: when(status.ackedUpTo) }) : t('sync.status.notAcked')}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('sync.status.pending')}>
          <span data-testid="sync-pending">{t('sync.status.pendingCount', { count: status.pending })}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('sync.status.lastSync')}>{status.lastSyncAt ? when(status.lastSyncAt) : t('sync.status.never')}</Descriptions.Item>
        <Descriptions.Item label={t('sync.status.platform')}>{status.platformUrl}</Descriptions.Item>
        <Descriptions.Item label={t('sync.status.fingerprint')}>
          <Typography.Text code className="sync-fingerprint" data-testid="sync-fingerprint">
            {status.fingerprint}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('sync.status.device')}>{status.deviceId}</Descriptions.Item>
      </Descriptions>
      <Button type="primary" size="large" loading={busy} onClick={() => void syncNow()}>
        {t('sync.status.syncNow')}
      </Button>
    </Space>
  );
}

interface EnrolValues {
  url: string;
  code: string;
  fingerprint?: string;
}

function EnrolCard({ onEnrolled }: { onEnrolled: (s: SyncStatus) => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<EnrolValues>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const submit = async (v: EnrolValues) => {
    setBusy(true);
    setFailure(null);
    try {
      const fingerprint = v.fingerprint?.trim();
      const s = await api.sync.enroll({ url: v.url.trim(), code: v.code.trim(), ...(fingerprint ? { fingerprint } : {}) });
      void message.success(t('sync.enrol.done'));
      onEnrolled(s);
    } catch (e) {
      if (applyFieldErrors(form, e).length === 0) setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('sync.enrol.title')} className="sync-enrol">
      <Typography.Paragraph type="secondary">{t('sync.enrol.intro')}</Typography.Paragraph>
      {failure ? <Alert type="error" showIcon title={errorText(failure)} className="sync-enrol-error" /> : null}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
        <Form.Item name="url" label={t('sync.enrol.url')} extra={t('sync.enrol.urlHint')} rules={[{ required: true, pattern: /^https:\/\/\S+$/, message: t('sync.enrol.urlHint') }]}>
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Form.Item name="code" label={t('sync.enrol.code')} rules={[{ required: true, min: 8 }]}>
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Form.Item name="fingerprint" label={t('sync.enrol.fingerprint')} extra={t('sync.enrol.fingerprintHint')}>
          <Input autoComplete="off" spellCheck={false} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('sync.enrol.submit')}
        </Button>
      </Form>
    </Card>
  );
}
