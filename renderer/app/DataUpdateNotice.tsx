import { Alert, Progress } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DataUpdate } from '../../shared/api/app';
import { api } from '../api-client';

const POLL_MS = 1_000;

/**
 * 正在更新本机数据: while the runtime rebuilds derived data after an upgrade or brings the work list to today
 * (app.dataUpdate), a plain progress bar with an estimate; nothing once it is done. `onDone` runs when an update it
 * saw is over; with `expectUpdate` (the caller was just answered DATA_UPDATING) also when the first answer already
 * says it is over. `compact`: one line, under a search box. `note`: what appears by itself afterwards (default: the
 * 工作台). The runtime does the work on its own thread, so this only asks once a second.
 */
export function DataUpdateNotice({
  onDone,
  fallback = null,
  expectUpdate = false,
  compact = false,
  note,
}: {
  onDone?: () => void;
  fallback?: React.ReactNode;
  expectUpdate?: boolean;
  compact?: boolean;
  note?: string;
}) {
  const { t } = useTranslation();
  const [update, setUpdate] = useState<DataUpdate | null>(null);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  }, [onDone]);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let sawUpdate = expectUpdate;
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
    // `expectUpdate` counts at mount only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!update?.isUpdating) return <>{fallback}</>;
  const time = (ms: number) => {
    const seconds = Math.max(1, Math.round(ms / 1000));
    return seconds < 90 ? t('dataUpdate.seconds', { count: seconds }) : t('dataUpdate.minutes', { count: Math.round(seconds / 60) });
  };
  const eta = update.etaMs === null ? t('dataUpdate.estimating') : t('dataUpdate.eta', { time: time(update.etaMs) });
  if (compact) {
    return (
      <div className="data-update-line" data-testid="data-update" role="status">
        {t('dataUpdate.title', { percent: update.percent })} · {eta}
      </div>
    );
  }
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
            {eta}
          </p>
          <p>{note ?? t('dataUpdate.worklist')}</p>
        </>
      }
    />
  );
}
