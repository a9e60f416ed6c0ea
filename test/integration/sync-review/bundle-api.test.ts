/**
 * The 同步 screen's offline bundle goes through the API door (`bundles.*`), the same service as the CLI: a village
 * clinic shows its pairing code and exports, the township centre trusts it and imports the file the screen would
 * save; importing it again changes nothing; a file that is not a bundle is refused with its code. The two clinics
 * are open one at a time (RxDB refuses two databases of one name in one process).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleImportSummary } from '../../../shared/api/sync';
import { clinicHarness, residentInput, type ApiHarness } from '../../helpers/api';

let village: ApiHarness;
let centre: ApiHarness;

beforeAll(async () => {
  village = await clinicHarness();
}, 120_000);
afterAll(async () => {
  await centre?.close();
  if (village) rmSync(village.dataDir, { recursive: true, force: true });
});

describe('offline bundles through the API', () => {
  it('exports, pairs, imports once, and a second import changes nothing', async () => {
    const created = (await village.ok<{ resident: { id: string } }>('residents.create', { input: residentInput({ name: '包裹测试' }) })).resident;
    const { code } = await village.ok<{ code: string }>('bundles.pairingCode', {});
    const file = await village.ok<{ fileName: string; base64: string; counts: Record<string, number> }>('bundles.export', {});
    expect(file.fileName).toMatch(/\.cunyi-bundle$/);
    expect(file.counts['residents']).toBeGreaterThanOrEqual(1);
    await village.runtime.close();

    centre = await clinicHarness();
    const foreign = await centre.call('bundles.import', { base64: file.base64 });
    expect(foreign.ok ? 'ok' : foreign.error.code).toBe('BUNDLE_FOREIGN');
    await centre.ok('bundles.trust', { code });
    const first = await centre.ok<BundleImportSummary>('bundles.import', { base64: file.base64 });
    expect(first.alreadyImported).toBe(false);
    expect(first.inserted).toBeGreaterThanOrEqual(1);
    const got = await centre.ok<{ resident: { name: string } }>('residents.get', { id: created.id });
    expect(got.resident.name).toBe('包裹测试');
    const again = await centre.ok<BundleImportSummary>('bundles.import', { base64: file.base64 });
    expect(again.alreadyImported).toBe(true);
    expect(again.inserted + again.updated).toBe(0);
    console.log(`bundle via API: ${first.inserted} inserted, then again: alreadyImported=${again.alreadyImported}`);
  });

  it('refuses a file that is not a bundle, and a pairing code that is not one', async () => {
    const junk = await centre.call('bundles.import', { base64: Buffer.from('hello, not a bundle').toString('base64') });
    expect(junk.ok ? 'ok' : junk.error.code).toBe('BUNDLE_UNREADABLE');
    const badCode = await centre.call('bundles.trust', { code: 'nonsense' });
    expect(badCode.ok ? 'ok' : badCode.error.code).toBe('VALIDATION_FAILED');
  });
});
