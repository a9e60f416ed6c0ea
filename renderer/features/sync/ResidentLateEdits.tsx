import { Alert, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LateEditNotice } from '../../../shared/sync/protocol';
import { api } from '../../api-client';
import { LateEditRow } from './LateEditRow';

/**
 * On a resident's page: this device's edits of them that reached the platform after they had moved away, and what
 * became of each (as of the last sync). Usually the resident is purged from the device by then; they are still here
 * while the purge waits for other uploads, or after they moved back.
 */
export function ResidentLateEdits({ residentId }: { residentId: string }) {
  const { t } = useTranslation();
  const [edits, setEdits] = useState<LateEditNotice[]>([]);
  useEffect(() => {
    let live = true;
    // An older host, or a clinic never enrolled, has none to show: the page shows without the notice.
    api.sync.lateEdits({ residentId }).then(
      (v) => live && setEdits([...v.edits].reverse()),
      () => live && setEdits([]),
    );
    return () => {
      live = false;
    };
  }, [residentId]);
  if (edits.length === 0) return null;
  return (
    <Alert
      type={edits.some((e) => e.status === 'parked') ? 'warning' : 'info'}
      showIcon
      data-testid="resident-late-edits"
      style={{ marginBottom: 12 }}
      title={t('sync.late.residentTitle')}
      description={
        <Space orientation="vertical" size="small" className="full-width">
          {edits.map((e) => (
            <LateEditRow key={e.id} edit={e} />
          ))}
        </Space>
      }
    />
  );
}
