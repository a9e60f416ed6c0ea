/**
 * `cunyi seed`: fills an empty clinic with a deterministic synthetic township (DESIGN.md §4) for the demo and the
 * benchmarks. Runs in an unlocked session as an admin; the data dir's `clinic.json` names this device, whose
 * record-number block the residents' numbers come from.
 */
import { performance } from 'node:perf_hooks';
import { AppError } from '../../shared/api/errors';
import { type Clock, dateInZone } from '../../shared/domain/dates';
import { readClinicMeta } from '../services/clinic-meta';
import type { Unlocked } from '../services/session';
import { DEFAULT_RESIDENTS, generateTownship, type SeedProfile } from './generator';
import { type SeedProgress, type WriteSummary, writeTownship } from './writer';

export { DEFAULT_RESIDENTS, generateTownship, SEED_PROFILES, type GeneratedTownship, type GenerateInput, type SeedProfile } from './generator';
export { checkSerialCapacity, issueRecordNumbers, writeTownship, type SeedProgress, type SeedTarget, type WriteSummary } from './writer';

export interface SeedOptions {
  dataDir: string;
  clock: Clock;
  seed: string;
  profile: SeedProfile;
  /** Default per profile: 3,000 realistic, 30,000 stress. */
  residents?: number;
  onProgress?: (p: SeedProgress) => void;
  /** See `GenerateInput.villageDoctors`. */
  villageDoctors?: readonly string[];
}

export interface SeedSummary {
  profile: SeedProfile;
  seed: string;
  clinicCode: string;
  today: string;
  villages: { count: number; created: boolean };
  counts: {
    residents: number;
    households: number;
    encounters: number;
    byType: WriteSummary['encounters'];
    audit: number;
    settings: number;
  };
  registries: { htn: number; t2dm: number };
  recordNumbers: WriteSummary['recordNumbers'];
  elapsedMs: number;
}

export const MAX_SEED_RESIDENTS = 200_000;

/** Errors: FORBIDDEN (not an admin), CONFLICT (the clinic has residents), RECORD_NUMBERS_EXHAUSTED, DATA_DAMAGED. */
export async function seedClinic(session: Unlocked, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  if (session.user.role !== 'admin') throw new AppError('FORBIDDEN');
  const residents = options.residents ?? DEFAULT_RESIDENTS[options.profile];
  if (!Number.isInteger(residents) || residents < 1 || residents > MAX_SEED_RESIDENTS) {
    throw new AppError('BAD_REQUEST', { residents, max: MAX_SEED_RESIDENTS });
  }
  const meta = await readClinicMeta(options.dataDir);
  if (!meta) throw new AppError('DATA_DAMAGED', { reason: 'clinic.json is missing or unreadable' });
  const clinic = await session.settings.clinic();
  const now = options.clock.now();
  const today = dateInZone(now, clinic.timeZone);
  const township = generateTownship({
    seed: options.seed,
    profile: options.profile,
    residents,
    clinic: { clinicCode: clinic.clinicCode, clinicName: clinic.clinicName, villages: clinic.villages },
    now,
    today,
    user: { id: session.user.id },
    ...(options.villageDoctors ? { villageDoctors: options.villageDoctors } : {}),
  });
  const written = await writeTownship(
    { db: session.db, clinicCode: clinic.clinicCode, deviceId: meta.deviceId, clock: options.clock, audit: session.audit, settings: session.settings },
    township,
    options.onProgress,
  );
  return {
    profile: options.profile,
    seed: options.seed,
    clinicCode: clinic.clinicCode,
    today,
    villages: { count: township.villages.length, created: township.villagesCreated },
    counts: {
      residents: written.written.residents,
      households: written.written.households,
      encounters: written.written.encounters,
      byType: written.encounters,
      audit: written.written.audit,
      settings: written.written.settings,
    },
    registries: township.registries,
    recordNumbers: written.recordNumbers,
    elapsedMs: Math.round(performance.now() - started),
  };
}
