import { Alert, AutoComplete, Badge, Button, Card, Col, Row, Select, Space, Spin, Statistic, Table, Tag } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WorkGroup, type Worklist, type WorkRow, type WorkStatus } from '../../../shared/api/followups';
import type { ClinicSettings } from '../../../shared/api/settings';
import { api, onConnectionChange, subscribe } from '../../api-client';
import { errorText } from '../../app/api-errors';
import type { SectionPageProps } from '../../app/section-pages';
import { workTotals } from './totals';
import { workHref } from './work-links';
import '../followups/followups.css';
import { CardReadButton } from '../devices/CardReadButton';
import { selectableVillages } from '../../app/village-scope';
import { coalescedRefresh } from '../../app/coalesced-refresh';
import { DataUpdateNotice } from '../../app/DataUpdateNotice';

/** Groups in the order a doctor works them (shared/domain/worklist-groups.ts). */
const GROUPS: readonly WorkGroup[] = WorkGroup.options;
const STATUS_COLOR: Record<WorkStatus, string> = { overdue: 'red', due: 'orange', upcoming: 'blue' };
const REFRESH_DELAY_MS = 300;
/** Rows per group and page, each page fetched on its own: the page stays short however big the township (issue 16). */
const GROUP_PAGE_SIZE = 10;
/**
 * While the day's rows are still being computed (a cold day: a new install, an upgrade with other rules, 1 January)
 * the list shows the rows computed so far and asks again this often until it is whole.
 */
const PARTIAL_REFRESH_MS = 3_000;

interface Filter {
  villageCode: string | undefined;
  doctor: string | undefined;
}

/**
 * Whose work the list opens on: a doctor's own patients (their name is the residents' 责任医生 and the contracts'
 * doctor); an administrator sees everyone.
 */
export function defaultDoctorFilter(user: { role: string; displayName: string }): string {
  return user.role === 'admin' ? '' : user.displayName;
}

/**
 * 工作台: the first screen after sign-in. Everything due, overdue or coming up, grouped by kind with counts, filtered
 * by village and doctor; each row opens the form that does the work. `worklist.changed` refreshes it.
 */
export function WorklistPage({ session }: SectionPageProps) {
  const { t } = useTranslation();
  const mine = defaultDoctorFilter(session.user);
  const [villageCode, setVillageCode] = useState<string | undefined>(undefined);
  const [doctor, setDoctor] = useState(mine);
  // Falls back to everyone once, when the doctor has nothing on the list (no patients assigned yet).
  const [fellBack, setFellBack] = useState(false);
  const [list, setList] = useState<Worklist | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [settings, setSettings] = useState<ClinicSettings | null>(null);
  const [doctorNames, setDoctorNames] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  // What the group tables show, and a counter that makes them fetch their page again.
  const [filter, setFilter] = useState<Filter | null>(null);
  const [revision, setRevision] = useState(0);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const d = doctor.trim();
      // Counts only: every group fetches its own page.
      const got = await api.worklist.get({ villageCode, doctor: d || undefined, limit: 1, allowPartial: true });
      // A partial list may simply not have reached the doctor's patients yet.
      if (d !== '' && d === mine && !villageCode && got.total === 0 && !fellBack && !got.partial) {
        setFellBack(true);
        setDoctor('');
        return;
      }
      setList(got);
      setFilter({ villageCode, doctor: d || undefined });
      setRevision((r) => r + 1);
      setFailure(null);
    } catch (e) {
      setFailure(e);
    } finally {
      setLoading(false);
    }
  }, [villageCode, doctor, mine, fellBack]);

  useEffect(() => {
    const id = setTimeout(() => void load(), doctor && doctor !== mine ? REFRESH_DELAY_MS : 0);
    return () => clearTimeout(id);
  }, [load, doctor, mine]);

  useEffect(() => {
    api.settings
      .get({})
      .then(setSettings)
      .catch(() => undefined);
    // The doctors to suggest: everyone who can sign as family doctor in a team.
    api.teams
      .list({})
      .then((teams) => setDoctorNames([...new Set(teams.flatMap((tm) => tm.members.filter((m) => m.role === 'familyDoctor' || m.role === 'villageDoctor').map((m) => m.name)))]))
      .catch(() => undefined);
  }, []);

  // A change shows at once; changes that come while the list is being asked again make one more query after it.
  const loadNow = useRef(load);
  useEffect(() => {
    loadNow.current = load;
  }, [load]);
  useEffect(() => {
    const refresh = coalescedRefresh(() => loadNow.current());
    const unsubscribe = subscribe('worklist.changed', () => void refresh.request());
    return () => {
      unsubscribe();
      refresh.stop();
    };
  }, []);
  // A partial list completes by itself: asked again until the pass is over (each answer says how far it is).
  const partial = list?.partial;
  useEffect(() => {
    if (!partial) return;
    const id = setTimeout(() => void loadNow.current(), PARTIAL_REFRESH_MS);
    return () => clearTimeout(id);
  }, [partial]);
  // Events sent while the connection was down are lost: query again once it is back.
  useEffect(
    () =>
      onConnectionChange((state) => {
        if (state === 'open') void load();
      }),
    [load],
  );

  const groups = useMemo(() => GROUPS.filter((g) => (list?.groups[g] ?? 0) > 0), [list]);

  const totals = useMemo(() => (list ? workTotals(list) : null), [list]);

  const reasonText = (r: WorkRow) => {
    const params: Record<string, string | number> = { ...(r.params ?? {}) };
    if (typeof params['tags'] === 'string') {
      params['tags'] = params['tags']
        .split(',')
        .filter(Boolean)
        .map((tag) => t(`followups.tag.${tag}`, { defaultValue: tag }))
        .join('、');
    }
    return t(r.reason, params);
  };

  return (
    <section className="section worklist" data-section="worklist">
      <h1 tabIndex={-1}>{t('worklist.title')}</h1>
      <Space wrap className="worklist-filters" align="end">
        <label>
          <span className="filter-label">{t('worklist.filter.village')}</span>
          <Select
            allowClear
            className="filter-select"
            aria-label={t('worklist.filter.village')}
            placeholder={t('worklist.filter.allVillages')}
            value={villageCode}
            onChange={(v) => setVillageCode(v)}
            options={selectableVillages(settings?.villages ?? []).map((v) => ({ value: v.code, label: v.name }))}
          />
        </label>
        <label>
          <span className="filter-label">{t('worklist.filter.doctor')}</span>
          <AutoComplete
            allowClear
            className="filter-input"
            aria-label={t('worklist.filter.doctor')}
            placeholder={t('worklist.filter.allDoctors')}
            value={doctor}
            onChange={(v: string | undefined) => setDoctor(v ?? '')}
            options={doctorNames.map((n) => ({ value: n }))}
          />
        </label>
        <Button onClick={() => void load()} loading={loading}>
          {t('worklist.refresh')}
        </Button>
        <CardReadButton />
        {list ? <span className="worklist-today">{t('worklist.today', { date: list.today })}</span> : null}
      </Space>
      {mine && doctor === mine ? <p className="worklist-scope" data-testid="worklist-scope">{t('worklist.mine', { name: mine })}</p> : null}
      {fellBack && doctor === '' ? <p className="worklist-scope" data-testid="worklist-scope">{t('worklist.noneMine', { name: mine })}</p> : null}
      {failure ? <Alert type="error" showIcon title={errorText(failure)} action={<Button onClick={() => void load()}>{t('common.retry')}</Button>} /> : null}
      {/* After an upgrade or on a day's first full pass the first page waits: say how far the update has come. */}
      {!list && !failure ? <DataUpdateNotice fallback={<Spin />} onDone={() => void load()} /> : null}
      {list?.partial ? (
        <Alert
          type="info"
          showIcon
          className="worklist-partial"
          data-testid="worklist-partial"
          role="status"
          title={t('worklist.partial', { percent: list.partial.percent })}
        />
      ) : null}
      {list ? (
        <>
          {totals ? (
            <Row gutter={16} className="worklist-totals" data-testid="worklist-totals">
              <Col xs={6}>
                <Card size="small" data-testid="total-overdue">
                  <Statistic className="stat-overdue" title={t('worklist.status.overdue')} value={totals.clinical.overdue} />
                  {totals.overdueIn.length > 1 || (totals.overdueIn[0] && totals.overdueIn[0].group !== 'overdue') ? (
                    <p className="stat-note">
                      {t('worklist.totals.of', {
                        parts: totals.overdueIn
                          .map((p) => t('worklist.totals.part', { group: t(`worklist.group.${p.group}`), count: p.count }))
                          .join(t('worklist.totals.separator')),
                      })}
                    </p>
                  ) : null}
                </Card>
              </Col>
              <Col xs={6}>
                <Card size="small">
                  <Statistic className="stat-due" title={t('worklist.status.due')} value={totals.clinical.due} />
                </Card>
              </Col>
              <Col xs={6}>
                <Card size="small">
                  <Statistic title={t('worklist.status.upcoming')} value={totals.clinical.upcoming} />
                </Card>
              </Col>
              <Col xs={6}>
                <Card size="small" data-testid="total-contracting">
                  <Statistic title={t('worklist.group.contracting')} value={totals.contracting.total} />
                  {totals.contracting.overdue > 0 ? (
                    <p className="stat-note">{t('worklist.totals.contractingOverdue', { count: totals.contracting.overdue })}</p>
                  ) : null}
                </Card>
              </Col>
            </Row>
          ) : null}
          {groups.length === 0 && !list.partial ? <Alert type="success" showIcon title={t('worklist.empty')} /> : null}
          {filter
            ? groups.map((g) => (
                <GroupCard key={g} group={g} count={list.groups[g]} filter={filter} revision={revision} reasonText={reasonText} />
              ))
            : null}
        </>
      ) : null}
    </section>
  );
}

interface GroupCardProps {
  group: WorkGroup;
  count: number;
  filter: Filter;
  /** Raised on every reload of the counts: the card fetches its page again. */
  revision: number;
  reasonText: (r: WorkRow) => string;
}

/** One group with its count, one page of its rows at a time, fetched from the runtime. */
function GroupCard({ group, count, filter, revision, reasonText }: GroupCardProps) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [rows, setRows] = useState<WorkRow[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  // Back to the first page when the filter changes; a refresh keeps the page the doctor is on.
  useEffect(() => setPage(1), [filter]);
  useEffect(() => {
    let current = true;
    api.worklist
      .get({ ...filter, group, offset: (page - 1) * GROUP_PAGE_SIZE, limit: GROUP_PAGE_SIZE, allowPartial: true })
      .then((got) => {
        if (!current) return;
        setRows(got.items);
        setFailure(null);
        // The list shrank under this page (work done elsewhere): go to the last page that exists.
        if (got.items.length === 0 && page > 1) setPage(Math.max(1, Math.ceil(got.total / GROUP_PAGE_SIZE)));
      })
      .catch((e: unknown) => {
        if (current) setFailure(e);
      });
    return () => {
      current = false;
    };
  }, [filter, group, page, revision]);

  // Where each row of this page sits, carried into the follow-up so 下一位 follows this list (issue 16).
  const place = { ...filter, group, offset: (page - 1) * GROUP_PAGE_SIZE };
  return (
    <Card
      size="small"
      className="worklist-group"
      data-group={group}
      title={
        <h2 className="group-title">
          {t(`worklist.group.${group}`)} <Badge count={count} showZero overflowCount={99999} color="#1f6fb2" />
        </h2>
      }
    >
      {failure ? <Alert type="error" showIcon title={errorText(failure)} /> : null}
      {!rows && !failure ? <Spin /> : null}
      {rows ? (
        <Table<WorkRow>
          size="small"
          rowKey={(r) => `${r.residentId}-${r.kind}-${r.disease ?? ''}-${r.dueDate}`}
          pagination={{ current: page, pageSize: GROUP_PAGE_SIZE, total: count, hideOnSinglePage: true, showSizeChanger: false, onChange: setPage }}
          dataSource={rows}
          onRow={(r) => ({
            onClick: () => {
              window.location.hash = workHref(r, place);
            },
            className: 'work-row',
            'data-kind': r.kind,
          } as React.HTMLAttributes<HTMLElement>)}
          columns={[
            {
              title: t('worklist.col.name'),
              key: 'name',
              className: 'nowrap',
              render: (_v, r) => (
                <a href={workHref(r, place)} onClick={(e) => e.stopPropagation()}>
                  {r.name}
                </a>
              ),
            },
            {
              title: t('worklist.col.sexAge'),
              key: 'sexAge',
              className: 'nowrap',
              render: (_v, r) => `${t(`followups.sex.${r.sex}`, { defaultValue: '' })} ${t('followups.age', { age: r.age })}`,
            },
            { title: t('worklist.col.village'), dataIndex: 'villageName', className: 'nowrap' },
            { title: t('worklist.col.disease'), key: 'disease', className: 'nowrap', render: (_v, r) => (r.disease ? t(`followups.disease.${r.disease}`) : '') },
            { title: t('worklist.col.due'), dataIndex: 'dueDate', className: 'nowrap' },
            {
              title: t('worklist.col.status'),
              key: 'status',
              render: (_v, r) => <Tag color={STATUS_COLOR[r.status]}>{t(`worklist.status.${r.status}`)}</Tag>,
            },
            { title: t('worklist.col.reason'), key: 'reason', render: (_v, r) => reasonText(r) },
            {
              title: t('worklist.col.yearly'),
              key: 'yearly',
              render: (_v, r) =>
                r.yearly.map((y) => (
                  <Tag key={y.disease} color={y.done >= y.required ? 'green' : 'default'} data-testid="yearly">
                    {t('worklist.yearly', { disease: t(`followups.diseaseShort.${y.disease}`), done: y.done, required: y.required })}
                  </Tag>
                )),
            },
            { title: t('worklist.col.doctor'), dataIndex: 'doctor', className: 'nowrap' },
          ]}
        />
      ) : null}
    </Card>
  );
}
