import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AppError } from '../../../../../shared/api/errors';
import {
  KEYSLOTS_FORMAT,
  hasKeySlots,
  KEYSLOTS_FILE,
  KEYSLOTS_PREV_FILE,
  readKeySlots,
  writeKeySlots,
  type KeySlotsFile,
} from '../../../../../main/store/keys/keyslots';
import { KeyVault } from '../../../../../main/store/keys/vault';

const cheap = { name: 'argon2id' as const, memoryKiB: 64, timeCost: 1, parallelism: 1 };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cunyi-keyslots-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function makeSidecar(): Promise<KeySlotsFile> {
  await KeyVault.create(
    dir,
    { clinicCode: '110101001', admin: { userId: 'u-admin', username: 'admin', password: 'password-1' } },
    { kdfCost: cheap, now: () => 1_000 },
  );
  const read = await readKeySlots(dir);
  if (!read) throw new Error('sidecar missing');
  return read.file;
}

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e instanceof AppError ? e.code : e;
  }
  return 'resolved';
}

const mainPath = () => path.join(dir, KEYSLOTS_FILE);
const prevPath = () => path.join(dir, KEYSLOTS_PREV_FILE);

describe('keyslots.json', () => {
  it('a fresh folder has no sidecar', async () => {
    expect(await readKeySlots(dir)).toBeNull();
    expect(await hasKeySlots(dir)).toBe(false);
  });

  it('keeps the previous version as keyslots.prev.json and leaves no temp files', async () => {
    const first = await makeSidecar();
    const firstText = await readFile(mainPath(), 'utf8');
    await writeKeySlots(dir, { ...first, updatedAt: 2_000 }, 2_000);
    expect(await readFile(prevPath(), 'utf8')).toBe(firstText);
    expect(JSON.parse(await readFile(mainPath(), 'utf8'))).toMatchObject({ updatedAt: 2_000 });
    expect((await readdir(dir)).sort()).toEqual([KEYSLOTS_FILE, KEYSLOTS_PREV_FILE].sort());
  });

  it('has only the documented top-level fields', async () => {
    const file = await makeSidecar();
    const fields = ['clinicCode', 'createdAt', 'format', 'keyCheck', 'recovery', 'remembered', 'throttle'];
    expect(Object.keys(file).sort()).toEqual([...fields, 'updatedAt', 'users', 'vaultId'].sort());
  });

  it('falls back to .prev when the main file is corrupt, and says so', async () => {
    const first = await makeSidecar();
    await writeKeySlots(dir, { ...first, updatedAt: 2_000 }, 2_000);
    await writeFile(mainPath(), '{"format": 1, "clinicCo');
    const read = await readKeySlots(dir);
    expect(read?.isFromPrevious).toBe(true);
    expect(read?.file.updatedAt).toBe(first.updatedAt);
  });

  it('falls back to .prev when the main file is missing', async () => {
    const first = await makeSidecar();
    await writeKeySlots(dir, first, 2_000);
    await unlink(mainPath());
    expect((await readKeySlots(dir))?.isFromPrevious).toBe(true);
  });

  it('a file that parses but breaks the schema is damage too', async () => {
    const first = await makeSidecar();
    await writeKeySlots(dir, first, 2_000);
    await writeFile(mainPath(), JSON.stringify({ ...first, users: [] }));
    expect((await readKeySlots(dir))?.isFromPrevious).toBe(true);
  });

  it('both damaged -> KEYSLOTS_DAMAGED', async () => {
    await makeSidecar();
    await writeFile(mainPath(), 'garbage');
    await writeFile(prevPath(), '');
    expect(await codeOf(readKeySlots(dir))).toBe('KEYSLOTS_DAMAGED');
  });

  it('main damaged and no .prev -> KEYSLOTS_DAMAGED, and a set-up will not overwrite it', async () => {
    await makeSidecar();
    await writeFile(mainPath(), 'garbage');
    expect(await codeOf(readKeySlots(dir))).toBe('KEYSLOTS_DAMAGED');
    expect(await hasKeySlots(dir)).toBe(true);
  });

  it('writing after a fallback moves the damaged file aside and keeps the good .prev', async () => {
    const first = await makeSidecar();
    await writeKeySlots(dir, first, 2_000);
    const goodPrev = await readFile(prevPath(), 'utf8');
    await writeFile(mainPath(), 'garbage');
    await writeKeySlots(dir, { ...first, updatedAt: 3_000 }, 3_000);
    expect(await readFile(prevPath(), 'utf8')).toBe(goodPrev);
    expect(await readFile(path.join(dir, 'keyslots.damaged-3000.json'), 'utf8')).toBe('garbage');
    expect((await readKeySlots(dir))?.isFromPrevious).toBe(false);
  });

  it('a sidecar from a newer app is refused, not read with old rules nor replaced by .prev', async () => {
    const first = await makeSidecar();
    await writeKeySlots(dir, first, 2_000);
    await writeFile(mainPath(), JSON.stringify({ ...first, format: KEYSLOTS_FORMAT + 1 }));
    expect(await codeOf(readKeySlots(dir))).toBe('DATA_FROM_NEWER_VERSION');
    expect(await codeOf(writeKeySlots(dir, first, 3_000))).toBe('DATA_FROM_NEWER_VERSION');
  });

  it('refuses to write an invalid file', async () => {
    const first = await makeSidecar();
    const dup = first.users[0];
    if (!dup) throw new Error('no user');
    await expect(writeKeySlots(dir, { ...first, users: [dup, dup] }, 2_000)).rejects.toThrow(/duplicate/);
  });
});
