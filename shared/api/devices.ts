/**
 * 设备: serial devices and card readers. Ports, saved bindings (typed `deviceBinding` settings documents), live
 * status, the line-driver pattern tester, and readings waiting for the doctor to accept or discard them. Device I/O
 * runs in the services; the renderer only sees parsed, validated readings.
 */
import { z } from 'zod';
import { method } from './method';
import { MAX_BURST_LENGTH } from '../domain/key-burst';

/** Protocol names, shared by bindings, `npm run sim` and `cunyi device decode`. */
export const DEVICE_PROTOCOLS = ['idcard', 'onetouch', 'ultraeasy', 'freestyle', 'beurer', 'ieee11073', 'line'] as const;
export const DeviceProtocol = z.enum(DEVICE_PROTOCOLS);
export type DeviceProtocol = z.infer<typeof DeviceProtocol>;

export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

export const LINE_FIELD_NAMES = ['year', 'month', 'day', 'hour', 'minute', 'systolic', 'diastolic', 'pulse', 'glucose', 'weight', 'temperature', 'spo2', 'identifier', 'error', 'movement'] as const;
export const LineFieldName = z.enum(LINE_FIELD_NAMES);

/** A line-driver profile: one regular expression per field (its first group is the value). */
export const LinePattern = z
  .object({
    name: z.string().trim().min(1).max(40),
    line: z.string().max(500).optional(),
    reject: z.array(z.object({ pattern: z.string().min(1).max(500), reason: z.string().max(100) })).max(10).optional(),
    fields: z.partialRecord(LineFieldName, z.string().min(1).max(500)),
    maxLine: z.number().int().min(8).max(4096).optional(),
  })
  .strict();
export type LinePattern = z.infer<typeof LinePattern>;

export const PortMatch = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: z.string().trim().min(1).max(200) }).strict(),
  z
    .object({
      kind: z.literal('usb'),
      vendorId: z.string().regex(/^[0-9a-f]{4}$/i),
      productId: z.string().regex(/^[0-9a-f]{4}$/i),
      serialNumber: z.string().max(100).optional(),
    })
    .strict(),
]);
export type PortMatch = z.infer<typeof PortMatch>;

export const DeviceBindingInput = z
  .object({
    id: z.string().max(64).optional(),
    label: z.string().trim().min(1).max(40),
    match: PortMatch,
    protocol: DeviceProtocol,
    baudRate: z.number().int().refine((n) => (BAUD_RATES as readonly number[]).includes(n), { message: 'validation.invalid' }),
    /** Line driver only; null uses the built-in Omron HBP-9030 profile. */
    pattern: LinePattern.nullable().default(null),
    isEnabled: z.boolean().default(true),
  })
  .strict();
export const DeviceBinding = DeviceBindingInput.extend({ id: z.string(), updatedAt: z.number() });
export type DeviceBinding = z.infer<typeof DeviceBinding>;

export const PortInfo = z.object({
  path: z.string(),
  manufacturer: z.string().nullable(),
  vendorId: z.string().nullable(),
  productId: z.string().nullable(),
  serialNumber: z.string().nullable(),
});
export type PortInfo = z.infer<typeof PortInfo>;

export const DeviceState = z.enum(['connecting', 'connected', 'retrying', 'disabled', 'stopped']);
export const DeviceStatus = z.object({
  bindingId: z.string(),
  label: z.string(),
  protocol: DeviceProtocol,
  path: z.string().nullable(),
  state: DeviceState,
  /** The last named problem (`checksum`, `timeout`, `disconnected`, …), cleared by the next good frame. */
  problem: z.object({ kind: z.string(), message: z.string(), at: z.number() }).nullable(),
  updatedAt: z.number(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** A measurement as a form takes it; glucose in mg/dL as received (converted only for display). */
export const Measurement = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bloodPressure'), systolic: z.number(), diastolic: z.number(), pulse: z.number().nullable(), isFlagged: z.boolean() }),
  /** mgdl null: the meter gave no number (HI, above its range). */
  z.object({ kind: z.literal('glucose'), mgdl: z.number().nullable(), isFlagged: z.boolean() }),
  z.object({ kind: z.literal('weight'), kg: z.number(), isFlagged: z.boolean() }),
  z.object({ kind: z.literal('temperature'), celsius: z.number(), isFlagged: z.boolean() }),
  z.object({ kind: z.literal('spo2'), percent: z.number(), pulse: z.number().nullable(), isFlagged: z.boolean() }),
  z.object({ kind: z.literal('identifier'), code: z.string(), isFlagged: z.boolean() }),
]);
export type Measurement = z.infer<typeof Measurement>;

/** 餐前/餐后/空腹: a glucometer row's meal flag, as the meter recorded it. */
export const METER_MEALS = ['none', 'before', 'after', 'fasting'] as const;
export const MeterMeal = z.enum(METER_MEALS);
export type MeterMeal = z.infer<typeof MeterMeal>;

/** A reading waiting for the doctor: what, from which device, when, and the raw frame for audit. */
export const DeviceReading = z.object({
  id: z.string(),
  bindingId: z.string(),
  deviceLabel: z.string(),
  protocol: DeviceProtocol,
  measurement: Measurement,
  /** Device wall clock when the device sent one ('YYYY-MM-DDTHH:MM:SS'), else null. */
  measuredAt: z.string().nullable(),
  receivedAt: z.number(),
  /** Glucometer rows: the meter serial (de-duplication key with time and value). */
  meterSerial: z.string().nullable(),
  /** Control solution, ketone, HI/LO, parity error: kept, never charted as patient glucose. */
  flags: z.array(z.string()),
  /** Glucometer rows: the meal flag the meter stored (OneTouch Ultra 2 N/B/A); null where the protocol has none. */
  meal: MeterMeal.nullable(),
  rawHex: z.string(),
});
export type DeviceReading = z.infer<typeof DeviceReading>;

/**
 * Provenance stored inside an encounter's data beside a value that came from a device (the record shows device
 * vs typed): which device, when measured and received, who accepted it, and the raw frame.
 */
export const DeviceProvenance = z.object({
  source: z.literal('device'),
  /**
   * The reading `devices.accept` handed out: the services check a new `deviceSources` entry against it (same reading,
   * device, value, accepted in this session). Absent on entries saved before the check existed.
   */
  readingId: z.string().max(64).optional(),
  bindingId: z.string(),
  deviceLabel: z.string(),
  protocol: DeviceProtocol,
  measuredAt: z.string().nullable(),
  receivedAt: z.number(),
  acceptedAt: z.number(),
  acceptedBy: z.string(),
  rawHex: z.string(),
});
export type DeviceProvenance = z.infer<typeof DeviceProvenance>;

export const AcceptedReading = z.object({ measurement: Measurement, provenance: DeviceProvenance });
export type AcceptedReading = z.infer<typeof AcceptedReading>;

/** What a card reader read (all document layouts mapped to one shape). */
export const CardIdentity = z.object({
  documentType: z.enum(['residentId', 'hkMacaoTaiwanPermit', 'foreignerPermanent2017', 'foreignerPermanent2023']),
  name: z.string(),
  nameEnglish: z.string().nullable(),
  sex: z.string(),
  ethnicity: z.string().nullable(),
  birthDate: z.string(),
  address: z.string().nullable(),
  idNumber: z.string(),
  issuer: z.string().nullable(),
  validFrom: z.string(),
  validTo: z.string(),
});
export type CardIdentity = z.infer<typeof CardIdentity>;

/**
 * The photo a card read returned, held in the runtime for `devices.storeCardPhoto`, only when the clinic stores card
 * photos; the bytes never travel to the renderer. WLT is the card's encrypted photo format: it needs the licensed
 * vendor library to become an image, so it is stored as received (id-card-sam.md).
 */
export const CardPhotoMeta = z.object({ photoId: z.string(), format: z.literal('wlt'), length: z.number().int(), readAt: z.number() });
export type CardPhotoMeta = z.infer<typeof CardPhotoMeta>;

export const IdentityRead = z.object({ bindingId: z.string(), deviceLabel: z.string(), receivedAt: z.number(), identity: CardIdentity, photo: CardPhotoMeta.nullable() });
export type IdentityRead = z.infer<typeof IdentityRead>;

export const PatternTestResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), measurements: z.array(Measurement), measuredAt: z.string().nullable() }),
  z.object({ ok: z.literal(false), error: z.string(), message: z.string() }),
]);

const Empty = z.object({}).strict();

/** 电子健康卡 QR payload; the handler checks it against the clinic's pattern (settings healthCardPattern). */
const HealthCardCode = z.string().min(1).max(MAX_BURST_LENGTH);

export const devices = {
  /** Serial ports found on this PC; `isDiscoveryAvailable` is false where udev is missing (type the path). Errors: LOCKED. */
  ports: method({ scope: 'clinic', input: Empty, output: z.object({ isDiscoveryAvailable: z.boolean(), ports: z.array(PortInfo) }), access: 'session' }),
  /** Saved bindings. Errors: LOCKED. */
  bindings: method({ scope: 'clinic', input: Empty, output: z.array(DeviceBinding), access: 'session' }),
  /** Create or update a binding (port or USB id → driver, baud). Errors: LOCKED, FORBIDDEN, VALIDATION_FAILED, NOT_FOUND. */
  saveBinding: method({ input: DeviceBindingInput, output: DeviceBinding, access: 'admin' }),
  /** Remove a binding and stop its session. Errors: LOCKED, FORBIDDEN, NOT_FOUND. */
  removeBinding: method({ input: z.object({ id: z.string().max(64) }).strict(), output: z.object({ ok: z.literal(true) }), access: 'admin' }),
  /** Live status per binding; changes arrive as `device.status`. Errors: LOCKED. */
  status: method({ scope: 'clinic', input: Empty, output: z.array(DeviceStatus), access: 'session' }),
  /** Runs a line-driver pattern over a sample line. Errors: LOCKED, VALIDATION_FAILED. */
  testPattern: method({ scope: 'clinic', input: z.object({ pattern: LinePattern, sample: z.string().max(4096) }).strict(), output: PatternTestResult, access: 'session' }),
  /** Readings not yet accepted or discarded, newest first. Errors: LOCKED. */
  readings: method({ scope: 'clinic', input: Empty, output: z.array(DeviceReading), access: 'session' }),
  /** Accept a reading: returns the value with its provenance for the open form. Errors: LOCKED, NOT_FOUND. */
  accept: method({ scope: 'clinic', input: z.object({ readingId: z.string().max(64) }).strict(), output: AcceptedReading, access: 'session' }),
  /**
   * Store glucometer memory rows for one resident as `deviceReading` encounters; rows already stored (meter serial +
   * time + value) are skipped and counted as duplicates. Errors: LOCKED, FORBIDDEN, NOT_FOUND, VALIDATION_FAILED.
   */
  saveMeterRows: method({
    scope: 'village',
    input: z
      .object({
        residentId: z.string().max(64),
        readingIds: z.array(z.string().max(64)).min(1).max(1000),
        /** Of readingIds, the rows the doctor marked as fasting samples (only these count for screening). */
        fastingIds: z.array(z.string().max(64)).max(1000).default([]),
      })
      .strict(),
    output: z.object({ saved: z.number().int(), duplicates: z.number().int() }),
  }),
  /** The resident an e-health-card code was stored for (null: unknown here). Errors: LOCKED, FORBIDDEN, VALIDATION_FAILED (not the clinic's code pattern). */
  findByCode: method({ scope: 'village', input: z.object({ code: HealthCardCode }).strict(), output: z.object({ residentId: z.string().nullable() }) }),
  /** Store a scanned code, unverified, for a resident. Errors: LOCKED, FORBIDDEN, NOT_FOUND, CONFLICT (another resident's code), VALIDATION_FAILED (not the clinic's code pattern). */
  saveCode: method({ scope: 'village', input: z.object({ residentId: z.string().max(64), code: HealthCardCode }).strict(), output: z.object({ isNew: z.boolean() }) }),
  /**
   * Store a card photo held from a read with the resident whose ID number the card carried, audited. Errors: LOCKED,
   * FORBIDDEN (another village's resident), NOT_FOUND (resident, or no such photo held: always so while the clinic does
   * not store card photos), VALIDATION_FAILED (the card is another person's).
   */
  storeCardPhoto: method({
    scope: 'village',
    input: z.object({ residentId: z.string().max(64), photoId: z.string().max(64) }).strict(),
    output: z.object({ isNew: z.boolean(), length: z.number().int() }),
  }),
  /** Discard a reading (it never reaches a record). Errors: LOCKED, NOT_FOUND. */
  discard: method({ scope: 'clinic', input: z.object({ readingId: z.string().max(64) }).strict(), output: z.object({ ok: z.literal(true) }), access: 'session' }),
};

/** `device.status`: every binding's status after any change. */
export const DeviceStatusChanged = z.object({ devices: z.array(DeviceStatus) });
