// The shell's utility-process carrier without Electron: utilityProcess.fork is replaced by a fake child that runs
// the runtime's real end (serveRuntime) over cloned, asynchronous messages, as the entry module does in the process.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { ApiResult } from '../../../../shared/api';
import { AppError } from '../../../../shared/api/errors';
import { serveRuntime } from '../../../../main/runtime/server';
import type { Runtime, RuntimeOptions } from '../../../../main/services/runtime';
import { EventBus } from '../../../../main/services/event-bus';

const forks = vi.hoisted(() => [] as Array<{ modulePath: string; options: unknown }>);
vi.mock('electron', () => ({
  utilityProcess: {
    fork: (modulePath: string, _args: string[], options: unknown) => {
      forks.push({ modulePath, options });
      throw new Error('this test passes its own fork');
    },
  },
}));

const { startRuntimeProcess } = await import('../../../../main/app/runtime-process');

const quiet = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };

/** A utility process whose inside is serveRuntime; `exitOnClose: false` plays a process that hangs on its way out. */
class FakeChild extends EventEmitter {
  killed = 0;
  private readonly inbox: Array<(m: unknown) => void> = [];

  constructor(create: (o: RuntimeOptions) => Runtime, exitOnClose = true) {
    super();
    serveRuntime({
      port: { post: (m) => queueMicrotask(() => this.emit('message', structuredClone(m))), onMessage: (l) => this.inbox.push(l) },
      create,
      onClosed: () => {
        if (exitOnClose) queueMicrotask(() => this.emit('exit', 0));
      },
    });
  }

  postMessage(m: unknown): void {
    const copy = structuredClone(m);
    queueMicrotask(() => this.inbox.forEach((l) => l(copy)));
  }

  kill(): boolean {
    this.killed++;
    queueMicrotask(() => this.emit('exit', 15));
    return true;
  }
}

function fakeRuntime(): Runtime & { closed: number } {
  const r = {
    services: { bus: new EventBus() },
    closed: 0,
    dispatch: async (method: unknown): Promise<ApiResult<unknown>> => ({ ok: true, value: method }),
    close: async () => void r.closed++,
  };
  return r as unknown as Runtime & { closed: number };
}

describe('the runtime in an Electron utility process', () => {
  it('forks the bundled entry, forwards calls, and on close lets the process exit by itself', async () => {
    const made = fakeRuntime();
    const child = new FakeChild(() => made);
    const paths: string[] = [];
    const runtime = await startRuntimeProcess('/app/dist/main/runtime.cjs', { dataDir: '/clinic', shell: 'electron' }, { logger: quiet }, (p) => {
      paths.push(p);
      return child;
    });
    expect(paths).toEqual(['/app/dist/main/runtime.cjs']);
    expect(await runtime.dispatch('session.state', {}, { transport: 'ipc', connectionId: 'ipc-1' })).toEqual({ ok: true, value: 'session.state' });
    await runtime.close();
    expect(made.closed).toBe(1);
    expect(child.killed).toBe(0);
  });

  it('ends a process that does not exit after closing its services', async () => {
    const child = new FakeChild(() => fakeRuntime(), false);
    const runtime = await startRuntimeProcess('/r.cjs', { dataDir: '/clinic', shell: 'electron' }, { logger: quiet }, () => child);
    await runtime.close();
    expect(child.killed).toBe(1);
  });

  it('refuses to start on a clinic another process holds (CLINIC_IN_USE) and leaves no process behind', async () => {
    const child = new FakeChild(() => {
      throw new AppError('CLINIC_IN_USE', { dataDir: '/clinic' });
    });
    let exited = false;
    child.on('exit', () => (exited = true));
    const start = startRuntimeProcess('/r.cjs', { dataDir: '/clinic', shell: 'electron' }, { logger: quiet }, () => child);
    await expect(start).rejects.toMatchObject({ code: 'CLINIC_IN_USE' });
    expect(exited).toBe(true);
    expect(child.killed).toBe(0);
  });

  it('a process that dies while starting rejects the start instead of hanging the shell', async () => {
    const child = new FakeChild(() => fakeRuntime());
    const start = startRuntimeProcess('/r.cjs', { dataDir: '/clinic', shell: 'electron' }, { logger: quiet }, () => {
      queueMicrotask(() => child.emit('exit', 1));
      return child;
    });
    await expect(start).rejects.toMatchObject({ code: 'INTERNAL', details: { reason: 'runtimeExited' } });
  });

  it('uses Electron utilityProcess.fork with a service name when no fork is given', async () => {
    await expect(startRuntimeProcess('/app/dist/main/runtime.cjs', { dataDir: '/clinic', shell: 'electron' }, { logger: quiet })).rejects.toThrow(
      'this test passes its own fork',
    );
    expect(forks).toEqual([{ modulePath: '/app/dist/main/runtime.cjs', options: { serviceName: 'Cunyi runtime', stdio: 'inherit' } }]);
  });
});
