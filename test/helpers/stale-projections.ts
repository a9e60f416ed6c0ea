/**
 * Makes a clinic look like a file from an older build: the stored versions of the named projections are lowered, so
 * the next sign-in rebuilds them (main/store/rx-storage-sqlcipher/projections.ts). For the upgrade-progress e2e.
 * `tsx test/helpers/stale-projections.ts <dataDir> <projection>…` with CUNYI_PASSWORD (and CUNYI_USER, default admin).
 */
import { join } from 'node:path';
import { DATABASE_FILE } from '../../main/store/database';
import { KeyVault } from '../../main/store/keys';
import { acquireConnection, releaseConnection } from '../../main/store/rx-storage-sqlcipher';

export async function lowerProjectionVersions(dataDir: string, username: string, password: string, names: readonly string[]): Promise<void> {
  const vault = await KeyVault.open(dataDir);
  const { dataKey } = await vault.unlockWithPassword(username, password);
  const connection = acquireConnection(join(dataDir, DATABASE_FILE), dataKey, { create: false });
  try {
    const lower = connection.db.prepare('UPDATE p__versions SET version = version - 1 WHERE name = ?');
    for (const name of names) {
      if (lower.run(name).changes !== 1) throw new Error(`no stored version for projection ${name}`);
    }
  } finally {
    releaseConnection(connection);
    dataKey.fill(0);
  }
}

if (process.argv[1]?.endsWith('stale-projections.ts')) {
  const [dataDir, ...names] = process.argv.slice(2);
  if (!dataDir || names.length === 0) throw new Error('usage: stale-projections.ts <dataDir> <projection>…');
  await lowerProjectionVersions(dataDir, process.env['CUNYI_USER'] ?? 'admin', process.env['CUNYI_PASSWORD'] ?? '', names);
}
