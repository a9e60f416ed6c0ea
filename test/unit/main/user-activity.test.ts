import { describe, expect, it } from 'vitest';
import { UserActivity, idleOf } from '../../../main/services/user-activity';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A call kept in flight until `release()`; `call` settles after it. */
function heldCall(a: UserActivity): { call: Promise<void>; release: () => void } {
  let release = () => undefined as void;
  const call = a.track(() => new Promise<void>((r) => (release = r)));
  return { call, release: () => release() };
}

describe('UserActivity', () => {
  it('is idle only when no call is in flight and the last ended the quiet time ago', async () => {
    let t = 1_000;
    const a = new UserActivity(100, () => t);
    expect(a.isIdle()).toBe(true);
    const { call, release } = heldCall(a);
    t += 500;
    expect(a.isIdle()).toBe(false);
    release();
    await call;
    expect(a.isIdle()).toBe(false);
    t += 99;
    expect(a.isIdle()).toBe(false);
    t += 1;
    expect(a.isIdle()).toBe(true);
  });

  it('counts a call that fails as ended, and passes its error on', async () => {
    let t = 0;
    const a = new UserActivity(10, () => t);
    await expect(a.track(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    t += 10;
    expect(a.isIdle()).toBe(true);
  });

  it('whenIdle waits out calls in flight and the quiet time after them', async () => {
    const a = new UserActivity(40);
    const { call, release } = heldCall(a);
    let idle = false;
    const waited = a.whenIdle().then(() => (idle = true));
    await sleep(80);
    expect(idle).toBe(false);
    release();
    await call;
    await sleep(5);
    expect(idle).toBe(false);
    await waited;
    expect(a.isIdle()).toBe(true);
  });

  it('whenIdle lets through at once whoever now waits for the work', async () => {
    const a = new UserActivity(40);
    const { call, release } = heldCall(a);
    let wanted = false;
    let through = false;
    const waited = a.whenIdle(() => wanted).then(() => (through = true));
    await sleep(50);
    expect(through).toBe(false);
    wanted = true;
    await waited;
    expect(a.isIdle()).toBe(false);
    release();
    await call;
  });

  it('without counted calls (the CLI), waiting is one turn of the event loop', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    await idleOf(undefined)();
    expect(turned).toBe(true);
  });
});
