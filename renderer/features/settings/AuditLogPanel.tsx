import { App as AntApp, Button, Input, Select, Space, Table } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../../shared/api/settings';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';

const ACTIONS = ['read', 'open', 'forbidden', 'insert', 'update', 'delete', 'merge', 'signIn', 'lock', 'userAdd', 'userVillages', 'userRemove', 'userResetPassword', 'rotateKey'];

/** A CSV field: quoted, inner quotes doubled, and a leading = + - @ defused so a spreadsheet never runs it. */
function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replaceAll('"', '""')}"`;
}

/** 审计日志 for admins: newest first, filtered by user and action, exported as CSV (UTF-8 with BOM for Excel). */
export function AuditLogPanel() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [loading, setLoading] = useState(true);
  const [username, setUsername] = useState('');
  const [action, setAction] = useState<string | undefined>(undefined);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setEntries(await api.audit.list({ limit: 500, ...(username.trim() ? { username: username.trim() } : {}), ...(action ? { action } : {}) }));
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setLoading(false);
    }
  }, [username, action, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const exportCsv = () => {
    const header = ['at', 'username', 'action', 'collection', 'recordId', 'residentId', 'detail'];
    const rows = entries.map((e) =>
      [dayjs(e.at).format('YYYY-MM-DD HH:mm:ss'), e.username, e.action, e.collection, e.recordId, e.residentId, e.detail].map(csvField).join(','),
    );
    const blob = new Blob([`\uFEFF${[header.join(','), ...rows].join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `audit-${dayjs().format('YYYYMMDD-HHmm')}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="audit-log">
      <Space wrap>
        <Input.Search
          allowClear
          placeholder={t('settings.audit.username')}
          aria-label={t('settings.audit.username')}
          onSearch={(v) => setUsername(v)}
          style={{ width: 200 }}
        />
        <Select
          allowClear
          placeholder={t('settings.audit.action')}
          aria-label={t('settings.audit.action')}
          value={action}
          onChange={(v: string | undefined) => setAction(v)}
          options={ACTIONS.map((a) => ({ value: a, label: a }))}
          style={{ width: 200 }}
        />
        <Button onClick={exportCsv} disabled={entries.length === 0}>
          {t('settings.audit.export')}
        </Button>
      </Space>
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={entries}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        columns={[
          { title: t('settings.audit.at'), dataIndex: 'at', width: 170, render: (at: number) => dayjs(at).format('YYYY-MM-DD HH:mm:ss') },
          { title: t('settings.audit.username'), dataIndex: 'username', width: 120 },
          { title: t('settings.audit.action'), dataIndex: 'action', width: 140 },
          { title: t('settings.audit.detail'), dataIndex: 'detail', ellipsis: true },
        ]}
      />
    </Space>
  );
}
