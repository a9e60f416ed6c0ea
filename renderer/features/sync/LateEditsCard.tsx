import { Card, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LateEditNotice } from '../../../shared/sync/protocol';
import { api } from '../../api-client';
import { LateEditRow } from './LateEditRow';

const when = (ms: number) => dayjs(ms).format('YYYY-MM-DD HH:mm');

/**
 * 迁出居民的修改: what became of this device's edits that reached the platform after the resident moved away
 * (forwarded to the new clinic, kept for the county's operator and why, settled), as of the last sync. Shown only when
 * there is one; `refresh` changes after each sync.
 */
export function LateEditsCard({ refresh }: { refresh: number | null }) {
  const { t } = useTranslation();
  const [late, setLate] = useState<{ checkedAt: number | null; edits: LateEditNotice[] } | null>(null);
  useEffect(() => {
    let live = true;
    // The list is a courtesy beside the status: if it cannot be read now, the status above still says what matters.
    api.sync.lateEdits({}).then(
      (v) => live && setLate(v),
      () => live && setLate(null),
    );
    return () => {
      live = false;
    };
  }, [refresh]);
  if (!late || late.edits.length === 0) return null;
  const edits = [...late.edits].reverse();
  return (
    <Card size="small" title={t('sync.late.title')} data-testid="sync-late-edits" className="sync-late-edits">
      <Typography.Paragraph type="secondary">{t('sync.late.intro', { when: late.checkedAt ? when(late.checkedAt) : '—' })}</Typography.Paragraph>
      <Space orientation="vertical" size="middle" className="full-width">
        {edits.map((e) => (
          <LateEditRow key={e.id} edit={e} />
        ))}
      </Space>
    </Card>
  );
}
