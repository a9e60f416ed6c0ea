import { App as AntApp, Alert, Button, Card, Descriptions, Empty, Input, Radio, Segmented, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConflictReview, DuplicateReview, ReviewField, ReviewItem } from '../../../shared/api/sync-review';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { isSelectableVillage } from '../../app/village-scope';
import './sync-review.css';

const when = (ms: number) => dayjs(ms).format('YYYY-MM-DD HH:mm');
const canonical = (f: ReviewField) => JSON.stringify([f.kept.value, f.setAside.value]);

function useSourceLabel() {
  const { t } = useTranslation();
  return (source: string) => {
    if (source === 'platform' || source === 'local') return t(`sync-review.source.${source}`);
    if (source.startsWith('bundle:')) return t('sync-review.source.bundle', { code: source.slice('bundle:'.length) });
    return source;
  };
}

function ValueCell(props: { field: ReviewField; side: 'kept' | 'setAside' }) {
  const { t } = useTranslation();
  const source = useSourceLabel();
  const s = props.field[props.side];
  let text: string;
  if (props.field.path === '_deleted') text = s.value === true ? t('sync-review.conflict.removed') : t('sync-review.conflict.restoreEdited');
  else if (s.value === undefined || s.value === null || s.value === '') text = t('sync-review.conflict.empty');
  else text = typeof s.value === 'string' || typeof s.value === 'number' ? String(s.value) : JSON.stringify(s.value);
  return (
    <div>
      <div className="sync-review-value">{text}</div>
      <Typography.Text type="secondary">{t('sync-review.conflict.byWhen', { by: s.isLocal ? `${s.by}（${t('sync-review.conflict.thisDevice')}）` : source(s.by), when: when(s.updatedAt) })}</Typography.Text>
    </div>
  );
}

function ConflictCard(props: { item: ConflictReview; onSettled: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const source = useSourceLabel();
  const { item } = props;
  const [choices, setChoices] = useState<Record<string, 'kept' | 'setAside'>>(() => Object.fromEntries(item.fields.map((f) => [f.path, item.choices?.[f.path] ?? 'kept'])));
  const [busy, setBusy] = useState(false);
  const isOpen = item.status === 'open';
  const label = (path: string) => {
    const key = path.replace(/^data\./, '');
    return t(`sync-review.field.${key}`, { defaultValue: path });
  };
  // Resident documents copy some form fields to the top level for indexes (`phone` beside `data.phone`): a copy that
  // conflicts exactly like its form field is one row, and the person's choice applies to both.
  const mirrorOf = (f: ReviewField) => item.fields.find((g) => g.path === `data.${f.path}` && canonical(g) === canonical(f));
  const rows = item.fields.filter((f) => !mirrorOf(f));
  const choiceFor = (f: ReviewField) => choices[mirrorOf(f)?.path ?? f.path] ?? 'kept';
  // 所属村 may be set only to a village the user serves (the API refuses the others, issue 11).
  const isVillageField = (f: ReviewField) => f.path === 'villageCode' || f.path === 'data.villageCode';
  const selectable = (side: ReviewField['kept']) => typeof side.value !== 'string' || isSelectableVillage(side.value);
  const settle = async () => {
    setBusy(true);
    try {
      await api.syncReview.settleConflict({ id: item.id, choices: item.fields.map((f) => ({ path: f.path, choose: choiceFor(f) })) });
      void message.success(t('sync-review.done'));
      props.onSettled();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const title = item.residentName ? t('sync-review.conflict.title', { name: item.residentName }) : t('sync-review.conflict.titleOther', { collection: t(`sync-review.collection.${item.collection}`) });
  return (
    <Card
      size="small"
      title={title}
      extra={
        <Space>
          <Tag>{source(item.source)}</Tag>
          <Typography.Text type="secondary">{when(item.detectedAt)}</Typography.Text>
        </Space>
      }
    >
      <Table<ReviewField>
        size="small"
        pagination={false}
        rowKey="path"
        dataSource={rows}
        columns={[
          { title: t('sync-review.conflict.field'), key: 'path', width: 140, render: (_v, f) => label(f.path) },
          { title: t('sync-review.conflict.kept'), key: 'kept', render: (_v, f) => <ValueCell field={f} side="kept" /> },
          { title: t('sync-review.conflict.setAside'), key: 'setAside', render: (_v, f) => <ValueCell field={f} side="setAside" /> },
          {
            title: t('sync-review.conflict.choose'),
            key: 'choose',
            width: 280,
            render: (_v, f) => (
              <Radio.Group
                disabled={!isOpen}
                aria-label={`${t('sync-review.conflict.choose')} ${label(f.path)}`}
                value={choices[f.path]}
                onChange={(e) => setChoices((c) => ({ ...c, [f.path]: e.target.value as 'kept' | 'setAside' }))}
              >
                <Radio value="kept" disabled={isVillageField(f) && !selectable(f.kept)}>
                  {t('sync-review.conflict.keepKept')}
                </Radio>
                <Radio value="setAside" disabled={isVillageField(f) && !selectable(f.setAside)}>
                  {t('sync-review.conflict.useSetAside')}
                </Radio>
              </Radio.Group>
            ),
          },
        ]}
      />
      <div className="sync-review-actions">
        {isOpen ? (
          <Button type="primary" loading={busy} onClick={() => void settle()}>
            {t('sync-review.conflict.confirm')}
          </Button>
        ) : (
          <Typography.Text type="success">{t('sync-review.conflict.settled', { by: item.settledBy ?? '', when: when(item.settledAt ?? 0) })}</Typography.Text>
        )}
      </div>
    </Card>
  );
}

function DuplicateCard(props: { item: DuplicateReview; villages: Map<string, string>; onSettled: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const source = useSourceLabel();
  const { item } = props;
  const [keepId, setKeepId] = useState(item.keptId ?? item.residents[0]?.id ?? '');
  const [reason, setReason] = useState(item.reason ?? '');
  const [busy, setBusy] = useState<'merge' | 'dismiss' | null>(null);
  const isOpen = item.status === 'open';
  // A settled pair shows the decision that stands (the platform's, which may differ from the one made here).
  const shownKeep = isOpen ? keepId : (item.keptId ?? '');
  const recordNoOf = (id: string | undefined) => item.residents.find((r) => r.id === id)?.recordNo ?? '';
  // Who made the record: the user (this device's audit log) or the 建档人 the platform read on the record; else the
  // clinic and device that first sent it, which the platform always knows (the id's end: a UUIDv7 starts with the time,
  // which devices enrolled the same week share).
  const creatorText = (r: DuplicateReview['residents'][number]) =>
    r.createdBy ??
    (r.deviceId ? t('sync-review.duplicate.createdOnDevice', { clinic: r.clinicName ?? r.clinicCode ?? '', device: r.deviceId.slice(-6) }) : t('sync-review.duplicate.unknown'));
  const settle = async (decision: 'merge' | 'dismiss') => {
    if (!reason.trim()) {
      void message.warning(t('sync-review.duplicate.needReason'));
      return;
    }
    setBusy(decision);
    try {
      await api.syncReview.settleDuplicate({ id: item.id, decision, keepId, reason: reason.trim() });
      void message.success(t('sync-review.done'));
      props.onSettled();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card
      size="small"
      title={t('sync-review.duplicate.title', { id: item.idNumberMasked })}
      extra={
        <Space>
          <Tag>{source(item.source)}</Tag>
          <Typography.Text type="secondary">{when(item.detectedAt)}</Typography.Text>
        </Space>
      }
    >
      {isOpen ? null : (
        <Space orientation="vertical" className="full-width sync-review-outcome">
          <Space>
            <Typography.Text type="success">
              {t(item.decision === 'merged' ? 'sync-review.duplicate.merged' : 'sync-review.duplicate.dismissed', { by: item.settledBy ?? '', when: when(item.settledAt ?? 0) })}
            </Typography.Text>
            {item.pending ? <Tag color="gold">{t('sync-review.duplicate.pending')}</Tag> : null}
          </Space>
          {item.overruled && item.overruled.length > 0 ? (
            <Alert
              type="warning"
              showIcon
              title={t('sync-review.duplicate.overruledTitle')}
              description={
                <>
                  {item.overruled.map((o) => (
                    <div key={`${o.settledAt}-${o.settledBy}`}>
                      {o.decision === 'merged'
                        ? t('sync-review.duplicate.overruledMerged', { by: o.settledBy, when: when(o.settledAt), recordNo: recordNoOf(o.keptId), reason: o.reason ?? '' })
                        : t('sync-review.duplicate.overruledDismissed', { by: o.settledBy, when: when(o.settledAt), reason: o.reason ?? '' })}
                    </div>
                  ))}
                  <div>{t('sync-review.duplicate.overruledHint')}</div>
                </>
              }
            />
          ) : null}
        </Space>
      )}
      <Radio.Group disabled={!isOpen} value={shownKeep} onChange={(e) => setKeepId(e.target.value as string)} className="sync-review-pair">
        {item.residents.map((r) => (
          <Card key={r.id} size="small" className={shownKeep === r.id ? 'sync-review-keep' : undefined}>
            <Radio value={r.id}>
              <strong>{r.name}</strong> · {t('sync-review.duplicate.keep')}
            </Radio>
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('sync-review.duplicate.recordNo')}>{r.recordNo}</Descriptions.Item>
              <Descriptions.Item label={t('sync-review.duplicate.idNumber')}>{item.idNumberMasked}</Descriptions.Item>
              <Descriptions.Item label={t('sync-review.duplicate.village')}>{props.villages.get(r.villageCode) ?? r.villageCode}</Descriptions.Item>
              <Descriptions.Item label={t('sync-review.duplicate.birthDate')}>{r.birthDate}</Descriptions.Item>
              <Descriptions.Item label={t('sync-review.duplicate.encounters')}>
                {r.encounters === undefined ? t('sync-review.duplicate.unknown') : t('sync-review.duplicate.encounterCount', { count: r.encounters })}
              </Descriptions.Item>
              <Descriptions.Item label={t('sync-review.duplicate.createdIn')}>{r.clinicName ?? r.clinicCode ?? t('sync-review.duplicate.unknown')}</Descriptions.Item>
              <Descriptions.Item label={t('sync-review.duplicate.createdBy')}>{creatorText(r)}</Descriptions.Item>
              <Descriptions.Item label={t('sync-review.duplicate.createdAt')}>{when(r.createdAt)}</Descriptions.Item>
            </Descriptions>
          </Card>
        ))}
      </Radio.Group>
      {isOpen ? (
        <>
          <Alert type="info" showIcon className="sync-review-hint" title={t('sync-review.duplicate.mergeHint')} />
          <Input
            aria-label={t('sync-review.duplicate.reason')}
            placeholder={t('sync-review.duplicate.reasonPlaceholder')}
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="sync-review-actions">
            <Space>
              <Button type="primary" loading={busy === 'merge'} onClick={() => void settle('merge')}>
                {t('sync-review.duplicate.merge')}
              </Button>
              <Button loading={busy === 'dismiss'} onClick={() => void settle('dismiss')}>
                {t('sync-review.duplicate.dismiss')}
              </Button>
            </Space>
          </div>
        </>
      ) : null}
    </Card>
  );
}

/**
 * 同步审核: conflicts and duplicate residents that sync queued for a person. A tab for the 同步 page (which the sync
 * feature owns); it reaches data only through `api.syncReview`.
 */
export function SyncReviewTab() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [status, setStatus] = useState<'open' | 'settled'>('open');
  const [items, setItems] = useState<ReviewItem[] | null>(null);
  const [villages, setVillages] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    api.settings.get({}).then(
      (s) => setVillages(new Map(s.villages.map((v) => [v.code, v.name]))),
      () => undefined,
    );
  }, []);

  const load = useCallback(async () => {
    try {
      setItems(await api.syncReview.list({ status }));
    } catch (e) {
      void message.error(errorText(e));
      setItems([]);
    }
  }, [status, message]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Space orientation="vertical" size="middle" className="full-width sync-review">
      <Typography.Paragraph type="secondary">{t('sync-review.intro')}</Typography.Paragraph>
      <Space>
        <Segmented
          value={status}
          onChange={(v) => setStatus(v as 'open' | 'settled')}
          options={[
            { value: 'open', label: t('sync-review.filter.open') },
            { value: 'settled', label: t('sync-review.filter.settled') },
          ]}
        />
        <Button onClick={() => void load()}>{t('sync-review.refresh')}</Button>
      </Space>
      {items !== null && items.length === 0 ? <Empty description={t(`sync-review.empty.${status}`)} /> : null}
      {(items ?? []).map((item) =>
        item.kind === 'conflict' ? (
          <ConflictCard key={`${item.id}-${item.status}`} item={item} onSettled={() => void load()} />
        ) : (
          <DuplicateCard key={`${item.id}-${item.status}`} item={item} villages={villages} onSettled={() => void load()} />
        ),
      )}
    </Space>
  );
}
