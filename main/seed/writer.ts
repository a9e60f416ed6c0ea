/**
 * Writes a generated township into an open clinic database in large `bulkInsert` batches, streaming it: documents
 * are made as they are written, so memory stays flat whatever the township's size. Record numbers come
 * from this device's serial block exactly as `issueRecordNo` takes them, only in bulk: a batch's numbers are
 * computed with `nextSerial` and the cursor is saved once, BEFORE the batch's residents are inserted, so a crash
 * can skip serials but never repeat one. Each batch leaves one audit entry with action `seed`.
 *
 * Seeding refuses a clinic that already has residents: synthetic patients must never mix with real records.
 */
import { fillObjectDataBeforeInsert, type RxCollection } from 'rxdb';
import { AppError } from '../../shared/api/errors';
import { nextSerial, remainingSerials, type SerialState } from '../../shared/domain/record-number';
import type { EncounterDoc, EncounterType, HouseholdDoc, ResidentDoc } from '../../shared/schemas/collections';
import type { ClinicContext } from '../services/clinic-context';
import { ensureFirstBlock } from '../services/residents/record-numbers';
import type { GeneratedTownship } from './generator';

export const RESIDENT_BATCH = 2_000;
export const ENCOUNTER_BATCH = 10_000;

export type SeedTarget = Pick<ClinicContext, 'db' | 'clinicCode' | 'deviceId' | 'clock' | 'audit' | 'settings'>;

export interface SeedProgress {
  phase: 'residents' | 'households' | 'encounters';
  done: number;
  total: number | null;
}

export interface WriteSummary {
  written: { residents: number; households: number; encounters: number; audit: number; settings: number };
  encounters: Partial<Record<EncounterType, number>>;
  recordNumbers: { first: string; last: string } | null;
}

/**
 * Record numbers for `villageCodes` in order, from `state`: pure, so the writer and the tests issue the same.
 * Throws RECORD_NUMBERS_EXHAUSTED when a village's serials run out.
 */
export function issueRecordNumbers(state: SerialState, villageCodes: readonly string[]): { recordNos: string[]; state: SerialState } {
  let current = state;
  const recordNos = villageCodes.map((villageCode) => {
    const next = nextSerial(current, villageCode);
    if (!next.ok) throw new AppError('RECORD_NUMBERS_EXHAUSTED', { villageCode });
    current = next.state;
    return next.recordNo;
  });
  return { recordNos, state: current };
}

/**
 * Refuses before anything is written when a village needs more serials than this device has left. Takes the
 * residents, or how many each village has.
 */
export function checkSerialCapacity(state: SerialState, residents: readonly Pick<ResidentDoc, 'villageCode'>[] | ReadonlyMap<string, number>): void {
  let needed: ReadonlyMap<string, number>;
  if (Array.isArray(residents)) {
    const counts = new Map<string, number>();
    for (const r of residents as readonly Pick<ResidentDoc, 'villageCode'>[]) counts.set(r.villageCode, (counts.get(r.villageCode) ?? 0) + 1);
    needed = counts;
  } else {
    needed = residents as ReadonlyMap<string, number>;
  }
  for (const [villageCode, count] of needed) {
    const available = remainingSerials(state, villageCode);
    if (available < count) throw new AppError('RECORD_NUMBERS_EXHAUSTED', { villageCode, needed: count, available });
  }
}

/**
 * Inserts through the collection's storage instance (RxDB's wrapped one: revisions, timestamps and the change
 * stream as for any write) without making the RxDocuments nobody reads: RxCollection.bulkInsert makes one per
 * document and keeps it in the collection's document cache until the garbage collector finalises it.
 */
async function bulkInsertOrThrow<T>(collection: RxCollection<T>, docs: readonly T[]): Promise<void> {
  const rows = docs.map((doc) => ({ document: fillObjectDataBeforeInsert<T>(collection.schema, doc) }));
  const result = await collection.storageInstance.bulkWrite(rows, 'cunyi-seed');
  const first = result.error[0];
  if (first) throw new AppError(first.status === 409 ? 'CONFLICT' : 'INTERNAL', { documentId: first.documentId, failed: result.error.length });
}

/**
 * Lets timers run between batches. Our storage answers from synchronous SQLite, so a loop of awaited writes never
 * leaves the microtask queue; RxDB defers its per-write bookkeeping (change-event buffer, document cache) to a
 * `setTimeout(0)` that therefore never fired, and every written batch stayed referenced from those pending tasks
 * until the seed ended: the 4 GB peak of a 200,000-resident seed.
 */
function yieldToTimers(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export async function writeTownship(
  target: SeedTarget,
  township: GeneratedTownship,
  onProgress: (p: SeedProgress) => void = () => undefined,
): Promise<WriteSummary> {
  const { db } = target;
  if ((await db.rx.residents.count().exec()) > 0) throw new AppError('CONFLICT', { reason: 'the clinic already has residents; seed only empty clinics' });
  const summary: WriteSummary = {
    written: { residents: 0, households: 0, encounters: 0, audit: 0, settings: 0 },
    encounters: {},
    recordNumbers: null,
  };
  const audit = async (collection: string, count: number, detail: string) => {
    await target.audit.record({ action: 'seed', collection, detail: `${count} ${detail}` });
    summary.written.audit += 1;
  };

  if (township.villagesCreated) {
    await target.settings.updateClinic({ villages: township.villages });
    summary.written.settings += 1;
    await audit('settings', township.villages.length, 'villages');
  }
  await ensureFirstBlock(target);
  const blockId = `recordBlock:${target.deviceId}`;
  const blockDoc = await db.rx.settings.findOne(blockId).exec();
  if (!blockDoc) throw new AppError('RECORD_NUMBERS_EXHAUSTED', { reason: 'this device has no record-number block' });
  let state = blockDoc.toJSON().data as unknown as SerialState;
  checkSerialCapacity(state, township.residentsPerVillage);

  // Households and their residents are made as they are read (township.families()) and written in batches, so the
  // whole township is never in memory at once.
  let residents: ResidentDoc[] = [];
  let households: HouseholdDoc[] = [];
  const flushResidents = async () => {
    if (residents.length === 0) return;
    const batch = residents;
    residents = [];
    const issued = issueRecordNumbers(state, batch.map((r) => r.villageCode));
    state = issued.state;
    // The cursor first: a crash after this line leaves unused serials, never a number issued twice.
    const block = await db.rx.settings.findOne(blockId).exec();
    await block?.incrementalPatch({ data: { ...state }, updatedAt: target.clock.now() });
    const docs = batch.map((r, i) => ({ ...r, recordNo: issued.recordNos[i] as string }));
    await bulkInsertOrThrow(db.rx.residents, docs);
    await yieldToTimers();
    summary.written.residents += docs.length;
    const first = docs[0]?.recordNo;
    const last = docs[docs.length - 1]?.recordNo;
    if (first && last) summary.recordNumbers = { first: summary.recordNumbers?.first ?? first, last };
    await audit('residents', docs.length, `residents ${first ?? ''}…${last ?? ''}`);
    onProgress({ phase: 'residents', done: summary.written.residents, total: township.residentCount });
  };
  const flushHouseholds = async () => {
    if (households.length === 0) return;
    const batch = households;
    households = [];
    await bulkInsertOrThrow(db.rx.households, batch);
    await yieldToTimers();
    summary.written.households += batch.length;
    await audit('households', batch.length, 'households');
    onProgress({ phase: 'households', done: summary.written.households, total: township.householdCount });
  };
  for (const family of township.families()) {
    residents.push(...family.residents);
    households.push(family.household);
    if (residents.length >= RESIDENT_BATCH) await flushResidents();
    if (households.length >= RESIDENT_BATCH) await flushHouseholds();
  }
  await flushResidents();
  await flushHouseholds();
  // The device's record-block document, whose cursor moved once per batch.
  summary.written.settings += 1;

  let pending: EncounterDoc[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await bulkInsertOrThrow(db.rx.encounters, batch);
    await yieldToTimers();
    summary.written.encounters += batch.length;
    await audit('encounters', batch.length, 'encounters');
    onProgress({ phase: 'encounters', done: summary.written.encounters, total: null });
  };
  for (const e of township.encounters()) {
    summary.encounters[e.type] = (summary.encounters[e.type] ?? 0) + 1;
    pending.push(e);
    if (pending.length >= ENCOUNTER_BATCH) await flush();
  }
  await flush();
  return summary;
}
