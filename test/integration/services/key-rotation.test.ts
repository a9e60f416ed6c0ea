// Issue 11 §3: removing a user replaces the data key, so their old password, from any kept copy of the key
// slots, no longer opens the current database; a kill -9 at any step of the rotation leaves a clinic that opens.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { KeyRotation } from '../../../shared/api/session';
import { databasePath } from '../../../main/store/database';
import type { RotationPhase } from '../../../main/store/key-rotation';
import { KeyVault } from '../../../main/store/keys';
import { KEYSLOTS_FILE, KEYSLOTS_PREV_FILE, readKeySlots } from '../../../main/store/keys/keyslots';
import { openEncryptedFile } from '../../../main/store/sqlite-file';
import { clinicHarness, residentInput, type ApiHarness } from '../../helpers/api';
import { runChild } from '../../helpers/killed-child';
import { SETUP_INPUT } from '../../helpers/host';

const WANG = { username: 'wang', displayName: '王村医', role: 'villageDoctor', password: 'wang password 1' };

function opensWith(dataDir: string, key: Buffer): boolean | string {
  try {
    openEncryptedFile(databasePath(dataDir), key, { readonly: true, create: false }).close();
    return true;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('data key rotation', () => {
  let h: ApiHarness;
  let resident: ResidentDetail;
  let keep: string;
  beforeEach(async () => {
    h = await clinicHarness();
    keep = mkdtempSync(join(tmpdir(), 'cunyi-kept-slots-'));
    await h.ok('users.add', WANG);
    resident = await h.ok<ResidentDetail>('residents.create', { input: residentInput() });
  });
  afterEach(async () => {
    await h.close();
    rmSync(keep, { recursive: true, force: true });
  });

  it('locks a removed user out: their password from any kept copy of the key slots no longer opens the database', async () => {
    // What wang could have copied while still a user: both sidecar files.
    copyFileSync(join(h.dataDir, KEYSLOTS_FILE), join(keep, KEYSLOTS_FILE));
    copyFileSync(join(h.dataDir, KEYSLOTS_FILE), join(keep, KEYSLOTS_PREV_FILE));
    const kept = await KeyVault.open(keep);
    const { dataKey: oldKey } = await kept.unlockWithPassword(WANG.username, WANG.password);
    expect(opensWith(h.dataDir, oldKey)).toBe(true);

    const phases: string[] = [];
    const stop = h.runtime.services.bus.subscribe((event, payload) => {
      if (event === 'session.rotation') phases.push((payload as { phase: string }).phase);
    });
    const removed = await h.ok<{ ok: true; rotation: KeyRotation }>('users.remove', { username: WANG.username });
    stop();
    expect(removed.rotation).toEqual({ droppedUsers: [], recoveryKey: null });
    // The admin's window follows the rotation step by step (issue 11 §3).
    expect(phases).toEqual(['copy', 'rekey', 'slots', 'swap', 'reopen', 'done']);

    expect(opensWith(h.dataDir, oldKey)).toBe('WRONG_PASSWORD');
    for (const file of [KEYSLOTS_FILE, KEYSLOTS_PREV_FILE]) {
      expect(readFileSync(join(h.dataDir, file), 'utf8')).not.toContain(WANG.username);
    }
    expect((await readKeySlots(h.dataDir))?.file.rotationDue).toBe(false);
    // The session went on with the new key; the data is all there, and after a restart too.
    expect(await h.ok('residents.get', { id: resident.resident.id })).toMatchObject({ resident: { id: resident.resident.id } });
    await h.restart();
    expect(await h.ok('residents.get', { id: resident.resident.id })).toMatchObject({ resident: { id: resident.resident.id } });
    expect(await h.call('session.signIn', { username: WANG.username, password: WANG.password })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSWORD' },
    });
  });

  it('a password reset for a compromise rotates too; a plain reset does not', async () => {
    const before = readFileSync(join(h.dataDir, KEYSLOTS_FILE), 'utf8');
    const keyCheck = (JSON.parse(before) as { keyCheck: string }).keyCheck;
    await h.ok('users.resetPassword', { username: WANG.username, newPassword: 'wang password 2' });
    expect((await readKeySlots(h.dataDir))?.file.keyCheck).toBe(keyCheck);
    const r = await h.ok<{ rotation?: KeyRotation }>('users.resetPassword', { username: WANG.username, newPassword: 'wang password 3', isCompromised: true });
    expect(r.rotation).toEqual({ droppedUsers: [], recoveryKey: null });
    expect((await readKeySlots(h.dataDir))?.file.keyCheck).not.toBe(keyCheck);
    await h.runtime.close();
    const vault = await KeyVault.open(h.dataDir);
    const { dataKey } = await vault.unlockWithPassword(WANG.username, 'wang password 3');
    expect(opensWith(h.dataDir, dataKey)).toBe(true);
  });

  it.each<RotationPhase>(['copy', 'rekey', 'slots', 'swap', 'reopen', 'done'])(
    'kill -9 at "%s" leaves a database that opens, and the rotation finishes at the next sign-in',
    async (phase) => {
      await h.runtime.close();
      const { out, err, signal } = await runChild('rotate-child.ts', [h.dataDir, phase]);
      expect(err).toBe('');
      expect(signal).toBe('SIGKILL');
      expect(out.trim().split('\n').at(-1)).toBe(phase);

      await h.restart();
      expect(await h.ok('residents.get', { id: resident.resident.id })).toMatchObject({ resident: { id: resident.resident.id } });
      expect((await readKeySlots(h.dataDir))?.file.rotationDue).toBe(false);
      expect(existsSync(`${databasePath(h.dataDir)}.rotated`)).toBe(false);
      expect(existsSync(`${databasePath(h.dataDir)}.rotating`)).toBe(false);
      expect(await h.ok('session.state')).toMatchObject({ state: 'unlocked', user: { username: SETUP_INPUT.admin.username } });
    },
    60_000,
  );
});
