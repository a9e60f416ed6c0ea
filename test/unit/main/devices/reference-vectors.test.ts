/**
 * Every byte vector printed in `/work/shared/devices/*.md`, fed through `cunyi device decode` (the CLI function, the
 * same decoder the app uses) whole and split into odd chunk sizes: each gives exactly the documented result, and
 * every input byte comes back in some result's raw bytes. Also fuzzes the host direction of every decoder (the
 * per-protocol suites fuzz the device direction).
 */
import { describe, expect, it } from 'vitest';
import { device } from '../../../../main/cli/device';
import { createProtocolDecoder, PROTOCOLS, type Protocol } from '../../../../main/devices/protocols';
import { encodeCommand as samCommand } from '../../../../main/devices/idcard/frame';
import { buildText, readReply, V2_FIELDS, V3_FIELDS } from '../../../../main/devices/idcard/card-text';
import { toHex } from '../../../../main/devices/frame-types';
import { concat, fuzzDecoder, hex, latin1 } from '../../../helpers/devices';

const text = (s: string) => toHex(latin1(s.replace(/↵/g, '\r\n')));
type Row = [name: string, protocol: Protocol, from: 'device' | 'host', hexText: string, want: Record<string, unknown>[]];
const status = (s: number) => ({ ok: true, frame: { kind: 'status', status: s } });
const sw3 = (s: number) => ({ ok: false, error: 'device-status', status: s });
const cmd = (command: string) => ({ ok: true, frame: { kind: 'command', command } });

const ROWS: Row[] = [
  // id-card-sam.md V1: every request and reply of the two tables.
  ['SAM reset', 'idcard', 'host', 'AA AA AA 96 69 00 03 10 FF EC', [cmd('reset')]],
  ['SAM status', 'idcard', 'host', 'AA AA AA 96 69 00 03 11 FF ED', [cmd('samStatus')]],
  ['SAM id', 'idcard', 'host', 'AA AA AA 96 69 00 03 12 FF EE', [cmd('samId')]],
  ['find', 'idcard', 'host', 'AA AA AA 96 69 00 03 20 01 22', [cmd('find')]],
  ['select', 'idcard', 'host', 'AA AA AA 96 69 00 03 20 02 21', [cmd('select')]],
  ['read 30 01', 'idcard', 'host', 'AA AA AA 96 69 00 03 30 01 32', [cmd('read')]],
  ['read 30 10', 'idcard', 'host', 'AA AA AA 96 69 00 03 30 10 23', [cmd('readWithFingerprint')]],
  ['SAM OK', 'idcard', 'device', 'AA AA AA 96 69 00 04 00 00 90 94', [status(0x90)]],
  ['SAM self-test failed', 'idcard', 'device', 'AA AA AA 96 69 00 04 00 00 60 64', [sw3(0x60)]],
  ['find: card present', 'idcard', 'device', 'AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97', [{ ok: true, frame: { kind: 'status', status: 0x9f, data: '00000000' } }]],
  ['find: no card', 'idcard', 'device', 'AA AA AA 96 69 00 04 00 00 80 84', [sw3(0x80)]],
  ['select OK', 'idcard', 'device', 'AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C', [{ ok: true, frame: { kind: 'status', status: 0x90, data: '0000000000000000' } }]],
  ['select failed', 'idcard', 'device', 'AA AA AA 96 69 00 04 00 00 81 85', [sw3(0x81)]],
  ['read failed', 'idcard', 'device', 'AA AA AA 96 69 00 04 00 00 41 45', [sw3(0x41)]],
  [
    'V2 resident card',
    'idcard',
    'device',
    toHex(readReply(buildText(V2_FIELDS), Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff))),
    [
      {
        ok: true,
        frame: {
          kind: 'identity',
          identity: { documentType: 'residentId', name: '张三丰', sex: '1', ethnicity: '01', birthDate: '1990-03-07', address: '北京市东城区示例路1号', idNumber: '110105199003070017', issuer: '北京市公安局东城分局', validFrom: '2015-01-01', validTo: '2035-01-01' },
        },
      },
    ],
  ],
  [
    'V3 residence permit J',
    'idcard',
    'device',
    toHex(readReply(buildText(V3_FIELDS), new Uint8Array(1024))),
    [{ ok: true, frame: { kind: 'identity', identity: { documentType: 'hkMacaoTaiwanPermit', name: '陈大文', sex: '1', birthDate: '1985-06-12', address: '广东省深圳市福田区示例路8号', idNumber: '810000198506120032', validTo: '2029-09-01' } } }],
  ],
  // bp-and-11073.md §A (Beurer): V1 and V2. A bare count byte (`02`) is only a count when the session asked for one.
  ['attention', 'beurer', 'host', 'AA', [cmd('attention')]],
  ['ready', 'beurer', 'device', '55', [{ ok: true, frame: { kind: 'ready' } }]],
  ['count', 'beurer', 'host', 'A2', [cmd('count')]],
  ['read record 1', 'beurer', 'host', 'A3 01', [{ ok: true, frame: { kind: 'command', command: 'read', index: 1 } }]],
  ['V2 record', 'beurer', 'device', 'AC 67 39 47 03 0F 08 1E 18', [{ ok: true, frame: { kind: 'record', record: { at: '2024-03-15T08:30:00', systolic: 128, diastolic: 82, pulse: 71 } } }]],
  ['no record', 'beurer', 'device', 'A9', [{ ok: true, frame: { kind: 'noRecord' } }]],
  // §B Omron line profile V1.
  ['Omron V1', 'line', 'device', text('2024,03,15,08,30,A0000000000000000001,0,128,082,071,0↵'), [{ ok: true, frame: { at: '2024-03-15T08:30:00', values: { systolic: 128, diastolic: 82, pulse: 71 }, isFlagged: false } }]],
  // §C IEEE 11073 V1–V3.
  [
    'AARQ',
    'ieee11073',
    'device',
    'E2 00 00 32 80 00 00 00 00 01 00 2A 50 79 00 26 80 00 00 00 A0 00 80 00 00 00 00 00 00 00 00 80 00 00 00 08 00 11 22 33 44 55 66 77 02 BC 00 01 01 00 00 00 00 00',
    [{ ok: true, frame: { kind: 'associationRequest', devConfigId: 700, systemId: '0011223344556677', isSupportedProtocol: true } }],
  ],
  ['AARE', 'ieee11073', 'host', 'E3 00 00 2C 00 00 50 79 00 26 80 00 00 00 80 00 80 00 00 00 00 00 00 00 80 00 00 00 00 08 88 77 66 55 44 33 22 11 00 00 00 00 00 00 00 00 00 00', [{ ok: true, frame: { kind: 'associationResponse', result: 0 } }]],
  [
    'V2 measurement',
    'ieee11073',
    'device',
    'E7 00 00 3E 00 3C 00 02 01 01 00 36 00 00 FF FF FF FF 0D 1D 00 2C F0 00 00 00 00 02 00 24 00 01 00 12 00 03 00 06 00 78 00 50 00 5D 20 24 03 15 08 30 00 00 00 02 00 0A 00 48 20 24 03 15 08 30 00 00',
    [
      {
        ok: true,
        frame: {
          kind: 'eventReport',
          invokeId: 2,
          eventType: 0x0d1d,
          measurements: [
            { type: 'bloodPressure', systolic: 120, diastolic: 80, map: 93, unit: 'mmHg', at: '2024-03-15T08:30:00' },
            { type: 'pulse', bpm: 72, at: '2024-03-15T08:30:00' },
          ],
        },
      },
    ],
  ],
  ['V2 manager reply', 'ieee11073', 'host', 'E7 00 00 12 00 10 00 02 02 01 00 0A 00 00 00 00 00 00 0D 1D 00 00', [{ ok: true, frame: { kind: 'eventResponse', invokeId: 2, eventType: 0x0d1d } }]],
  ['V3 release request', 'ieee11073', 'device', 'E4 00 00 02 00 00', [{ ok: true, frame: { kind: 'releaseRequest', reason: 0 } }]],
  ['V3 release response', 'ieee11073', 'host', 'E5 00 00 02 00 00', [{ ok: true, frame: { kind: 'releaseResponse', reason: 0 } }]],
  ['abort', 'ieee11073', 'host', 'E6 00 00 02 00 00', [{ ok: true, frame: { kind: 'abort', reason: 0 } }]],
  // glucometer-freestyle.md V1–V3.
  ['$xmem', 'freestyle', 'host', '24 78 6D 65 6D 0D 0A', [cmd('xmem')]],
  [
    'xmem V1',
    'freestyle',
    'device',
    text('↵XAGX123-B4567↵0.22↵Oct  05 2013 14:26:44↵002↵126  Oct  05 2013 08:12 G 0x00↵088  Oct  04 2013 21:40 G 0x00↵0x1600  END↵'),
    [{ ok: true, frame: { kind: 'memory', serial: 'XAGX123-B4567', clock: '2013-10-05T14:26:44', records: [{ at: '2013-10-05T08:12:00', mgdl: 126, flags: [] }, { at: '2013-10-04T21:40:00', mgdl: 88, flags: [] }] } }],
  ],
  [
    'xmem V2 June/July, HI, ketone',
    'freestyle',
    'device',
    text('↵XAGX123-B4567↵0.22↵July 01 2014 09:00:00↵003↵HI   June 30 2014 22:05 G 0x00↵003  June 29 2014 07:30 K 0x00↵245  May  31 2014 12:00 G 0x00↵0x1D4F  END↵'),
    [
      {
        ok: true,
        frame: {
          kind: 'memory',
          clock: '2014-07-01T09:00:00',
          records: [
            { at: '2014-06-30T22:05:00', mgdl: null, flags: ['high'] },
            { at: '2014-06-29T07:30:00', mgdl: 3, flags: ['ketone'] },
            { at: '2014-05-31T12:00:00', mgdl: 245, flags: [] },
          ],
        },
      },
    ],
  ],
  ['colq V3', 'freestyle', 'device', text('S/N:\tXAGX123-B4567↵Ver:\t0.22\tMMOL↵Clock:\tOct  05 2013\t14:26:44↵Market:\t1\t0↵ROM:\t0\t0\t0\t0↵Usage:\t2↵CMD OK↵'), [{ ok: true, frame: { kind: 'info', serial: 'XAGX123-B4567', version: '0.22', unit: 'mmol/L', clock: '2013-10-05T14:26:44', usage: 2 } }]],
  // glucometer-onetouch.md Part 1 V1–V3 and the checksum references.
  ['DM@ with wake-up', 'onetouch', 'host', '11 0D 44 4D 40 0D', [{ ok: true, frame: { kind: 'command', command: 'serial', text: 'DM@' }, raw: '110D444D400D' }]],
  ['serial V1', 'onetouch', 'device', text('@ "ZZQ12345Y" 0301↵'), [{ ok: true, frame: { kind: 'serial', serial: 'ZZQ12345Y' } }]],
  ['version V2', 'onetouch', 'device', text('?P02.00.00 30/08/06 03BC↵'), [{ ok: true, frame: { kind: 'version', version: 'P02.00.00 30/08/06' } }]],
  ['clock V2', 'onetouch', 'device', text('F "WED","03/15/23","08:30:05   " 05FA↵'), [{ ok: true, frame: { kind: 'clock', at: '2023-03-15T08:30:05' } }]],
  ['unit V2', 'onetouch', 'device', text('SU?,"MMOL/L" 0307↵'), [{ ok: true, frame: { kind: 'unit', unit: 'mmol/L' } }]],
  ['set-clock reply (checksum reference 0608)', 'onetouch', 'device', text('T "SAT","08/03/13","22:12:00   " 0608↵'), [{ ok: true, frame: { kind: 'clock', at: '2013-08-03T22:12:00' } }]],
  // `T` → 0054 is a checksum reference: the sum is right (no checksum error) but a bare T carries no time.
  ['bare T (checksum reference 0054)', 'onetouch', 'device', text('T 0054↵'), [{ ok: false, error: 'format' }]],
  [
    'DMP V3',
    'onetouch',
    'device',
    text('P 002,"ZZQ12345Y","MG/DL " 05B2↵P "WED","03/15/23","07:45:10   ","  126 ","B","00", 00 099C↵P "TUE","03/14/23","19:02:44   ","  188 ","A","02", 00 09B5↵'),
    [
      {
        ok: true,
        frame: {
          kind: 'memory',
          serial: 'ZZQ12345Y',
          unit: 'mg/dL',
          records: [
            { at: '2023-03-15T07:45:10', mgdl: 126, flags: [], meal: 'before', comment: null },
            { at: '2023-03-14T19:02:44', mgdl: 188, flags: [], meal: 'after', comment: 'too much food' },
          ],
        },
      },
    ],
  ],
  // Part 2 (UltraEasy) V1–V3: the whole captured exchange, packet by packet.
  ['V1 reset', 'ultraeasy', 'host', '02 06 08 03 C2 62', [{ ok: true, frame: { kind: 'link', link: { disconnect: true, ack: false, e: 0, s: 0 } } }]],
  ['V1 reset ack', 'ultraeasy', 'device', '02 06 0C 03 06 AE', [{ ok: true, frame: { kind: 'link', link: { disconnect: true, ack: true, e: 0, s: 0 } } }]],
  ['V2 count request', 'ultraeasy', 'host', '02 0A 00 05 1F F5 01 03 38 AA', [{ ok: true, frame: { kind: 'request', request: 'count' } }]],
  ['V2 meter ack', 'ultraeasy', 'device', '02 06 06 03 CD 41', [{ ok: true, frame: { kind: 'link', link: { ack: true, e: 1, s: 0 } } }]],
  ['V2 count reply', 'ultraeasy', 'device', '02 0A 02 05 0F 02 00 03 2C 6F', [{ ok: true, frame: { kind: 'count', count: 2 } }]],
  ['V2 host ack', 'ultraeasy', 'host', '02 06 07 03 FC 72', [{ ok: true, frame: { kind: 'link', link: { ack: true, e: 1, s: 1 } } }]],
  ['V3 record request', 'ultraeasy', 'host', '02 0A 03 05 1F 00 00 03 4B 5F', [{ ok: true, frame: { kind: 'request', request: 'record', index: 0 } }]],
  ['V3 meter ack', 'ultraeasy', 'device', '02 06 05 03 9E 14', [{ ok: true, frame: { kind: 'link', link: { ack: true, e: 0, s: 1 } } }]],
  ['V3 record reply', 'ultraeasy', 'device', '02 10 01 05 06 86 FC F3 65 7E 00 00 00 03 96 00', [{ ok: true, frame: { kind: 'record', record: { at: '2024-03-15T07:45:10', mgdl: 126, flags: [] } } }]],
  ['V3 host ack', 'ultraeasy', 'host', '02 06 04 03 AF 27', [{ ok: true, frame: { kind: 'link', link: { ack: true, e: 0, s: 0 } } }]],
];

async function decode(protocol: Protocol, from: string, hexText: string, chunks: string | null): Promise<Record<string, unknown>[]> {
  const out: string[] = [];
  await device(['decode', '--protocol', protocol, '--from', from, '--hex', hexText, ...(chunks ? ['--chunks', chunks] : [])], (l) => out.push(l));
  return out.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('reference vectors through cunyi device decode', () => {
  describe.each([[null], ['1'], ['3'], ['7,1100'], ['5,2']])('chunks %s', (chunks) => {
    it.each(ROWS)('%s (%s from %s)', async (_name, protocol, from, hexText, want) => {
      const out = await decode(protocol, from, hexText, chunks);
      expect(out).toMatchObject(want);
      // Every byte comes back in some raw frame; only the LF of a CR LF split off at the very end may be left out.
      const joined = out.map((r) => r['raw']).join('');
      const input = toHex(hex(hexText));
      expect([input, input.replace(/0A$/, '')]).toContain(joined);
    });
  });

  it('leftover bytes after a documented vector are one truncated error carrying those bytes', async () => {
    // One-byte vectors (Beurer commands and replies) have no proper prefix to cut.
    for (const [, protocol, from, hexText] of ROWS.filter((r) => hex(r[3]).length > 1)) {
      const cut = toHex(hex(hexText).subarray(0, Math.max(1, Math.floor(hex(hexText).length / 2))));
      const out = await decode(protocol, from, `${hexText}${cut}`, '3');
      const last = out.at(-1);
      expect(last, `${protocol} ${from} ${hexText}`).toMatchObject({ ok: false, error: 'truncated' });
      // The LF of a CR LF split from its CR by the chunking leads the next bytes.
      expect([cut, `0A${cut}`]).toContain(last?.['raw']);
    }
  });
});

describe('host direction fuzz (fast-check), every protocol', () => {
  const hostStreams: Record<Protocol, Uint8Array> = {
    idcard: concat(samCommand('find'), samCommand('select'), samCommand('read')),
    onetouch: hex('11 0D 44 4D 40 0D 11 0D 44 4D 50 0D'),
    ultraeasy: hex('02 06 08 03 C2 62 02 0A 00 05 1F F5 01 03 38 AA 02 06 07 03 FC 72'),
    freestyle: latin1('$xmem\r\n$colq\r\n'),
    beurer: hex('AA A2 A3 01 A4'),
    ieee11073: hex('E3 00 00 2C 00 00 50 79 00 26 80 00 00 00 80 00 80 00 00 00 00 00 00 00 80 00 00 00 00 08 88 77 66 55 44 33 22 11 00 00 00 00 00 00 00 00 00 00 E5 00 00 02 00 00'),
    line: latin1('2024,03,15,08,30,A0000000000000000001,0,128,082,071,0\r\n'),
  };
  it.each(PROTOCOLS.map((p) => [p]))('%s', (p) => {
    // Text protocols skip bare line ends, the SAM codec its AA padding; every other byte is reported exactly once.
    fuzzDecoder(() => createProtocolDecoder(p, 'host'), hostStreams[p], { runs: 60, accountsForEveryByte: { skippable: [0x0d, 0x0a, 0xaa] } });
  });
});
