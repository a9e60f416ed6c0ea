import { App as AntApp, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Steps, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Role, RotationPhase, type KeyRotation, type UserSummary, type Village } from '../../../shared/api/session';
import { api, subscribe } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';
import { passwordRules, usernameRules } from '../../app/form-rules';

interface AddValues {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  villages?: string[];
}

/** 用户管理 (administrators): list, add, set a village doctor's villages (服务村), reset a password, remove. */
export function UsersAdmin({ currentUserId, villages }: { currentUserId: string; villages: readonly Village[] }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [users, setUsers] = useState<UserSummary[]>([]);
  const [loading, setLoading] = useState(true);
  const [addForm] = Form.useForm<AddValues>();
  const [resetFor, setResetFor] = useState<UserSummary | null>(null);
  const [resetForm] = Form.useForm<{ newPassword: string }>();
  const [busy, setBusy] = useState(false);
  const [newRecoveryKey, setNewRecoveryKey] = useState<string | null>(null);
  const [villagesFor, setVillagesFor] = useState<UserSummary | null>(null);
  /** A rotation this admin started: null when none runs, else the step the runtime last reported. */
  const [rotation, setRotation] = useState<{ phase: RotationPhase | null } | null>(null);
  const [villagesForm] = Form.useForm<{ villages: string[] }>();
  const addRole = Form.useWatch('role', addForm);
  const villageOptions = villages.map((v) => ({ value: v.code, label: v.name }));
  const villageName = new Map(villages.map((v) => [v.code, v.name]));

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setUsers(await api.users.list({}));
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setLoading(false);
    }
  }, [message]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => subscribe('session.rotation', ({ phase }) => setRotation((r) => (r ? { phase } : r))), []);

  const add = async (v: AddValues) => {
    setBusy(true);
    try {
      await api.users.add({
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        role: v.role,
        password: v.password,
        villages: v.role === 'villageDoctor' ? (v.villages ?? []) : [],
      });
      void message.success(t('settings.users.added'));
      addForm.resetFields();
      await load();
    } catch (e) {
      void message.error(errorText(e));
      applyFieldErrors(addForm, e);
    } finally {
      setBusy(false);
    }
  };

  const saveVillages = async (v: { villages?: string[] }) => {
    if (!villagesFor) return;
    setBusy(true);
    try {
      await api.users.setVillages({ username: villagesFor.username, villages: v.villages ?? [] });
      void message.success(t('settings.users.villagesSaved'));
      setVillagesFor(null);
      await load();
    } catch (e) {
      void message.error(errorText(e));
      applyFieldErrors(villagesForm, e);
    } finally {
      setBusy(false);
    }
  };

  const showRotation = (rotation: KeyRotation | undefined) => {
    if (!rotation) return;
    void message.success(t('settings.users.rotated'));
    if (rotation.droppedUsers.length > 0) {
      void message.warning(t('settings.users.droppedUsers', { names: rotation.droppedUsers.join('、') }));
    }
    setNewRecoveryKey(rotation.recoveryKey);
  };

  const reset = async (v: { newPassword: string; isCompromised?: boolean }) => {
    if (!resetFor) return;
    setBusy(true);
    try {
      if (v.isCompromised) setRotation({ phase: null });
      const r = await api.users.resetPassword({ username: resetFor.username, newPassword: v.newPassword, isCompromised: v.isCompromised ?? false });
      void message.success(t('settings.users.reset'));
      showRotation(r.rotation);
      setResetFor(null);
      resetForm.resetFields();
    } catch (e) {
      void message.error(errorText(e));
      applyFieldErrors(resetForm, e);
    } finally {
      setBusy(false);
      setRotation(null);
    }
  };

  const remove = async (u: UserSummary) => {
    setRotation({ phase: null });
    try {
      const r = await api.users.remove({ username: u.username });
      void message.success(t('settings.users.removed'));
      showRotation(r.rotation);
      await load();
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setRotation(null);
    }
  };

  return (
    <Space orientation="vertical" size="large" className="full-width">
      <Table<UserSummary>
        rowKey="id"
        size="small"
        loading={loading}
        pagination={false}
        dataSource={users}
        columns={[
          { title: t('settings.users.username'), dataIndex: 'username' },
          {
            title: t('settings.users.displayName'),
            dataIndex: 'displayName',
            render: (name: string, u) => (u.id === currentUserId ? `${name}${t('settings.users.you')}` : name),
          },
          { title: t('settings.users.role'), dataIndex: 'role', render: (r: Role) => t(`role.${r}`) },
          {
            title: t('settings.users.villages'),
            key: 'villages',
            render: (_v, u) =>
              u.role !== 'villageDoctor' ? (
                <Typography.Text type="secondary">{t('settings.users.clinicWide')}</Typography.Text>
              ) : (u.villages ?? []).length === 0 ? (
                <Typography.Text type="warning">{t('settings.users.noVillages')}</Typography.Text>
              ) : (
                <span data-testid={`user-villages-${u.username}`}>
                  {(u.villages ?? []).map((code) => (
                    <Tag key={code}>{villageName.get(code) ?? code}</Tag>
                  ))}
                </span>
              ),
          },
          { title: t('settings.users.createdAt'), dataIndex: 'createdAt', render: (at: number) => dayjs(at).format('YYYY-MM-DD') },
          {
            title: t('settings.users.actions'),
            key: 'actions',
            render: (_v, u) => (
              <Space>
                {u.role === 'villageDoctor' ? (
                  <Button
                    size="small"
                    onClick={() => {
                      villagesForm.setFieldsValue({ villages: u.villages ?? [] });
                      setVillagesFor(u);
                    }}
                  >
                    {t('settings.users.setVillages')}
                  </Button>
                ) : null}
                <Button size="small" onClick={() => setResetFor(u)}>
                  {t('settings.users.resetPassword')}
                </Button>
                <Popconfirm
                  title={t('settings.users.removeConfirm', { name: u.displayName })}
                  description={<div className="rotation-help">{t('settings.users.rotationHelp')}</div>}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => void remove(u)}
                >
                  <Button size="small" danger disabled={u.id === currentUserId}>
                    {t('settings.users.remove')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Card size="small" title={t('settings.users.add')}>
        <Form
          form={addForm}
          layout="vertical"
          requiredMark={false}
          initialValues={{ role: 'villageDoctor' }}
          onFinish={(v) => void add(v)}
          disabled={busy}
          className="settings-form"
        >
          <Form.Item name="username" label={t('settings.users.username')} rules={usernameRules(t)}>
            <Input autoComplete="off" maxLength={32} />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('settings.users.displayName')}
            rules={[{ required: true, whitespace: true, message: t('form.required') }]}
          >
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="role" label={t('settings.users.role')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={Role.options.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          {addRole === 'villageDoctor' ? (
            <Form.Item name="villages" label={t('settings.users.villages')} extra={t('settings.users.villagesHelp')}>
              <Select mode="multiple" allowClear options={villageOptions} optionFilterProp="label" />
            </Form.Item>
          ) : null}
          <Form.Item name="password" label={t('settings.users.password')} rules={passwordRules(t)}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('settings.users.add')}
          </Button>
        </Form>
      </Card>
      <Modal
        open={resetFor !== null}
        title={`${t('settings.users.resetPassword')}: ${resetFor?.displayName ?? ''}`}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => resetForm.submit()}
        onCancel={() => {
          setResetFor(null);
          resetForm.resetFields();
        }}
        destroyOnHidden
      >
        <Form form={resetForm} layout="vertical" requiredMark={false} onFinish={(v) => void reset(v)}>
          <Form.Item name="newPassword" label={t('settings.users.newPassword')} rules={passwordRules(t)}>
            <Input.Password autoComplete="new-password" autoFocus />
          </Form.Item>
          <Form.Item name="isCompromised" valuePropName="checked" extra={t('settings.users.rotationHelp')}>
            <Checkbox>{t('settings.users.isCompromised')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={villagesFor !== null}
        title={`${t('settings.users.setVillages')}: ${villagesFor?.displayName ?? ''}`}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => villagesForm.submit()}
        onCancel={() => setVillagesFor(null)}
        destroyOnHidden
      >
        <Form form={villagesForm} layout="vertical" requiredMark={false} onFinish={(v) => void saveVillages(v)}>
          <Form.Item name="villages" label={t('settings.users.villages')} extra={t('settings.users.villagesHelp')}>
            <Select mode="multiple" allowClear options={villageOptions} optionFilterProp="label" autoFocus data-testid="villages-select" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={rotation !== null}
        title={t('settings.users.rotating')}
        closable={false}
        maskClosable={false}
        keyboard={false}
        footer={null}
        data-testid="rotation-progress"
      >
        <Steps
          orientation="vertical"
          size="small"
          current={rotation?.phase ? RotationPhase.options.indexOf(rotation.phase) : 0}
          items={RotationPhase.options.map((p) => ({ title: t(`settings.users.rotationPhase.${p}`) }))}
        />
        <div className="rotation-help">{t('settings.users.rotationHelp')}</div>
      </Modal>
      <Modal
        open={newRecoveryKey !== null}
        title={t('settings.users.newRecoveryKey')}
        okText={t('common.confirm')}
        cancelButtonProps={{ hidden: true }}
        closable={false}
        onOk={() => setNewRecoveryKey(null)}
      >
        <Typography.Text code copyable data-testid="new-recovery-key">
          {newRecoveryKey}
        </Typography.Text>
      </Modal>
    </Space>
  );
}
