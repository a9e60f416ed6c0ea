/**
 * 家庭户: a household groups residents at one address with a head. Membership lives on both sides — the household
 * lists members and relations, each resident carries `householdId` — and both are written together here.
 */
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../shared/api/errors';
import type { HouseholdView } from '../../../shared/api/residents';
import { villagesVisibleTo } from '../../../shared/domain/access-scope';
import { ageOn, compareDates } from '../../../shared/domain/dates';
import type { HouseholdDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { HouseholdRelation } from '../../../shared/schemas/household';
import { clinicToday, type ClinicContext } from '../clinic-context';
import type { WriteTx } from '../unit-of-work';
import { validationFailed } from './residents-service';

type Relations = Record<string, HouseholdRelation>;

function relationsOf(doc: HouseholdDoc): Relations {
  return ((doc.data['relations'] ?? {}) as Relations);
}

/** A household with its members; a village doctor is shown only the members living in their villages (issue 11). */
export async function householdView(ctx: ClinicContext, id: string): Promise<HouseholdView> {
  const doc = await ctx.db.rx.households.findOne(id).exec();
  if (!doc) throw new AppError('NOT_FOUND', { id });
  const h = doc.toJSON() as HouseholdDoc;
  const relations = relationsOf(h);
  const members = await ctx.db.rx.residents.findByIds(Object.keys(relations)).exec();
  const today = clinicToday(ctx);
  const visible = villagesVisibleTo(ctx.user);
  return {
    id: h.id,
    villageCode: h.villageCode,
    address: h.address,
    headResidentId: h.headResidentId,
    members: Object.entries(relations).flatMap(([residentId, relation]) => {
      const r = members.get(residentId)?.toJSON();
      if (!r || (visible !== null && !visible.has(r.villageCode))) return [];
      return [{ residentId, name: r.name, relation, sex: String(r.sex), age: compareDates(r.birthDate, today) <= 0 ? ageOn(r.birthDate, today) : 0 }];
    }).sort((a, b) => (a.relation === 'head' ? -1 : b.relation === 'head' ? 1 : b.age - a.age)),
  };
}

export class HouseholdsService {
  constructor(private readonly ctx: ClinicContext) {}

  get(id: string): Promise<HouseholdView> {
    return householdView(this.ctx, id);
  }

  private must<T>(doc: T | undefined, id: string): T {
    if (!doc) throw new AppError('NOT_FOUND', { id });
    return doc;
  }

  /**
   * Takes a resident out of the household they are in now, inside the move's transaction (a head cannot leave:
   * set another head first).
   */
  private leaveCurrent(tx: WriteTx, resident: ResidentDoc, joining: string): void {
    if (!resident.householdId || resident.householdId === joining) return;
    const old = tx.get('households', resident.householdId);
    if (!old) return;
    if (old.headResidentId === resident.id) throw validationFailed([{ path: 'residentId', message: 'validation.headCannotLeave' }]);
    const { [resident.id]: _gone, ...rest } = relationsOf(old);
    tx.update('households', old, { ...old, data: { ...old.data, relations: rest }, updatedAt: this.ctx.clock.now() });
  }

  /** `clientId`: the id the client made; a retry with it returns the household the first call created. */
  async create(headResidentId: string, address: string, clientId?: string): Promise<HouseholdView> {
    const id = clientId ?? uuidv7();
    this.ctx.uow.run((tx) => {
      const head = this.must(tx.get('residents', headResidentId), headResidentId);
      if (tx.get('households', id)) {
        if (head.householdId === id) return;
        throw new AppError('CONFLICT', { reason: 'idTaken', id });
      }
      this.leaveCurrent(tx, head, '');
      const now = this.ctx.clock.now();
      tx.insert('households', {
        id,
        clinicCode: this.ctx.clinicCode,
        villageCode: head.villageCode,
        headResidentId,
        address,
        data: { relations: { [headResidentId]: 'head' } },
        createdAt: now,
        updatedAt: now,
      });
      tx.update('residents', head, { ...head, householdId: id, updatedAt: now });
      tx.audit({ action: 'insert', collection: 'households', recordId: id, residentId: headResidentId });
    });
    return householdView(this.ctx, id);
  }

  async addMember(id: string, residentId: string, relation: HouseholdRelation): Promise<HouseholdView> {
    if (relation === 'head') throw validationFailed([{ path: 'relation', message: 'validation.useSetHead' }]);
    this.ctx.uow.run((tx) => {
      const resident = this.must(tx.get('residents', residentId), residentId);
      this.must(tx.get('households', id), id);
      this.leaveCurrent(tx, resident, id);
      const now = this.ctx.clock.now();
      const h = this.must(tx.get('households', id), id);
      tx.update('households', h, { ...h, data: { ...h.data, relations: { ...relationsOf(h), [residentId]: relation } }, updatedAt: now });
      tx.update('residents', resident, { ...resident, householdId: id, updatedAt: now });
      tx.audit({ action: 'update', collection: 'households', recordId: id, residentId, detail: `add ${relation}` });
    });
    return householdView(this.ctx, id);
  }

  async removeMember(id: string, residentId: string): Promise<HouseholdView> {
    this.ctx.uow.run((tx) => {
      const h = this.must(tx.get('households', id), id);
      if (h.headResidentId === residentId) throw validationFailed([{ path: 'residentId', message: 'validation.headCannotLeave' }]);
      const relations = relationsOf(h);
      if (!(residentId in relations)) throw new AppError('NOT_FOUND', { residentId });
      const { [residentId]: _gone, ...rest } = relations;
      const now = this.ctx.clock.now();
      tx.update('households', h, { ...h, data: { ...h.data, relations: rest }, updatedAt: now });
      const resident = tx.get('residents', residentId);
      if (resident) tx.update('residents', resident, { ...resident, householdId: '', updatedAt: now });
      tx.audit({ action: 'update', collection: 'households', recordId: id, residentId, detail: 'remove' });
    });
    return householdView(this.ctx, id);
  }

  async setHead(id: string, residentId: string): Promise<HouseholdView> {
    this.ctx.uow.run((tx) => {
      const h = this.must(tx.get('households', id), id);
      const relations = relationsOf(h);
      if (!(residentId in relations)) throw validationFailed([{ path: 'residentId', message: 'validation.headNotMember' }]);
      // The former head stays a member; the doctor corrects their relation afterwards if it is not 'other relative'.
      const next: Relations = { ...relations, [h.headResidentId]: 'otherRelative', [residentId]: 'head' };
      tx.update('households', h, { ...h, headResidentId: residentId, data: { ...h.data, relations: next }, updatedAt: this.ctx.clock.now() });
      tx.audit({ action: 'update', collection: 'households', recordId: id, residentId, detail: 'head' });
    });
    return householdView(this.ctx, id);
  }
}
