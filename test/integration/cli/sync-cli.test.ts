/**
 * Scripted edits, dumps and offline bundles through the CLI on real encrypted clinics: a village clinic and its
 * township centre, paired once, exchanging bundles (issue 13 items 7 and 8). The clinics are set up with the test KDF
 * cost (key slots keep their own parameters), so the many CLI sign-ins stay cheap; `cli.test.ts` covers `init` with
 * the production cost.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../main/services/runtime';
import { cli } from '../../helpers/cli';
import { residentInput } from '../../helpers/api';
import { TEST_KDF_COST } from '../../helpers/host';

const PW = 'clinic admin 1';
const VILLAGE = '441521101201';
const env = { CUNYI_PASSWORD: PW };
/** Each test runs several CLI commands, each opening the clinic; generous on a shared 2-core machine. */
const SLOW = 180_000;

async function setUp(dataDir: string, clinicCode: string, clinicName: string, villages: { code: string; name: string }[]) {
  const rt = createRuntime({ dataDir, shell: 'headless', kdfCost: TEST_KDF_COST, logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
  try {
    const r = (await rt.dispatch('session.setup', { clinicCode, clinicName, villages, admin: { username: 'admin', displayName: 'admin', password: PW } }, { transport: 'test', connectionId: 'setup' }));
    expect(r.ok).toBe(true);
  } finally {
    await rt.close();
  }
}

interface Line {
  collection: string;
  id: string;
  rev: string;
  doc: Record<string, unknown>;
}

describe('cunyi resident, export and bundles (real encrypted files)', () => {
  let root: string;
  let village: string;
  let centre: string;
  let residentId: string;
  let firstBundle: string;

  const file = (name: string, content: unknown) => {
    const p = join(root, name);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };
  const dump = async (dataDir: string): Promise<Line[]> => {
    const r = await cli(['export', '--data-dir', dataDir], env);
    expect(r.code).toBe(0);
    return r.stdout.split('\n').map((l) => JSON.parse(l) as Line);
  };
  const dataLines = (lines: Line[]) => lines.filter((l) => l.collection !== 'audit');

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cunyi-sync-cli-'));
    village = join(root, 'village');
    centre = join(root, 'centre');
    await setUp(village, VILLAGE, '东光村卫生室', [{ code: VILLAGE, name: '东光村' }]);
    await setUp(centre, '441521101', '赤坑镇卫生院', [{ code: VILLAGE, name: '东光村' }, { code: '441521101202', name: '西岭村' }]);
  }, SLOW);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('resident create and update go through the API door: checked, audited, printed as JSON', async () => {
    const created = await cli(['resident', 'create', '--data-dir', village, '--json', file('create.json', { input: residentInput({ villageCode: VILLAGE }) })], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const detail = JSON.parse(created.stdout) as { resident: { id: string; recordNo: string; phone: string } };
    expect(detail.resident.recordNo).toMatch(new RegExp(`^${VILLAGE}\\d{5}$`));
    residentId = detail.resident.id;

    const updated = await cli(['resident', 'update', '--data-dir', village, '--json', file('update.json', { id: residentId, input: residentInput({ villageCode: VILLAGE, phone: '13811112222' }) })], env);
    expect(updated.code).toBe(0);
    expect((JSON.parse(updated.stdout) as typeof detail).resident.phone).toBe('13811112222');

    const bad = await cli(['resident', 'create', '--data-dir', village, '--json', file('bad.json', { input: residentInput({ villageCode: VILLAGE, idNumber: '441521195605140010' }) })], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('BAD_REQUEST');
    expect(bad.stderr).toContain('input.idNumber: validation.idCheckDigit');
    const notJson = await cli(['resident', 'create', '--data-dir', village, '--json', file('not.json', '{ "input": ')], env);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('is not JSON');
    const dup = await cli(['resident', 'create', '--data-dir', village, '--json', join(root, 'create.json')], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('DUPLICATE_RESIDENT');
  }, SLOW);

  it('export writes every document once, sorted by collection and id, with its revision, and is audited', async () => {
    const lines = await dump(village);
    const keys = lines.map((l) => `${l.collection}\u0000${l.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    for (const l of lines) expect(l.rev).toMatch(/^\d+-/);
    expect(lines.filter((l) => l.collection === 'residents').map((l) => l.id)).toEqual([residentId]);
    expect(lines.find((l) => l.id === residentId)?.doc).toMatchObject({ phone: '13811112222', villageCode: VILLAGE });
    const again = await dump(village);
    expect(again.some((l) => l.collection === 'audit' && l.doc['action'] === 'export')).toBe(true);

    const out = join(root, 'dump.jsonl');
    const r = await cli(['export', '--data-dir', village, '--out', out], env);
    expect(r.code).toBe(0);
    expect(dataLines(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line))).toEqual(dataLines(again));
  }, SLOW);

  it('refuses a bundle from a device the centre has not paired with', async () => {
    firstBundle = join(root, 'first.bundle');
    const r = await cli(['export-bundle', '--data-dir', village, '--out', firstBundle], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ counts: { residents: 1 } });
    const refused = await cli(['import-bundle', '--data-dir', centre, '--in', firstBundle], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('BUNDLE_FOREIGN');
  }, SLOW);

  it('after pairing, imports the bundle once: the second import changes nothing', async () => {
    const pair = await cli(['bundle-pair', '--data-dir', village], env);
    expect(pair.code).toBe(0);
    const code = pair.stdout.trim();
    expect(code).toMatch(/^CUNYI-PAIR-1\./);
    const badCode = await cli(['bundle-trust', '--data-dir', centre], { ...env, CUNYI_PAIRING_CODE: 'CUNYI-PAIR-1.xyz' });
    expect(badCode.code).toBe(2);
    expect(badCode.stderr).toContain('VALIDATION_FAILED');
    expect((await cli(['bundle-trust', '--data-dir', centre], { ...env, CUNYI_PAIRING_CODE: code })).code).toBe(0);

    const first = await cli(['import-bundle', '--data-dir', centre, '--in', firstBundle], env);
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toMatchObject({ alreadyImported: false, inserted: 1, conflicts: 0 });
    const before = dataLines(await dump(centre));
    expect(before.find((l) => l.id === residentId)?.doc).toMatchObject({ phone: '13811112222' });
    const second = await cli(['import-bundle', '--data-dir', centre, '--in', firstBundle], env);
    expect(JSON.parse(second.stdout)).toMatchObject({ alreadyImported: true, inserted: 0, updated: 0 });
    expect(dataLines(await dump(centre))).toEqual(before);
    // The same documents on both sides.
    const villageSide = dataLines(await dump(village)).filter((l) => l.collection === 'residents');
    expect(before.filter((l) => l.collection === 'residents').map((l) => l.doc)).toEqual(villageSide.map((l) => l.doc));
  }, SLOW);

  it('refuses tampered and unreadable bundles with a clear error and changes nothing', async () => {
    const original = JSON.parse(readFileSync(firstBundle, 'utf8')) as Record<string, string>;
    const before = dataLines(await dump(centre));
    const flip = (s: string) => (s[10] === 'A' ? `${s.slice(0, 10)}B${s.slice(11)}` : `${s.slice(0, 10)}A${s.slice(11)}`);
    const tampered = [
      { ...original, ciphertext: flip(original['ciphertext'] as string) },
      { ...original, header: (original['header'] as string).replace('"residents":1', '"residents":2') },
      { ...original, tag: flip(original['tag'] as string) },
    ];
    for (const [i, t] of tampered.entries()) {
      const r = await cli(['import-bundle', '--data-dir', centre, '--in', file(`tampered-${i}.bundle`, t)], env);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain('BUNDLE_TAMPERED');
    }
    const garbage = await cli(['import-bundle', '--data-dir', centre, '--in', file('garbage.bundle', 'PK\u0003\u0004 not a bundle')], env);
    expect(garbage.code).toBe(4);
    expect(garbage.stderr).toContain('BUNDLE_UNREADABLE');
    expect(dataLines(await dump(centre))).toEqual(before);
  }, SLOW);

  it('the next bundle carries only what changed; clean edits apply, the same field edited on both sides goes to review', async () => {
    // The centre corrects the phone; the village, offline, corrects it differently and edits the address too.
    expect((await cli(['resident', 'update', '--data-dir', centre, '--json', file('c1.json', { id: residentId, input: residentInput({ villageCode: VILLAGE, phone: '13999990000' }) })], env)).code).toBe(0);
    expect((await cli(['resident', 'update', '--data-dir', village, '--json', file('v1.json', { id: residentId, input: residentInput({ villageCode: VILLAGE, phone: '13700001111', name: '张叁' }) })], env)).code).toBe(0);
    const next = join(root, 'next.bundle');
    const exported = await cli(['export-bundle', '--data-dir', village, '--out', next], env);
    expect(JSON.parse(exported.stdout)).toMatchObject({ counts: { residents: 1, encounters: 0, households: 0, contracts: 0 } });
    const imported = await cli(['import-bundle', '--data-dir', centre, '--in', next], env);
    const summary = JSON.parse(imported.stdout) as { updated: number; conflicts: number };
    expect(summary.updated).toBe(1);
    expect(summary.conflicts).toBeGreaterThan(0);
    const doc = dataLines(await dump(centre)).find((l) => l.id === residentId)?.doc as Record<string, unknown>;
    // No base (the centre edited its copy since the import): every differing field is a conflict; the later save
    // (the village's, made after the centre's) wins for now and both values wait for review.
    expect(doc['name']).toBe('张叁');
    const review = (await dump(centre)).filter((l) => l.collection === 'settings' && l.doc['type'] === 'syncReview');
    expect(review).toHaveLength(1);
    const fields = ((review[0]?.doc['data'] as Record<string, unknown>)['fields'] as { path: string; kept: { value: unknown }; setAside: { value: unknown; isLocal: boolean } }[]);
    const phone = fields.find((f) => f.path === 'phone');
    expect(phone).toMatchObject({ kept: { value: '13700001111' }, setAside: { value: '13999990000', isLocal: true } });

    // With nothing edited at the centre since, the following change applies cleanly (base known): no new conflict.
    expect((await cli(['resident', 'update', '--data-dir', village, '--json', file('v2.json', { id: residentId, input: residentInput({ villageCode: VILLAGE, phone: '13700001111', name: '张叁', address: '东光村3号' }) })], env)).code).toBe(0);
    const third = join(root, 'third.bundle');
    expect((await cli(['export-bundle', '--data-dir', village, '--out', third], env)).code).toBe(0);
    const clean = JSON.parse((await cli(['import-bundle', '--data-dir', centre, '--in', third], env)).stdout) as { updated: number; conflicts: number };
    expect(clean).toMatchObject({ updated: 1, conflicts: 0 });
  }, SLOW);
});
