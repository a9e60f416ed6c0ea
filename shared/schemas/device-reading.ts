/**
 * 设备读数 (issue 14 §2): one row of a glucometer's memory, assigned by the doctor to a resident and stored as an
 * `encounters` document of type `deviceReading`, always completed. De-duplicated across downloads by meter serial
 * + meter time + value. Control-solution, HI/LO and flagged rows are kept (`isPatientGlucose` false) but never
 * charted or screened as the patient's glucose; a patient row counts for screening only when the doctor said it
 * was taken fasting (a meter does not know). Schema version 0.
 */
import { z } from 'zod';
import { DeviceProvenance, MeterMeal } from '../api/devices';
import { MAX_BURST_LENGTH } from '../domain/key-burst';
import { MAX_SOURCE_HEX } from './device-source';
import { ResidentId } from './resident';

export const DeviceReadingForm = z
  .object({
    residentId: ResidentId,
    kind: z.literal('glucose'),
    /** mg/dL as the meter gave it; null when it gave no number (HI). */
    mgdl: z.number().finite().nullable(),
    /** mmol/L, one decimal (glucose.ts); null with `mgdl`. */
    mmol: z.number().finite().nullable(),
    /** The meter's wall clock, 'YYYY-MM-DDTHH:MM:SS'. */
    measuredAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/),
    meterSerial: z.string().min(1).max(40),
    /** control, ketone, high, low, parityError, outOfRange (main/devices/glucose-record.ts). */
    flags: z.array(z.string().max(20)).max(10),
    isPatientGlucose: z.boolean(),
    /** The doctor says it was a fasting sample: only then does screening count it. */
    isFasting: z.boolean(),
    /** The meal flag the meter stored with the row (it only pre-ticks 空腹); absent on rows saved before it. */
    meterMeal: MeterMeal.nullable().optional(),
    provenance: DeviceProvenance.extend({ rawHex: z.string().max(MAX_SOURCE_HEX) }),
  })
  .strict();
export type DeviceReadingForm = z.infer<typeof DeviceReadingForm>;

/** The de-duplication key of a meter row (devices/README.md): the same row downloaded twice is stored once. */
export function meterRowKey(r: Pick<DeviceReadingForm, 'meterSerial' | 'measuredAt' | 'mgdl'>): string {
  return `${r.meterSerial}|${r.measuredAt}|${r.mgdl ?? 'HI'}`;
}

/**
 * 身份证照片 (issue 14 §2): the photo a card reader returned, stored only when the clinic's setting is on, as a
 * `deviceReading` encounter of kind `cardPhoto` on the card holder. WLT is encrypted: without the licensed vendor
 * library it cannot be shown, so the raw bytes are kept with their length and read time, and `isDecodable` says so.
 */
export const CardPhotoForm = z
  .object({
    residentId: ResidentId,
    kind: z.literal('cardPhoto'),
    format: z.literal('wlt'),
    isDecodable: z.literal(false),
    /** The photo bytes as the reader sent them, base64 (1024 bytes for a `30 01` read). */
    photoBase64: z.string().max(8192).regex(/^[A-Za-z0-9+/]*={0,2}$/),
    length: z.number().int().min(1).max(6144),
    readAt: z.number().int(),
    deviceLabel: z.string().max(40),
    storedBy: z.string().max(40),
  })
  .strict();
export type CardPhotoForm = z.infer<typeof CardPhotoForm>;

/**
 * 电子健康卡 code scanned offline (key-burst detector): stored on the resident the doctor picked as an unverified
 * identifier, a `deviceReading` encounter of kind `identifier`, so the next scan of the same card finds them.
 */
export const HealthCardCodeForm = z
  .object({
    residentId: ResidentId,
    kind: z.literal('identifier'),
    /** Checked against the clinic's pattern when saved (settings healthCardPattern, which an admin can change). */
    code: z.string().min(1).max(MAX_BURST_LENGTH),
    /** Only the issuing platform verifies a code; one stored offline is never verified. */
    isVerified: z.literal(false),
    scannedAt: z.number().int(),
    scannedBy: z.string().max(40),
  })
  .strict();
export type HealthCardCodeForm = z.infer<typeof HealthCardCodeForm>;
