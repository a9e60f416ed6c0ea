/**
 * A bundle too large for one call of the 同步 screen (the host's WebSocket frame cap, about 4 MB) is uploaded in parts
 * (`bundles.uploadPart`, each under the cap) and imported as one file (`bundles.importUpload`), with the same result
 * as a single `bundles.import`. Parts may arrive again or out of order; an incomplete or unknown upload is refused
 * with its code, and nothing is imported. A file of tens of MB passes through whole (here 20 MB of noise, which the
 * importer then refuses as unreadable, as it would refuse it from the command line).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UI_BUNDLE_PART_BASE64, type BundleImportSummary } from '../../../shared/api/sync';
import { clinicHarness, residentInput, type ApiHarness } from '../../helpers/api';

let village: ApiHarness;
let centre: ApiHarness;
let bundle = '';
let residentId = '';

beforeAll(async () => {
  village = await clinicHarness();
  residentId = (await village.ok<{ resident: { id: string } }>('residents.create', { input: residentInput({ name: '分段上传' }) })).resident.id;
  const { code } = await village.ok<{ code: string }>('bundles.pairingCode', {});
  bundle = (await village.ok<{ base64: string }>('bundles.export', {})).base64;
  await village.runtime.close();
  centre = await clinicHarness();
  await centre.ok('bundles.trust', { code });
}, 180_000);
afterAll(async () => {
  await centre?.close();
  if (village) rmSync(village.dataDir, { recursive: true, force: true });
});

function parts(base64: string, size: number): string[] {
  return Array.from({ length: Math.ceil(base64.length / size) }, (_, i) => base64.slice(i * size, (i + 1) * size));
}

const codeOf = (r: { ok: boolean; error?: { code: string } }): string => (r.ok ? 'ok' : (r.error?.code ?? '?'));

describe('a bundle uploaded in parts (issue 13: bundles larger than one frame)', () => {
  it('refuses to import an incomplete upload, then imports the whole file once, parts out of order and one sent twice', async () => {
    const pieces = parts(bundle, Math.ceil(bundle.length / 7));
    expect(pieces.length).toBe(7);
    const uploadId = 'upload-test-0001';
    const order = [6, 0, 3, 1, 1, 5, 2];
    for (const index of order) await centre.ok('bundles.uploadPart', { uploadId, index, total: pieces.length, base64: pieces[index] });
    const early = await centre.call('bundles.importUpload', { uploadId });
    expect(codeOf(early)).toBe('VALIDATION_FAILED');
    expect(codeOf(await centre.call('residents.get', { id: residentId }))).toBe('NOT_FOUND');

    const last = await centre.ok<{ received: number; total: number }>('bundles.uploadPart', { uploadId, index: 4, total: pieces.length, base64: pieces[4] });
    expect(last).toEqual({ received: 7, total: 7 });
    const summary = await centre.ok<BundleImportSummary>('bundles.importUpload', { uploadId });
    expect(summary.alreadyImported).toBe(false);
    expect(summary.inserted).toBeGreaterThanOrEqual(1);
    expect((await centre.ok<{ resident: { name: string } }>('residents.get', { id: residentId })).resident.name).toBe('分段上传');
    // The parts are gone once imported; the same file through the one-call door is already imported.
    expect(codeOf(await centre.call('bundles.importUpload', { uploadId }))).toBe('NOT_FOUND');
    expect((await centre.ok<BundleImportSummary>('bundles.import', { base64: bundle })).alreadyImported).toBe(true);
  });

  it('refuses a part that does not fit its upload, and the door refuses a part above the frame-safe size', async () => {
    await centre.ok('bundles.uploadPart', { uploadId: 'upload-test-0002', index: 0, total: 2, base64: 'AAAA' });
    expect(codeOf(await centre.call('bundles.uploadPart', { uploadId: 'upload-test-0002', index: 1, total: 3, base64: 'AAAA' }))).toBe('VALIDATION_FAILED');
    expect(codeOf(await centre.call('bundles.uploadPart', { uploadId: 'upload-test-0003', index: 2, total: 2, base64: 'AAAA' }))).toBe('VALIDATION_FAILED');
    const tooBig = 'A'.repeat(MAX_UI_BUNDLE_PART_BASE64 + 4);
    expect(codeOf(await centre.call('bundles.uploadPart', { uploadId: 'upload-test-0004', index: 0, total: 1, base64: tooBig }))).toBe('BAD_REQUEST');
  });

  it('carries a file of tens of MB whole to the importer', async () => {
    const noise = randomBytes(20 * 1024 * 1024).toString('base64');
    const pieces = parts(noise, MAX_UI_BUNDLE_PART_BASE64);
    for (const [index, base64] of pieces.entries()) await centre.ok('bundles.uploadPart', { uploadId: 'upload-test-0005', index, total: pieces.length, base64 });
    expect(codeOf(await centre.call('bundles.importUpload', { uploadId: 'upload-test-0005' }))).toBe('BUNDLE_UNREADABLE');
    console.log(`checked: ${noise.length} base64 characters in ${pieces.length} parts of at most ${MAX_UI_BUNDLE_PART_BASE64} reached the importer whole`);
  });
});
