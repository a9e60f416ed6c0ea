/**
 * Child process for the kill -9 test of a full work-list pass: signs in on the day given (its clock fixed there), asks
 * for the 工作台's list with `allowPartial` (a full pass starts, setting the old rows aside) and kills itself with
 * SIGKILL the moment the pass and the drop of the old rows reach the phase named in argv (no cleanup runs):
 * - `set-aside`: the pass has committed rows, the old tables are set aside whole;
 * - `index-dropped`: an index of the old tables is dropped, their rows are not;
 * - `rows-deleted`: part of an old table's rows are deleted;
 * - `table-dropped`: an old table is dropped, others are left.
 * Prints the phase when it kills itself; `finished` if the pass ended first.
 */
import { fixedClock } from '../../shared/domain/dates';
import { createRuntime } from '../../main/services/runtime';
import { TRASH_PREFIX } from '../../main/services/followups/work-trash';
import { SETUP_INPUT, TEST_KDF_COST } from './host';

type Phase = 'set-aside' | 'index-dropped' | 'rows-deleted' | 'table-dropped';

async function run(): Promise<void> {
  const [dataDir, now, killAt] = process.argv.slice(2) as [string, string, Phase];
  const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };
  const runtime = createRuntime({ dataDir, shell: 'headless', clock: fixedClock(now), kdfCost: TEST_KDF_COST, logger: silent });
  const ctx = { transport: 'test', connectionId: 'child' } as const;
  const r = await runtime.dispatch('session.signIn', { username: 'admin', password: SETUP_INPUT.admin.password }, ctx);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const sql = runtime.services.session.current().db.sql;
  const trash = () => sql.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE ?").pluck().all(`${TRASH_PREFIX}%`) as string[];
  const indexes = (tables: readonly string[]) =>
    tables.reduce((n, t) => n + (sql.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?").pluck().get(t) as number), 0);
  const rows = (tables: readonly string[]) => tables.reduce((n, t) => n + (sql.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number), 0);
  let first: { tables: number; indexes: number; rows: number } | null = null;
  /** Whether `phase` is where things stand (several may be at once: an empty old table goes in one step). */
  const at = (phase: Phase): boolean => {
    const tables = trash();
    if (tables.length === 0) return false;
    const now = { tables: tables.length, indexes: indexes(tables), rows: rows(tables) };
    first ??= now;
    switch (phase) {
      case 'set-aside':
        return now.indexes === first.indexes && now.rows === first.rows && (sql.prepare('SELECT count(*) FROM p_work_residents').pluck().get() as number) > 0;
      case 'index-dropped':
        return now.indexes < first.indexes && now.rows === first.rows;
      case 'rows-deleted':
        return now.rows < first.rows && now.rows > 0;
      case 'table-dropped':
        return now.tables < first.tables;
    }
  };
  let ended = false;
  const list = runtime.dispatch('worklist.get', { limit: 10, allowPartial: true }, ctx).then(() =>
    runtime.dispatch('worklist.get', { limit: 10 }, ctx).then(() => (ended = true)),
  );
  while (!ended) {
    if (at(killAt)) {
      process.stdout.write(`${killAt}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await list;
  process.stdout.write('finished\n');
  await runtime.close();
}

run().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
