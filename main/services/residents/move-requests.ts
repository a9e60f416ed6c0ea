/**
 * 迁出申请 (issue 13 item 6): a village doctor records that a resident moved to a village of another clinic of the
 * county. The request is a typed settings document of this clinic (`moveRequest`), written with its audit entry in one
 * transaction; it syncs like any other write and the county platform re-homes the resident when it arrives, answering
 * in the same document. A move to one of this clinic's own villages is an ordinary address edit and is refused here
 * (MOVE_WITHIN_CLINIC). Once the county's village list has reached the device (`countyVillages`, written by the
 * platform) a destination it does not list is refused here (MOVE_UNKNOWN_VILLAGE, checked against the list as last
 * pulled: the error says so and names its date); before that the code is sent as
 * typed and the platform refuses a village it does not know, with its reason, in the document.
 *
 * An address edit to another clinic's village (the edit form) is one user action: the form's other changes and the
 * request commit in one transaction, the edit first, with the resident still in their village (only the platform
 * moves a record). The request records the resident's `updatedAt` after that edit, and the platform applies it only
 * once it holds that version of the resident (platform/move-requests.ts), so the edit is never parked as a late edit
 * about a resident who moved away.
 */
import type { MoveDestinations } from '../../../shared/api/residents';
import { AppError } from '../../../shared/api/errors';
import { placeKeys } from '../../../shared/domain/pinyin-keys';
import { COUNTY_VILLAGES_ID, CountyVillages } from '../../../shared/schemas/county-villages';
import type { ResidentInput } from '../../../shared/schemas/resident';
import { MoveRequest, moveRequestId } from '../../../shared/sync/moves';
import type { ClinicContext } from '../clinic-context';
import type { WriteTx } from '../unit-of-work';
import { validationFailed, type ResidentsService } from './residents-service';

export class MoveRequests {
  constructor(
    private readonly ctx: ClinicContext,
    private readonly residents?: ResidentsService,
  ) {}

  /** The county's list as the platform last sent it, or null before it has arrived (or if it does not parse). */
  private async countyList(): Promise<CountyVillages | null> {
    const doc = await this.ctx.db.rx.settings.findOne(COUNTY_VILLAGES_ID).exec();
    if (!doc || doc.type !== 'countyVillages') return null;
    const parsed = CountyVillages.safeParse(doc.toJSON().data);
    return parsed.success ? parsed.data : null;
  }

  /** The destinations a resident of this clinic can move to: the county's villages but this clinic's own. */
  async destinations(): Promise<MoveDestinations> {
    const [list, clinic] = await Promise.all([this.countyList(), this.ctx.settings.clinic()]);
    // The clinic's own villages carry the same keys, so the edit form's picker finds them by pinyin initials too.
    const own = clinic.villages.map((v) => ({ code: v.code, name: v.name, ...placeKeys(v.name) }));
    if (!list) return { villages: [], issuedAt: null, own };
    const owned = new Set(own.map((v) => v.code));
    return { villages: list.villages.filter((v) => !owned.has(v.code)).map((v) => ({ ...v, ...placeKeys(v.name) })), issuedAt: list.issuedAt, own };
  }

  /** The resident's request (pending, applied or refused), or null. */
  async forResident(residentId: string): Promise<MoveRequest | null> {
    if (!(await this.ctx.db.rx.residents.findOne(residentId).exec())) throw new AppError('NOT_FOUND', { id: residentId });
    const doc = await this.ctx.db.rx.settings.findOne(moveRequestId(residentId)).exec();
    const parsed = doc ? MoveRequest.safeParse(doc.toJSON().data) : null;
    return parsed?.success ? parsed.data : null;
  }

  /**
   * Records the request; asking again while one is pending for the same village answers it unchanged. With `update`
   * the resident's other edits are saved first in the same transaction (see the file's comment).
   */
  async request(residentId: string, villageCode: string, reason: string, update?: ResidentInput): Promise<MoveRequest> {
    const clinic = await this.ctx.settings.clinic();
    if (clinic.villages.some((v) => v.code === villageCode)) throw new AppError('MOVE_WITHIN_CLINIC', { villageCode });
    const list = await this.countyList();
    // Checked against the list as last pulled (`listIssuedAt`): a village the county added since is known after a sync.
    if (list && !list.villages.some((v) => v.code === villageCode)) throw new AppError('MOVE_UNKNOWN_VILLAGE', { villageCode, listIssuedAt: list.issuedAt });
    if (!update) return this.ctx.uow.run((tx) => this.requestIn(tx, residentId, villageCode, reason));
    if (!this.residents) throw new Error('MoveRequests needs the residents service to save an edit with the request');
    const stored = await this.ctx.db.rx.residents.findOne(residentId).exec();
    if (!stored) throw new AppError('NOT_FOUND', { id: residentId });
    // The record stays in its village until the platform moves it; the form sends the village it had.
    if (update.villageCode !== stored.villageCode) throw validationFailed([{ path: 'villageCode', message: 'validation.moveKeepsVillage' }]);
    let request: MoveRequest | undefined;
    await this.residents.update(residentId, update, { alsoInTx: (tx) => void (request = this.requestIn(tx, residentId, villageCode, reason)) });
    return request!;
  }

  private requestIn(tx: WriteTx, residentId: string, villageCode: string, reason: string): MoveRequest {
    const id = moveRequestId(residentId);
    const resident = tx.get('residents', residentId);
    if (!resident) throw new AppError('NOT_FOUND', { id: residentId });
    const existing = tx.get('settings', id);
    const previous = existing ? MoveRequest.safeParse(existing.data) : null;
    if (previous?.success && previous.data.status === 'pending' && previous.data.toVillageCode === villageCode && previous.data.residentUpdatedAt === resident.updatedAt) return previous.data;
    const now = this.ctx.clock.now();
    const request: MoveRequest = {
      residentId,
      fromVillageCode: resident.villageCode,
      toVillageCode: villageCode,
      reason,
      requestedBy: this.ctx.user.username,
      requestedAt: now,
      status: 'pending',
      residentUpdatedAt: resident.updatedAt,
    };
    const doc = { id, type: 'moveRequest' as const, clinicCode: this.ctx.clinicCode, data: MoveRequest.parse(request), updatedAt: now };
    if (existing) tx.update('settings', existing, doc);
    else tx.insert('settings', doc);
    tx.audit({ action: 'moveRequest', collection: 'residents', recordId: residentId, residentId, detail: `${resident.villageCode} → ${villageCode} ${reason}`.trim() });
    return request;
  }
}
