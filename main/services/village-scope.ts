/**
 * 服务村 scope (issue 11 §1): the one place where a village doctor's calls are held to the villages they serve.
 * The dispatcher calls `check` for every `village`-scoped method with its parsed input, before the handler runs,
 * for reads and writes alike: each record the input names is resolved to the village of its resident (households
 * their own village), and anything outside the caller's villages is refused with FORBIDDEN, which the dispatcher
 * audits. Lists and searches name no record: the services filter them with `sees` instead.
 */
import { AppError } from '../../shared/api/errors';
import { ReviewItem } from '../../shared/api/sync-review';
import { scopeTargets, villagesVisibleTo, type ScopeTarget } from '../../shared/domain/access-scope';
import type { ClinicContext } from './clinic-context';

export class VillageScope {
  /** null: clinic-wide (every role but the village doctor). */
  readonly visible: ReadonlySet<string> | null;

  constructor(private readonly ctx: ClinicContext) {
    this.visible = villagesVisibleTo(ctx.user);
  }

  /** True when the caller may see residents (and their records) of this village. */
  sees(villageCode: string): boolean {
    return this.visible === null || this.visible.has(villageCode);
  }

  /** Throws FORBIDDEN when a resident found by the call itself (not named by its input) is outside the caller's villages. */
  async checkResident(residentId: string): Promise<void> {
    if (this.visible === null) return;
    for (const { villageCode } of await this.residentPlaces([residentId], new Map())) {
      if (!this.sees(villageCode)) throw new AppError('FORBIDDEN', { reason: 'village', villageCode, residentId });
    }
  }

  /** Throws FORBIDDEN when the input names a record or village the caller may not reach. */
  async check(methodName: string, input: unknown): Promise<void> {
    if (this.visible === null) return;
    for (const target of scopeTargets(methodName, input)) {
      if (target.kind === 'clinicWide') throw new AppError('FORBIDDEN', { reason: 'clinicWide', scope: target.what });
      if (target.kind === 'village') {
        if (!this.sees(target.code)) throw new AppError('FORBIDDEN', { reason: 'village', villageCode: target.code });
        continue;
      }
      for (const { villageCode, residentId } of await this.placesOf(target)) {
        if (!this.sees(villageCode)) throw new AppError('FORBIDDEN', { reason: 'village', villageCode, residentId });
      }
    }
  }

  /**
   * Where a record lives: its resident's village (the resident may have moved since an encounter was written), else
   * the village stored on the record. A record that does not exist has no place: the handler answers NOT_FOUND.
   */
  private async placesOf(target: Exclude<ScopeTarget, { kind: 'village' | 'clinicWide' }>): Promise<{ villageCode: string; residentId: string }[]> {
    const rx = this.ctx.db.rx;
    switch (target.kind) {
      case 'resident':
        return this.residentPlaces([target.id], new Map());
      case 'household': {
        const doc = await rx.households.findOne(target.id).exec();
        return doc ? [{ villageCode: doc.villageCode, residentId: '' }] : [];
      }
      case 'encounter': {
        const doc = await rx.encounters.findOne(target.id).exec();
        return doc ? this.residentPlaces([doc.residentId], new Map([[doc.residentId, doc.villageCode]])) : [];
      }
      case 'contract': {
        const doc = await rx.contracts.findOne(target.id).exec();
        return doc ? this.residentPlaces([doc.residentId], new Map([[doc.residentId, doc.villageCode]])) : [];
      }
      case 'review': {
        const doc = await rx.settings.findOne(target.id).exec();
        const parsed = doc?.type === 'syncReview' ? ReviewItem.safeParse(doc.toJSON().data) : null;
        return parsed?.success ? this.residentPlaces(reviewResidents(parsed.data), new Map()) : [];
      }
    }
  }

  private async residentPlaces(ids: string[], fallback: ReadonlyMap<string, string>): Promise<{ villageCode: string; residentId: string }[]> {
    const found = await this.ctx.db.rx.residents.findByIds(ids).exec();
    return ids.flatMap((id) => {
      const villageCode = found.get(id)?.villageCode ?? fallback.get(id);
      return villageCode === undefined ? [] : [{ villageCode, residentId: id }];
    });
  }

  /** A review item is visible when every resident it concerns is. */
  async seesReview(item: ReviewItem): Promise<boolean> {
    if (this.visible === null) return true;
    const places = await this.residentPlaces(reviewResidents(item), new Map());
    return places.every((p) => this.sees(p.villageCode));
  }
}

function reviewResidents(item: ReviewItem): string[] {
  return item.kind === 'conflict' ? [item.residentId] : item.residents.map((r) => r.id);
}
