/**
 * `cunyi export` of a device against `platform export` of its clinic (issue 13 item 8): the two dumps must hold the
 * same documents. Revisions are each side's own and are not compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { SyncStatus } from '../../shared/api/sync';
import { cli } from './cli';
import { SETUP_INPUT } from './host';
import type { TestPlatform } from './platform';
import type { WorkerClinic } from './worker-clinic';

/** `{collection/id → document}` of a dump, without what only one side can have (see the comments). */
export function docsOf(text: string, auditBefore = Infinity): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const l = JSON.parse(line) as { collection: string; id: string; doc: Record<string, unknown> };
    // Closing the runtime and the export command's own sign-in are audited on the device after its last sync.
    if (l.collection === 'audit' && (Number(l.doc['at']) >= auditBefore || l.doc['action'] === 'shutdown')) continue;
    // A user's own profile never leaves the device (protocol.ts isLocalOnlySetting).
    if (l.collection === 'settings' && l.doc['type'] === 'user') continue;
    out.set(`${l.collection}/${l.id}`, JSON.stringify(l.doc));
  }
  return out;
}

/**
 * Syncs the device, closes it (one process per data directory), exports it with the CLI into `dir` and compares with
 * the platform's export of `clinicCode`; returns how many documents matched. The device stays closed.
 */
export async function expectExportsEqual(p: TestPlatform, c: WorkerClinic, clinicCode: string, dir: string): Promise<number> {
  expect((await c.ok<SyncStatus>('sync.now')).pending).toBe(0);
  await c.close();
  const out = join(dir, `${clinicCode}-${Date.now()}.jsonl`);
  const startedAt = Date.now();
  const r = await cli(['export', '--data-dir', c.dataDir, '--out', out], { CUNYI_PASSWORD: SETUP_INPUT.admin.password });
  expect(r.code).toBe(0);
  const device = docsOf(readFileSync(out, 'utf8'), startedAt);
  const platform = docsOf((await p.store.exportClinic(clinicCode, 'export comparison (test)')).join('\n'));
  const missingOnDevice = [...platform.keys()].filter((k) => !device.has(k));
  const missingOnPlatform = [...device.keys()].filter((k) => !platform.has(k)).map((k) => `${k} ${device.get(k)}`);
  const different = [...device.keys()].filter((k) => platform.has(k) && platform.get(k) !== device.get(k)).map((k) => `${k}\n device   ${device.get(k)}\n platform ${platform.get(k)}`);
  expect({ missingOnDevice, missingOnPlatform, different }).toEqual({ missingOnDevice: [], missingOnPlatform: [], different: [] });
  return device.size;
}
