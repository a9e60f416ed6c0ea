/**
 * 家庭户: a household groups residents at one address with a head. Membership lives on both sides — the household
 * lists members and relations, each resident carries `householdId` — and both are written together here.
 */
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../shared/api/errors';
import type { HouseholdView } from '../../../shared/api/residents';
import { ageOn, compareDates } from '../../../shared/domain/dates';
import type { HouseholdDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { HouseholdRelation } from '../../../shared/schemas/household';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { validationFailed } from './residents-service';

type Relations = Record<string, HouseholdRelation>;

function relationsOf(doc: HouseholdDoc): Relations {
  return ((doc.data['relations'] ?? {}) as Relations);
}

export async function householdView(ctx: ClinicContext, id: string): Promise<HouseholdView> {
  const doc = await ctx.db.rx.households.findOne(id).exec();
  if (!doc) throw new AppError('NOT_FOUND', { id });
  const h = doc.toJSON() as HouseholdDoc;
  const relations = relationsOf(h);
  const members = await ctx.db.rx.residents.findByIds(Object.keys(relations)).exec();
  const today = clinicToday(ctx);
  return {
    id: h.id,
    villageCode: h.villageCode,
    address: h.address,
    headResidentId: h.headResidentId,
    members: Object.entries(relations).flatMap(([residentId, relation]) => {
      const r = members.get(residentId)?.toJSON();
      if (!r) return [];
      return [{ residentId, name: r.name, relation, sex: String(r.sex), age: compareDates(r.birthDate, today) <= 0 ? ageOn(r.birthDate, today) : 0 }];
    }).sort((a, b) => (a.relation === 'head' ? -1 : b.relation === 'head' ? 1 : b.age - a.age)),
  };
}

export class HouseholdsService {
  constructor(private readonly ctx: ClinicContext) {}

  get(id: string): Promise<HouseholdView> {
    return householdView(this.ctx, id);
  }

  private async resident(id: string) {
    const doc = await this.ctx.db.rx.residents.findOne(id).exec();
    if (!doc) throw new AppError('NOT_FOUND', { id });
    return doc;
  }

  private async household(id: string) {
    const doc = await this.ctx.db.rx.households.findOne(id).exec();
    if (!doc) throw new AppError('NOT_FOUND', { id });
    return doc;
  }

  /** Takes a resident out of the household they are in now (a head cannot leave: set another head first). */
  private async leaveCurrent(residentId: string, joining: string): Promise<void> {
    const r = (await this.resident(residentId)).toJSON() as ResidentDoc;
    if (!r.householdId || r.householdId === joining) return;
    const old = await this.ctx.db.rx.households.findOne(r.householdId).exec();
    if (!old) return;
    const h = old.toJSON() as HouseholdDoc;
    if (h.headResidentId === residentId) throw validationFailed([{ path: 'residentId', message: 'validation.headCannotLeave' }]);
    const { [residentId]: _gone, ...rest } = relationsOf(h);
    await old.incrementalPatch({ data: { ...h.data, relations: rest }, updatedAt: this.ctx.clock.now() });
  }

  async create(headResidentId: string, address: string): Promise<HouseholdView> {
    const head = (await this.resident(headResidentId)).toJSON() as ResidentDoc;
    await this.leaveCurrent(headResidentId, '');
    const now = this.ctx.clock.now();
    const id = uuidv7();
    await this.ctx.db.rx.households.insert({
      id,
      clinicCode: this.ctx.clinicCode,
      villageCode: head.villageCode,
      headResidentId,
      address,
      data: { relations: { [headResidentId]: 'head' } },
      createdAt: now,
      updatedAt: now,
    });
    await (await this.resident(headResidentId)).incrementalPatch({ householdId: id, updatedAt: now });
    await this.ctx.audit.record({ action: 'insert', collection: 'households', recordId: id, residentId: headResidentId });
    return householdView(this.ctx, id);
  }

  async addMember(id: string, residentId: string, relation: HouseholdRelation): Promise<HouseholdView> {
    if (relation === 'head') throw validationFailed([{ path: 'relation', message: 'validation.useSetHead' }]);
    const hh = await this.household(id);
    await this.resident(residentId);
    await this.leaveCurrent(residentId, id);
    const now = this.ctx.clock.now();
    const h = hh.toJSON() as HouseholdDoc;
    await hh.incrementalPatch({ data: { ...h.data, relations: { ...relationsOf(h), [residentId]: relation } }, updatedAt: now });
    await (await this.resident(residentId)).incrementalPatch({ householdId: id, updatedAt: now });
    await this.ctx.audit.record({ action: 'update', collection: 'households', recordId: id, residentId, detail: `add ${relation}` });
    return householdView(this.ctx, id);
  }

  async removeMember(id: string, residentId: string): Promise<HouseholdView> {
    const hh = await this.household(id);
    const h = hh.toJSON() as HouseholdDoc;
    if (h.headResidentId === residentId) throw validationFailed([{ path: 'residentId', message: 'validation.headCannotLeave' }]);
    const relations = relationsOf(h);
    if (!(residentId in relations)) throw new AppError('NOT_FOUND', { residentId });
    const { [residentId]: _gone, ...rest } = relations;
    const now = this.ctx.clock.now();
    await hh.incrementalPatch({ data: { ...h.data, relations: rest }, updatedAt: now });
    await (await this.resident(residentId)).incrementalPatch({ householdId: '', updatedAt: now });
    await this.ctx.audit.record({ action: 'update', collection: 'households', recordId: id, residentId, detail: 'remove' });
    return householdView(this.ctx, id);
  }

  async setHead(id: string, residentId: string): Promise<HouseholdView> {
    const hh = await this.household(id);
    const h = hh.toJSON() as HouseholdDoc;
    const relations = relationsOf(h);
    if (!(residentId in relations)) throw validationFailed([{ path: 'residentId', message: 'validation.headNotMember' }]);
    // The former head stays a member; the doctor corrects their relation afterwards if it is not 'other relative'.
    const next: Relations = { ...relations, [h.headResidentId]: 'otherRelative', [residentId]: 'head' };
    await hh.incrementalPatch({ headResidentId: residentId, data: { ...h.data, relations: next }, updatedAt: this.ctx.clock.now() });
    await this.ctx.audit.record({ action: 'update', collection: 'households', recordId: id, residentId, detail: 'head' });
    return householdView(this.ctx, id);
  }
}
