/** A runtime on a temp data dir with a set-up clinic, called through the real dispatcher (as the UI does). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiResult } from '../../shared/api';
import { fixedClock } from '../../shared/domain/dates';
import { idCheckDigit } from '../../shared/domain/id-number';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../main/services/runtime';
import { SETUP_INPUT, TEST_KDF_COST } from './host';

const silent = process.env['CUNYI_TEST_LOG'] ? { error: console.error, warn: console.warn, info: () => undefined } : { error: () => undefined, warn: () => undefined, info: () => undefined };

export interface ApiHarness {
  dataDir: string;
  clock: ReturnType<typeof fixedClock>;
  runtime: Runtime;
  call<T = unknown>(method: string, input?: unknown): Promise<ApiResult<T>>;
  ok<T = unknown>(method: string, input?: unknown): Promise<T>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function clinicHarness(now = '2026-03-02T02:00:00Z', extra: Pick<RuntimeOptions, 'deviceIo' | 'syncPullBatch'> = {}): Promise<ApiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cunyi-api-'));
  const clock = fixedClock(now);
  const make = () => createRuntime({ dataDir, shell: 'headless', clock, kdfCost: TEST_KDF_COST, checkOutputs: true, logger: silent, ...extra });
  const h: ApiHarness = {
    dataDir,
    clock,
    runtime: make(),
    call: <T>(method: string, input: unknown = {}) => h.runtime.dispatch(method, input, { transport: 'test', connectionId: 't' }) as Promise<ApiResult<T>>,
    async ok<T>(method: string, input: unknown = {}) {
      const r = await h.call<T>(method, input);
      if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
      return r.value;
    },
    async restart() {
      await h.runtime.close();
      h.runtime = make();
      await h.ok('session.signIn', { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password });
    },
    async close() {
      await h.runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await h.ok('session.setup', SETUP_INPUT);
  return h;
}

/** A valid 18-digit ID number for a synthetic person. */
export function idNumber(birth: string, seq: number, address = '441521'): string {
  const first17 = `${address}${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + (idCheckDigit(first17) ?? '');
}

export function residentInput(over: Record<string, unknown> = {}) {
  const birthDate = (over['birthDate'] as string | undefined) ?? '1956-05-14';
  const sex = (over['sex'] as string | undefined) ?? '1';
  return {
    name: '张三',
    createdDate: '2026-03-01',
    sex,
    birthDate,
    idNumber: idNumber(birthDate, sex === '1' ? 11 : 12),
    phone: '13812345678',
    villageCode: SETUP_INPUT.villages[0]!.code,
    ...over,
  };
}
