/**
 * The encounter lifecycle, for every kind of encounter (health checks, follow-ups, enrolments, referral checks,
 * and those to come): draft → complete → amend, and which version is shown (shared/domain/encounter-versions.ts).
 * Every write runs inside the caller's unit of work, and its preconditions are read inside that same transaction:
 * "still a draft" for saving and completing, "not amended since you loaded it" for amending. A lost race is a
 * CONFLICT that says who got there first and when, so the UI can offer to reload.
 *
 * Every body it writes carries the form version of its type (form-versions.ts) and, once completed, who completed
 * it, so an old record stays readable when a form becomes stricter and a conflict can name a person.
 */
import { AppError } from '../../../shared/api/errors';
import { latestVersions, versionsOf, type Versions } from '../../../shared/domain/encounter-versions';
import { currentFormVersion } from '../../../shared/schemas/form-versions';
import type { EncounterDoc, EncounterType } from '../../../shared/schemas/collections';
import type { AuditEvent } from '../audit-log';
import type { ClinicContext } from '../clinic-context';
import { newEncounterDoc, type NewEncounter } from '../encounter-docs';
import { stripMeta, type Stored, type WriteTx } from '../unit-of-work';

/** Who completed an encounter, kept in its body so a conflict can name them. */
export interface CompletedBy {
  id: string;
  name: string;
}

export interface EncounterChange {
  date: string;
  data: Record<string, unknown>;
}

type Audit = Omit<AuditEvent, 'collection' | 'recordId'>;

function plain(doc: Stored<'encounters'>): EncounterDoc {
  return stripMeta(doc);
}

export class EncounterLifecycle {
  constructor(private readonly ctx: Pick<ClinicContext, 'db' | 'clinicCode' | 'clock' | 'user'>) {}

  private stamp(type: EncounterType, data: Record<string, unknown>, completed: boolean): Record<string, unknown> {
    const stamped: Record<string, unknown> = { ...data, formVersion: currentFormVersion(type) };
    if (completed) stamped['completedBy'] = { id: this.ctx.user.id, name: this.ctx.user.displayName } satisfies CompletedBy;
    return stamped;
  }

  /** Reads one encounter of the given types (NOT_FOUND otherwise). */
  async load(id: string, types: readonly EncounterType[]): Promise<EncounterDoc> {
    const doc = await this.ctx.db.rx.encounters.findOne(id).exec();
    const e = doc?.toJSON();
    if (!e || !types.includes(e.type)) throw new AppError('NOT_FOUND', { id });
    return e;
  }

  /** The versions of the encounter `id` belongs to (given the original or any of its amendments). */
  async versions(id: string, types: readonly EncounterType[]): Promise<Versions<EncounterDoc>> {
    const e = await this.load(id, types);
    const root = e.amends ? await this.load(e.amends, types) : e;
    const amendments = (await this.ctx.db.rx.encounters.find({ selector: { amends: root.id } }).exec()).map((d) => d.toJSON() as EncounterDoc);
    return versionsOf(root, amendments);
  }

  /** Every original of a resident's encounters of these types, with its shown version. */
  async forResident(residentId: string, types: readonly EncounterType[]): Promise<Versions<EncounterDoc>[]> {
    const docs = (await this.ctx.db.rx.encounters.find({ selector: { residentId } }).exec())
      .map((d) => d.toJSON() as EncounterDoc)
      .filter((e) => types.includes(e.type));
    return latestVersions(docs);
  }

  /**
   * A new encounter with the id the client made. A retry of the same call (same id, type, resident and author)
   * returns what the first call wrote; the id taken by anything else is a CONFLICT.
   */
  create(tx: WriteTx, e: NewEncounter & { id: string }, audit: Audit): { doc: EncounterDoc; retried: boolean } {
    const existing = tx.get('encounters', e.id);
    if (existing) {
      const same = existing.type === e.type && existing.residentId === e.resident.id && existing.createdBy === this.ctx.user.id && existing.amends === (e.amends?.id ?? '');
      if (!same) throw new AppError('CONFLICT', { reason: 'idTaken', id: e.id });
      return { doc: plain(existing), retried: true };
    }
    const doc = newEncounterDoc(this.ctx, { ...e, data: this.stamp(e.type, e.data, e.status === 'completed') });
    tx.insert('encounters', doc);
    tx.audit({ ...audit, collection: 'encounters', recordId: doc.id });
    return { doc, retried: false };
  }

  /** Throws the CONFLICT of a lost race when `current` is no longer a draft. */
  private mustBeDraft(current: Stored<'encounters'>): void {
    if (current.status === 'draft' && !current.amends) return;
    const by = current.data['completedBy'] as CompletedBy | undefined;
    throw new AppError('CONFLICT', { reason: 'completed', id: current.id, by: by?.name ?? current.createdBy, at: current.completedAt });
  }

  private current(tx: WriteTx, id: string, type: EncounterType): Stored<'encounters'> {
    const current = tx.get('encounters', id);
    if (!current || current.type !== type) throw new AppError('NOT_FOUND', { id });
    return current;
  }

  /** Saves a draft's new values; CONFLICT when someone completed it meanwhile. */
  saveDraft(tx: WriteTx, id: string, type: EncounterType, change: EncounterChange, audit: Audit): EncounterDoc {
    const current = this.current(tx, id, type);
    this.mustBeDraft(current);
    const next: EncounterDoc = { ...plain(current), date: change.date, data: this.stamp(type, change.data, false), updatedAt: this.ctx.clock.now() };
    tx.update('encounters', current, next);
    tx.audit({ ...audit, collection: 'encounters', recordId: id });
    return next;
  }

  /** Completes a draft with its final values; CONFLICT when someone completed it first. */
  complete(tx: WriteTx, id: string, type: EncounterType, change: EncounterChange, audit: Audit): EncounterDoc {
    const current = this.current(tx, id, type);
    this.mustBeDraft(current);
    const now = this.ctx.clock.now();
    const next: EncounterDoc = {
      ...plain(current),
      date: change.date,
      status: 'completed',
      data: this.stamp(type, change.data, true),
      updatedAt: now,
      completedAt: now,
    };
    tx.update('encounters', current, next);
    tx.audit({ ...audit, collection: 'encounters', recordId: id });
    return next;
  }

  /**
   * A correction of a completed encounter. `basedOn` is the version the user loaded (the shown version's id); when
   * another amendment was saved since, the correction would silently undo it, so it is a CONFLICT instead.
   */
  amend(
    tx: WriteTx,
    root: EncounterDoc,
    basedOn: string | undefined,
    e: NewEncounter & { id: string; reason: string },
    audit: Audit,
  ): { doc: EncounterDoc; retried: boolean } {
    const stored = tx.get('encounters', root.id);
    if (!stored || stored.status !== 'completed' || stored.amends) throw new AppError('VALIDATION_FAILED', { id: root.id }, 'VALIDATION_FAILED', [{ path: 'id', message: 'validation.amendDraft' }]);
    const retry = tx.get('encounters', e.id);
    if (!retry) {
      const amendments = tx.find('encounters', { selector: { amends: root.id } });
      const shown = versionsOf(plain(stored), amendments.map(plain)).shown;
      if (basedOn !== undefined && shown.id !== basedOn) {
        const by = shown.data['completedBy'] as CompletedBy | undefined;
        throw new AppError('CONFLICT', { reason: 'amended', id: root.id, by: by?.name ?? shown.createdBy, at: shown.completedAt });
      }
    }
    return this.create(tx, { ...e, status: 'completed', amends: { id: root.id, reason: e.reason } }, audit);
  }
}
