/**
 * The device's record of residents who moved out of its villages (main/sync/departures.ts): a departure is noticed
 * once, forgotten when the resident comes back before the purge, and only the tombstones of a purged resident are
 * kept from the push (a user's own deletion of a waiting resident's document still goes up).
 */
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { Departures } from '../../../../main/sync/departures';
import { syncTables } from '../../../../main/store/sql-migrations/0030-sync-tables';

const dbs: BetterSqlite3.Database[] = [];
function fresh(): { sql: BetterSqlite3.Database; d: Departures } {
  const sql = new BetterSqlite3(':memory:');
  dbs.push(sql);
  syncTables.up(sql);
  return { sql, d: new Departures(sql) };
}
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
});

describe('departures', () => {
  it('notices a departure once and forgets it when the resident is pulled back before the purge', () => {
    const { d } = fresh();
    d.noticed(['r1', 'r2'], 1);
    d.noticed(['r1'], 2);
    expect(d.waiting()).toEqual(['r1', 'r2']);
    d.returned(['r2', 'someone-else']);
    expect(d.waiting()).toEqual(['r1']);
  });

  it('keeps only a purged resident\'s tombstones from the push', () => {
    const { sql, d } = fresh();
    d.noticed(['r1', 'r2'], 1);
    sql.prepare('UPDATE sync_departed SET purged_at = 5 WHERE resident_id = ?').run('r1');
    expect(d.waiting()).toEqual(['r2']);
    expect(d.isPurgeTombstone('residents', { id: 'r1', _deleted: true })).toBe(true);
    expect(d.isPurgeTombstone('encounters', { id: 'e1', residentId: 'r1', _deleted: true })).toBe(true);
    expect(d.isPurgeTombstone('contracts', { id: 'c1', residentId: 'r1', _deleted: true })).toBe(true);
    // A live document, a waiting resident's deletion, a household and the audit trail all go up as before.
    expect(d.isPurgeTombstone('residents', { id: 'r1', _deleted: false })).toBe(false);
    expect(d.isPurgeTombstone('encounters', { id: 'e2', residentId: 'r2', _deleted: true })).toBe(false);
    expect(d.isPurgeTombstone('households', { id: 'h1', residentId: 'r1', _deleted: true })).toBe(false);
    expect(d.isPurgeTombstone('audit', { id: 'a1', residentId: 'r1', _deleted: true })).toBe(false);
  });

  it('forgets a purged resident who is pulled back (moved away, purged, moved back), so a later move away is noticed again', () => {
    const { sql, d } = fresh();
    d.noticed(['r1', 'r2'], 1);
    sql.prepare('UPDATE sync_departed SET purged_at = 5 WHERE resident_id = ?').run('r1');
    d.returned(['r1']);
    // Their deletions go up again like anyone's; the other departure still waits.
    expect(d.isPurgeTombstone('encounters', { id: 'e1', residentId: 'r1', _deleted: true })).toBe(false);
    expect(d.waiting()).toEqual(['r2']);
    d.noticed(['r1'], 9);
    expect(d.waiting()).toEqual(['r1', 'r2']);
  });
});
