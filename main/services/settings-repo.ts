/** Typed access to the `settings` collection: the clinic document and user profiles. */
import { z } from 'zod';
import { AppError } from '../../shared/api/errors';
import { Role, Village } from '../../shared/api/session';
import { ClinicSettings } from '../../shared/api/settings';
import type { Clock } from '../../shared/domain/dates';
import type { ClinicDatabase } from '../store/database';

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

export class ClinicSettingsRepo {
  constructor(
    private readonly db: ClinicDatabase,
    private readonly clinicCode: string,
    private readonly clock: Clock,
  ) {}

  async initialise(settings: ClinicSettings): Promise<void> {
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

  async updateClinic(patch: Partial<Pick<ClinicSettings, 'clinicName' | 'idleLockMinutes' | 'villages'>>): Promise<ClinicSettings> {
    const current = await this.clinic();
    const next = ClinicSettings.parse({ ...current, ...patch });
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
    await this.db.rx.settings.upsert({
      id: CLINIC_ID,
      type: 'clinic',
      clinicCode: next.clinicCode,
      data: next,
      updatedAt: this.clock.now(),
    });
    return next;
  }

  async putUser(profile: UserProfile): Promise<void> {
    await this.db.rx.settings.upsert({
      id: `user:${profile.userId}`,
      type: 'user',
      clinicCode: this.clinicCode,
      data: UserProfile.parse(profile),
      updatedAt: this.clock.now(),
    });
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
