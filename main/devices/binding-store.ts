/** Device bindings as typed `deviceBinding` settings documents (no new collection). */
import { DeviceBinding } from '../../shared/api/devices';
import type { ClinicDatabase } from '../store/database';
import type { BindingStore } from './manager';

export function settingsBindingStore(db: ClinicDatabase, clinicCode: string): BindingStore {
  const id = (bindingId: string) => `device:${bindingId}`;
  return {
    async list() {
      const docs = await db.rx.settings.find({ selector: { type: 'deviceBinding' } }).exec();
      // A document that no longer parses is skipped, not deleted: it stays for a later version to read.
      return docs.flatMap((d) => {
        const parsed = DeviceBinding.safeParse(d.toJSON().data);
        return parsed.success ? [parsed.data] : [];
      });
    },
    async put(b) {
      await db.rx.settings.upsert({ id: id(b.id), type: 'deviceBinding', clinicCode, data: DeviceBinding.parse(b), updatedAt: b.updatedAt });
    },
    async remove(bindingId) {
      const doc = await db.rx.settings.findOne(id(bindingId)).exec();
      if (!doc) return false;
      await doc.remove();
      return true;
    },
  };
}
