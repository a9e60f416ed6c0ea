/**
 * 家庭医生团队 and 服务包 as typed `settings` documents (`team:<id>`, `package:<id>`). Packages are configuration the
 * county sets; when a clinic has none, the defaults (service-packages.ts) are stored on first use so contracts
 * always name packages that exist in the file.
 */
import { v7 as uuidv7 } from 'uuid';
import type { TeamInput } from '../../../shared/api/contracting';
import { AppError } from '../../../shared/api/errors';
import { zodIssuesToFields } from '../../../shared/api/fields';
import { DEFAULT_PACKAGES } from '../../../shared/domain/service-packages';
import { DoctorTeam, ServicePackage } from '../../../shared/schemas/contract';
import { villageNames, type ClinicContext } from '../clinic-context';
import { validationFailed } from '../residents/residents-service';

const teamKey = (id: string) => `team:${id}`;
const packageKey = (id: string) => `package:${id}`;

export class TeamsService {
  constructor(private readonly ctx: ClinicContext) {}

  async listTeams(): Promise<DoctorTeam[]> {
    const docs = await this.ctx.db.rx.settings.find({ selector: { type: 'team' } }).exec();
    return docs
      .map((d) => DoctorTeam.safeParse(d.toJSON().data))
      .flatMap((p) => (p.success ? [p.data] : []))
      .sort((a, b) => a.teamName.localeCompare(b.teamName, 'zh-CN'));
  }

  async getTeam(teamId: string): Promise<DoctorTeam> {
    const team = await this.findTeam(teamId);
    if (!team) throw new AppError('NOT_FOUND', { teamId });
    return team;
  }

  async findTeam(teamId: string): Promise<DoctorTeam | null> {
    const doc = await this.ctx.db.rx.settings.findOne(teamKey(teamId)).exec();
    const parsed = doc ? DoctorTeam.safeParse(doc.toJSON().data) : null;
    return parsed?.success ? parsed.data : null;
  }

  async saveTeam(teamId: string | undefined, input: TeamInput): Promise<DoctorTeam> {
    if (teamId && !(await this.findTeam(teamId))) throw new AppError('NOT_FOUND', { teamId });
    const parsed = DoctorTeam.safeParse({ ...input, teamId: teamId ?? uuidv7(), orgCode: this.ctx.clinicCode });
    if (!parsed.success) throw validationFailed(zodIssuesToFields(parsed.error.issues));
    const villages = await villageNames(this.ctx);
    const unknown = parsed.data.villages.findIndex((v) => !villages.has(v));
    if (unknown >= 0) throw validationFailed([{ path: `villages.${unknown}`, message: 'validation.unknownVillage' }]);
    await this.ctx.db.rx.settings.upsert({
      id: teamKey(parsed.data.teamId),
      type: 'team',
      clinicCode: this.ctx.clinicCode,
      data: parsed.data,
      updatedAt: this.ctx.clock.now(),
    });
    await this.ctx.audit.record({ action: teamId ? 'update' : 'insert', collection: 'settings', recordId: teamKey(parsed.data.teamId), detail: parsed.data.teamName });
    return parsed.data;
  }

  async listPackages(): Promise<ServicePackage[]> {
    let docs = await this.ctx.db.rx.settings.find({ selector: { type: 'package' } }).exec();
    if (docs.length === 0) {
      const now = this.ctx.clock.now();
      await this.ctx.db.rx.settings.bulkUpsert(
        DEFAULT_PACKAGES.map((p) => ({ id: packageKey(p.packageId), type: 'package' as const, clinicCode: this.ctx.clinicCode, data: ServicePackage.parse(p), updatedAt: now })),
      );
      await this.ctx.audit.record({ action: 'insert', collection: 'settings', recordId: 'package:*', detail: 'default service packages' });
      docs = await this.ctx.db.rx.settings.find({ selector: { type: 'package' } }).exec();
    }
    return docs
      .map((d) => ServicePackage.safeParse(d.toJSON().data))
      .flatMap((p) => (p.success ? [p.data] : []))
      .sort((a, b) => Number(b.isBasic) - Number(a.isBasic) || a.packageId.localeCompare(b.packageId));
  }

  async savePackage(pkg: ServicePackage): Promise<ServicePackage> {
    await this.listPackages();
    const parsed = ServicePackage.safeParse(pkg);
    if (!parsed.success) throw validationFailed(zodIssuesToFields(parsed.error.issues));
    await this.ctx.db.rx.settings.upsert({
      id: packageKey(parsed.data.packageId),
      type: 'package',
      clinicCode: this.ctx.clinicCode,
      data: parsed.data,
      updatedAt: this.ctx.clock.now(),
    });
    await this.ctx.audit.record({ action: 'update', collection: 'settings', recordId: packageKey(parsed.data.packageId), detail: parsed.data.name.zh });
    return parsed.data;
  }
}
