import type { audit, settings } from '../../../shared/api/settings';
import type { HandlersFor } from '../../../shared/api/method';
import type { AppServices } from '../../services/app-services';
import type { CallContext } from '../context';

export function settingsHandlers(services: AppServices): HandlersFor<typeof settings, CallContext> {
  return {
    get: () => services.session.current().settings.clinic(),
    update: async (patch) => {
      const u = services.session.current();
      const next = u.uow.run((tx) => {
        const saved = u.settings.updateClinicIn(tx, patch);
        tx.audit({ action: 'update', collection: 'settings', recordId: 'clinic', detail: Object.keys(patch).join(',') });
        return saved;
      });
      if (patch.idleLockMinutes !== undefined) await services.session.rearmIdleLock();
      // Turned off: photos already held from reads are dropped at once, not kept until the next read.
      if (patch.isCardPhotoStored === false) services.clinic().devices.dropPhotos();
      return next;
    },
  };
}

export function auditHandlers(services: AppServices): HandlersFor<typeof audit, CallContext> {
  return {
    list: async ({ residentId, before, limit, action, username }) => {
      const u = services.session.current();
      const selector: Record<string, unknown> = {};
      if (residentId) selector['residentId'] = residentId;
      if (action) selector['action'] = action;
      if (username) selector['username'] = username;
      if (before !== undefined) selector['at'] = { $lt: before };
      // Ids are UUIDv7: within one millisecond they still say which entry came last.
      const docs = await u.db.rx.audit.find({ selector, sort: [{ at: 'desc' }, { id: 'desc' }], limit }).exec();
      return docs.map((d) => {
        const e = d.toJSON();
        return {
          id: e.id,
          at: e.at,
          userId: e.userId,
          username: e.username,
          action: e.action,
          collection: e.entity || null,
          recordId: e.recordId || null,
          residentId: e.residentId || null,
          detail: e.detail,
        };
      });
    },
  };
}
