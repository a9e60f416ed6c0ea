/**
 * 健康档案编号 allocation. Record numbers are unique forever, so serials come from blocks owned by one device:
 * the clinic's first device owns FIRST_DEVICE_BLOCK from set-up, later blocks are granted by the platform (sync
 * issue). A device only ever issues from its own blocks, and its per-village cursor only moves up and is saved
 * *before* the resident that uses the number, so a crash can skip a serial but never repeat one.
 */
import { AppError } from '../../../shared/api/errors';
import { FIRST_DEVICE_BLOCK, initialSerialState, nextSerial, type SerialState } from '../../../shared/domain/record-number';
import type { ClinicContext } from '../clinic-context';
import type { WriteTx } from '../unit-of-work';

function docId(deviceId: string): string {
  return `recordBlock:${deviceId}`;
}

export async function ensureFirstBlock(ctx: Pick<ClinicContext, 'db' | 'clinicCode' | 'deviceId' | 'clock'>): Promise<void> {
  const existing = await ctx.db.rx.settings.findOne(docId(ctx.deviceId)).exec();
  if (existing) return;
  // Only the first device of a clinic may take the set-up block: any other block doc means this is a later device.
  const others = await ctx.db.rx.settings.find({ selector: { type: 'recordBlock' } }).exec();
  const state = initialSerialState(others.length === 0 ? [FIRST_DEVICE_BLOCK] : []);
  await ctx.db.rx.settings.insert({ id: docId(ctx.deviceId), type: 'recordBlock', clinicCode: ctx.clinicCode, data: { ...state }, updatedAt: ctx.clock.now() });
}

export async function issueRecordNo(ctx: Pick<ClinicContext, 'db' | 'clinicCode' | 'deviceId' | 'clock'>, villageCode: string): Promise<string> {
  const doc = await ctx.db.rx.settings.findOne(docId(ctx.deviceId)).exec();
  if (!doc) throw new AppError('RECORD_NUMBERS_EXHAUSTED', { villageCode });
  const state = doc.toJSON().data as unknown as SerialState;
  const next = nextSerial(state, villageCode);
  if (!next.ok) throw new AppError('RECORD_NUMBERS_EXHAUSTED', { villageCode });
  await doc.incrementalPatch({ data: { ...next.state }, updatedAt: ctx.clock.now() });
  return next.recordNo;
}

/**
 * Record numbers for a batch (an import), one per village code in order, inside its unit of work: the cursor is written in the transaction that writes the residents, so
 * they commit together (no serial skipped) or not at all (none used); never one number twice either way.
 */
export function issueRecordNosIn(tx: WriteTx, ctx: Pick<ClinicContext, 'deviceId' | 'clock'>, villageCodes: readonly string[]): string[] {
  if (villageCodes.length === 0) return [];
  const doc = tx.get('settings', docId(ctx.deviceId));
  if (!doc) throw new AppError('RECORD_NUMBERS_EXHAUSTED', { villageCode: villageCodes[0] });
  let state = doc.data as unknown as SerialState;
  const out: string[] = [];
  for (const villageCode of villageCodes) {
    const next = nextSerial(state, villageCode);
    if (!next.ok) throw new AppError('RECORD_NUMBERS_EXHAUSTED', { villageCode });
    state = next.state;
    out.push(next.recordNo);
  }
  tx.update('settings', doc, { ...doc, data: { ...state }, updatedAt: ctx.clock.now() });
  return out;
}
