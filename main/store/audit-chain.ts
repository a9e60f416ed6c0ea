/**
 * Tamper evidence for the audit log (issue 11 §2): every audit entry gets a row `(seq, id, hash)` in the table
 * `audit_chain` of the same encrypted file, where `hash = sha256(previous hash, the entry's fields)`. Editing,
 * deleting or reordering an entry, or inserting one behind the chain's back, breaks the chain and `cunyi check`
 * says where. (Removing the newest entries together with their chain rows cannot be told from a shorter log: that
 * needs an anchor outside the file, which sync will give.)
 *
 * The chain follows the audit collection's change stream, like the search index follows the residents: whoever
 * writes audit entries (one by one or in a unit of work) never has to know about it, and the storage emits the
 * change before a write returns, so an entry is chained before the database can close. On open it catches up with
 * entries written after its checkpoint (a crash between the two).
 */
import { createHash } from 'node:crypto';
import { getChangedDocumentsSince, type RxStorageInstance } from 'rxdb';
import type { Subscription } from 'rxjs';
import type { AuditDoc } from '../../shared/schemas/collections';
import type { Database } from './sqlite-file';

export const AUDIT_CHAIN_TABLE = 'audit_chain';
const GENESIS = '0'.repeat(64);
const BATCH = 2000;

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

type StoredAudit = AuditDoc & { _deleted?: boolean; _meta?: { lwt: number } };

export class AuditChain {
  private subscription: Subscription | null = null;
  private readonly insert;
  private readonly known;
  private readonly head;
  private readonly checkpoint;

  constructor(private readonly sql: Database) {
    ensureAuditChainTable(sql);
    this.insert = sql.prepare(`INSERT INTO ${AUDIT_CHAIN_TABLE} (seq, id, hash) VALUES (?, ?, ?)`);
    this.known = sql.prepare(`SELECT 1 FROM ${AUDIT_CHAIN_TABLE} WHERE id = ?`);
    this.head = sql.prepare(`SELECT seq, hash FROM ${AUDIT_CHAIN_TABLE} ORDER BY seq DESC LIMIT 1`);
    this.checkpoint = sql.prepare(
      "INSERT INTO audit_chain_checkpoint (name, lwt, id) VALUES ('audit', ?, ?) ON CONFLICT(name) DO UPDATE SET lwt = excluded.lwt, id = excluded.id",
    );
  }

  /** Appends the entries not chained yet, in the order given, in one transaction. */
  apply(docs: readonly StoredAudit[]): void {
    if (docs.length === 0) return;
    this.sql.transaction(() => {
      const head = this.head.get() as { seq: number; hash: string } | undefined;
      let seq = head?.seq ?? 0;
      let hash = head?.hash ?? GENESIS;
      for (const doc of docs) {
        if (doc._meta) this.checkpoint.run(doc._meta.lwt, doc.id);
        // Audit entries are never updated or deleted by the app; a change event for a known id adds nothing.
        if (doc._deleted || this.known.get(doc.id)) continue;
        seq += 1;
        hash = entryHash(hash, doc);
        this.insert.run(seq, doc.id, hash);
      }
    })();
  }

  async start(instance: RxStorageInstance<AuditDoc, unknown, unknown>): Promise<void> {
    const row = this.sql.prepare("SELECT lwt, id FROM audit_chain_checkpoint WHERE name = 'audit'").get() as
      | { lwt: number; id: string }
      | undefined;
    let checkpoint: { lwt: number; id: string } | undefined = row ? { lwt: row.lwt, id: row.id } : undefined;
    for (;;) {
      const batch = await getChangedDocumentsSince(instance, BATCH, checkpoint);
      this.apply(batch.documents);
      if (batch.documents.length < BATCH) break;
      checkpoint = batch.checkpoint as { lwt: number; id: string };
    }
    this.subscription = instance.changeStream().subscribe((bulk) => {
      this.apply(bulk.events.map((e) => e.documentData as unknown as StoredAudit));
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }
}

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
