import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli';


describe('cunyi CLI (real encrypted files, production KDF)', { timeout: 120_000 }, () => {
  let root: string;
  let clinicA: string;
  let clinicB: string;
  const PW = 'clinic admin 1';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cunyi-cli-'));
    clinicA = join(root, 'a');
    clinicB = join(root, 'b');
    const a = await cli(['init', '--data-dir', clinicA, '--clinic', '441521101', '--name', '赤坑镇卫生院', '--admin', 'admin', '--village', '441521101201=东光村'], { CUNYI_PASSWORD: PW });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/([0-9A-Z]{4}-){5,}/);
    const b = await cli(['init', '--data-dir', clinicB, '--clinic', '441521102', '--name', '另一卫生院', '--admin', 'admin'], { CUNYI_PASSWORD: PW });
    expect(b.code).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('check opens with CUNYI_PASSWORD and prints integrity and counts as JSON', async () => {
    const r = await cli(['check', '--data-dir', clinicA], { CUNYI_PASSWORD: PW });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; counts: Record<string, number> };
    expect(report.ok).toBe(true);
    // settings: the clinic, the admin's profile and this device's record-number block.
    expect(report.counts).toMatchObject({ residents: 0, households: 0, encounters: 0, contracts: 0, settings: 3 });
    expect(report.counts['audit']).toBeGreaterThan(0);
  });

  it('exits 3 on a wrong password and leaves the file unchanged', async () => {
    const db = join(clinicA, 'cunyi.db');
    const before = readFileSync(db);
    const r = await cli(['check', '--data-dir', clinicA], { CUNYI_PASSWORD: 'not the password' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('WRONG_PASSWORD');
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('exits 2 on bad usage', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['check'], { CUNYI_PASSWORD: PW })).code).toBe(2);
    expect((await cli(['check', '--data-dir', clinicA, '--bogus', 'x'], { CUNYI_PASSWORD: PW })).code).toBe(2);
    expect((await cli(['init', '--data-dir', join(root, 'c'), '--clinic', '12', '--name', 'x', '--admin', 'a'], { CUNYI_PASSWORD: PW })).code).toBe(2);
  });

  it('refuses a database file from another clinic (its key cannot open it)', async () => {
    const mixed = join(root, 'mixed');
    await cli(['init', '--data-dir', mixed, '--clinic', '441521103', '--name', '混合', '--admin', 'admin'], { CUNYI_PASSWORD: PW });
    copyFileSync(join(clinicB, 'cunyi.db'), join(mixed, 'cunyi.db'));
    const r = await cli(['check', '--data-dir', mixed], { CUNYI_PASSWORD: PW });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('FOREIGN_DATABASE');
  });

  it('exits 4 on a truncated file and does not touch it further', async () => {
    const cut = join(root, 'cut');
    await cli(['init', '--data-dir', cut, '--clinic', '441521104', '--name', '截断', '--admin', 'admin'], { CUNYI_PASSWORD: PW });
    const db = join(cut, 'cunyi.db');
    truncateSync(db, Math.floor(statSync(db).size / 2) + 100);
    const size = statSync(db).size;
    const r = await cli(['check', '--data-dir', cut], { CUNYI_PASSWORD: PW });
    expect(r.code).toBe(4);
    expect(statSync(db).size).toBe(size);
  });

  it('adds, re-keys and removes users', async () => {
    expect((await cli(['user', 'add', '--data-dir', clinicA, '--user', 'wang', '--role', 'villageDoctor'], { CUNYI_PASSWORD: PW, CUNYI_NEW_PASSWORD: 'wang pass 1' })).code).toBe(0);
    expect((await cli(['check', '--data-dir', clinicA, '--user', 'wang'], { CUNYI_PASSWORD: 'wang pass 1' })).code).toBe(0);
    expect((await cli(['user', 'passwd', '--data-dir', clinicA, '--user', 'wang'], { CUNYI_PASSWORD: PW, CUNYI_NEW_PASSWORD: 'wang pass 2' })).code).toBe(0);
    expect((await cli(['check', '--data-dir', clinicA, '--user', 'wang'], { CUNYI_PASSWORD: 'wang pass 2' })).code).toBe(0);
    expect((await cli(['user', 'remove', '--data-dir', clinicA, '--user', 'wang'], { CUNYI_PASSWORD: PW })).code).toBe(0);
    expect((await cli(['check', '--data-dir', clinicA, '--user', 'wang'], { CUNYI_PASSWORD: 'wang pass 2' })).code).toBe(3);
  });

  it('gives a village doctor the villages they serve, and refuses a village the clinic does not have', async () => {
    const add = await cli(['user', 'add', '--data-dir', clinicA, '--user', 'chen', '--role', 'villageDoctor', '--villages', '441521101201'], { CUNYI_PASSWORD: PW, CUNYI_NEW_PASSWORD: 'chen pass 1' });
    expect(add.code).toBe(0);
    const unknown = await cli(['user', 'villages', '--data-dir', clinicA, '--user', 'chen', '--villages', '441521101201,441521101299'], { CUNYI_PASSWORD: PW });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('VALIDATION_FAILED');
    const cleared = await cli(['user', 'villages', '--data-dir', clinicA, '--user', 'chen', '--villages', ''], { CUNYI_PASSWORD: PW });
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('villages of chen: (none)');
    expect((await cli(['user', 'villages', '--data-dir', clinicA, '--user', 'chen'], { CUNYI_PASSWORD: PW })).code).toBe(2);
  });
});
