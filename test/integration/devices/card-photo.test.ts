// Issue 14 §2: the clinic's 保存身份证照片 setting. Off (the default) the photo a card read returns is kept nowhere: not
// in the identity event, not held, not in the audit log or the record. On, it is held in the runtime, stored with
// the card holder's record (raw WLT bytes, length, read time; not decodable) with an audit entry, once.
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentityRead } from '../../../shared/api/devices';
import type { AuditEntry, ClinicSettings } from '../../../shared/api/settings';
import type { DeviceIo } from '../../../main/devices';
import { IdCardSim } from '../../../main/devices/idcard/sim';
import { clinicHarness, residentInput, type ApiHarness } from '../../helpers/api';
import { openMockPair, resetMockPorts } from '../../helpers/mock-device';

let h: ApiHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
  resetMockPorts();
});

/** A photo no real card has: every byte differs from its neighbour, so a leak of it is easy to find. */
const PHOTO = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7 + 3) & 0xff);
const PHOTO_BASE64 = Buffer.from(PHOTO).toString('base64');
const PHOTO_HEX = Buffer.from(PHOTO).toString('hex');

async function start(): Promise<{ harness: ApiHarness; identities: IdentityRead[]; events: string[]; residentId: string; otherId: string }> {
  const sim = new IdCardSim();
  sim.photo = PHOTO;
  const io: DeviceIo = { openPort: async () => (await openMockPair(sim)).app, listPorts: async () => [] };
  const harness = await clinicHarness(undefined, { deviceIo: io });
  h = harness;
  const identities: IdentityRead[] = [];
  const events: string[] = [];
  harness.runtime.services.bus.subscribe((event, payload) => {
    events.push(JSON.stringify(payload));
    if (event === 'device.identity') identities.push(payload as IdentityRead);
  });
  // The simulator's card (card-text.ts V2): 张三丰, 110105199003070017.
  const holder = await harness.ok<{ resident: { id: string } }>('residents.create', { input: residentInput({ name: '张三丰', sex: '1', birthDate: '1990-03-07', idNumber: '110105199003070017', phone: '13900003333' }) });
  const other = await harness.ok<{ resident: { id: string } }>('residents.create', { input: residentInput() });
  return { harness, identities, events, residentId: holder.resident.id, otherId: other.resident.id };
}

async function storedPhotos(harness: ApiHarness): Promise<Record<string, unknown>[]> {
  const docs = await harness.runtime.services.clinic().ctx.db.rx.encounters.find({ selector: { type: 'deviceReading' } }).exec();
  return docs.map((d) => (d.toJSON().data as { form: Record<string, unknown> }).form).filter((f) => f['kind'] === 'cardPhoto');
}

async function fileContains(harness: ApiHarness, needle: string): Promise<boolean> {
  const audit = await harness.ok<AuditEntry[]>('audit.list', { limit: 500 });
  return JSON.stringify(audit).includes(needle);
}

describe('ID card photo setting', () => {
  it('is off by default: the read carries no photo, nothing is held, stored or logged', async () => {
    const { harness, identities, events, residentId } = await start();
    expect((await harness.ok<ClinicSettings>('settings.get')).isCardPhotoStored).toBe(false);
    await harness.ok('devices.saveBinding', { label: '读卡器', match: { kind: 'path', path: '/dev/ttyID' }, protocol: 'idcard', baudRate: 115200 });
    await expect.poll(() => identities.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(identities[0]).toMatchObject({ identity: { idNumber: '110105199003070017' }, photo: null });
    expect(events.some((e) => e.includes(PHOTO_BASE64.slice(0, 40)) || e.toLowerCase().includes(PHOTO_HEX.slice(0, 40)))).toBe(false);
    const r = await harness.call('devices.storeCardPhoto', { residentId, photoId: 'any' });
    expect(r.ok === false && r.error).toMatchObject({ code: 'NOT_FOUND', details: { reason: 'card photos are not stored in this clinic' } });
    expect(await storedPhotos(harness)).toEqual([]);
    expect(await fileContains(harness, PHOTO_BASE64.slice(0, 40))).toBe(false);
  });

  it('on: the photo is stored with the card holder, audited, once; another resident is refused; off again drops held photos', async () => {
    const { harness, identities, residentId, otherId } = await start();
    await harness.ok('settings.update', { isCardPhotoStored: true });
    expect((await harness.ok<ClinicSettings>('settings.get')).isCardPhotoStored).toBe(true);
    await harness.ok('devices.saveBinding', { label: '读卡器', match: { kind: 'path', path: '/dev/ttyID' }, protocol: 'idcard', baudRate: 115200 });
    await expect.poll(() => identities.filter((i) => i.photo !== null).length, { timeout: 10_000 }).toBeGreaterThan(1);
    const [first, second] = identities.filter((i) => i.photo !== null);
    expect(first?.photo).toMatchObject({ format: 'wlt', length: 1024, readAt: expect.any(Number) });

    const wrong = await harness.call('devices.storeCardPhoto', { residentId: otherId, photoId: second!.photo!.photoId });
    expect(wrong.ok === false && wrong.error.code).toBe('VALIDATION_FAILED');
    expect(await harness.ok('devices.storeCardPhoto', { residentId, photoId: first!.photo!.photoId })).toEqual({ isNew: true, length: 1024 });
    const again = await harness.call('devices.storeCardPhoto', { residentId, photoId: first!.photo!.photoId });
    expect(again.ok === false && again.error.code).toBe('NOT_FOUND');

    const stored = await storedPhotos(harness);
    expect(stored).toEqual([expect.objectContaining({ residentId, kind: 'cardPhoto', format: 'wlt', isDecodable: false, photoBase64: PHOTO_BASE64, length: 1024, readAt: first!.photo!.readAt, deviceLabel: '读卡器' })]);
    const audit = await harness.ok<AuditEntry[]>('audit.list', { residentId, limit: 50 });
    expect(audit.some((a) => a.action === 'insert' && a.detail.includes('card photo WLT 1024 bytes'))).toBe(true);
    expect(await fileContains(harness, PHOTO_BASE64.slice(0, 40))).toBe(false);

    // The same photo from a later read is not stored twice.
    const later = identities.filter((i) => i.photo !== null).at(-1)!;
    expect(await harness.ok('devices.storeCardPhoto', { residentId, photoId: later.photo!.photoId })).toEqual({ isNew: false, length: 1024 });

    await harness.ok('settings.update', { isCardPhotoStored: false });
    const held = identities.filter((i) => i.photo !== null).at(-2)!;
    const off = await harness.call('devices.storeCardPhoto', { residentId, photoId: held.photo!.photoId });
    expect(off.ok === false && off.error).toMatchObject({ code: 'NOT_FOUND', details: { reason: 'card photos are not stored in this clinic' } });
    const n = identities.length;
    await expect.poll(() => identities.length, { timeout: 10_000 }).toBeGreaterThan(n);
    expect(identities.at(-1)?.photo).toBeNull();
  });
});
