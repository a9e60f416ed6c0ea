import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildText, readReply, V2_FIELDS } from '../../../main/devices/idcard/card-text';
import { toHex } from '../../../main/devices/frame-types';
import { cli } from '../../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'cunyi-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lines = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('cunyi device decode', () => {
  it('decodes a 1295-byte SAM capture from a file in 7,1100 chunks; leftover bytes are a truncated error', async () => {
    const file = join(dir, 'v2.bin');
    writeFileSync(file, Buffer.concat([Buffer.from(readReply(buildText(V2_FIELDS), new Uint8Array(1024))), Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00])]));
    const r = await cli(['device', 'decode', '--protocol', 'idcard', '--from', 'device', '--file', file, '--chunks', '7,1100']);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ ok: true, frame: { kind: 'identity', identity: { idNumber: '110105199003070017', name: '张三丰' } } });
    expect(out[1]).toMatchObject({ ok: false, error: 'truncated', raw: 'AAAAAA966900' });
  });

  it.each([
    ['onetouch', 'device', toHex(Buffer.from('@ "ZZQ12345Y" 0301\r\n')), { ok: true, frame: { kind: 'serial', serial: 'ZZQ12345Y' } }],
    ['ultraeasy', 'device', '02 0A 02 05 0F 02 00 03 2C 6F', { ok: true, frame: { kind: 'count', count: 2 } }],
    ['ultraeasy', 'host', '02 06 08 03 C2 62', { ok: true, frame: { kind: 'link', link: { disconnect: true } } }],
    ['beurer', 'device', 'AC 67 39 47 03 0F 08 1E 18', { ok: true, frame: { kind: 'record', record: { systolic: 128, diastolic: 82, pulse: 71 } } }],
    ['ieee11073', 'device', 'E4 00 00 02 00 00', { ok: true, frame: { kind: 'releaseRequest' } }],
    ['line', 'device', toHex(Buffer.from('2024,03,15,08,30,A0000000000000000001,0,128,082,071,0\r\n')), { ok: true, frame: { values: { systolic: 128 } } }],
    ['freestyle', 'device', toHex(Buffer.from('$xmem\r\n')), { ok: false, error: 'format' }],
    ['ultraeasy', 'device', '02 0A 02 05 0F 02 00 03 2C 6E', { ok: false, error: 'checksum' }],
  ])('%s from %s: %s', async (protocol, from, hexText, want) => {
    const r = await cli(['device', 'decode', '--protocol', protocol, '--from', from, '--hex', hexText]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject(want);
  });

  it('a line profile from a file', async () => {
    const profile = join(dir, 'scale.json');
    writeFileSync(profile, JSON.stringify({ name: 'scale', fields: { weight: 'W:\\s*([\\d.]+)' } }));
    const r = await cli(['device', 'decode', '--protocol', 'line', '--from', 'device', '--hex', toHex(Buffer.from('W: 61.5\n')), '--profile', profile]);
    expect(lines(r.stdout)).toMatchObject([{ ok: true, frame: { values: { weight: 61.5 } } }]);
  });

  it.each([
    [['device', 'decode', '--protocol', 'x', '--from', 'device', '--hex', '00']],
    [['device', 'decode', '--protocol', 'idcard', '--from', 'meter', '--hex', '00']],
    [['device', 'decode', '--protocol', 'idcard', '--from', 'device', '--hex', '0']],
    [['device', 'decode', '--protocol', 'idcard', '--from', 'device']],
    [['device', 'decode', '--protocol', 'idcard', '--from', 'device', '--hex', '00', '--chunks', '0']],
    [['device', 'decode', '--protocol', 'idcard', '--from', 'device', '--file', '/nonexistent/x.bin']],
    [['device', 'frobnicate']],
  ])('bad usage exits 2: %j', async (argv) => {
    expect((await cli(argv)).code).toBe(2);
  });
});
