import { Button, Select, Space, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentSummary } from '../../../shared/api/residents';
import type { Village } from '../../../shared/api/session';
import * as cs from '../../../shared/domain/code-sets';
import { POPULATION_TAGS } from '../../../shared/domain/population-tags';
import { api } from '../../api-client';
import { isDataUpdating, LoadFailure } from '../../app/LoadFailure';
import { codeLabel, useLang } from './code-options';
import { SummaryBadges } from './SummaryBadges';

const PAGE = 500;

/** 居民列表: a virtualised table filtered by village and key-population tag, loaded 500 rows at a time. */
export function ResidentList(props: { villages: readonly Village[]; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const lang = useLang();
  const [village, setVillage] = useState<string | undefined>();
  const [tag, setTag] = useState<string | undefined>();
  const [rows, setRows] = useState<ResidentSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const load = useCallback(
    async (offset: number) => {
      setLoading(true);
      setFailure(null);
      try {
        const page = await api.residents.list({
          ...(village ? { villageCode: village } : {}),
          ...(tag ? { tag } : {}),
          offset,
          limit: PAGE,
        });
        setTotal(page.total);
        setRows((prev) => (offset === 0 ? page.items : [...prev, ...page.items]));
      } catch (e) {
        setFailure(e);
      } finally {
        setLoading(false);
      }
    },
    [village, tag],
  );

  useEffect(() => {
    void load(0);
  }, [load]);
  const retry = useCallback(() => void load(0), [load]);
  const updating = isDataUpdating(failure);

  return (
    <div className="resident-list">
      <Space wrap className="list-filters">
        <Select
          allowClear
          className="resident-filter-select"
          placeholder={t('residents.list.allVillages')}
          aria-label={t('residents.list.village')}
          value={village}
          onChange={setVillage}
          options={props.villages.map((v) => ({ value: v.code, label: v.name }))}
        />
        <Select
          allowClear
          className="resident-filter-select"
          placeholder={t('residents.list.allTags')}
          aria-label={t('residents.list.tag')}
          value={tag}
          onChange={setTag}
          options={POPULATION_TAGS.map((x) => ({ value: x, label: t(`residents.tag.${x}`) }))}
        />
        {!updating && <span className="resident-muted">{t('residents.list.count', { shown: rows.length, total })}</span>}
      </Space>
      {failure !== null && <LoadFailure error={failure} onRetry={retry} />}
      {/* While the data is being updated there is no list yet: no empty table that would read as 暂无数据. */}
      {!updating && (
      <Table<ResidentSummary>
        virtual
        size="small"
        rowKey="id"
        loading={loading}
        pagination={false}
        scroll={{ x: 1000, y: 420 }}
        dataSource={rows}
        onRow={(r) => ({ onClick: () => props.onOpen(r.id), className: 'clickable-row' })}
        columns={[
          {
            title: t('residents.field.name'),
            dataIndex: 'name',
            className: 'nowrap',
            width: 120,
            render: (name: string, r) => (
              <a href={`#/residents?id=${encodeURIComponent(r.id)}`} onClick={(e) => e.stopPropagation()}>
                {name}
              </a>
            ),
          },
          { title: t('residents.field.sex'), dataIndex: 'sex', width: 60, render: (s: string) => codeLabel(cs.sex, s, lang) },
          { title: t('residents.list.age'), dataIndex: 'age', width: 60 },
          { title: t('residents.field.villageCode'), dataIndex: 'villageName', width: 140, className: 'nowrap' },
          { title: t('residents.list.tags'), key: 'tags', render: (_: unknown, r) => <SummaryBadges summary={r} /> },
          { title: t('residents.field.recordNo'), dataIndex: 'recordNo', width: 220, className: 'monospace nowrap' },
        ]}
      />
      )}
      {!updating && rows.length < total && (
        <Button className="load-more" onClick={() => void load(rows.length)} loading={loading}>
          {t('residents.list.more')}
        </Button>
      )}
    </div>
  );
}
