/**
 * A glucometer download assigned to a resident (设备 screen: download → pick resident → save): every chosen row
 * becomes a completed `deviceReading` encounter, in one transaction with its audit entries. A row already stored
 * (same meter serial, meter time and value, from any earlier download, for any resident) is not stored again.
 */
import { AppError } from '../../../shared/api/errors';
import type { DeviceReading } from '../../../shared/api/devices';
import { compareDates } from '../../../shared/domain/dates';
import { mgdlToMmol } from '../../../shared/domain/glucose';
import type { EncounterDoc } from '../../../shared/schemas/collections';
import { DeviceReadingForm, meterRowKey } from '../../../shared/schemas/device-reading';
import type { DeviceManager } from '../../devices';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { newEncounterDoc } from '../encounter-docs';
import { loadResident } from '../followups/registries-service';
import { MAX_SOURCE_HEX } from '../../../shared/schemas/device-source';

export interface MeterRowsInput {
  residentId: string;
  readingIds: string[];
  /** Of `readingIds`, the rows the doctor marked as fasting samples. */
  fastingIds: string[];
}

function formOf(r: DeviceReading, residentId: string, isFasting: boolean, userId: string, now: number): DeviceReadingForm {
  if (r.measurement.kind !== 'glucose' || r.meterSerial === null || r.measuredAt === null) {
    throw new AppError('VALIDATION_FAILED', { readingId: r.id }, 'not a glucometer memory row', [{ path: 'readingIds', message: 'validation.invalid' }]);
  }
  const { mgdl, isFlagged } = r.measurement;
  const isPatientGlucose = mgdl !== null && !isFlagged;
  return DeviceReadingForm.parse({
    residentId,
    kind: 'glucose',
    mgdl,
    mmol: mgdl === null ? null : mgdlToMmol(mgdl),
    measuredAt: r.measuredAt,
    meterSerial: r.meterSerial,
    flags: r.flags,
    isPatientGlucose,
    isFasting: isPatientGlucose && isFasting,
    meterMeal: r.meal,
    provenance: {
      source: 'device',
      bindingId: r.bindingId,
      deviceLabel: r.deviceLabel,
      protocol: r.protocol,
      measuredAt: r.measuredAt,
      receivedAt: r.receivedAt,
      acceptedAt: now,
      acceptedBy: userId,
      // A memory download arrives as one frame for all its rows: each row keeps the start of it.
      rawHex: r.rawHex.slice(0, MAX_SOURCE_HEX),
    },
  });
}

/** Errors: NOT_FOUND (resident, or a reading no longer waiting), VALIDATION_FAILED (not a glucometer row). */
export async function saveMeterRows(ctx: ClinicContext, devices: DeviceManager, input: MeterRowsInput): Promise<{ saved: number; duplicates: number }> {
  const resident = await loadResident(ctx, input.residentId);
  const today = clinicToday(ctx);
  const now = ctx.clock.now();
  const fasting = new Set(input.fastingIds);
  const forms = input.readingIds.map((id) => {
    const r = devices.pendingReading(id);
    if (!r) throw new AppError('NOT_FOUND', { readingId: id });
    return formOf(r, resident.id, fasting.has(id), ctx.user.id, now);
  });
  const result = ctx.uow.run((tx) => {
    const stored = new Set(
      tx
        .find('encounters', { selector: { type: 'deviceReading' } })
        .map((e) => DeviceReadingForm.safeParse((e.data as { form?: unknown }).form))
        .flatMap((p) => (p.success ? [meterRowKey(p.data)] : [])),
    );
    let saved = 0;
    for (const form of forms) {
      const key = meterRowKey(form);
      if (stored.has(key)) continue;
      stored.add(key);
      const meterDay = form.measuredAt.slice(0, 10);
      // A meter whose clock runs ahead cannot date a reading after today: the day it was downloaded is used.
      const date = compareDates(meterDay, today) > 0 ? today : meterDay;
      const doc: EncounterDoc = newEncounterDoc(ctx, { type: 'deviceReading', resident, date, status: 'completed', data: { form } });
      tx.insert('encounters', doc);
      tx.audit({ action: 'insert', collection: 'encounters', recordId: doc.id, residentId: resident.id, detail: `glucometer ${form.meterSerial}` });
      saved++;
    }
    return { saved, duplicates: forms.length - saved };
  });
  for (const id of input.readingIds) devices.discard(id);
  return result;
}
