/** 分母 in 设置: typed `settings` documents (shared/schemas/denominator.ts), audited like every settings write. */
import { AppError } from '../../../shared/api/errors';
import { Denominator, denominatorKey, type DenominatorInput } from '../../../shared/schemas/denominator';
import { villageNames, type ClinicContext } from '../clinic-context';
import { validationFailed } from '../residents/residents-service';

export class DenominatorsRepo {
  constructor(private readonly ctx: ClinicContext) {}

  async list(): Promise<Denominator[]> {
    const docs = await this.ctx.db.rx.settings.find({ selector: { type: 'denominator' } }).exec();
    return docs
      .map((d) => Denominator.safeParse(d.toJSON().data))
      .flatMap((p) => (p.success ? [p.data] : []))
      .sort((a, b) => (a.asOf < b.asOf ? 1 : a.asOf > b.asOf ? -1 : a.id.localeCompare(b.id)));
  }

  async save(entries: readonly DenominatorInput[]): Promise<Denominator[]> {
    const villages = await villageNames(this.ctx);
    const unknown = entries.findIndex((e) => !villages.has(e.villageCode));
    if (unknown >= 0) throw validationFailed([{ path: `entries.${unknown}.villageCode`, message: 'validation.unknownVillage' }]);
    const now = this.ctx.clock.now();
    const byKey = new Map<string, Denominator>();
    for (const e of entries) {
      const id = denominatorKey(e);
      byKey.set(id, Denominator.parse({ ...e, id, enteredBy: this.ctx.user.username, enteredAt: now }));
    }
    const saved = [...byKey.values()];
    await this.ctx.db.rx.settings.bulkUpsert(saved.map((d) => ({ id: d.id, type: 'denominator' as const, clinicCode: this.ctx.clinicCode, data: d, updatedAt: now })));
    await this.ctx.audit.recordMany(
      saved.map((d) => ({ action: 'upsert', collection: 'settings', recordId: d.id, detail: `${d.kind} ${d.villageCode} ${d.value} @${d.asOf} (${d.source})` })),
    );
    return saved;
  }

  async remove(id: string): Promise<void> {
    const doc = await this.ctx.db.rx.settings.findOne(id).exec();
    if (!doc || doc.type !== 'denominator') throw new AppError('NOT_FOUND', { id });
    await doc.remove();
    await this.ctx.audit.record({ action: 'remove', collection: 'settings', recordId: id });
  }
}
