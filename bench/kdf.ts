/**
 * Cost of one password derivation with the default scrypt parameters (main/store/keys/kdf.ts), the figure the
 * README quotes. `npx tsx bench/kdf.ts [--runs 7]` prints one JSON object on stdout; progress goes to stderr.
 * The target is >= 100 ms per derivation on the clinic's machine, so offline guessing of a stolen sidecar is slow.
 */
import { availableParallelism } from 'node:os';

import { DEFAULT_KDF_COST, deriveKey, newKdfParams } from '../main/store/keys/kdf';

const TARGET_MS = 100;

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const runs = Number(argValue('--runs') ?? 7);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  const params = newKdfParams(DEFAULT_KDF_COST);
  await deriveKey('warm-up password', params);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await deriveKey(`benchmark password ${i}`, params);
    times.push(performance.now() - started);
    process.stderr.write(`run ${i + 1}/${runs}: ${times[i]?.toFixed(1)} ms\n`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const result = {
    bench: 'kdf',
    params: { name: params.name, N: params.N, r: params.r, p: params.p, keyLen: params.keyLen },
    memoryMiB: (128 * params.N * params.r) / 1024 / 1024,
    runs,
    msPerDerivation: round(median),
    minMs: round(sorted[0] ?? 0),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    targetMs: TARGET_MS,
    ratioToTarget: round(median / TARGET_MS),
    meetsTarget: median >= TARGET_MS,
    cores: availableParallelism(),
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
