/**
 * `npm run platform -- export --data-dir P --clinic C` (issue 13 item 8): every live document the clinic holds, one
 * line each in the dump format of `cunyi export`, sorted by collection and id, nothing of another clinic; while the
 * server runs the command goes to it with the operator token; every export is recorded.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PushResponse } from '../../../shared/sync/protocol';
import { compareDumpKeys, type DumpLine } from '../../../shared/sync/export-format';
import { main } from '../../../platform/cli';
import { CLINIC_A, CLINIC_B, enrolDevice, residentWire, startTestPlatform, type TestPlatform } from '../../helpers/platform';

let p: TestPlatform;
let dir: string;

beforeAll(async () => {
  p = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'cunyi-platform-export-'));
}, 60_000);
afterAll(async () => {
  await p?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('platform export', () => {
  it('writes the clinic\'s live documents sorted, without another clinic\'s, and records the export', async () => {
    const a = await enrolDevice(p, CLINIC_A, 'export-a');
    const b = await enrolDevice(p, CLINIC_B, 'export-b');
    const mine = [residentWire(CLINIC_A.villages[0]!.code), residentWire(CLINIC_A.villages[1]!.code), residentWire(CLINIC_A.villages[0]!.code)];
    expect(await a.http.json('POST', '/residents/push', mine.map((d) => ({ newDocumentState: d })), PushResponse)).toEqual([]);
    const removed = { ...mine[2]!, _deleted: true, updatedAt: (mine[2]!.updatedAt as number) + 1 };
    expect(await a.http.json('POST', '/residents/push', [{ assumedMasterState: mine[2], newDocumentState: removed }], PushResponse)).toEqual([]);
    expect(await b.http.json('POST', '/residents/push', [{ newDocumentState: residentWire(CLINIC_B.villages[0]!.code) }], PushResponse)).toEqual([]);

    const out = join(dir, 'a.jsonl');
    expect(await main(['export', '--data-dir', p.dataDir, '--clinic', CLINIC_A.code, '--out', out])).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DumpLine);
    // The clinic's copy of the county's village list, written by the platform, is one of its documents too.
    expect(lines.map((l) => [l.collection, l.id])).toEqual([...[mine[0]!.id, mine[1]!.id].sort().map((id) => ['residents', id]), ['settings', 'countyVillages']]);
    expect([...lines].sort(compareDumpKeys)).toEqual(lines);
    expect(lines.every((l) => l.rev.length > 0 && l.doc['clinicCode'] === CLINIC_A.code)).toBe(true);
    const recorded = await p.sql.query<{ clinic_code: string; documents: number }>('SELECT clinic_code, documents FROM exports');
    expect(recorded).toEqual([{ clinic_code: CLINIC_A.code, documents: 3 }]);
    console.log(`platform export: ${lines.length} lines for ${CLINIC_A.code}, none of ${CLINIC_B.code}, the removed one left out, export recorded`);
    await a.http.close();
    await b.http.close();
  });

  it('refuses a clinic code that is not one', async () => {
    expect(await main(['export', '--data-dir', p.dataDir, '--clinic', 'abc'])).toBe(2);
  });
});
