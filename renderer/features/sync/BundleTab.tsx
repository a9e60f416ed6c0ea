import { Alert, App as AntApp, Button, Card, Checkbox, Descriptions, Input, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_UI_BUNDLE_BASE64, MAX_UI_BUNDLE_PART_BASE64, MAX_UI_BUNDLE_PARTS, type BundleImportSummary } from '../../../shared/api/sync';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { saveExport } from '../reports/download';

function toBase64(bytes: ArrayBuffer): string {
  let s = '';
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) s += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * 离线数据包: where there is no link, a bundle on a USB stick carries this device's changes to the township centre.
 * The receiving clinic trusts the sending device once with its pairing code; importing follows the sync rules.
 */
export function BundleTab({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [all, setAll] = useState(false);
  const [pairing, setPairing] = useState<string | null>(null);
  const [peerCode, setPeerCode] = useState('');
  const [summary, setSummary] = useState<BundleImportSummary | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  if (!isAdmin) return <Typography.Paragraph>{t('sync.bundle.adminOnly')}</Typography.Paragraph>;

  const run = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    setFailure(null);
    try {
      await fn();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };

  const exportNow = () =>
    run('export', async () => {
      const file = await api.bundles.export({ all });
      saveExport(file);
      const total = Object.values(file.counts).reduce((a, b) => a + b, 0);
      void message.success(t('sync.bundle.exported', { count: total }));
    });

  const importFile = (file: File) =>
    run('import', async () => {
      const base64 = toBase64(await file.arrayBuffer());
      if (base64.length <= MAX_UI_BUNDLE_BASE64) {
        setSummary(await api.bundles.import({ base64 }));
        return;
      }
      // Larger than one call may carry (the host's frame cap): sent in parts, put together in the runtime.
      const total = Math.ceil(base64.length / MAX_UI_BUNDLE_PART_BASE64);
      if (total > MAX_UI_BUNDLE_PARTS) {
        setFailure(null);
        void message.error(t('sync.bundle.tooLarge'));
        return;
      }
      const uploadId = `bundle-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
      for (let index = 0; index < total; index++) {
        const part = base64.slice(index * MAX_UI_BUNDLE_PART_BASE64, (index + 1) * MAX_UI_BUNDLE_PART_BASE64);
        await api.bundles.uploadPart({ uploadId, index, total, base64: part });
      }
      setSummary(await api.bundles.importUpload({ uploadId }));
    });

  return (
    <Space orientation="vertical" size="large" className="full-width">
      <Typography.Paragraph type="secondary">{t('sync.bundle.intro')}</Typography.Paragraph>
      {failure ? <Alert type="error" showIcon title={errorText(failure)} /> : null}
      <Card size="small" title={t('sync.bundle.exportTitle')}>
        <Space wrap>
          <Checkbox checked={all} onChange={(e) => setAll(e.target.checked)}>
            {t('sync.bundle.all')}
          </Checkbox>
          <Button type="primary" loading={busy === 'export'} onClick={() => void exportNow()}>
            {t('sync.bundle.export')}
          </Button>
          <Button loading={busy === 'pair'} onClick={() => void run('pair', async () => setPairing((await api.bundles.pairingCode({})).code))}>
            {t('sync.bundle.showPairing')}
          </Button>
        </Space>
        {pairing ? (
          <Typography.Paragraph copyable={{ text: pairing }} className="sync-pairing" data-testid="bundle-pairing">
            <Typography.Text code>{pairing}</Typography.Text>
          </Typography.Paragraph>
        ) : null}
      </Card>
      <Card size="small" title={t('sync.bundle.importTitle')}>
        <Space orientation="vertical" className="full-width">
          <Space.Compact className="full-width">
            <Input value={peerCode} onChange={(e) => setPeerCode(e.target.value)} placeholder={t('sync.bundle.peerCode')} aria-label={t('sync.bundle.peerCode')} />
            <Button
              loading={busy === 'trust'}
              disabled={peerCode.trim() === ''}
              onClick={() =>
                void run('trust', async () => {
                  const peer = await api.bundles.trust({ code: peerCode });
                  setPeerCode('');
                  void message.success(t('sync.bundle.trusted', { name: peer.clinicName }));
                })
              }
            >
              {t('sync.bundle.trust')}
            </Button>
          </Space.Compact>
          <Upload accept=".cunyi-bundle" showUploadList={false} beforeUpload={(f) => (void importFile(f), false)}>
            <Button loading={busy === 'import'}>{t('sync.bundle.import')}</Button>
          </Upload>
          {summary ? (
            <Descriptions bordered column={2} size="small" data-testid="bundle-summary">
              <Descriptions.Item label={t('sync.bundle.from')}>{summary.from.clinicCode}</Descriptions.Item>
              <Descriptions.Item label={t('sync.bundle.again')}>{summary.alreadyImported ? t('sync.bundle.yes') : t('sync.bundle.no')}</Descriptions.Item>
              <Descriptions.Item label={t('sync.bundle.inserted')}>{summary.inserted}</Descriptions.Item>
              <Descriptions.Item label={t('sync.bundle.updated')}>{summary.updated}</Descriptions.Item>
              <Descriptions.Item label={t('sync.bundle.conflicts')}>{summary.conflicts}</Descriptions.Item>
              <Descriptions.Item label={t('sync.bundle.outOfScope')}>{summary.outOfScope}</Descriptions.Item>
            </Descriptions>
          ) : null}
        </Space>
      </Card>
    </Space>
  );
}
