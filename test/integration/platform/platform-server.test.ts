/**
 * The platform's HTTP door on PGlite, called through the device's pinned client: enrolment, pull by checkpoint,
 * push with conflicts against the assumed master, duplicate pushes, jurisdiction, revocation, versioning, size
 * limits and unparseable bodies. PostgreSQL runs the same store tests in platform-postgres.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import { BlockResponse, PullResponse, PushResponse } from '../../../shared/sync/protocol';
import { PlatformHttp } from '../../../main/sync/platform-http';
import { COMPRESS_THRESHOLD } from '../../../platform/server';
import { CLINIC_A, CLINIC_B, enrolDevice, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

let p: TestPlatform;
let a: PlatformHttp;
let b: PlatformHttp;
const village = CLINIC_A.villages[0]!.code;

beforeAll(async () => {
  p = await startTestPlatform();
  a = (await enrolDevice(p, CLINIC_A, 'device-a')).http;
  b = (await enrolDevice(p, CLINIC_B, 'device-b')).http;
});
afterAll(async () => {
  await a.close();
  await b.close();
  await p.dispose();
});

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AppError) return `${e.code}${typeof e.details?.['error'] === 'string' ? `:${e.details['error']}` : ''}`;
    throw e;
  }
  return 'ok';
}

describe('platform server', () => {
  it('pushes, pulls by checkpoint in batches, and scopes pulls to the clinic villages', async () => {
    const docs = Array.from({ length: 5 }, () => residentWire(village));
    const other = residentWire(CLINIC_B.villages[0]!.code);
    expect(await a.json('POST', '/residents/push', docs.map((d) => ({ newDocumentState: d })), PushResponse)).toEqual([]);
    expect(await b.json('POST', '/residents/push', [{ newDocumentState: other }], PushResponse)).toEqual([]);
    const first = await a.json('GET', '/residents/pull?seq=0&limit=3', undefined, PullResponse);
    expect(first.documents.map((d) => d['id'])).toEqual(docs.slice(0, 3).map((d) => d.id));
    const second = await a.json('GET', `/residents/pull?seq=${first.checkpoint.seq}&limit=3`, undefined, PullResponse);
    expect(second.documents.map((d) => d['id'])).toEqual(docs.slice(3).map((d) => d.id));
    const third = await a.json('GET', `/residents/pull?seq=${second.checkpoint.seq}&limit=3`, undefined, PullResponse);
    expect(third).toEqual({ documents: [], checkpoint: second.checkpoint });
    const fromB = await b.json('GET', '/residents/pull?seq=0&limit=100', undefined, PullResponse);
    expect(fromB.documents.map((d) => d['id'])).toEqual([other.id]);
    expect(fromB.documents[0]).toEqual(other);
  });

  it('tells the other devices of a change on their stream, not the device that pushed it', async () => {
    const a2 = (await enrolDevice(p, CLINIC_A, 'device-a2')).http;
    const stop = new AbortController();
    const heard = { a: [] as string[], a2: [] as string[] };
    const listen = (http: PlatformHttp, into: string[]) =>
      http.events((event, data) => into.push(event === 'change' ? `change:${(JSON.parse(data) as { collection: string }).collection}` : event), stop.signal);
    const until = async (what: () => boolean) => {
      while (!what()) await new Promise((r) => setTimeout(r, 10));
    };
    const streams = [listen(a, heard.a), listen(a2, heard.a2)];
    try {
      await until(() => heard.a.includes('hello') && heard.a2.includes('hello'));
      await a.json('POST', '/residents/push', [{ newDocumentState: residentWire(village) }], PushResponse);
      await until(() => heard.a2.includes('change:residents'));
      const household = { id: '0190f0e0-0000-7000-8000-99990000a201', clinicCode: CLINIC_A.code, villageCode: village, headResidentId: '', address: '一村1号', data: {}, createdAt: 1, updatedAt: 1, _deleted: false };
      expect(await a2.json('POST', '/households/push', [{ newDocumentState: household }], PushResponse)).toEqual([]);
      await until(() => heard.a.includes('change:households'));
      // One stream is in order: a notice of a's own push would have come before the one of a2's push.
      expect(heard).toEqual({ a: ['hello', 'change:households'], a2: ['hello', 'change:residents'] });
    } finally {
      stop.abort();
      await Promise.all(streams);
      await a2.close();
    }
  });

  it('answers the real master for a stale assumed state, and writes on the right one', async () => {
    const v1 = residentWire(village);
    await a.json('POST', '/residents/push', [{ newDocumentState: v1 }], PushResponse);
    const v2 = { ...v1, name: '改名' };
    expect(await a.json('POST', '/residents/push', [{ assumedMasterState: v1, newDocumentState: v2 }], PushResponse)).toEqual([]);
    const stale = { ...v1, phone: '13800000000' };
    expect(await a.json('POST', '/residents/push', [{ assumedMasterState: v1, newDocumentState: stale }], PushResponse)).toEqual([v2]);
    expect(await a.json('POST', '/residents/push', [{ newDocumentState: { ...v1, phone: '1' } }], PushResponse)).toEqual([v2]);
  });

  it('treats a push delivered twice as one: no conflict, no new change sequence', async () => {
    const v1 = residentWire(village);
    const rows = [{ newDocumentState: v1 }];
    await a.json('POST', '/residents/push', rows, PushResponse);
    const before = await a.json('GET', '/residents/pull?seq=0&limit=1000', undefined, PullResponse);
    expect(await a.json('POST', '/residents/push', rows, PushResponse)).toEqual([]);
    const after = await a.json('GET', '/residents/pull?seq=0&limit=1000', undefined, PullResponse);
    expect(after.checkpoint).toEqual(before.checkpoint);
    console.log('checked: a duplicate push leaves the change sequence at', after.checkpoint.seq);
  });

  it('refuses and logs a push outside the jurisdiction, writing nothing of that push', async () => {
    const mine = residentWire(village);
    const foreign = residentWire(CLINIC_B.villages[0]!.code);
    expect(await code(a.json('POST', '/residents/push', [{ newDocumentState: mine }, { newDocumentState: foreign }], PushResponse))).toBe('PLATFORM_REFUSED:OUT_OF_JURISDICTION');
    const all = await p.store.allDocuments('residents');
    expect(all.some((d) => d['id'] === mine.id || d['id'] === foreign.id)).toBe(false);
    expect((await p.store.refusals()).some((r) => r.documentId === foreign.id && r.deviceId === 'device-a')).toBe(true);
    const setting = { id: 'team:x', type: 'team', clinicCode: CLINIC_B.code, data: {}, updatedAt: 1, _deleted: false };
    expect(await code(a.json('POST', '/settings/push', [{ newDocumentState: setting }], PushResponse))).toBe('PLATFORM_REFUSED:OUT_OF_JURISDICTION');
  });

  it('keeps each clinic’s own settings document when two clinics use the same id (clinic, package:…)', async () => {
    const setting = (clinicCode: string, name: string) => ({ id: 'clinic', type: 'clinic', clinicCode, data: { clinicName: name }, updatedAt: 1, _deleted: false });
    expect(await a.json('POST', '/settings/push', [{ newDocumentState: setting(CLINIC_A.code, CLINIC_A.name) }], PushResponse)).toEqual([]);
    expect(await b.json('POST', '/settings/push', [{ newDocumentState: setting(CLINIC_B.code, CLINIC_B.name) }], PushResponse)).toEqual([]);
    const mineA = (await a.json('GET', '/settings/pull?seq=0&limit=1000', undefined, PullResponse)).documents.filter((d) => d['id'] === 'clinic');
    const mineB = (await b.json('GET', '/settings/pull?seq=0&limit=1000', undefined, PullResponse)).documents.filter((d) => d['id'] === 'clinic');
    expect(mineA.map((d) => d['clinicCode'])).toEqual([CLINIC_A.code]);
    expect(mineB.map((d) => d['clinicCode'])).toEqual([CLINIC_B.code]);
  });

  it('refuses documents that do not parse, naming the field', async () => {
    const bad = { ...residentWire(village), sex: 'male' };
    const e = await a.json('POST', '/residents/push', [{ newDocumentState: bad }], PushResponse).catch((x: unknown) => x as AppError);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('PLATFORM_REFUSED');
    expect(String((e as AppError).details?.['message'])).toContain('sex');
    const extra = { ...residentWire(village), secret: 1 };
    expect(await code(a.json('POST', '/residents/push', [{ newDocumentState: extra }], PushResponse))).toBe('PLATFORM_REFUSED:BAD_REQUEST');
    expect(await code(a.json('POST', '/nosuch/push', [], PushResponse))).toBe('PLATFORM_REFUSED:NOT_FOUND');
  });

  it('refuses a body over the size limit with TOO_LARGE', async () => {
    const huge = residentWire(village, { data: { blob: 'x'.repeat(9 * 1024 * 1024) } });
    expect(await code(a.json('POST', '/residents/push', [{ newDocumentState: huge }], PushResponse))).toBe('PLATFORM_REFUSED:TOO_LARGE');
  });

  it('refuses requests without a valid credential, and a revoked device at once', async () => {
    const anon = new PlatformHttp({ url: p.url, fingerprint256: p.tls.fingerprint256 });
    expect(await code(anon.json('GET', '/residents/pull', undefined, PullResponse))).toBe('PLATFORM_REFUSED:UNAUTHORIZED');
    await anon.close();
    const c = await enrolDevice(p, CLINIC_A, 'device-revoked');
    expect(await code(c.http.json('GET', '/residents/pull', undefined, PullResponse))).toBe('ok');
    await p.store.revokeDevice('device-revoked');
    expect(await code(c.http.json('GET', '/residents/pull', undefined, PullResponse))).toBe('DEVICE_REVOKED');
    await c.http.close();
  });

  it('pins the certificate: another fingerprint is refused before any request is sent', async () => {
    const wrong = new PlatformHttp({ url: p.url, fingerprint256: 'AA:'.repeat(31) + 'AA', credential: 'x'.repeat(43) });
    expect(await code(wrong.json('GET', '/residents/pull', undefined, PullResponse))).toBe('PLATFORM_CERTIFICATE_MISMATCH');
    await wrong.close();
  });

  it('answers 426 to an older protocol version and compresses large answers, not a live pull of one document', async () => {
    const agent = new Agent({ connect: { rejectUnauthorized: false } });
    const old = await fetch(`${p.url}/v0/residents/pull`, { dispatcher: agent });
    expect(old.status).toBe(426);
    expect(((await old.json()) as { error: string }).error).toBe('CLIENT_TOO_OLD');
    await agent.close();
    const d = await enrolDevice(p, CLINIC_A, 'device-gzip');
    // A page of 40 residents is far above COMPRESS_THRESHOLD; one resident is far below it.
    const many = Array.from({ length: 40 }, () => ({ newDocumentState: residentWire(village, { data: { note: '慢病随访'.repeat(40) } }) }));
    expect(await d.http.json('POST', '/residents/push', many, PushResponse)).toEqual([]);
    const raw = new Agent({ connect: { rejectUnauthorized: false } });
    const headers = { authorization: `Bearer ${d.credential}`, 'accept-encoding': 'gzip' };
    const res = await fetch(`${p.url}/v1/residents/pull?seq=0&limit=100`, { dispatcher: raw, headers });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.byteLength(JSON.stringify(await res.json()))).toBeGreaterThan(COMPRESS_THRESHOLD);
    const one = await fetch(`${p.url}/v1/residents/pull?seq=0&limit=1`, { dispatcher: raw, headers });
    expect(one.headers.get('content-encoding')).toBeNull();
    expect(PullResponse.parse(await one.json()).documents).toHaveLength(1);
    await raw.close();
    await d.http.close();
  });

  it('grants non-overlapping record-number blocks per device, never the set-up block', async () => {
    const one = await a.json('POST', '/record-blocks', {}, BlockResponse);
    const two = await a.json('POST', '/record-blocks', {}, BlockResponse);
    expect(one.block.start).toBeGreaterThan(9_999);
    expect(two.block.start).toBeGreaterThan(one.block.end);
    expect(z.number().parse(two.block.end)).toBeLessThanOrEqual(99_999);
  });

  it('makes an enrolment code work once', async () => {
    const { enrolmentCode } = await p.store.addClinic(CLINIC_A);
    const http = new PlatformHttp({ url: p.url, fingerprint256: p.tls.fingerprint256 });
    const body = { code: enrolmentCode, deviceId: 'device-once', blocks: [{ start: 1, end: 9999 }] };
    const first = await http.json('POST', '/enrol', body, z.object({ credential: z.string(), blocks: z.array(z.object({ start: z.number(), end: z.number() })) }));
    expect(first.blocks[0]).toEqual({ start: 1, end: 9999 });
    expect(await code(http.json('POST', '/enrol', { ...body, deviceId: 'device-twice' }, z.unknown()))).toBe('ENROLMENT_CODE_INVALID');
    await http.close();
  });
});
