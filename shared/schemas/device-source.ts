/**
 * 来自设备: which values of a health check or follow-up came from a device, stored in the form itself as
 * `deviceSources`, keyed by the value's path in the form (`generalCondition.bpLeft.sbp`, `fastingGlucose`). Each
 * entry is the accepted reading's provenance (device, measured and received times, who accepted it, the raw frame
 * in hex for audit) and the value it gave that field. A value the doctor changed by hand no longer equals the
 * entry's value, so its entry is dropped before saving (shared/domain/device-sources.ts): a field without an entry
 * was typed. Optional, so every record saved before it stays valid.
 */
import { z } from 'zod';
import { DeviceProvenance } from '../api/devices';

/** Raw frames are short (an Omron line is ~60 bytes, an 11073 report a few hundred); a memory dump is not a field's source. */
export const MAX_SOURCE_HEX = 8192;

export const DeviceSource = DeviceProvenance.extend({
  rawHex: z.string().max(MAX_SOURCE_HEX).regex(/^[0-9A-Fa-f]*$/),
  /** The value this field got from the reading, in the form's own unit (mmol/L for glucose). */
  value: z.number().finite(),
});
export type DeviceSource = z.infer<typeof DeviceSource>;

export const DeviceSources = z
  .record(z.string().regex(/^[A-Za-z0-9.]{1,60}$/), DeviceSource)
  .refine((r) => Object.keys(r).length <= 16, { message: 'validation.invalid' });
export type DeviceSources = z.infer<typeof DeviceSources>;
