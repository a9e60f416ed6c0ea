import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli';
import { fixedClock } from '../../../shared/domain/dates';
import { isRecordNo, parseRecordNo } from '../../../shared/domain/record-number';
import type { ResidentDoc } from '../../../shared/schemas/collections';
import { seedClinic, type SeedSummary } from '../../../main/seed';
import { EventBus } from '../../../main/services/event-bus';
import { createRuntime } from '../../../main/services/runtime';
import { SessionService } from '../../../main/services/session';
import { SETUP_INPUT, TEST_KDF_COST } from '../../helpers/host';

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

// The session service directly (not the dispatcher): seeding is a CLI/demo path, not an API method.
describe('seed: a small township into a real encrypted clinic database', () => {
  let dataDir: string;
  let session: SessionService;
  let summary: SeedSummary;
  const clock = fixedClock('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cunyi-seed-'));
    session = new SessionService({ dataDir, clock, bus: new EventBus(), logger: silent, kdfCost: TEST_KDF_COST });
    await session.setup(SETUP_INPUT);
    summary = await seedClinic(session.current(), { dataDir, clock, seed: 'integration', profile: 'realistic', residents: 300 });
  });
  afterAll(async () => {
    await session.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes what the summary says, readable through RxDB after a fresh sign-in', async () => {
    await session.lock();
    await session.signIn(SETUP_INPUT.admin.username, SETUP_INPUT.admin.password);
    const { rx } = session.current().db;
    expect(await rx.residents.count().exec()).toBe(300);
    expect(summary.counts.residents).toBe(300);
    expect(await rx.households.count().exec()).toBe(summary.counts.households);
    expect(await rx.encounters.count().exec()).toBe(summary.counts.encounters);
    for (const [type, n] of Object.entries(summary.counts.byType)) {
      expect(await rx.encounters.count({ selector: { type: type as never } }).exec()).toBe(n);
    }
    expect(await rx.encounters.count({ selector: { type: 'htnEnrolment' } }).exec()).toBe(summary.registries.htn);
    expect(await rx.encounters.count({ selector: { type: 't2dmEnrolment' } }).exec()).toBe(summary.registries.t2dm);
    expect(summary.registries.htn).toBeGreaterThan(0);
    expect(await rx.audit.count({ selector: { action: 'seed' } }).exec()).toBe(summary.counts.audit);
  });

  it('uses the clinic\'s villages and issues unique record numbers from the device block', async () => {
    const { rx } = session.current().db;
    const residents = (await rx.residents.find().exec()).map((d) => d.toJSON() as ResidentDoc);
    const recordNos = residents.map((r) => r.recordNo);
    expect(new Set(recordNos).size).toBe(residents.length);
    expect(recordNos.every(isRecordNo)).toBe(true);
    const villages = new Set(SETUP_INPUT.villages.map((v) => v.code));
    for (const r of residents) {
      expect(villages.has(r.villageCode)).toBe(true);
      expect(parseRecordNo(r.recordNo)?.villageCode).toBe(r.villageCode);
    }
    expect(summary.villages).toEqual({ count: 2, created: false });
    // The saved cursor is the highest serial issued in each village, so the next resident gets a fresh number.
    const block = (await rx.settings.find({ selector: { type: 'recordBlock' } }).exec())[0]?.toJSON().data as { lastIssued: Record<string, number> };
    for (const code of villages) {
      const serials = residents.filter((r) => r.villageCode === code).map((r) => parseRecordNo(r.recordNo)?.serial ?? 0);
      expect(block.lastIssued[code]).toBe(Math.max(...serials));
    }
  });

  it('refuses to seed a clinic that already has residents, leaving it unchanged', async () => {
    await expect(seedClinic(session.current(), { dataDir, clock, seed: 'again', profile: 'realistic', residents: 10 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await session.current().db.rx.residents.count().exec()).toBe(300);
  });
});

describe('seed: a township clinic without villages', () => {
  it('creates 6–10 villages under the township code and saves them in the clinic settings', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cunyi-seed-'));
    const clock = fixedClock('2026-03-02T02:00:00Z');
    const session = new SessionService({ dataDir, clock, bus: new EventBus(), logger: silent, kdfCost: TEST_KDF_COST });
    try {
      await session.setup({ ...SETUP_INPUT, villages: [] });
      const summary = await seedClinic(session.current(), { dataDir, clock, seed: 'v', profile: 'realistic', residents: 60 });
      const { villages } = await session.current().settings.clinic();
      expect(villages.length).toBe(summary.villages.count);
      expect(villages.length).toBeGreaterThanOrEqual(6);
      expect(villages.length).toBeLessThanOrEqual(10);
      for (const v of villages) expect(v.code).toMatch(new RegExp(`^${SETUP_INPUT.clinicCode}2\\d\\d$`));
    } finally {
      await session.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});


describe('cunyi seed (CLI, production KDF)', () => {
  it('seeds a fresh clinic, prints a JSON summary on stdout and progress on stderr', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cunyi-seed-cli-'));
    const env = { CUNYI_PASSWORD: 'clinic admin 1' };
    try {
      expect((await cli(['init', '--data-dir', root, '--clinic', '441521101', '--name', '赤坑镇卫生院', '--admin', 'admin'], env)).code).toBe(0);
      const r = await cli(['seed', '--data-dir', root, '--residents', '80', '--seed', 's1'], env);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as SeedSummary;
      expect(summary).toMatchObject({ profile: 'realistic', seed: 's1', clinicCode: '441521101', counts: { residents: 80 }, villages: { created: true } });
      expect(summary.elapsedMs).toBeGreaterThan(0);
      expect(r.stderr).toContain('seed: residents 80/80');
      // `cunyi seed` runs without the live indexes; at the next sign-in they catch up with what it wrote.
      const rt = createRuntime({ dataDir: root, shell: 'headless', logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
      try {
        const call = (method: string, input: unknown) => rt.dispatch(method, input, { transport: 'test', connectionId: 't' });
        expect((await call('session.signIn', { username: 'admin', password: env.CUNYI_PASSWORD })).ok).toBe(true);
        const seeded = (await rt.services.clinic().ctx.db.rx.residents.findOne().exec())?.toJSON();
        const found = await call('residents.search', { query: seeded?.name ?? '?', limit: 200 });
        expect(found.ok && (found.value as { id: string }[]).map((x) => x.id)).toContain(seeded?.id);
      } finally {
        await rt.close();
      }
      expect((await cli(['seed', '--data-dir', root, '--profile', 'huge'], env)).code).toBe(2);
      expect((await cli(['seed', '--data-dir', root, '--residents', '-5'], env)).code).toBe(2);
      expect((await cli(['seed', '--data-dir', root, '--residents', '5'], env)).code).not.toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    // Five production-cost key derivations (init, three sign-ins, a refused seed): minutes on a busy 2-core machine.
  }, 180_000);
});
