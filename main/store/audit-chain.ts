/**
 * Tamper evidence for the audit log (issue 11 §2): every audit entry gets a row `(seq, id, hash)` in the table
 * `audit_chain` of the same encrypted file, where `hash = sha256(previous hash, the entry's fields)`. Editing,
 * deleting or reordering an entry, or inserting one behind the chain's back, breaks the chain and `cunyi check`
 * says where. (Removing the newest entries together with their chain rows cannot be told from a shorter log: that
 * needs an anchor outside the file, which sync will give.)
 *
 * The chain is a projection of the audit collection (rx-storage-sqlcipher/projections.ts): the storage appends an
 * entry's chain row inside the very transaction that writes the entry, whoever writes it (a service's unit of work,
 * `AuditLog.record`, replication), so an entry and its link commit together or not at all, and there is no window
 * in which an entry exists unchained. A file from before (the chain then followed the change stream after commit)
 * keeps its chain: the first registration chains only the entries it lacks, never rebuilds it.
 */
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { AuditDoc } from '../../shared/schemas/collections';
import type { AnyDocument, Projection } from './rx-storage-sqlcipher';
import type { Database } from './sqlite-file';

export const AUDIT_CHAIN_TABLE = 'audit_chain';
const GENESIS = '0'.repeat(64);

type ChainedFields = Pick<
  AuditDoc,
  'id' | 'clinicCode' | 'at' | 'userId' | 'username' | 'action' | 'entity' | 'recordId' | 'residentId' | 'detail'
>;

/** The hash of one entry after `previous`: a JSON array, so no two different entries serialise alike. */
export function entryHash(previous: string, doc: ChainedFields): string {
  const fields = [doc.id, doc.clinicCode, doc.at, doc.userId, doc.username, doc.action, doc.entity, doc.recordId, doc.residentId, doc.detail];
  return createHash('sha256').update(previous).update('\n').update(JSON.stringify(fields)).digest('hex');
}

export function ensureAuditChainTable(sql: Database): void {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS ${AUDIT_CHAIN_TABLE} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, hash TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS audit_chain_checkpoint (name TEXT PRIMARY KEY, lwt REAL NOT NULL, id TEXT NOT NULL);
  `);
}

type StoredAudit = AuditDoc & { _deleted?: boolean };

type Statement = BetterSqlite3.Statement<unknown[]>;
interface ChainStatements {
  insert: Statement;
  known: Statement;
  head: Statement;
}
const statements = new WeakMap<Database, ChainStatements>();

function statementsFor(sql: Database): ChainStatements {
  let s = statements.get(sql);
  if (!s) {
    s = {
      insert: sql.prepare(`INSERT INTO ${AUDIT_CHAIN_TABLE} (seq, id, hash) VALUES (?, ?, ?)`),
      known: sql.prepare(`SELECT 1 FROM ${AUDIT_CHAIN_TABLE} WHERE id = ?`),
      head: sql.prepare(`SELECT seq, hash FROM ${AUDIT_CHAIN_TABLE} ORDER BY seq DESC LIMIT 1`),
    };
    statements.set(sql, s);
  }
  return s;
}

/** Appends the entries not chained yet, in the order given; the caller's transaction holds them together. */
export function appendToChain(sql: Database, docs: readonly StoredAudit[]): void {
  if (docs.length === 0) return;
  const { insert, known, head } = statementsFor(sql);
  const last = head.get() as { seq: number; hash: string } | undefined;
  let seq = last?.seq ?? 0;
  let hash = last?.hash ?? GENESIS;
  for (const doc of docs) {
    // Audit entries are never updated or deleted by the app; a write of a known id adds nothing.
    if (doc._deleted || known.get(doc.id)) continue;
    seq += 1;
    hash = entryHash(hash, doc);
    insert.run(seq, doc.id, hash);
  }
}

/**
 * The chain as a projection of `audit`, registered whenever the clinic database opens. It is never dropped: a
 * rebuild from the live entries would sign whatever someone had changed in them. A new version (or a file whose
 * chain followed the change stream) only chains the entries it lacks, in the order the storage reads them.
 */
export const auditChainProjection: Projection = {
  name: 'auditChain',
  version: 1,
  collections: ['audit'],
  create: (sql) => ensureAuditChainTable(sql),
  drop: () => undefined,
  apply: (sql, _collection, docs: readonly AnyDocument[]) => appendToChain(sql, docs as unknown as readonly StoredAudit[]),
};

export interface AuditChainReport {
  ok: boolean;
  /** Entries in the chain. */
  chained: number;
  /** Live audit entries with no chain row (written behind the chain's back, or a crash before the next open). */
  unchained: string[];
  /** The first seq whose entry is missing, changed or out of order, if any. */
  brokenAt: { seq: number; id: string; reason: 'missing' | 'changed' | 'gap' } | null;
}

/** Reads the chain and the entries from the file (read-only) and recomputes every hash. */
export function verifyAuditChain(sql: Database, auditTable: string): AuditChainReport {
  const hasChain = sql.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(AUDIT_CHAIN_TABLE);
  const docs = new Map<string, ChainedFields>();
  for (const data of sql.prepare(`SELECT data FROM ${auditTable} WHERE deleted = 0`).pluck().all()) {
    const doc = JSON.parse(String(data)) as ChainedFields;
    docs.set(doc.id, doc);
  }
  const rows = hasChain
    ? (sql.prepare(`SELECT seq, id, hash FROM ${AUDIT_CHAIN_TABLE} ORDER BY seq`).all() as { seq: number; id: string; hash: string }[])
    : [];
  let previous = GENESIS;
  let brokenAt: AuditChainReport['brokenAt'] = null;
  for (const [i, row] of rows.entries()) {
    const doc = docs.get(row.id);
    docs.delete(row.id);
    if (brokenAt) continue;
    if (row.seq !== i + 1) brokenAt = { seq: row.seq, id: row.id, reason: 'gap' };
    else if (!doc) brokenAt = { seq: row.seq, id: row.id, reason: 'missing' };
    else if (entryHash(previous, doc) !== row.hash) brokenAt = { seq: row.seq, id: row.id, reason: 'changed' };
    previous = row.hash;
  }
  const unchained = [...docs.keys()].sort();
  return { ok: brokenAt === null && unchained.length === 0, chained: rows.length, unchained: unchained.slice(0, 20), brokenAt };
}
