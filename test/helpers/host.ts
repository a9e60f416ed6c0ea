/**
 * Starts the real headless host on a temp data dir with its runtime in a worker thread, as `npm run web` does, and a
 * small typed WebSocket client for tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ApiResult } from '../../shared/api';
import { fixedClock } from '../../shared/domain/dates';
import { startHost, type RunningHost } from '../../main/host/server';
import type { DeviceIo } from '../../main/devices';
import type { Argon2idCost } from '../../main/store/keys';
import type { RuntimeClient } from '../../main/runtime/client';
import { startRuntimeWorker } from '../../main/runtime/worker';

/** Cheap argon2id for tests (64 KiB, one pass); production cost is measured by `npm run bench -- kdf`. */
export const TEST_KDF_COST: Argon2idCost = { name: 'argon2id', memoryKiB: 64, timeCost: 1, parallelism: 1 };

export interface TestHost {
  dataDir: string;
  /** The runtime in its worker thread (its clock stands still at `now`). */
  runtime: RuntimeClient;
  host: RunningHost;
  close(): Promise<void>;
}

export async function startTestHost(opts: { dataDir?: string; now?: string; deviceIo?: DeviceIo } = {}): Promise<TestHost> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cunyi-host-'));
  const runtime = await startRuntimeWorker(
    {
      dataDir,
      shell: 'headless',
      fixedNow: fixedClock(opts.now ?? '2026-03-02T02:00:00Z').now(),
      kdfCost: TEST_KDF_COST,
      checkOutputs: true,
      quiet: true,
    },
    { logger: { error: () => undefined, warn: () => undefined, info: () => undefined }, ...(opts.deviceIo ? { deviceIo: opts.deviceIo } : {}) },
  );
  const host = await startHost({ dispatch: runtime.dispatch, bus: runtime, rendererDir: join(dataDir, 'no-renderer') });
  return {
    dataDir,
    runtime,
    host,
    async close() {
      await host.close();
      await runtime.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export class TestClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: ApiResult<unknown>) => void>();
  readonly events: { event: string; payload: unknown }[] = [];
  readonly orphans: ApiResult<unknown>[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse((Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8')) as { id?: number | null; result?: ApiResult<unknown>; event?: string; payload?: unknown };
      if (frame.event) this.events.push({ event: frame.event, payload: frame.payload });
      else if (typeof frame.id === 'number' && this.waiting.has(frame.id)) {
        this.waiting.get(frame.id)?.(frame.result as ApiResult<unknown>);
        this.waiting.delete(frame.id);
      } else if (frame.result) this.orphans.push(frame.result);
    });
  }

  static connect(host: RunningHost, opts: { token?: string; origin?: string } = {}): Promise<TestClient> {
    const url = `ws://127.0.0.1:${host.port}/api?token=${encodeURIComponent(opts.token ?? host.token)}`;
    const ws = new WebSocket(url, { headers: { origin: opts.origin ?? host.origin } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  call<T = unknown>(method: string, input: unknown = {}): Promise<ApiResult<T>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (r: ApiResult<unknown>) => void);
      this.ws.send(JSON.stringify({ id, method, input }));
    });
  }

  async ok<T = unknown>(method: string, input: unknown = {}): Promise<T> {
    const r = await this.call<T>(method, input);
    if (!r.ok) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
    return r.value;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  async nextOrphan(): Promise<ApiResult<unknown>> {
    for (let i = 0; i < 100 && this.orphans.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const r = this.orphans.shift();
    if (!r) throw new Error('no reply');
    return r;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export const SETUP_INPUT = {
  clinicCode: '441521101',
  clinicName: '海丰县赤坑镇卫生院',
  villages: [
    { code: '441521101201', name: '东光村' },
    { code: '441521101202', name: '西山村' },
  ],
  admin: { username: 'admin', displayName: '李医生', password: 'correct horse 1' },
};
