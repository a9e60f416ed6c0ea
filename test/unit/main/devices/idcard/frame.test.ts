import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDecoder, encodeCommand, encodeReply, parseText, type IdCardFrame } from '../../../../../main/devices/idcard/frame';
import { buildText, readReply, V2_FIELDS, V3_FIELDS } from '../../../../../main/devices/idcard/card-text';
import { concat, decodeAll, errors, frames, fuzzDecoder, hex } from '../../../../helpers/devices';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const photoV2 = Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff);
const v2 = readReply(buildText(V2_FIELDS), photoV2);
const v3 = readReply(buildText(V3_FIELDS), new Uint8Array(1024));

describe('SAM ID card decoder (id-card-sam.md)', () => {
  it.each([
    ['reset', 'AA AA AA 96 69 00 03 10 FF EC'],
    ['samStatus', 'AA AA AA 96 69 00 03 11 FF ED'],
    ['samId', 'AA AA AA 96 69 00 03 12 FF EE'],
    ['find', 'AA AA AA 96 69 00 03 20 01 22'],
    ['select', 'AA AA AA 96 69 00 03 20 02 21'],
    ['read', 'AA AA AA 96 69 00 03 30 01 32'],
    ['readWithFingerprint', 'AA AA AA 96 69 00 03 30 10 23'],
  ] as const)('V1 host command %s encodes and decodes as %s', (name, bytes) => {
    expect(encodeCommand(name)).toEqual(hex(bytes));
    expect(frames(decodeAll(createDecoder('host'), hex(bytes)))).toMatchObject([{ kind: 'command', command: name }]);
  });

  it.each([
    ['SAM OK', 'AA AA AA 96 69 00 04 00 00 90 94', 0x90],
    ['find: card present', 'AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97', 0x9f],
    ['select OK', 'AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C', 0x90],
  ])('V1 reply %s is a status frame', (_n, bytes, status) => {
    expect(frames(decodeAll(createDecoder('device'), hex(bytes)))).toMatchObject([{ kind: 'status', status }]);
  });

  it.each([
    ['SAM self-test failed', 'AA AA AA 96 69 00 04 00 00 60 64', 0x60],
    ['find: no card', 'AA AA AA 96 69 00 04 00 00 80 84', 0x80],
    ['select failed', 'AA AA AA 96 69 00 04 00 00 81 85', 0x81],
    ['read failed', 'AA AA AA 96 69 00 04 00 00 41 45', 0x41],
  ])('V1 reply %s is a device-status error carrying SW3', (_n, bytes, status) => {
    const r = decodeAll(createDecoder('device'), hex(bytes));
    expect(r).toMatchObject([{ ok: false, error: 'device-status', status }]);
  });

  it('V2 resident card: 1295 bytes, the published start, CHK and SHA-256', () => {
    expect(v2.length).toBe(1295);
    expect(v2.subarray(0, 20)).toEqual(hex('AA AA AA 96 69 05 08 00 00 90 01 00 04 00 20 5F 09 4E 30 4E'));
    expect(v2[1294]).toBe(0x6c);
    expect(sha(v2)).toBe('33cc49adf15c0267df72e760db66607f4da41f77275e4bd50f7cda7cd835c307');
    const [f] = frames(decodeAll(createDecoder('device'), v2, [1024, 271]));
    expect(f).toMatchObject({
      kind: 'identity',
      identity: {
        documentType: 'residentId',
        name: '张三丰',
        sex: '1',
        ethnicity: '01',
        birthDate: '1990-03-07',
        address: '北京市东城区示例路1号',
        idNumber: '110105199003070017',
        issuer: '北京市公安局东城分局',
        validFrom: '2015-01-01',
        validTo: '2035-01-01',
      },
    });
    expect((f as Extract<IdCardFrame, { kind: 'identity' }>).photo).toEqual(photoV2);
  });

  it('V3 HK/Macau/Taiwan residence permit J: CHK, SHA-256, text bytes 220–255, pass number and issue count', () => {
    expect(v3[v3.length - 1]).toBe(0xb7);
    expect(sha(v3)).toBe('d06dbe293e553c754d7e4edfb14a6d8999a69a56df7abc3ed47ed8e6b3f63888');
    expect(v3.subarray(14 + 220, 14 + 256)).toEqual(hex('48 00 36 00 30 00 31 00 32 00 33 00 34 00 35 00 36 00 30 00 31 00 20 00 20 00 20 00 4A 00 20 00 20 00 20 00'));
    expect(frames(decodeAll(createDecoder('device'), v3))).toMatchObject([
      { kind: 'identity', identity: { documentType: 'hkMacaoTaiwanPermit', name: '陈大文', ethnicity: null, idNumber: '810000198506120032', passNumber: 'H60123456', issueCount: '01', address: '广东省深圳市福田区示例路8号', validTo: '2029-09-01' } },
    ]);
  });

  it('长期 validity becomes longTerm; an address with inner spaces keeps them', () => {
    const text = buildText({ ...V2_FIELDS, validTo: '长期', address: '北京市 东城区 示例路1号' });
    const p = parseText(text);
    expect(p).toMatchObject({ ok: true, identity: { validTo: 'longTerm', address: '北京市 东城区 示例路1号' } });
  });

  it('foreign permanent resident card 2017 (I): English name, 15-char number, nationality, no address', () => {
    const text = buildText({ layout: 'I', nameEnglish: 'SMITH, JOHN', sex: '1', cardNumber: 'USA110079060101', nationality: 'USA', nameChinese: '约翰', validFrom: '20170101', validTo: '20270101', birth: '19790601', cardVersion: '01', authority: '1500' });
    expect(parseText(text)).toMatchObject({ ok: true, identity: { documentType: 'foreignerPermanent2017', name: '约翰', nameEnglish: 'SMITH, JOHN', idNumber: 'USA110079060101', nationality: 'USA', address: null, birthDate: '1979-06-01', cardVersion: '01' } });
  });

  it('foreign permanent resident ID card 2023 (Y): 18-digit number, English name split over two fields', () => {
    const part1 = 'WILLIAMSON-MONTGOMERY, ALEXANDRA EL'; // exactly 35 characters
    const text = buildText({ layout: 'Y', name: '', sex: '2', renewal: '00', birth: '19880214', nameEnglish1: part1, idNumber: '932682198802140026', validFrom: '20230901', validTo: '20330901', nameEnglish2: 'IZABETH', nationality: 'CAN', previous: '' });
    expect(part1).toHaveLength(35);
    expect(parseText(text)).toMatchObject({ ok: true, identity: { documentType: 'foreignerPermanent2023', name: `${part1}IZABETH`, nameEnglish: `${part1}IZABETH`, idNumber: '932682198802140026', nationality: 'CAN', birthDate: '1988-02-14' } });
  });

  it.each([
    ['bad check digit', { ...V2_FIELDS, id: '110105199003070018' }, 'MOD 11-2'],
    ['impossible birth date', { ...V2_FIELDS, birth: '19900230' }, 'birth date'],
    ['resident card with an HK number', { ...V2_FIELDS, id: '810000198506120032' }, 'card type'],
  ])('a card text with %s is a format error, never an identity', (_n, fields, msg) => {
    const r = decodeAll(createDecoder('device'), readReply(buildText(fields), new Uint8Array(1024)));
    expect(r).toMatchObject([{ ok: false, error: 'format' }]);
    expect(r[0] && !r[0].ok && r[0].message).toContain(msg);
  });

  it('garbage before a frame, extra AA padding, two frames in one chunk', () => {
    const ok = hex('AA AA AA 96 69 00 04 00 00 90 94');
    const r = decodeAll(createDecoder('device'), concat(hex('01 02 03'), hex('AA AA'), ok, v2));
    expect(errors(r)).toEqual(['garbage']);
    expect(frames(r).map((f) => f.kind)).toEqual(['status', 'identity']);
  });

  it('a bad XOR is a checksum error and the next frame still decodes', () => {
    const bad = Uint8Array.from(v2);
    bad[500] = (bad[500] ?? 0) ^ 0x40;
    const r = decodeAll(createDecoder('device'), concat(bad, v3));
    expect(errors(r)).toEqual(['checksum']);
    expect(frames(r)).toMatchObject([{ kind: 'identity', identity: { name: '陈大文' } }]);
  });

  it('a frame inside a damaged one decodes, and each byte is reported once', () => {
    // The outer LEN covers the whole inner frame, its XOR byte (00) is wrong.
    const inner = hex('AA AA AA 96 69 00 04 00 00 90 94');
    const stream = concat(hex('AA AA AA 96 69 00 0C'), inner, hex('00'));
    for (const chunks of [[stream.length], [1], [3, 5]]) {
      const r = decodeAll(createDecoder('device'), stream, chunks);
      expect(r.map((x) => (x.ok ? 'frame' : x.error))).toEqual(['checksum', 'frame', 'truncated']);
      expect(r.reduce((n, x) => n + x.raw.length, 0)).toBe(stream.length);
    }
  });

  it('a damaged frame ending in the start of the next preamble gives those bytes back to the next frame', () => {
    const damaged = hex('AA AA AA 96 69 00 05 00 00 90 AA AA');
    const next = hex('AA AA AA 96 69 00 04 00 00 90 94');
    const stream = concat(damaged, next.subarray(2));
    for (const chunks of [[stream.length], [damaged.length, 100], [1]]) {
      const r = decodeAll(createDecoder('device'), stream, chunks);
      expect(errors(r)).toEqual(['checksum']);
      expect(frames(r)).toMatchObject([{ kind: 'status', status: 0x90 }]);
    }
  });

  it.each([
    ['LEN 2', 'AA AA AA 96 69 00 02 00 00'],
    ['LEN 0x2000', 'AA AA AA 96 69 20 00 00 00'],
  ])('absurd %s is a length error and does not swallow the next frame', (_n, bytes) => {
    const r = decodeAll(createDecoder('device'), concat(hex(bytes), hex('AA AA AA 96 69 00 04 00 00 90 94')));
    expect(r[0]).toMatchObject({ ok: false, error: 'length' });
    expect(frames(r)).toMatchObject([{ kind: 'status', status: 0x90 }]);
  });

  it('a frame cut short is reported as truncated at the end of input', () => {
    expect(decodeAll(createDecoder('device'), v2.subarray(0, 700))).toMatchObject([{ ok: false, error: 'truncated' }]);
  });

  it('lengths that do not add up are a length error', () => {
    const body = [0x00, 0x00, 0x90, 0x01, 0x00, 0x04, 0x00, ...buildText(V2_FIELDS), ...new Uint8Array(1000)];
    expect(decodeAll(createDecoder('device'), encodeReply(0x90, body.slice(3)))).toMatchObject([{ ok: false, error: 'length' }]);
  });

  it('fuzz: random and mutated frames (fast-check)', () => {
    fuzzDecoder(() => createDecoder('device'), concat(hex('AA AA AA 96 69 00 04 00 00 90 94'), v2, hex('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97'), v3), { runs: 60, accountsForEveryByte: { skippable: [0xaa] } });
    fuzzDecoder(() => createDecoder('host'), concat(encodeCommand('find'), encodeCommand('select'), encodeCommand('read')), { runs: 100, accountsForEveryByte: { skippable: [0xaa] } });
  });
});
