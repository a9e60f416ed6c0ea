import { Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { SectionPageProps } from '../../app/section-pages';
import { CardReadButton } from '../devices/CardReadButton';
import { ResidentForm } from './ResidentForm';
import { ResidentList } from './ResidentList';
import { ResidentPage } from './ResidentPage';
import { ResidentSearch } from './ResidentSearch';
import { go, useRouteParams } from './route';
import { useClinic } from './use-clinic';
import './residents.css';
import { selectableVillages } from '../../app/village-scope';

/**
 * 居民档案: search (focused on open) and the list; `?id=` opens a record, `?new=1` the 建档 form, `?edit=<id>` its
 * edit form. The route lives in the hash, so Back returns to the search and a reload keeps the record open.
 */
export function ResidentsPage({ session }: SectionPageProps) {
  const { t } = useTranslation();
  const params = useRouteParams();
  const { settings, today } = useClinic();
  // The record being edited, as the page last fetched it (the edit form needs the full record).
  const [editing, setEditing] = useState<ResidentDetail | null>(null);

  const open = (id: string) => go('residents', { id });
  const saved = (d: ResidentDetail) => {
    setEditing(null);
    open(d.resident.id);
  };

  let body;
  if (params.new === '1') {
    body = <ResidentForm key={`new-${params.card ?? ''}`} session={session} onSaved={saved} onOpen={open} onCancel={() => go('residents')} />;
  } else if (params.edit && editing?.resident.id === params.edit) {
    body = (
      <ResidentForm key={`edit-${editing.resident.id}`} session={session} resident={editing.resident} onSaved={saved} onOpen={open} onCancel={() => open(editing.resident.id)} />
    );
  } else if (params.id || params.edit) {
    const id = params.id ?? params.edit ?? '';
    body = (
      <ResidentPage
        key={id}
        residentId={id}
        today={today}
        onEdit={(d) => {
          setEditing(d);
          go('residents', { edit: d.resident.id });
        }}
        onBack={() => go('residents')}
      />
    );
  } else {
    body = (
      <>
        <Space className="residents-toolbar" wrap>
          <Button type="primary" onClick={() => go('residents', { new: '1' })}>
            {t('residents.newRecord')}
          </Button>
          <CardReadButton />
        </Space>
        <ResidentSearch autoFocus onOpen={(r) => open(r.id)} />
        <ResidentList villages={selectableVillages(settings?.villages ?? [])} onOpen={open} />
      </>
    );
  }

  return (
    <section className="section residents-section" data-section="residents">
      <h1 tabIndex={-1}>{t('nav.residents')}</h1>
      {body}
    </section>
  );
}
