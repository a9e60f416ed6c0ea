/**
 * The reports' warm-up after sign-in (the preload of the input, then this month's stored sets) is work nobody waits
 * for: it goes in the gaps between the user's calls (user-activity.ts), so the 工作台's first calls after sign-in
 * do not share the thread with it (issue 10 §4). A report asked meanwhile must not wait for a gap: it needs the
 * preload, so the preload goes on for it at once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Report } from '../../../shared/api/reports';
import { dateInZone } from '../../../shared/domain/dates';
import type { ReportPeriod } from '../../../shared/domain/indicators';
import { seedClinic } from '../../../main/seed';
import { IndicatorFacts } from '../../../main/services/reports/indicator-facts';
import type { ClinicServices } from '../../../main/services/clinic-services';
import { clinicHarness, type ApiHarness } from '../../helpers/api';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("the reports' warm-up waits for a gap between the user's calls", () => {
  let h: ApiHarness;
  const clinic = (): ClinicServices => h.runtime.services.clinic();
  const thisMonth = (): ReportPeriod => {
    const today = dateInZone(h.clock.now(), clinic().ctx.timeZone);
    return { kind: 'month', year: Number(today.slice(0, 4)), index: Number(today.slice(5, 7)) };
  };
  /** Signs in again with nothing stored for any period, while `hold` keeps one call of the user's in flight. */
  const signInWhileBusy = async (hold: Promise<void>) => {
    clinic().ctx.db.sql.exec('DELETE FROM p_indicator_contrib; DELETE FROM p_indicator_contrib_dirty; DELETE FROM p_indicator_contrib_sums; DELETE FROM p_indicator_sets;');
    await h.restart();
    void h.runtime.services.activity.track(() => hold);
  };

  beforeAll(async () => {
    h = await clinicHarness('2026-05-20T02:00:00Z');
    await seedClinic(h.runtime.services.session.current(), { dataDir: h.dataDir, clock: h.clock, seed: 'yields', profile: 'realistic', residents: 300 });
    // The stored facts filled and the warm-up over, as on any later day.
    await h.restart();
    await clinic().reports.warmUp();
  }, 120_000);
  afterAll(() => h.close());

  it('reads nothing while a call is in flight, and goes on once the calls stop', async () => {
    const slices = vi.spyOn(IndicatorFacts.prototype, 'readFrom');
    let release = () => undefined as void;
    try {
      await signInWhileBusy(new Promise<void>((r) => (release = r)));
      // Left to itself the preload of 300 residents takes one slice of a few milliseconds.
      await sleep(600);
      expect(slices).not.toHaveBeenCalled();
      expect(h.runtime.services.activity.isIdle()).toBe(false);
      release();
      await clinic().reports.warmUp();
      expect(slices).toHaveBeenCalled();
      expect(await clinic().reports.isStored(thisMonth())).toBe(true);
    } finally {
      release();
      slices.mockRestore();
    }
  }, 60_000);

  it('a report asked while the warm-up waits is answered without waiting for a gap', async () => {
    let release = () => undefined as void;
    try {
      await signInWhileBusy(new Promise<void>((r) => (release = r)));
      await sleep(200);
      // The report's own call is in flight too: were the preload still waiting for a gap, this would never answer.
      const report = await h.ok<Report>('reports.get', { period: thisMonth() });
      expect(report.indicators.length).toBeGreaterThan(0);
      expect(h.runtime.services.activity.isIdle()).toBe(false);
    } finally {
      release();
    }
  }, 60_000);
});
