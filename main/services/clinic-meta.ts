/**
 * `clinic.json`: the clinic's code and name in plaintext beside the database, so the sign-in screen can greet the
 * clinic before the key exists. It holds no patient data; the encrypted settings remain the source of truth.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const ClinicMeta = z.object({
  clinicCode: z.string(),
  clinicName: z.string(),
  /** This installation's id: record-number blocks are granted per device (README, record numbers). */
  deviceId: z.string(),
});
export type ClinicMeta = z.infer<typeof ClinicMeta>;

const FILE = 'clinic.json';

export async function readClinicMeta(dataDir: string): Promise<ClinicMeta | null> {
  try {
    const parsed = ClinicMeta.safeParse(JSON.parse(await readFile(join(dataDir, FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeClinicMeta(dataDir: string, meta: ClinicMeta): Promise<void> {
  const tmp = join(dataDir, `${FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(meta, null, 2));
  await rename(tmp, join(dataDir, FILE));
}
