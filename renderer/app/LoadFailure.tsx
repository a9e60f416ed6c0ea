/**
 * What a screen part shows when its load failed: the error in plain words with 重试, except while the runtime is
 * still updating the data it needs (DATA_UPDATING, after an upgrade): then the same progress bar as the 工作台's
 * (DataUpdateNotice), and the load runs again by itself once the update is over.
 */
import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api-client';
import { errorText } from './api-errors';
import { DataUpdateNotice } from './DataUpdateNotice';

export function isDataUpdating(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'DATA_UPDATING';
}

/** `compact`: one line (under a search box) instead of the block. */
export function LoadFailure({ error, onRetry, compact = false }: { error: unknown; onRetry: () => void; compact?: boolean }) {
  const { t } = useTranslation();
  if (isDataUpdating(error)) return <DataUpdateNotice onDone={onRetry} expectUpdate compact={compact} note={t('dataUpdate.thisScreen')} />;
  return <Alert type="error" showIcon title={errorText(error)} action={<Button onClick={onRetry}>{t('common.retry')}</Button>} />;
}
