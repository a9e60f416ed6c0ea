import { Alert, Progress } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DataUpdate } from '../../shared/api/app';
import { api } from '../api-client';

const POLL_MS = 1_000;

/**
 * 正在更新本机数据: while the runtime rebuilds derived data after an upgrade or brings the work list to today
 * (app.dataUpdate), a plain progress bar with an estimate; nothing once it is done. `onDone` runs when an update it
 * saw is over. The runtime does the work on its own thread, so this only asks once a second.
 */
export function DataUpdateNotice({ onDone, fallback = null }: { onDone?: () => void; fallback?: React.ReactNode }) {
  const { t } = useTranslation();
  const [update, setUpdate] = useState<DataUpdate | null>(null);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  }, [onDone]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let sawUpdate = false;
    const ask = async () => {
      try {
        const got = await api.app.dataUpdate({});
        if (stopped) return;
        setUpdate(got);
        if (got.isUpdating) sawUpdate = true;
        else if (sawUpdate) {
          sawUpdate = false;
          done.current?.();
        }
      } catch {
        // Locked or disconnected: the app's own screens say so; keep asking while mounted.
      }
      if (!stopped) timer = setTimeout(() => void ask(), POLL_MS);
    };
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  if (!update?.isUpdating) return <>{fallback}</>;
  const time = (ms: number) => {
    const seconds = Math.max(1, Math.round(ms / 1000));
    return seconds < 90 ? t('dataUpdate.seconds', { count: seconds }) : t('dataUpdate.minutes', { count: Math.round(seconds / 60) });
  };
  return (
    <Alert
      type="info"
      showIcon
      className="data-update"
      data-testid="data-update"
      role="status"
      title={t('dataUpdate.title', { percent: update.percent })}
      description={
        <>
          <Progress percent={update.percent} status="active" aria-label={t('dataUpdate.title', { percent: update.percent })} />
          <p>
            {update.steps.map((s) => t(`dataUpdate.step.${s.kind}`)).join('、')}
            {' · '}
            {update.etaMs === null ? t('dataUpdate.estimating') : t('dataUpdate.eta', { time: time(update.etaMs) })}
          </p>
          <p>{t('dataUpdate.worklist')}</p>
        </>
      }
    />
  );
}
