/**
 * 身份证照片 (issue 14 §2): a photo held from a card read is stored with the card holder's record when the clinic
 * stores card photos: a `deviceReading` encounter of kind `cardPhoto`, in one transaction with its audit entry. The
 * card must be the resident's own (same ID number); the same bytes stored before are not stored again.
 */
import { AppError } from '../../../shared/api/errors';
import { CardPhotoForm } from '../../../shared/schemas/device-reading';
import type { EncounterDoc } from '../../../shared/schemas/collections';
import type { DeviceManager } from '../../devices';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { newEncounterDoc } from '../encounter-docs';
import { loadResident } from '../followups/registries-service';

/**
 * Errors: NOT_FOUND (resident; or no such photo held, which is always so while the setting is off: nothing of a photo
 * is kept then), VALIDATION_FAILED (another person's card).
 */
export async function storeCardPhoto(ctx: ClinicContext, devices: DeviceManager, residentId: string, photoId: string): Promise<{ isNew: boolean; length: number }> {
  if (!(await ctx.settings.clinic()).isCardPhotoStored) {
    devices.dropPhotos();
    throw new AppError('NOT_FOUND', { photoId, reason: 'card photos are not stored in this clinic' });
  }
  const resident = await loadResident(ctx, residentId);
  const held = devices.heldPhoto(photoId);
  if (!held) throw new AppError('NOT_FOUND', { photoId });
  if (held.idNumber !== resident.idNumber) throw new AppError('VALIDATION_FAILED', { reason: 'the card is another person\'s' }, 'card holder differs', [{ path: 'residentId', message: 'validation.invalid' }]);
  const form = CardPhotoForm.parse({
    residentId: resident.id,
    kind: 'cardPhoto',
    format: 'wlt',
    isDecodable: false,
    photoBase64: Buffer.from(held.bytes).toString('base64'),
    length: held.bytes.length,
    readAt: held.meta.readAt,
    deviceLabel: held.deviceLabel,
    storedBy: ctx.user.id,
  });
  const result = ctx.uow.run((tx) => {
    const same = tx
      .find('encounters', { selector: { residentId: resident.id, type: 'deviceReading' } })
      .some((e) => {
        const p = CardPhotoForm.safeParse((e.data as { form?: unknown }).form);
        return p.success && p.data.photoBase64 === form.photoBase64;
      });
    if (same) return { isNew: false, length: form.length };
    const doc: EncounterDoc = newEncounterDoc(ctx, { type: 'deviceReading', resident, date: clinicToday(ctx), status: 'completed', data: { form } });
    tx.insert('encounters', doc);
    tx.audit({ action: 'insert', collection: 'encounters', recordId: doc.id, residentId: resident.id, detail: `card photo WLT ${form.length} bytes (not decodable without the licensed library)` });
    return { isNew: true, length: form.length };
  });
  devices.releasePhoto(photoId);
  return result;
}
