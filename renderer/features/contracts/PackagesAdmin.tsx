import { App as AntApp, Button, Card, InputNumber, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServicePackage } from '../../../shared/schemas/contract';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';

/** 服务包: the basic package and the personalised ones; name and price are edited here, items come from the county's set. */
export function PackagesAdmin(props: { packages: ServicePackage[]; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const lang = i18n.language === 'en' ? 'en' : 'zh';
  const [prices, setPrices] = useState<Record<string, number>>({});
  const [busy, setBusy] = useState<string | null>(null);

  const save = async (p: ServicePackage) => {
    setBusy(p.packageId);
    try {
      await api.packages.save({ package: { ...p, priceYuan: prices[p.packageId] ?? p.priceYuan } });
      void message.success(t('common.saved'));
      props.onSaved();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Space orientation="vertical" size="middle" className="full-width">
      {props.packages.map((p) => (
        <Card
          key={p.packageId}
          size="small"
          title={
            <span>
              {p.name[lang]} {p.isBasic ? <Tag color="blue">{t('contracts.packages.basic')}</Tag> : <Tag>{t('contracts.packages.paid')}</Tag>}
              {p.targetTags.map((tag) => (
                <Tag key={tag}>{t(`followups.tag.${tag}`, { defaultValue: tag })}</Tag>
              ))}
            </span>
          }
          extra={
            p.isBasic ? null : (
              <Space>
                <InputNumber
                  aria-label={t('contracts.packages.price')}
                  min={0}
                  precision={2}
                  prefix="¥"
                  value={prices[p.packageId] ?? p.priceYuan}
                  onChange={(v) => setPrices((x) => ({ ...x, [p.packageId]: v ?? 0 }))}
                />
                <Button loading={busy === p.packageId} onClick={() => void save(p)}>
                  {t('common.save')}
                </Button>
              </Space>
            )
          }
        >
          <Table
            size="small"
            pagination={false}
            rowKey="serviceCode"
            dataSource={[...p.items]}
            columns={[
              { title: t('contracts.print.item'), key: 'n', render: (_v, i) => i.name[lang] },
              { title: t('contracts.print.times'), dataIndex: 'timesPerYear' },
              { title: t('contracts.teams.role'), key: 'who', render: (_v, i) => t(`contracts.role.${i.who}`) },
              {
                title: t('contracts.packages.forTags'),
                key: 'for',
                render: (_v, i) => (i.forTags ?? []).map((tag) => t(`followups.tag.${tag}`, { defaultValue: tag })).join('、'),
              },
            ]}
          />
        </Card>
      ))}
    </Space>
  );
}
