/**
 * Issue 10 §4, the cold day: a full pass of the work list sets the old rows aside (renamed tables) and drops them in
 * slices while it runs (work-trash.ts). A kill -9 at every step of that leaves a file that passes its integrity check
 * and whose list, the partial one included, holds only rows of the day and the rules; the next open finishes the pass
 * and drops what was left of the old rows.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Worklist } from '../../../shared/api/followups';
import type { CalendarDate } from '../../../shared/domain/dates';
import { seedClinic } from '../../../main/seed';
import { clinicToday } from '../../../main/services/clinic-context';
import { patientWork, type PatientWork } from '../../../main/services/followups/patient-work';
import { TRASH_PREFIX } from '../../../main/services/followups/work-trash';
import { integrityCheck } from '../../../main/store/sqlite-file';
import { clinicHarness, type ApiHarness } from '../../helpers/api';
import { runChild } from '../../helpers/killed-child';
import { strip, workOrder } from '../../helpers/work-rows';

describe('a kill -9 while a full pass sets the old work-list rows aside and drops them', () => {
  let h: ApiHarness;

  /** Every row of today by the rules themselves, in the list's order. */
  const expected = (): { rows: PatientWork[]; today: CalendarDate } => {
    const clinic = h.runtime.services.clinic();
    const today = clinicToday(clinic.ctx);
    const index = clinic.worklist['index'];
    const rows: PatientWork[] = [];
    for (const id of [...index.residentIds()]) {
      const entry = index.get(id);
      if (entry?.resident) rows.push(...patientWork(entry, today, 30).rows);
    }
    return { rows: rows.sort(workOrder), today };
  };
  const trash = () =>
    h.runtime.services.session.current().db.sql.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE ?").pluck().all(`${TRASH_PREFIX}%`);

  /** The seeded clinic with its day complete, copied back before each test. */
  let template: string;
  beforeAll(async () => {
    h = await clinicHarness('2026-05-20T02:00:00Z');
    await seedClinic(h.runtime.services.session.current(), { dataDir: h.dataDir, clock: h.clock, seed: 'work-pass-crash', profile: 'realistic', residents: 300 });
    // The day complete, with its page indexes: the pass below has a whole cache to set aside.
    await h.ok('worklist.get', { limit: 1 });
    await h.runtime.close();
    template = mkdtempSync(join(tmpdir(), 'cunyi-work-pass-'));
    cpSync(h.dataDir, template, { recursive: true });
  }, 120_000);
  beforeEach(() => {
    rmSync(h.dataDir, { recursive: true, force: true });
    cpSync(template, h.dataDir, { recursive: true });
  });
  afterEach(() => h.runtime.close());
  afterAll(async () => {
    await h.close();
    rmSync(template, { recursive: true, force: true });
  });

  it.each(['set-aside', 'index-dropped', 'rows-deleted', 'table-dropped'])(
    'killed at "%s": the file is whole, only the day\'s rows are shown, and the next open finishes the pass and drops the rest',
    async (phase) => {
      // The clock set back: a full pass.
      const back = '2026-05-15T02:00:00Z';
      const { out, err, signal } = await runChild('work-pass-child.ts', [h.dataDir, back, phase]);
      expect(err).toBe('');
      expect(out.trim()).toBe(phase);
      expect(signal).toBe('SIGKILL');

      h.clock.set(back);
      await h.restart();
      const sql = h.runtime.services.session.current().db.sql;
      expect(integrityCheck(sql)).toEqual({ ok: true, messages: [] });
      const want = expected();
      // Answered part-way or whole: either way every row is one of the finished list's, in its place.
      const early = await h.ok<Worklist>('worklist.get', { limit: 2000, allowPartial: true });
      const soFar = early.partial ? new Set(early.items.map((r) => r.residentId)) : null;
      expect(strip(early.items)).toEqual(want.rows.filter((r) => !soFar || soFar.has(r.residentId)));
      const whole = await h.ok<Worklist>('worklist.get', { limit: 2000 });
      expect(whole.partial).toBeUndefined();
      expect(strip(whole.items)).toEqual(want.rows);
      expect(trash()).toEqual([]);
      expect(integrityCheck(sql)).toEqual({ ok: true, messages: [] });
    },
    120_000,
  );
});
