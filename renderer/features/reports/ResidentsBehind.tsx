/**
 * The residents behind one number, in a drawer: each opens the record; the list can be exported after a
 * confirmation that says what the file contains (identifiable data, audited on the server).
 */
import { Alert, App, Button, Drawer, Space, Spin, Table } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IndicatorId, ListedResident, ListSide, ReportPeriodInput, ReportScope } from '../../../shared/api/reports';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { routeHref } from '../residents/route';
import { saveExport } from './download';

export interface ListRequest {
  period: ReportPeriodInput;
  scope: ReportScope;
  indicator: IndicatorId;
  side: ListSide;
}

export function ResidentsBehind({ request, onClose }: { request: ListRequest | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const [rows, setRows] = useState<ListedResident[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  useEffect(() => {
    if (!request) return undefined;
    let alive = true;
    setRows(null);
    setFailure(null);
    api.reports
      .residents(request)
      .then((r) => alive && setRows(r.rows))
      .catch((e: unknown) => alive && setFailure(e));
    return () => {
      alive = false;
    };
  }, [request]);

  const labels = request ? { indicator: t(`reports.indicator.${request.indicator}`), side: t(`reports.ui.side.${request.side}`) } : { indicator: '', side: '' };

  const exportList = () => {
    if (!request || !rows) return;
    modal.confirm({
      title: t('reports.ui.confirmTitle'),
      content: <p data-testid="export-confirm-body">{t('reports.ui.confirmBody', { count: rows.length, ...labels })}</p>,
      okText: t('reports.ui.confirmOk'),
      cancelText: t('reports.ui.cancel'),
      onOk: async () => {
        try {
          const file = await api.reports.exportResidents({ ...request, confirmed: true });
          saveExport(file);
          void message.success(t('reports.ui.exported', { file: file.fileName }));
        } catch (e) {
          void message.error(errorText(e));
        }
      },
    });
  };

  return (
    <Drawer
      open={request !== null}
      onClose={onClose}
      size={720}
      title={request ? t('reports.ui.listTitle', { ...labels, count: rows?.length ?? '…' }) : ''}
      extra={
        <Button onClick={exportList} disabled={!rows || rows.length === 0} data-testid="export-list">
          {t('reports.ui.exportList')}
        </Button>
      }
    >
      {failure ? <Alert type="error" showIcon title={errorText(failure)} /> : null}
      {!rows && !failure ? <Spin /> : null}
      {rows ? (
        <Space orientation="vertical" className="full-width">
          <Table<ListedResident>
            size="small"
            rowKey="id"
            dataSource={rows}
            data-testid="behind-list"
            pagination={{ pageSize: 50, showSizeChanger: false }}
            columns={[
              { title: t('reports.recordNo'), dataIndex: 'recordNo', key: 'recordNo' },
              { title: t('reports.ui.openResident'), key: 'name', render: (_v, r) => <a href={routeHref('residents', { id: r.id })}>{r.name}</a> },
              { title: t('reports.birthDate'), dataIndex: 'birthDate', key: 'birthDate' },
              { title: t('reports.village'), dataIndex: 'villageName', key: 'village' },
            ]}
          />
        </Space>
      ) : null}
    </Drawer>
  );
}
