import { App as AntApp, Button, Card, Form, Input, Select, Space, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClinicSettings } from '../../../shared/api/settings';
import { TEAM_ROLES } from '../../../shared/domain/service-packages';
import type { DoctorTeam, TeamMember } from '../../../shared/schemas/contract';
import { ApiError, api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { selectableVillages } from '../../app/village-scope';
import { fieldIssueText } from '../../i18n';

interface TeamValues {
  teamName: string;
  leaderId?: string;
  members: { staffId?: string; name?: string; role?: TeamMember['role']; phone?: string }[];
  villages: string[];
}

/** A staff id made from the time; ids are made on the device (DESIGN.md §1). */
const newStaffId = () => `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** 家庭医生团队: members with roles, the leader, and the villages the team covers. */
export function TeamsAdmin(props: { teams: DoctorTeam[]; settings: ClinicSettings | null; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [editing, setEditing] = useState<DoctorTeam | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<TeamValues>();
  const members = Form.useWatch('members', form) ?? [];
  const villageName = (code: string) => props.settings?.villages.find((v) => v.code === code)?.name ?? code;

  const open = (team: DoctorTeam | 'new') => setEditing(team);
  // A new target resets the fields to its initial values (the form instance outlives the Form element).
  useEffect(() => {
    if (editing) form.resetFields();
  }, [editing, form]);
  const initialValues: TeamValues | undefined =
    editing === null
      ? undefined
      : editing === 'new'
        ? { teamName: '', members: [{ staffId: newStaffId(), role: 'villageDoctor' }], villages: [] }
        : { teamName: editing.teamName, leaderId: editing.leaderId, members: editing.members.map((m) => ({ ...m })), villages: editing.villages };

  const save = async (v: TeamValues) => {
    setBusy(true);
    try {
      const list = (v.members ?? []).map((m) => ({
        staffId: m.staffId ?? newStaffId(),
        name: (m.name ?? '').trim(),
        role: m.role ?? 'other',
        ...(m.phone?.trim() ? { phone: m.phone.trim() } : {}),
      }));
      await api.teams.save({
        ...(editing && editing !== 'new' ? { teamId: editing.teamId } : {}),
        team: { teamName: v.teamName.trim(), leaderId: v.leaderId ?? list[0]?.staffId ?? '', members: list, villages: v.villages ?? [] },
      });
      void message.success(t('common.saved'));
      setEditing(null);
      props.onSaved();
    } catch (e) {
      void message.error(errorText(e));
      if (e instanceof ApiError) {
        form.setFields(
          e.fields.map((f) => ({
            name: f.path.replace(/^team\./, '').split('.').map<string | number>((p) => (/^\d+$/.test(p) ? Number(p) : p)),
            errors: [fieldIssueText(f)],
          })) as Parameters<typeof form.setFields>[0],
        );
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" className="full-width">
      <Table<DoctorTeam>
        rowKey="teamId"
        size="small"
        pagination={false}
        dataSource={props.teams}
        locale={{ emptyText: t('contracts.teams.none') }}
        columns={[
          { title: t('contracts.teams.name'), dataIndex: 'teamName' },
          {
            title: t('contracts.teams.members'),
            key: 'members',
            render: (_v, team) =>
              team.members.map((m) => (
                <Tag key={m.staffId} color={m.staffId === team.leaderId ? 'blue' : undefined}>
                  {m.name}（{t(`contracts.role.${m.role}`)}）
                </Tag>
              )),
          },
          { title: t('contracts.teams.villages'), key: 'villages', render: (_v, team) => team.villages.map(villageName).join('、') },
          {
            title: t('followups.history.actions'),
            key: 'a',
            render: (_v, team) => (
              <Button size="small" onClick={() => open(team)}>
                {t('contracts.teams.edit')}
              </Button>
            ),
          },
        ]}
      />
      {editing ? (
        <Card size="small" title={editing === 'new' ? t('contracts.teams.add') : t('contracts.teams.edit')}>
          <Form
            key={editing === 'new' ? 'new' : editing.teamId}
            form={form}
            layout="vertical"
            initialValues={initialValues}
            onFinish={(v) => void save(v)}
            disabled={busy}
          >
            <Form.Item name="teamName" label={t('contracts.teams.name')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input maxLength={60} />
            </Form.Item>
            <Form.List name="members">
              {(fields, { add, remove }) => (
                <Form.Item label={t('contracts.teams.members')}>
                  {fields.map((field, i) => (
                    <Space key={field.key} wrap className="medication-row">
                      <Form.Item name={[field.name, 'staffId']} hidden>
                        <Input />
                      </Form.Item>
                      <Form.Item name={[field.name, 'name']} noStyle rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
                        <Input placeholder={t('contracts.teams.memberName')} aria-label={`${t('contracts.teams.memberName')} ${i + 1}`} maxLength={40} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'role']} noStyle rules={[{ required: true, message: t('form.required') }]}>
                        <Select
                          className="role-select"
                          aria-label={`${t('contracts.teams.role')} ${i + 1}`}
                          options={TEAM_ROLES.map((r) => ({ value: r, label: t(`contracts.role.${r}`) }))}
                        />
                      </Form.Item>
                      <Form.Item name={[field.name, 'phone']} noStyle>
                        <Input placeholder={t('contracts.teams.phone')} aria-label={`${t('contracts.teams.phone')} ${i + 1}`} maxLength={20} />
                      </Form.Item>
                      <Button onClick={() => remove(field.name)} disabled={fields.length === 1}>
                        {t('common.remove')}
                      </Button>
                    </Space>
                  ))}
                  <Button onClick={() => add({ staffId: newStaffId(), role: 'villageDoctor' })}>{t('contracts.teams.addMember')}</Button>
                </Form.Item>
              )}
            </Form.List>
            <Form.Item name="leaderId" label={t('contracts.teams.leader')} rules={[{ required: true, message: t('form.required') }]}>
              <Select
                options={members
                  .filter((m) => m?.staffId && m.name?.trim())
                  .map((m) => ({ value: m.staffId as string, label: m.name as string }))}
              />
            </Form.Item>
            <Form.Item name="villages" label={t('contracts.teams.villages')}>
              <Select mode="multiple" options={selectableVillages(props.settings?.villages ?? []).map((v) => ({ value: v.code, label: v.name }))} />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy}>
                {t('common.save')}
              </Button>
              <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            </Space>
          </Form>
        </Card>
      ) : (
        <Button type="primary" onClick={() => open('new')}>
          {t('contracts.teams.add')}
        </Button>
      )}
    </Space>
  );
}
