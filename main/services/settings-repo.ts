/** Typed access to the `settings` collection: the clinic document and user profiles. */
import { z } from 'zod';
import { AppError } from '../../shared/api/errors';
import { Role, Village } from '../../shared/api/session';
import { ClinicSettings } from '../../shared/api/settings';
import type { Clock } from '../../shared/domain/dates';
import { compileHealthCardPattern } from '../../shared/domain/key-burst';
import type { ClinicDatabase } from '../store/database';
import type { Stored, WriteTx } from './unit-of-work';

export const DEFAULT_IDLE_LOCK_MINUTES = 10;

export const UserProfile = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  /** 服务村 (issue 11): absent in profiles written before villages existed, which a village doctor reads as none. */
  villages: z.array(z.string()).optional(),
  createdAt: z.number(),
  removedAt: z.number().optional(),
});
export type UserProfile = z.infer<typeof UserProfile>;

const CLINIC_ID = 'clinic';

type ClinicPatch = Partial<Pick<ClinicSettings, 'clinicName' | 'idleLockMinutes' | 'villages' | 'healthCardPattern'>>;

export class ClinicSettingsRepo {
  constructor(
    private readonly db: ClinicDatabase,
    private readonly clinicCode: string,
    private readonly clock: Clock,
  ) {}

  async initialise(settings: z.input<typeof ClinicSettings>): Promise<void> {
    await this.db.rx.settings.insert({
      id: CLINIC_ID,
      type: 'clinic',
      clinicCode: settings.clinicCode,
      data: ClinicSettings.parse(settings),
      updatedAt: this.clock.now(),
    });
  }

  async clinic(): Promise<ClinicSettings> {
    const doc = await this.db.rx.settings.findOne(CLINIC_ID).exec();
    if (!doc) throw new AppError('DATA_DAMAGED', { reason: 'clinic settings missing' });
    const parsed = ClinicSettings.safeParse(doc.toJSON().data);
    if (!parsed.success) throw new AppError('DATA_DAMAGED', { reason: 'clinic settings unreadable' });
    return parsed.data;
  }

  /** The clinic document after `patch`; VALIDATION_FAILED on a repeated village code or an unusable health-card pattern. */
  private nextClinic(current: ClinicSettings, patch: ClinicPatch): ClinicSettings {
    const next = ClinicSettings.parse({ ...current, ...patch });
    if (patch.healthCardPattern) {
      const compiled = compileHealthCardPattern(patch.healthCardPattern);
      if (!compiled.ok) {
        const { key, field, detail } = compiled.problem;
        throw new AppError('VALIDATION_FAILED', { reason: key }, detail ?? key, [
          { path: `healthCardPattern.${field}`, message: `validation.${key}`, params: { detail: detail ?? '' } },
        ]);
      }
    }
    if (patch.villages) {
      const codes = new Set<string>();
      for (const v of patch.villages) {
        Village.parse(v);
        if (codes.has(v.code)) throw new AppError('VALIDATION_FAILED', {}, 'duplicate village', [
          { path: 'villages', message: 'validation.duplicateVillage', params: { code: v.code } },
        ]);
        codes.add(v.code);
      }
    }
    return next;
  }

  /** Without an audit entry: only for writers that record their own summary (the seed). */
  async updateClinic(patch: ClinicPatch): Promise<ClinicSettings> {
    const next = this.nextClinic(await this.clinic(), patch);
    await this.db.rx.settings.upsert({
      id: CLINIC_ID,
      type: 'clinic',
      clinicCode: next.clinicCode,
      data: next,
      updatedAt: this.clock.now(),
    });
    return next;
  }

  /** Inside the caller's unit of work: the clinic document is read and replaced in the same transaction. */
  updateClinicIn(tx: WriteTx, patch: ClinicPatch): ClinicSettings {
    const current = tx.get('settings', CLINIC_ID);
    if (!current) throw new AppError('DATA_DAMAGED', { reason: 'clinic settings missing' });
    const parsed = ClinicSettings.safeParse(current.data);
    if (!parsed.success) throw new AppError('DATA_DAMAGED', { reason: 'clinic settings unreadable' });
    const next = this.nextClinic(parsed.data, patch);
    tx.update('settings', current, { id: CLINIC_ID, type: 'clinic', clinicCode: next.clinicCode, data: next, updatedAt: this.clock.now() });
    return next;
  }

  /** Without an audit entry: only for the set-up, which has no signed-in user yet. */
  async putUser(profile: UserProfile): Promise<void> {
    await this.db.rx.settings.upsert(this.userDoc(profile));
  }

  /** Inside the caller's unit of work, with the audit entry the caller adds. */
  putUserIn(tx: WriteTx, profile: UserProfile): void {
    const doc = this.userDoc(profile);
    const current: Stored<'settings'> | undefined = tx.get('settings', doc.id);
    if (current) tx.update('settings', current, doc);
    else tx.insert('settings', doc);
  }

  private userDoc(profile: UserProfile) {
    return {
      id: `user:${profile.userId}`,
      type: 'user' as const,
      clinicCode: this.clinicCode,
      data: UserProfile.parse(profile),
      updatedAt: this.clock.now(),
    };
  }

  async user(userId: string): Promise<UserProfile | null> {
    const doc = await this.db.rx.settings.findOne(`user:${userId}`).exec();
    if (!doc) return null;
    const parsed = UserProfile.safeParse(doc.toJSON().data);
    return parsed.success ? parsed.data : null;
  }

  async users(): Promise<UserProfile[]> {
    const docs = await this.db.rx.settings.find({ selector: { type: 'user' } }).exec();
    return docs
      .map((d) => UserProfile.safeParse(d.toJSON().data))
      .flatMap((p) => (p.success && !p.data.removedAt ? [p.data] : []))
      .sort((a, b) => a.createdAt - b.createdAt);
  }
}
