/**
 * `cunyi check`: what can be said about a clinic's database without changing a byte of it. The file is opened
 * read-only with the data key (no RxDB, which would write its meta documents; no sign-in, which would write audit
 * rows and switch the journal mode), then SQLite's integrity check, the referential checks (issue 11 §4) and the
 * audit chain run as plain reads of the storage tables.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { collections, type CollectionName } from '../../shared/schemas/collections';
import { DATABASE_NAME } from './database';
import { tableNameFor } from './rx-storage-sqlcipher/sqlcipher-helpers';
import { integrityCheck, openEncryptedFile, type Database } from './sqlite-file';
import { verifyAuditChain, type AuditChainReport } from './audit-chain';

export interface CheckProblem {
  kind: 'residentWithoutHousehold' | 'encounterWithoutResident' | 'duplicateRecordNumber' | 'unreadable';
  /** Up to 20 example ids (or record numbers); `count` says how many there are. */
  examples: string[];
  count: number;
}

export interface CheckReport {
  ok: boolean;
  file: string;
  integrity: string[];
  counts: Partial<Record<CollectionName, number>>;
  problems: CheckProblem[];
  auditChain: AuditChainReport | null;
}

const EXAMPLES = 20;

function table(name: CollectionName): string {
  return `"${tableNameFor(DATABASE_NAME, name, collections[name].schema.version).replace(/"/g, '""')}"`;
}

function hasTable(db: Database, name: CollectionName): boolean {
  const raw = tableNameFor(DATABASE_NAME, name, collections[name].schema.version);
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(raw) !== undefined;
}

function ids(db: Database, sql: string): string[] {
  return db
    .prepare(sql)
    .pluck()
    .all()
    .map((v) => String(v));
}

function problem(kind: CheckProblem['kind'], found: string[]): CheckProblem[] {
  return found.length === 0 ? [] : [{ kind, count: found.length, examples: found.slice(0, EXAMPLES) }];
}

/** The referential checks on live (not deleted) documents. */
export function referentialProblems(db: Database): CheckProblem[] {
  const [r, h, e] = [table('residents'), table('households'), table('encounters')];
  return [
    // An empty householdId is a resident not yet placed in a household; a non-empty one must exist.
    ...problem(
      'residentWithoutHousehold',
      ids(
        db,
        `SELECT r.id FROM ${r} r WHERE r.deleted = 0 AND coalesce(json_extract(r.data, '$.householdId'), '') <> ''
           AND NOT EXISTS (SELECT 1 FROM ${h} h WHERE h.id = json_extract(r.data, '$.householdId') AND h.deleted = 0)`,
      ),
    ),
    // A merge moves encounters to the kept record, so a live encounter never points to a deleted resident.
    ...problem(
      'encounterWithoutResident',
      ids(
        db,
        `SELECT e.id FROM ${e} e WHERE e.deleted = 0
           AND NOT EXISTS (SELECT 1 FROM ${r} r WHERE r.id = json_extract(e.data, '$.residentId') AND r.deleted = 0)`,
      ),
    ),
    ...problem(
      'duplicateRecordNumber',
      ids(
        db,
        `SELECT json_extract(data, '$.recordNo') AS n FROM ${r} WHERE deleted = 0 GROUP BY n HAVING count(*) > 1`,
      ),
    ),
  ];
}

/**
 * Opens `path` read-only with `dataKey` and reports. Throws WRONG_PASSWORD (the key does not open the file) and
 * DATA_DAMAGED (not even page 1 can be read) from openEncryptedFile; anything found later is in the report.
 */
export function checkClinicFile(path: string, dataKey: Buffer): CheckReport {
  // A read-only connection to a WAL database makes an empty -wal and a -shm index beside it when there are none.
  // They are SQLite's scratch, not the clinic's data; the ones this check made are removed again after it.
  const scratch = [`${path}-wal`, `${path}-shm`].filter((f) => !existsSync(f));
  const db = openEncryptedFile(path, dataKey, { readonly: true, create: false });
  try {
    const integrity = integrityCheck(db);
    const counts: Partial<Record<CollectionName, number>> = {};
    const problems: CheckProblem[] = [];
    let auditChain: AuditChainReport | null = null;
    try {
      for (const name of Object.keys(collections) as CollectionName[]) {
        if (!hasTable(db, name)) continue;
        counts[name] = Number(db.prepare(`SELECT count(*) FROM ${table(name)} WHERE deleted = 0`).pluck().get());
      }
      problems.push(...referentialProblems(db));
      if (hasTable(db, 'audit')) auditChain = verifyAuditChain(db, table('audit'));
    } catch (e) {
      // A damaged page can make any of these reads throw; that is a finding, not a crash.
      problems.push({ kind: 'unreadable', count: 1, examples: [e instanceof Error ? e.message.slice(0, 200) : String(e)] });
    }
    const ok = integrity.ok && problems.length === 0 && (auditChain?.ok ?? true);
    return { ok, file: path, integrity: integrity.messages, counts, problems, auditChain };
  } finally {
    db.close();
    for (const f of scratch) {
      // Never a -wal with content: that would hold writes (there are none from a read-only connection).
      if (existsSync(f) && (f.endsWith('-shm') || statSync(f).size === 0)) rmSync(f);
    }
  }
}
