/**
 * 导入居民 (设置, administrators): choose a file, check the suggested column mapping against a preview, dry-run,
 * then import. The server validates every row with the create form's rules; this panel only shows what it says.
 */
import { Alert, App, Button, Select, Space, Table, Tag, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportPlan, ImportRowResult } from '../../../shared/api/imports';
import { IMPORT_FIELDS, type ColumnMapping, type ImportField } from '../../../shared/domain/resident-import';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';

const ACTION_COLOR: Record<ImportRowResult['action'], string> = { created: 'green', updated: 'blue', unchanged: 'default', rejected: 'red' };

function toBase64(bytes: ArrayBuffer): string {
  let s = '';
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) s += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(s);
}

export function ImportPanel() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [file, setFile] = useState<{ fileName: string; base64: string } | null>(null);
  const [preview, setPreview] = useState<{ headers: string[]; sample: string[][]; rowCount: number } | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (f: File) => {
    setPlan(null);
    setFailure(null);
    try {
      const chosen = { fileName: f.name, base64: toBase64(await f.arrayBuffer()) };
      const p = await api.imports.preview(chosen);
      setFile(chosen);
      setPreview(p);
      setMapping(p.suggested);
    } catch (e) {
      setFailure(e);
    }
    return false;
  };

  const go = async (run: boolean) => {
    if (!file) return;
    setBusy(true);
    try {
      const result = run ? await api.imports.run({ ...file, mapping }) : await api.imports.dryRun({ ...file, mapping });
      setPlan(result);
      if (run) void message.success(t('import.done', { created: result.created, updated: result.updated }));
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  const issueText = (r: ImportRowResult) => r.issues.map((i) => `${t(`import.fields.${i.path}`, { defaultValue: i.path })}: ${t(i.message, i.params ?? {})}`).join('；');

  return (
    <Space orientation="vertical" size="middle" className="full-width" data-testid="import-panel">
      <Alert type="info" showIcon title={t('import.intro')} />
      <Space>
        <Upload accept=".xlsx,.csv" showUploadList={false} beforeUpload={(f) => choose(f)}>
          <Button>{t('import.choose')}</Button>
        </Upload>
        {file && preview ? (
          <span>
            {file.fileName} · {t('import.rows', { count: preview.rowCount })}
          </span>
        ) : null}
      </Space>
      {failure ? <Alert type="error" showIcon title={errorText(failure)} /> : null}
      {preview ? (
        <>
          <Table<{ key: ImportField }>
            size="small"
            pagination={false}
            rowKey="key"
            data-testid="import-mapping"
            dataSource={IMPORT_FIELDS.map((key) => ({ key }))}
            columns={[
              { title: t('import.column'), key: 'f', render: (_v, r) => t(`import.fields.${r.key}`) },
              {
                title: '',
                key: 'c',
                render: (_v, r) => (
                  <Select<number>
                    size="small"
                    style={{ width: 200 }}
                    aria-label={t(`import.fields.${r.key}`)}
                    value={mapping[r.key] ?? -1}
                    options={[{ value: -1, label: t('import.none') }, ...preview.headers.map((h, i) => ({ value: i, label: h || `#${i + 1}` }))]}
                    onChange={(v) => {
                      const next = { ...mapping };
                      if (v === -1) delete next[r.key];
                      else next[r.key] = v;
                      setMapping(next);
                      setPlan(null);
                    }}
                  />
                ),
              },
              { title: preview.sample[0] ? '1' : '', key: 's', render: (_v, r) => (mapping[r.key] !== undefined ? (preview.sample[0]?.[mapping[r.key] ?? 0] ?? '') : '') },
            ]}
          />
          <Space>
            <Button onClick={() => void go(false)} loading={busy} data-testid="import-dry-run">
              {t('import.dryRun')}
            </Button>
            <Button type="primary" onClick={() => void go(true)} loading={busy} disabled={!plan} data-testid="import-run">
              {t('import.run')}
            </Button>
          </Space>
        </>
      ) : null}
      {plan ? (
        <>
          <Alert type={plan.rejected > 0 ? 'warning' : 'success'} showIcon title={t('import.summary', plan)} data-testid="import-summary" />
          <Table<ImportRowResult>
            size="small"
            rowKey="row"
            dataSource={plan.results.filter((r) => r.action !== 'unchanged')}
            pagination={{ pageSize: 20, showSizeChanger: false }}
            columns={[
              { title: t('import.row'), dataIndex: 'row', key: 'row', width: 70 },
              { title: t('import.action'), key: 'a', width: 90, render: (_v, r) => <Tag color={ACTION_COLOR[r.action]}>{t(`import.actions.${r.action}`)}</Tag> },
              { title: t('import.name'), dataIndex: 'name', key: 'name', width: 120 },
              { title: t('import.reasons'), key: 'i', render: (_v, r) => issueText(r) || (r.changedFields ?? []).map((f) => t(`import.fields.${f}`, { defaultValue: f })).join('、') },
            ]}
          />
        </>
      ) : null}
    </Space>
  );
}
