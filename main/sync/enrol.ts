/**
 * Enrols this device with the county platform once: trades the operator's one-time code for a device credential,
 * pins the platform's certificate (the fingerprint the operator read out, or the one seen on this first contact),
 * and takes the record-number block the platform grants (DESIGN.md §2) into the device's own serial state.
 */
import { AppError } from '../../shared/api/errors';
import type { SyncStatus } from '../../shared/api/sync';
import { addBlock, initialSerialState, type SerialBlock, type SerialState } from '../../shared/domain/record-number';
import { EnrolResponse } from '../../shared/sync/protocol';
import type { ClinicContext } from '../services/clinic-context';
import { PlatformHttp } from './platform-http';
import type { SyncEngine } from './sync-engine';

export interface EnrolInput {
  url: string;
  code: string;
  fingerprint?: string | undefined;
}

function normalise(f: string): string {
  const hex = f.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? hex;
}

export async function enrolWithPlatform(
  engine: SyncEngine,
  ctx: Pick<ClinicContext, 'db' | 'deviceId' | 'clinicCode' | 'clock'>,
  input: EnrolInput,
): Promise<SyncStatus> {
  if (engine.enrolments.enrolment()) throw new AppError('CONFLICT', { reason: 'already enrolled' });
  const blockDoc = await ctx.db.rx.settings.findOne(`recordBlock:${ctx.deviceId}`).exec();
  const state = (blockDoc?.toJSON().data as unknown as SerialState | undefined) ?? initialSerialState([]);
  const http = new PlatformHttp({ url: input.url, fingerprint256: input.fingerprint ?? null });
  try {
    const r = await http.json('POST', '/enrol', { code: input.code, deviceId: ctx.deviceId, blocks: state.blocks }, EnrolResponse);
    if (r.clinicCode !== ctx.clinicCode) {
      throw new AppError('PLATFORM_REFUSED', { error: 'OTHER_CLINIC', message: `This enrolment code is for clinic ${r.clinicCode}; this device belongs to clinic ${ctx.clinicCode}.` });
    }
    const fingerprint = normalise(input.fingerprint ?? http.seenFingerprint ?? '');
    let next = state;
    for (const b of r.blocks as SerialBlock[]) {
      const same = next.blocks.some((o) => o.start === b.start && o.end === b.end && o.villageCode === b.villageCode);
      if (!same) next = addBlock(next, b);
    }
    // The device's cursor is saved before any number is issued from a new block (record-numbers.ts).
    if (blockDoc) await blockDoc.incrementalPatch({ data: { ...next }, updatedAt: ctx.clock.now() });
    else await ctx.db.rx.settings.insert({ id: `recordBlock:${ctx.deviceId}`, type: 'recordBlock', clinicCode: ctx.clinicCode, data: { ...next }, updatedAt: ctx.clock.now() });
    engine.enrolments.saveEnrolment({
      url: input.url,
      fingerprint256: fingerprint,
      credential: r.credential,
      deviceId: ctx.deviceId,
      clinicCode: r.clinicCode,
      villages: r.villages.map((v) => v.code),
    });
    engine.start();
    return engine.status();
  } finally {
    await http.close();
  }
}

