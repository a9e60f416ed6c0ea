/**
 * A small seeded clinic in a temp folder, made once for a test file (`beforeAll`) and removed after it: the admin of
 * SETUP_INPUT and `residents` residents of the realistic profile, seeded on 2026-03-02.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { seedClinic } from '../../main/seed';
import { EventBus } from '../../main/services/event-bus';
import { SessionService } from '../../main/services/session';
import { fixedClock } from '../../shared/domain/dates';
import { SETUP_INPUT, TEST_KDF_COST } from './host';

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

export function seededClinicDir(opts: { prefix: string; seed: string; residents: number }): { readonly dataDir: string } {
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), opts.prefix));
    const clock = fixedClock('2026-03-02T02:00:00Z');
    const session = new SessionService({ dataDir, clock, bus: new EventBus(), logger: silent, kdfCost: TEST_KDF_COST });
    await session.setup(SETUP_INPUT);
    await seedClinic(session.current(), { dataDir, clock, seed: opts.seed, profile: 'realistic', residents: opts.residents });
    await session.close();
  }, 120_000);
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get dataDir(): string {
      if (!dataDir) throw new Error('the seeded clinic is made in beforeAll');
      return dataDir;
    },
  };
}
