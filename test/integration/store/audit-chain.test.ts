// Issue 11 §2: the audit chain is a projection, kept inside the write's transaction, and never rebuilt from the
// entries (a rebuild would sign whatever someone had changed in them).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_CHAIN_TABLE, verifyAuditChain } from '../../../main/store/audit-chain';
import { DATABASE_NAME } from '../../../main/store/database';
import { tableNameFor } from '../../../main/store/rx-storage-sqlcipher/sqlcipher-helpers';
import { collections } from '../../../shared/schemas/collections';
import { clinicHarness, type ApiHarness } from '../../helpers/api';

const AUDIT = `"${tableNameFor(DATABASE_NAME, 'audit', collections.audit.schema.version)}"`;

describe('audit chain as a projection', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await clinicHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const sql = () => h.runtime.services.session.current().db.sql;
  const count = (table: string) => sql().prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

  it('an entry and its chain row commit together, or neither does', () => {
    const { uow } = h.runtime.services.clinic().ctx;
    const entries = count(AUDIT);
    const links = count(AUDIT_CHAIN_TABLE);
    expect(links).toBe(entries);
    expect(() =>
      uow.run((tx) => {
        tx.audit({ action: 'test', detail: 'rolled back' });
        throw new Error('the action fails after its audit entry');
      }),
    ).toThrow('the action fails');
    expect([count(AUDIT), count(AUDIT_CHAIN_TABLE)]).toEqual([entries, links]);
    uow.run((tx) => tx.audit({ action: 'test', detail: 'kept' }));
    // No await between the write and the read: the chain row is part of the write, not a follower of it.
    expect([count(AUDIT), count(AUDIT_CHAIN_TABLE)]).toEqual([entries + 1, links + 1]);
    expect(verifyAuditChain(sql(), AUDIT)).toMatchObject({ ok: true, unchained: [], brokenAt: null });
  });

  it('an older file’s chain is completed on open, never rebuilt: a changed entry stays found', async () => {
    const { uow } = h.runtime.services.clinic().ctx;
    for (const detail of ['one', 'two', 'three']) uow.run((tx) => tx.audit({ action: 'test', detail }));
    // As a file written before the projection: no version recorded, and the newest entries not chained yet.
    const before = sql().prepare(`SELECT seq, id, hash FROM ${AUDIT_CHAIN_TABLE} ORDER BY seq`).all() as { seq: number; id: string; hash: string }[];
    expect(before.length).toBeGreaterThan(2);
    const [first] = before;
    sql().prepare("DELETE FROM p__versions WHERE name = 'auditChain'").run();
    sql().prepare(`DELETE FROM ${AUDIT_CHAIN_TABLE} WHERE seq > ?`).run(before.length - 2);
    sql().prepare(`UPDATE ${AUDIT} SET data = json_set(data, '$.detail', 'nothing to see') WHERE id = ?`).run(first!.id);
    await h.restart();
    const after = sql().prepare(`SELECT seq, id, hash FROM ${AUDIT_CHAIN_TABLE} ORDER BY seq`).all() as { seq: number; id: string; hash: string }[];
    // The kept rows are as they were; the missing ones (and the new sign-in) are appended.
    expect(after.slice(0, before.length - 2)).toEqual(before.slice(0, before.length - 2));
    expect(after.length).toBeGreaterThanOrEqual(before.length + 1);
    expect(verifyAuditChain(sql(), AUDIT).brokenAt).toEqual({ seq: 1, id: first!.id, reason: 'changed' });
  });
});
