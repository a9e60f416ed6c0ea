/**
 * 迁出申请 (issue 13 item 6): a village doctor records that a resident moved to a village of another clinic of the
 * county. The request is a typed settings document of this clinic (`moveRequest`), written with its audit entry in one
 * transaction; it syncs like any other write and the county platform re-homes the resident when it arrives, answering
 * in the same document. A move to one of this clinic's own villages is an ordinary address edit and is refused here
 * (MOVE_WITHIN_CLINIC). The platform alone knows the county's villages, so a village it does not know is refused there,
 * with its reason, in the document.
 */
import { AppError } from '../../../shared/api/errors';
import { MoveRequest, moveRequestId } from '../../../shared/sync/moves';
import type { ClinicContext } from '../clinic-context';

export class MoveRequests {
  constructor(private readonly ctx: ClinicContext) {}

  /** The resident's request (pending, applied or refused), or null. */
  async forResident(residentId: string): Promise<MoveRequest | null> {
    if (!(await this.ctx.db.rx.residents.findOne(residentId).exec())) throw new AppError('NOT_FOUND', { id: residentId });
    const doc = await this.ctx.db.rx.settings.findOne(moveRequestId(residentId)).exec();
    const parsed = doc ? MoveRequest.safeParse(doc.toJSON().data) : null;
    return parsed?.success ? parsed.data : null;
  }

  /** Records the request; asking again while one is pending for the same village answers it unchanged. */
  async request(residentId: string, villageCode: string, reason: string): Promise<MoveRequest> {
    const clinic = await this.ctx.settings.clinic();
    if (clinic.villages.some((v) => v.code === villageCode)) throw new AppError('MOVE_WITHIN_CLINIC', { villageCode });
    const id = moveRequestId(residentId);
    return this.ctx.uow.run((tx) => {
      const resident = tx.get('residents', residentId);
      if (!resident) throw new AppError('NOT_FOUND', { id: residentId });
      const existing = tx.get('settings', id);
      const previous = existing ? MoveRequest.safeParse(existing.data) : null;
      if (previous?.success && previous.data.status === 'pending' && previous.data.toVillageCode === villageCode) return previous.data;
      const now = this.ctx.clock.now();
      const request: MoveRequest = {
        residentId,
        fromVillageCode: resident.villageCode,
        toVillageCode: villageCode,
        reason,
        requestedBy: this.ctx.user.username,
        requestedAt: now,
        status: 'pending',
      };
      const doc = { id, type: 'moveRequest' as const, clinicCode: this.ctx.clinicCode, data: MoveRequest.parse(request), updatedAt: now };
      if (existing) tx.update('settings', existing, doc);
      else tx.insert('settings', doc);
      tx.audit({ action: 'moveRequest', collection: 'residents', recordId: residentId, residentId, detail: `${resident.villageCode} → ${villageCode} ${reason}`.trim() });
      return request;
    });
  }
}
