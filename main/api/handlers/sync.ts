import type { bundles, sync } from '../../../shared/api/sync';
import type { HandlersFor } from '../../../shared/api/method';
import { villagesVisibleTo } from '../../../shared/domain/access-scope';
import type { AppServices } from '../../services/app-services';
import { exportBundle, importBundle, pairingCode, trustPeer } from '../../services/bundle/bundle-service';
import { BundleUploads } from '../../services/bundle/bundle-uploads';
import { enrolWithPlatform } from '../../sync/enrol';
import type { CallContext } from '../context';

export function syncHandlers(services: AppServices): HandlersFor<typeof sync, CallContext> {
  return {
    status: async () => services.sync().currentStatus(),
    now: async () => services.sync().syncNow(),
    lateEdits: ({ residentId }) => {
      const stored = services.sync().lateEdits.read();
      // A village doctor sees the notices of their own villages only (they name residents); one whose village is not
      // known goes to clinic-wide users.
      const visible = villagesVisibleTo(services.clinic().ctx.user);
      const edits = (stored?.edits ?? []).filter((e) => visible === null || (e.from != null && visible.has(e.from.villageCode)));
      return Promise.resolve({ checkedAt: stored?.checkedAt ?? null, edits: residentId === undefined ? edits : edits.filter((e) => e.residentId === residentId) });
    },
    enroll: async (input) => {
      const engine = services.sync();
      const clinic = services.clinic().ctx;
      const status = await enrolWithPlatform(engine, clinic, input);
      await clinic.audit.record({ action: 'update', collection: 'settings', recordId: 'sync', detail: `enrolled with ${input.url}` });
      return status;
    },
  };
}

/** The same bundle service as `cunyi export-bundle`/`import-bundle`; the file travels as base64 through the API. */
export function bundlesHandlers(services: AppServices): HandlersFor<typeof bundles, CallContext> {
  const uploads = new BundleUploads();
  return {
    pairingCode: async () => ({ code: await pairingCode(services.clinic(), services.session.current().dataKey) }),
    trust: async ({ code }) => trustPeer(services.clinic(), code),
    export: async ({ all }) => {
      const clinic = services.clinic();
      let text = '';
      const summary = await exportBundle(clinic, services.session.current().dataKey, (t) => {
        text = t;
        return Promise.resolve();
      }, { all });
      const stamp = new Date(services.clock.now()).toISOString().slice(0, 10);
      return {
        fileName: `cunyi-${clinic.ctx.clinicCode}-${stamp}-${summary.bundleId.slice(-8)}.cunyi-bundle`,
        mimeType: 'application/octet-stream',
        base64: Buffer.from(text, 'utf8').toString('base64'),
        counts: summary.counts,
      };
    },
    import: async ({ base64 }) => importBundle(services.clinic(), Buffer.from(base64, 'base64')),
    uploadPart: ({ uploadId, index, total, base64 }) => {
      services.clinic();
      return Promise.resolve(uploads.add(uploadId, index, total, base64));
    },
    importUpload: async ({ uploadId }) => {
      const clinic = services.clinic();
      return importBundle(clinic, uploads.take(uploadId));
    },
  };
}
