/**
 * Shared by the benchmarks: a clinic to measure. Either an existing one (`--data-dir D`, signed in with
 * CUNYI_PASSWORD as `--user` or admin) or a throw-away clinic seeded with the stress profile (DESIGN.md §4).
 * Progress goes to stderr; stdout is kept for the one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiResult } from '../shared/api';
import { systemClock } from '../shared/domain/dates';
import { seedClinic } from '../main/seed';
import { createRuntime, type Runtime } from '../main/services/runtime';

export function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

export const log = (...parts: unknown[]) => console.error('[bench]', ...parts);

export interface BenchClinic {
  runtime: Runtime;
  dataDir: string;
  call<T>(method: string, input: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function openBenchClinic(): Promise<BenchClinic> {
  const existing = arg('data-dir');
  const dataDir = existing ?? mkdtempSync(join(tmpdir(), 'cunyi-bench-'));
  const quiet = { error: (m: string, meta?: unknown) => log(m, meta), warn: () => undefined, info: () => undefined };
  // A throw-away clinic uses a cheap KDF: the KDF has its own benchmark and is not what these measure.
  const runtime = createRuntime({ dataDir, shell: 'headless', clock: systemClock, logger: quiet, ...(existing ? {} : { kdfCost: { name: 'argon2id' as const, memoryKiB: 64, timeCost: 1, parallelism: 1 } }) });
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const r = (await runtime.dispatch(method, input, { transport: 'test', connectionId: 'bench' })) as ApiResult<T>;
    if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  if (existing) {
    await call('session.signIn', { username: arg('user') ?? 'admin', password: process.env['CUNYI_PASSWORD'] ?? '' });
  } else {
    await call('session.setup', {
      clinicCode: '441521101',
      clinicName: '基准测试乡镇卫生院',
      villages: [],
      admin: { username: 'admin', displayName: '管理员', password: 'bench password' },
    });
    log('seeding the stress township (30,000 residents, 210,000 encounters)…');
    const summary = await seedClinic(runtime.services.session.current(), {
      dataDir,
      clock: systemClock,
      seed: arg('seed') ?? 'bench',
      profile: 'stress',
      ...(arg('residents') ? { residents: Number(arg('residents')) } : {}),
      onProgress: (p) => {
        runtime.services.session.touch();
        log(JSON.stringify(p));
      },
    });
    log(`seeded in ${summary.elapsedMs} ms`);
  }
  return {
    runtime,
    dataDir,
    call,
    async close() {
      await runtime.close();
      if (!existing) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function stats(samples: number[]): { p50: number; p95: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted[sorted.length - 1] ?? NaN), n: sorted.length };
}
