/**
 * 指标口径 in 设置: dated `settings` documents of type `indicatorRules` (shared/schemas/indicator-rules.ts). The
 * county's versions arrive by sync (the platform writes them, `npm run platform -- policy set`); an admin enters the
 * clinic's own, which count only before the county's policy starts. Every write is audited like other settings.
 */
import { AppError } from '../../../shared/api/errors';
import { compareDates } from '../../../shared/domain/dates';
import { rulesInForce, type RulesInForce } from '../../../shared/domain/indicators/rules';
import { IndicatorRulesDoc, indicatorRulesKey, rulesVersion, type IndicatorRulesInput } from '../../../shared/schemas/indicator-rules';
import type { ClinicContext } from '../clinic-context';

export class IndicatorRulesRepo {
  constructor(private readonly ctx: ClinicContext) {}

  /** Every version, newest `from` first (the county's before the clinic's on the same date). */
  async list(): Promise<IndicatorRulesDoc[]> {
    const docs = await this.ctx.db.rx.settings.find({ selector: { type: 'indicatorRules' } }).exec();
    return docs
      .map((d) => IndicatorRulesDoc.safeParse(d.toJSON().data))
      .flatMap((p) => (p.success ? [p.data] : []))
      .sort((a, b) => compareDates(b.from, a.from) || b.issuedBy.localeCompare(a.issuedBy) || a.id.localeCompare(b.id));
  }

  /** The 口径 for a report whose window ends on `on`. */
  async inForce(on: string): Promise<RulesInForce> {
    return rulesInForce((await this.list()).map(rulesVersion), on);
  }

  async save(input: IndicatorRulesInput): Promise<IndicatorRulesDoc> {
    const county = (await this.list()).filter((d) => d.issuedBy === 'county' && compareDates(d.from, input.from) <= 0);
    if (county.length > 0) throw new AppError('RULES_SET_BY_COUNTY', { from: input.from, countyFrom: county[county.length - 1]!.from });
    const now = this.ctx.clock.now();
    const id = indicatorRulesKey('clinic', input.from);
    const doc = IndicatorRulesDoc.parse({ ...input, id, issuedBy: 'clinic', enteredBy: this.ctx.user.username, enteredAt: now });
    await this.ctx.db.rx.settings.upsert({ id, type: 'indicatorRules', clinicCode: this.ctx.clinicCode, data: doc, updatedAt: now });
    await this.ctx.audit.record({
      action: 'upsert',
      collection: 'settings',
      recordId: id,
      detail: `口径 @${doc.from}: ${doc.standardRule}${doc.annualCheck ? '+ANNUAL_CHECK' : ''} ${doc.dynamicUseDenominator} ${doc.elderlyAgeRule}`,
    });
    return doc;
  }

  async remove(id: string): Promise<void> {
    const doc = await this.ctx.db.rx.settings.findOne(id).exec();
    if (!doc || doc.type !== 'indicatorRules') throw new AppError('NOT_FOUND', { id });
    const parsed = IndicatorRulesDoc.safeParse(doc.toJSON().data);
    if (parsed.success && parsed.data.issuedBy === 'county') throw new AppError('RULES_SET_BY_COUNTY', { id });
    await doc.remove();
    await this.ctx.audit.record({ action: 'remove', collection: 'settings', recordId: id });
  }
}
