/**
 * 居民健康档案: create, edit, find, list, merge and the timeline. Every input is validated again here with the
 * clinic's today (the door validated the shape); a resident's ID number is unique among live records, and a second
 * record with the same number is refused as DUPLICATE_RESIDENT so the UI can offer to open or merge it.
 */
import type { MangoQuery, MangoQuerySelector } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import type { ResidentDetail, ResidentSummary, TimelineItem } from '../../../shared/api/residents';
import { AppError, type FieldIssue } from '../../../shared/api/errors';
import { compareDates } from '../../../shared/domain/dates';
import { idNumberForms, storedIdNumber } from '../../../shared/domain/id-number';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { type Resident, residentInputFor, type ResidentInput, type ResidentStatus } from '../../../shared/schemas/resident';
import { zodIssuesToFields } from '../../../shared/api/fields';
import { mergedSurvivor, mergeTombstone, normaliseIdNumber, withMergePending, type MergePending } from '../../../shared/sync/duplicates';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';
import { householdView } from './households-service';
import { issueRecordNo } from './record-numbers';
import { summariseMany } from './resident-summary';
import type { WriteTx } from '../unit-of-work';
import type { PatientIndex } from '../followups/patient-index';
import type { ResidentSearchIndex } from './search-index';

export function validationFailed(fields: FieldIssue[]): AppError {
  return new AppError('VALIDATION_FAILED', undefined, 'VALIDATION_FAILED', fields);
}

export function toResident(doc: ResidentDoc): Resident {
  const data = doc.data;
  const { statusReason: _reason, ...form } = data;
  return {
    ...(form as ResidentInput),
    id: doc.id,
    clinicCode: doc.clinicCode,
    recordNo: doc.recordNo,
    villageCode: doc.villageCode,
    ...(doc.householdId ? { householdId: doc.householdId } : {}),
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  } as Resident;
}

export class ResidentsService {
  constructor(
    private readonly ctx: ClinicContext,
    private readonly index: ResidentSearchIndex,
    private readonly patients?: PatientIndex,
  ) {}

  private async validate(input: ResidentInput, selfId?: string): Promise<ResidentInput> {
    const parsed = residentInputFor(clinicToday(this.ctx)).safeParse(input);
    if (!parsed.success) {
      throw validationFailed(zodIssuesToFields(parsed.error.issues));
    }
    const villages = await villageNames(this.ctx);
    if (!villages.has(parsed.data.villageCode)) {
      throw validationFailed([{ path: 'villageCode', message: 'validation.unknownVillage' }]);
    }
    if (parsed.data.idNumber) {
      // Either form of a resident ID names the same person (identifiers.md §1).
      const forms = idNumberForms(parsed.data.idType, parsed.data.idNumber);
      const same = await this.ctx.db.rx.residents.find({ selector: { idNumber: { $in: forms } } }).exec();
      const other = same.find((d) => d.id !== selfId);
      if (other) throw new AppError('DUPLICATE_RESIDENT', { existingId: other.id, name: other.name, recordNo: other.recordNo });
    }
    return parsed.data;
  }

  private async doc(id: string): Promise<ResidentDoc> {
    const doc = await this.ctx.db.rx.residents.findOne(id).exec();
    if (!doc) throw new AppError('NOT_FOUND', { id });
    return doc.toJSON();
  }

  async detail(id: string): Promise<ResidentDetail> {
    const doc = await this.doc(id);
    const [summary] = await summariseMany(this.ctx, [doc], this.patients);
    return {
      resident: toResident(doc),
      summary: summary as ResidentSummary,
      household: doc.householdId ? await householdView(this.ctx, doc.householdId).catch(() => null) : null,
    };
  }

  /** Opening a record is audited (who looked at whose record, when). */
  async get(id: string): Promise<ResidentDetail> {
    const detail = await this.detail(id);
    await this.ctx.audit.record({ action: 'open', collection: 'residents', recordId: id, residentId: id });
    return detail;
  }

  /** `clientId`: the id the client made; a retry with it returns the record the first call created. */
  async create(raw: ResidentInput, clientId?: string): Promise<ResidentDetail> {
    if (clientId) {
      const existing = await this.ctx.db.rx.residents.findOne(clientId).exec();
      if (existing) return this.detail(clientId);
    }
    const input = await this.validate(raw);
    const now = this.ctx.clock.now();
    const recordNo = await issueRecordNo(this.ctx, input.villageCode);
    const id = clientId ?? uuidv7();
    const stored = input.idNumber ? storedIdNumber(input.idType, input.idNumber) : null;
    const { householdId: _ignored, ...form } = input;
    const doc: ResidentDoc = {
      id,
      clinicCode: this.ctx.clinicCode,
      villageCode: input.villageCode,
      recordNo,
      name: input.name,
      idNumber: stored?.idNumber ?? '',
      phone: input.phone ?? '',
      birthDate: input.birthDate,
      sex: Number(input.sex),
      householdId: '',
      status: 'active',
      data: { ...form, ...(stored ?? {}) },
      createdAt: now,
      updatedAt: now,
    };
    this.ctx.uow.run((tx) => {
      tx.insert('residents', doc);
      tx.audit({ action: 'insert', collection: 'residents', recordId: id, residentId: id });
    });
    return this.detail(id);
  }

  /** `alsoInTx`: another write of the same user action, after the edit and in its transaction (a 迁出申请). */
  async update(id: string, raw: ResidentInput, opts: { alsoInTx?: (tx: WriteTx) => void } = {}): Promise<ResidentDetail> {
    await this.doc(id);
    const input = await this.validate(raw, id);
    // Moving to another village keeps the record number (unique forever, it still names the first village);
    // `villageCode` follows the resident, so scoping and lists use where they live now.
    const { householdId: _ignored, ...form } = input;
    this.ctx.uow.run((tx) => {
      const current = this.must(tx.get('residents', id), id);
      const stored = input.idNumber ? storedIdNumber(input.idType, input.idNumber) : null;
      // The form shows the 18-digit form; saving it again keeps the 15 digits first typed.
      const kept15 = current.data['idNumber15'];
      if (stored && !stored.idNumber15 && typeof kept15 === 'string' && idNumberForms(input.idType, stored.idNumber).includes(kept15)) {
        stored.idNumber15 = kept15;
      }
      tx.update('residents', current, {
        ...current,
        villageCode: input.villageCode,
        name: input.name,
        idNumber: stored?.idNumber ?? '',
        phone: input.phone ?? '',
        birthDate: input.birthDate,
        sex: Number(input.sex),
        data: { ...form, ...(stored ?? {}) },
        // Later than the version it replaces even on a clock that did not move: a 迁出申请 saved with this edit names
        // the version the platform must hold before moving the resident (move-requests.ts).
        updatedAt: Math.max(this.ctx.clock.now(), current.updatedAt + 1),
      });
      tx.audit({ action: 'update', collection: 'residents', recordId: id, residentId: id });
      opts.alsoInTx?.(tx);
    });
    return this.detail(id);
  }

  async setStatus(id: string, status: ResidentStatus, date: string, reason: string): Promise<ResidentDetail> {
    await this.doc(id);
    if (compareDates(date, clinicToday(this.ctx)) > 0) throw validationFailed([{ path: 'date', message: 'validation.futureDate' }]);
    this.ctx.uow.run((tx) => {
      const stored = this.must(tx.get('residents', id), id);
      tx.update('residents', stored, { ...stored, status, data: { ...stored.data, statusDate: date, statusReason: reason }, updatedAt: this.ctx.clock.now() });
      tx.audit({ action: 'status', collection: 'residents', recordId: id, residentId: id, detail: `${status} ${date} ${reason}` });
    });
    return this.detail(id);
  }

  /** `visible`: the villages the caller may see (null: all); other villages' residents are not in the answer. */
  async search(query: string, limit: number, visible: ReadonlySet<string> | null = null): Promise<ResidentSummary[]> {
    // The index ranks within the caller's villages itself; the documents are checked again, as every read is.
    const ids = this.index.search(query, limit, visible);
    if (ids.length === 0) return [];
    const found = await this.ctx.db.rx.residents.findByIds(ids).exec();
    const docs = ids.flatMap((id) => {
      const d = found.get(id);
      return d && (visible === null || visible.has(d.villageCode)) ? [d.toJSON()] : [];
    });
    return summariseMany(this.ctx, docs, this.patients);
  }

  /** `visible`: the villages the caller may see (null: all); the dispatcher already refused a `villageCode` outside them. */
  async list(
    filter: { villageCode?: string; tag?: string; status?: ResidentStatus; offset: number; limit: number },
    visible: ReadonlySet<string> | null = null,
  ): Promise<{ total: number; items: ResidentSummary[] }> {
    const selector: MangoQuerySelector<ResidentDoc> = {};
    if (filter.villageCode) selector.villageCode = filter.villageCode;
    else if (visible !== null) selector.villageCode = { $in: [...visible] };
    if (filter.status) selector.status = filter.status;
    const query: MangoQuery<ResidentDoc> = { selector, sort: [{ villageCode: 'asc' }, { name: 'asc' }] };
    if (!filter.tag) {
      const total = await this.ctx.db.rx.residents.count({ selector }).exec();
      const docs = await this.ctx.db.rx.residents.find({ ...query, skip: filter.offset, limit: filter.limit }).exec();
      return { total, items: await summariseMany(this.ctx, docs.map((d) => d.toJSON() as ResidentDoc), this.patients) };
    }
    // Tags are derived, not stored: filter the summaries. The village filter keeps this to one village's residents.
    const docs = await this.ctx.db.rx.residents.find(query).exec();
    const all = (await summariseMany(this.ctx, docs.map((d) => d.toJSON() as ResidentDoc), this.patients)).filter((s) => s.tags.includes(filter.tag as string));
    return { total: all.length, items: all.slice(filter.offset, filter.offset + filter.limit) };
  }

  /**
   * Merge a duplicate record into the one kept: its encounters and contracts are re-pointed, fields the kept record
   * lacks are filled from it, and the duplicate is removed from the live records; its record number is never reused.
   * `opts.pending` marks both records as merged here before the platform confirmed it (a pair the platform queued);
   * `opts.alsoInTx` writes the settled review in the same transaction.
   */
  async merge(keepId: string, mergeId: string, reason: string, opts: { pending?: MergePending; alsoInTx?: (tx: WriteTx) => void } = {}): Promise<ResidentDetail> {
    if (keepId === mergeId) throw validationFailed([{ path: 'mergeId', message: 'validation.mergeSelf' }]);
    const keep = await this.doc(keepId);
    const dup = await this.doc(mergeId);
    // A 15-digit first-generation number and its 18-digit form are the same person (issue 13 item 5).
    const sameId = (normaliseIdNumber(keep.idNumber) ?? keep.idNumber) === (normaliseIdNumber(dup.idNumber) ?? dup.idNumber);
    if (keep.idNumber && dup.idNumber && !sameId) {
      throw validationFailed([{ path: 'mergeId', message: 'validation.mergeDifferentId' }]);
    }
    const now = this.ctx.clock.now();
    // One transaction: a power cut leaves either both records as they were or the merge complete, never a resident
    // with half of its encounters moved.
    this.ctx.uow.run((tx) => {
      const keepNow = this.must(tx.get('residents', keepId), keepId);
      const dupNow = this.must(tx.get('residents', mergeId), mergeId);
      for (const e of tx.find('encounters', { selector: { residentId: mergeId } })) {
        tx.update('encounters', e, { ...e, residentId: keepId, villageCode: keepNow.villageCode, updatedAt: now });
      }
      for (const c of tx.find('contracts', { selector: { residentId: mergeId } })) {
        tx.update('contracts', c, { ...c, residentId: keepId, villageCode: keepNow.villageCode, updatedAt: now });
      }
      const mark = <T extends ResidentDoc>(d: T): T => (opts.pending ? withMergePending(d, opts.pending) : d);
      tx.update('residents', keepNow, mark(mergedSurvivor(keepNow, dupNow, now)));
      // A merge tombstone: the removed record says which one it became, for every device that pulls it (issue 13 item 5).
      tx.remove('residents', { ...dupNow, ...mark(mergeTombstone(dupNow, keepId, now)), _deleted: dupNow._deleted });
      tx.audit({ action: 'merge', collection: 'residents', recordId: keepId, residentId: keepId, detail: `${dupNow.recordNo} → ${keepNow.recordNo}: ${reason}` });
      tx.audit({ action: 'delete', collection: 'residents', recordId: mergeId, residentId: mergeId, detail: `merged into ${keepId}` });
      opts.alsoInTx?.(tx);
    });
    return this.detail(keepId);
  }

  private must<T>(doc: T | undefined, id: string): T {
    if (!doc) throw new AppError('NOT_FOUND', { id });
    return doc;
  }

  async timeline(id: string): Promise<TimelineItem[]> {
    await this.doc(id);
    const encounters = (await this.ctx.db.rx.encounters.find({ selector: { residentId: id } }).exec()).map((e) => e.toJSON() as EncounterDoc);
    const contracts = (await this.ctx.db.rx.contracts.find({ selector: { residentId: id } }).exec()).map((c) => c.toJSON() as ContractDoc);
    const amendments = new Map<string, EncounterDoc[]>();
    for (const e of encounters) if (e.amends) amendments.set(e.amends, [...(amendments.get(e.amends) ?? []), e]);
    const items: TimelineItem[] = encounters
      .filter((e) => !e.amends)
      .map((e) => {
        const amendedBy = (amendments.get(e.id) ?? []).sort((a, b) => b.createdAt - a.createdAt);
        const shown = amendedBy[0] ?? e;
        return { kind: e.type, id: e.id, date: shown.date, status: shown.status, title: titleOf(shown), amendedBy: amendedBy.map((a) => a.id) };
      });
    for (const c of contracts) {
      items.push({ kind: 'contract', id: c.id, date: c.startDate, status: c.status, title: `${c.startDate} – ${c.endDate}`, amendedBy: [] });
    }
    return items.sort((a, b) => b.date.localeCompare(a.date) || b.id.localeCompare(a.id));
  }
}

/** A language-neutral one-line summary (numbers only); labels come from the renderer's i18n. */
function titleOf(e: EncounterDoc): string {
  const form = (e.data['form'] ?? {}) as Record<string, unknown>;
  const computed = (e.data['computed'] ?? {}) as Record<string, unknown>;
  const g = (form['generalCondition'] ?? {}) as { bpLeft?: { sbp: number; dbp: number }; bpRight?: { sbp: number; dbp: number } };
  const bp = g.bpRight ?? g.bpLeft ?? (typeof form['sbp'] === 'number' ? { sbp: form['sbp'], dbp: form['dbp'] as number } : undefined);
  const parts: string[] = [];
  if (bp) parts.push(`${bp.sbp}/${bp.dbp} mmHg`);
  if (typeof form['fastingGlucose'] === 'number') parts.push(`${form['fastingGlucose']} mmol/L`);
  if (typeof computed['bmi'] === 'number') parts.push(`BMI ${computed['bmi']}`);
  // A stored card photo is encrypted WLT, never shown as an image (device-reading.ts CardPhotoForm).
  if (form['kind'] === 'cardPhoto' && typeof form['length'] === 'number') parts.push(`WLT ${form['length']} B`);
  return parts.join(' · ');
}
