/**
 * Cost of one password derivation with the default argon2id parameters (main/store/keys/kdf.ts), the figure the
 * README quotes, beside the scrypt parameters of slots made before argon2id (N = 2^17, r = 8, p = 1) measured in the
 * same run. `npx tsx bench/kdf.ts [--runs 7]` prints one JSON object on stdout; progress goes to stderr.
 * The target is >= 100 ms per derivation on the clinic's machine, so offline guessing of a stolen sidecar is slow.
 */
import { availableParallelism, loadavg } from 'node:os';

import { DEFAULT_KDF_COST, deriveKey, newKdfParams, type KdfParams } from '../main/store/keys/kdf';

const LEGACY_SCRYPT = { name: 'scrypt' as const, N: 2 ** 17, r: 8, p: 1 };

const TARGET_MS = 100;

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const runs = Number(argValue('--runs') ?? 7);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const measure = async (params: KdfParams, label: string) => {
    await deriveKey('warm-up password', params);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await deriveKey(`benchmark password ${i}`, params);
      times.push(performance.now() - started);
      process.stderr.write(`${label} run ${i + 1}/${runs}: ${times[i]?.toFixed(1)} ms\n`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
  };
  const params = newKdfParams(DEFAULT_KDF_COST);
  const ours = await measure(params, 'argon2id');
  const legacy = await measure(newKdfParams(LEGACY_SCRYPT), 'scrypt');
  const { salt: _salt, ...shown } = params;
  const result = {
    bench: 'kdf',
    params: shown,
    memoryMiB: params.name === 'argon2id' ? params.memoryKiB / 1024 : (128 * params.N * params.r) / 1024 / 1024,
    runs,
    msPerDerivation: round(ours.median),
    minMs: round(ours.min),
    maxMs: round(ours.max),
    targetMs: TARGET_MS,
    ratioToTarget: round(ours.median / TARGET_MS),
    meetsTarget: ours.median >= TARGET_MS,
    legacyScrypt: { params: LEGACY_SCRYPT, memoryMiB: 128, msPerDerivation: round(legacy.median), minMs: round(legacy.min), maxMs: round(legacy.max) },
    ratioToLegacy: round(ours.median / legacy.median),
    loadAverage: loadavg().map(round),
    cores: availableParallelism(),
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
