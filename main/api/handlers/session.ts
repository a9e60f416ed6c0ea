import type { app as appDomain } from '../../../shared/api/app';
import type { session, users, UserSummary } from '../../../shared/api/session';
import { AppError } from '../../../shared/api/errors';
import type { HandlersFor } from '../../../shared/api/method';
import type { AppServices } from '../../services/app-services';
import type { ClinicSettingsRepo, UserProfile } from '../../services/settings-repo';
import type { CallContext } from '../context';

export function appHandlers(services: AppServices): HandlersFor<typeof appDomain, CallContext> {
  return {
    info: async () => ({
      version: services.version,
      shell: services.options.shell,
      dataDir: services.options.dataDir,
      timeZone: services.session.isUnlocked ? (await services.session.current().settings.clinic()).timeZone : 'Asia/Shanghai',
    }),
    status: async () => services.statusSnapshot(),
    dataUpdate: async () => services.clinic().dataUpdate.snapshot(),
    ready: async () => ({ ok: true as const }),
  };
}

export function sessionHandlers(services: AppServices): HandlersFor<typeof session, CallContext> {
  const s = services.session;
  return {
    state: () => s.state(),
    setup: async (input) => {
      const { recoveryKey } = await s.setup(input);
      return { recoveryKey, state: await s.state() };
    },
    signIn: ({ username, password, remember }) => s.signIn(username, password, remember),
    signInRemembered: ({ username }) => s.signInRemembered(username),
    forgetMe: async () => {
      await s.forgetMe();
      return { ok: true as const };
    },
    recover: ({ recoveryKey, username, newPassword }) => s.recover(recoveryKey, username, newPassword),
    lock: () => s.lock('user'),
    touch: async () => s.touch(),
    changePassword: async ({ oldPassword, newPassword }) => {
      await s.changeOwnPassword(oldPassword, newPassword);
      return { ok: true as const };
    },
  };
}

export function usersHandlers(services: AppServices): HandlersFor<typeof users, CallContext> {
  const s = services.session;
  return {
    list: async () => (await s.current().settings.users()).map(userSummary),
    add: async ({ username, displayName, role, password, villages }) => {
      const u = s.current();
      const existing = await u.settings.users();
      if (existing.some((p) => p.username.toLowerCase() === username.toLowerCase())) throw new AppError('USER_EXISTS');
      await assertKnownVillages(u.settings, villages);
      const profile = { userId: crypto.randomUUID(), username, displayName, role, villages, createdAt: services.clock.now() };
      const vault = await s.vault();
      await vault.addUser({ userId: profile.userId, username, password }, u.dataKey);
      u.uow.run((tx) => {
        u.settings.putUserIn(tx, profile);
        tx.audit({ action: 'userAdd', collection: 'settings', recordId: `user:${profile.userId}`, detail: [role, ...villages].join(' ') });
      });
      return userSummary(profile);
    },
    setVillages: async ({ username, villages }) => {
      const u = s.current();
      const profile = (await u.settings.users()).find((p) => p.username.toLowerCase() === username.toLowerCase());
      if (!profile) throw new AppError('NOT_FOUND', { username });
      await assertKnownVillages(u.settings, villages);
      const next = { ...profile, villages };
      u.uow.run((tx) => {
        u.settings.putUserIn(tx, next);
        tx.audit({ action: 'userVillages', collection: 'settings', recordId: `user:${profile.userId}`, detail: villages.join(' ') });
      });
      return userSummary(next);
    },
    resetPassword: async ({ username, newPassword, isCompromised }) => {
      const u = s.current();
      const profile = (await u.settings.users()).find((p) => p.username.toLowerCase() === username.toLowerCase());
      if (!profile) throw new AppError('NOT_FOUND');
      const vault = await s.vault();
      await vault.changePassword(profile.username, null, newPassword, u.dataKey);
      if (isCompromised) await vault.markRotationDue();
      await u.audit.record({
        action: 'userResetPassword',
        collection: 'settings',
        recordId: `user:${profile.userId}`,
        detail: isCompromised ? 'compromised' : '',
      });
      if (!isCompromised) return { ok: true as const };
      return { ok: true as const, rotation: await s.rotateDataKey() };
    },
    remove: async ({ username }) => {
      const u = s.current();
      const profile = (await u.settings.users()).find((p) => p.username.toLowerCase() === username.toLowerCase());
      if (!profile) throw new AppError('NOT_FOUND');
      const vault = await s.vault();
      await vault.removeUser(profile.username);
      u.uow.run((tx) => {
        u.settings.putUserIn(tx, { ...profile, removedAt: services.clock.now() });
        tx.audit({ action: 'userRemove', collection: 'settings', recordId: `user:${profile.userId}` });
      });
      // Their password may still open a copy of the old key slots: only a new data key locks them out for good.
      return { ok: true as const, rotation: await s.rotateDataKey() };
    },
  };
}

function userSummary(p: UserProfile): UserSummary {
  return { id: p.userId, username: p.username, displayName: p.displayName, role: p.role, villages: p.villages ?? [], createdAt: p.createdAt };
}

/** A user can only be given villages the clinic has (设置 → 村): anything else is VALIDATION_FAILED on that entry. */
async function assertKnownVillages(settings: ClinicSettingsRepo, villages: readonly string[]): Promise<void> {
  const known = new Set((await settings.clinic()).villages.map((v) => v.code));
  const fields = villages.flatMap((code, i) => (known.has(code) ? [] : [{ path: `villages.${i}`, message: 'validation.unknownVillage', params: { code } }]));
  if (fields.length > 0) throw new AppError('VALIDATION_FAILED', { villages: fields.map((f) => f.params.code) }, 'VALIDATION_FAILED', fields);
}
