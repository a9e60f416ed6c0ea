import { z } from 'zod';
import { MAX_BURST_LENGTH, MAX_PATTERN_SOURCE_LENGTH, MAX_PREFIX_LENGTH, PLACEHOLDER_HEALTH_CARD_PATTERN } from '../domain/key-burst';
import { method } from './method';
import { Village } from './session';

/** 电子健康卡格式 (shared/domain/key-burst.ts): checked further by compileHealthCardPattern when saved. */
export const HealthCardPattern = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('regex'), source: z.string().max(MAX_PATTERN_SOURCE_LENGTH) }).strict(),
  z
    .object({
      kind: z.literal('prefix'),
      prefix: z.string().max(MAX_PREFIX_LENGTH),
      minLength: z.number().int().min(0).max(MAX_BURST_LENGTH),
      maxLength: z.number().int().min(0).max(MAX_BURST_LENGTH),
    })
    .strict(),
]);

export const ClinicSettings = z.object({
  clinicCode: z.string(),
  clinicName: z.string(),
  timeZone: z.string(),
  /** 自动锁定: minutes without activity before the app locks and forgets the key. */
  idleLockMinutes: z.number().int().min(1).max(240),
  villages: z.array(Village),
  /**
   * 保存身份证照片: keep the photo a card reader returns with the resident (issue 14 §2). Off unless an admin turns it
   * on; off, the photo bytes are dropped as soon as the card is read.
   */
  isCardPhotoStored: z.boolean().default(false),
  /** 电子健康卡格式: how a keyboard-mode QR scan is recognised, by the renderer's detector and by the server. */
  healthCardPattern: HealthCardPattern.default(PLACEHOLDER_HEALTH_CARD_PATTERN),
});
export type ClinicSettings = z.infer<typeof ClinicSettings>;

export const settings = {
  /** 设置: the clinic's settings. Errors: LOCKED. */
  get: method({ scope: 'clinic', input: z.object({}).strict(), output: ClinicSettings }),
  /**
   * Update the clinic's name, idle lock, villages, the card-photo setting or the e-health-card pattern. Errors: LOCKED,
   * FORBIDDEN, VALIDATION_FAILED (also a pattern that does not compile or accepts an empty code).
   */
  update: method({
    input: z
      .object({
        clinicName: z.string().trim().min(2).max(60).optional(),
        idleLockMinutes: z.number().int().min(1).max(240).optional(),
        villages: z.array(Village).max(500).optional(),
        isCardPhotoStored: z.boolean().optional(),
        healthCardPattern: HealthCardPattern.optional(),
      })
      .strict(),
    output: ClinicSettings,
    access: 'admin',
  }),
};

export const AuditEntry = z.object({
  id: z.string(),
  at: z.number(),
  userId: z.string(),
  username: z.string(),
  action: z.string(),
  collection: z.string().nullable(),
  recordId: z.string().nullable(),
  residentId: z.string().nullable(),
  /** For reads: `<method> n=<count>` and the resident ids when few. */
  detail: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const audit = {
  /** 审计日志, newest first, filtered by resident, action or user; read-only: no way to edit or delete. Errors: FORBIDDEN. */
  list: method({
    input: z
      .object({
        residentId: z.string().max(64).optional(),
        action: z.string().max(24).optional(),
        username: z.string().max(40).optional(),
        before: z.number().optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    output: z.array(AuditEntry),
    access: 'admin',
  }),
};
