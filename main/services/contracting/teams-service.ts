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

  /** The team's document and audit entry in one transaction; NOT_FOUND when `teamId` names no team (checked inside it). */
  async saveTeam(teamId: string | undefined, input: TeamInput): Promise<DoctorTeam> {
    const parsed = DoctorTeam.safeParse({ ...input, teamId: teamId ?? uuidv7(), orgCode: this.ctx.clinicCode });
    if (!parsed.success) throw validationFailed(zodIssuesToFields(parsed.error.issues));
    const villages = await villageNames(this.ctx);
    const unknown = parsed.data.villages.findIndex((v) => !villages.has(v));
    if (unknown >= 0) throw validationFailed([{ path: `villages.${unknown}`, message: 'validation.unknownVillage' }]);
    const team = parsed.data;
    this.ctx.uow.run((tx) => {
      const id = teamKey(team.teamId);
      const doc = { id, type: 'team' as const, clinicCode: this.ctx.clinicCode, data: team, updatedAt: this.ctx.clock.now() };
      const current = tx.get('settings', id);
      if (teamId) {
        if (!current || !DoctorTeam.safeParse(current.data).success) throw new AppError('NOT_FOUND', { teamId });
        tx.update('settings', current, doc);
      } else {
        tx.insert('settings', doc);
      }
      tx.audit({ action: teamId ? 'update' : 'insert', collection: 'settings', recordId: id, detail: team.teamName });
    });
    return team;
  }

  async listPackages(): Promise<ServicePackage[]> {
    let docs = (await this.ctx.db.rx.settings.find({ selector: { type: 'package' } }).exec()).map((d) => d.toJSON());
    if (docs.length === 0) {
      // The defaults and their one audit entry in one transaction; a second caller that got there first wins.
      docs = this.ctx.uow.run((tx) => {
        const present = tx.find('settings', { selector: { type: 'package' } });
        if (present.length > 0) return present;
        const now = this.ctx.clock.now();
        const written = DEFAULT_PACKAGES.map((p) =>
          tx.insert('settings', { id: packageKey(p.packageId), type: 'package' as const, clinicCode: this.ctx.clinicCode, data: ServicePackage.parse(p), updatedAt: now }),
        );
        tx.audit({ action: 'insert', collection: 'settings', recordId: 'package:*', detail: 'default service packages' });
        return written;
      });
    }
    return docs
      .map((d) => ServicePackage.safeParse(d.data))
      .flatMap((p) => (p.success ? [p.data] : []))
      .sort((a, b) => Number(b.isBasic) - Number(a.isBasic) || a.packageId.localeCompare(b.packageId));
  }

  async savePackage(pkg: ServicePackage): Promise<ServicePackage> {
    await this.listPackages();
    const parsed = ServicePackage.safeParse(pkg);
    if (!parsed.success) throw validationFailed(zodIssuesToFields(parsed.error.issues));
    const pkgData = parsed.data;
    this.ctx.uow.run((tx) => {
      const id = packageKey(pkgData.packageId);
      const doc = { id, type: 'package' as const, clinicCode: this.ctx.clinicCode, data: pkgData, updatedAt: this.ctx.clock.now() };
      const current = tx.get('settings', id);
      if (current) tx.update('settings', current, doc);
      else tx.insert('settings', doc);
      tx.audit({ action: current ? 'update' : 'insert', collection: 'settings', recordId: id, detail: pkgData.name.zh });
    });
    return parsed.data;
  }
}
