/**
 * 电子健康卡 codes scanned by a keyboard-mode QR scanner: find the resident a code was stored for, or store it
 * (offline, unverified) for the resident the doctor picks. Stored as `deviceReading` encounters of kind
 * `identifier` (shared/schemas/device-reading.ts); one code belongs to one resident.
 */
import { AppError } from '../../../shared/api/errors';
import { isHealthCardCode } from '../../../shared/domain/key-burst';
import type { EncounterDoc } from '../../../shared/schemas/collections';
import { HealthCardCodeForm } from '../../../shared/schemas/device-reading';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { newEncounterDoc } from '../encounter-docs';
import { loadResident } from '../followups/registries-service';

function ownerOf(docs: readonly { residentId: string; data: unknown }[], code: string): string | null {
  for (const d of docs) {
    const form = HealthCardCodeForm.safeParse((d.data as { form?: unknown }).form);
    if (form.success && form.data.code === code) return d.residentId;
  }
  return null;
}

/** VALIDATION_FAILED unless `code` has the clinic's e-health-card pattern (设备 screen; a placeholder by default). */
async function checkPattern(ctx: ClinicContext, code: string): Promise<void> {
  const { healthCardPattern } = await ctx.settings.clinic();
  if (!isHealthCardCode(code, healthCardPattern)) {
    throw new AppError('VALIDATION_FAILED', { reason: 'notHealthCardCode' }, 'not an e-health-card code', [{ path: 'code', message: 'validation.invalid' }]);
  }
}

/** The resident a scanned code was stored for, or null. Errors: LOCKED, VALIDATION_FAILED (not the clinic's pattern). */
export async function findByHealthCardCode(ctx: ClinicContext, code: string): Promise<{ residentId: string | null }> {
  await checkPattern(ctx, code);
  const docs = await ctx.db.rx.encounters.find({ selector: { type: 'deviceReading' } }).exec();
  return { residentId: ownerOf(docs.map((d) => d.toJSON() as EncounterDoc), code) };
}

/** Errors: NOT_FOUND (resident), CONFLICT (the code is stored for another resident), VALIDATION_FAILED (pattern). */
export async function saveHealthCardCode(ctx: ClinicContext, residentId: string, code: string): Promise<{ isNew: boolean }> {
  await checkPattern(ctx, code);
  const resident = await loadResident(ctx, residentId);
  const form = HealthCardCodeForm.parse({ residentId, kind: 'identifier', code, isVerified: false, scannedAt: ctx.clock.now(), scannedBy: ctx.user.id });
  return ctx.uow.run((tx) => {
    const owner = ownerOf(tx.find('encounters', { selector: { type: 'deviceReading' } }), code);
    if (owner === resident.id) return { isNew: false };
    if (owner !== null) throw new AppError('CONFLICT', { reason: 'codeBelongsToAnotherResident' });
    const doc = newEncounterDoc(ctx, { type: 'deviceReading', resident, date: clinicToday(ctx), status: 'completed', data: { form } });
    tx.insert('encounters', doc);
    tx.audit({ action: 'insert', collection: 'encounters', recordId: doc.id, residentId: resident.id, detail: 'unverified e-health-card code' });
    return { isNew: true };
  });
}
