import { describe, expect, it } from 'vitest';
import { coalescedRefresh } from '../../../../renderer/app/coalesced-refresh';

/** A refresh the test finishes by hand: each call is one run, ended with `finish(i)`. */
function controlled() {
  const runs: { done: () => void; fail: (e: Error) => void }[] = [];
  const refresh = () =>
    new Promise<void>((done, fail) => {
      runs.push({ done, fail });
    });
  return { runs, refresh };
}

describe('coalescedRefresh (issue 13: a change reaches the work list without a debounce)', () => {
  it('runs the first request at once, not after a delay', () => {
    const c = controlled();
    const gate = coalescedRefresh(c.refresh);
    void gate.request();
    expect(c.runs).toHaveLength(1);
  });

  it('folds every request made while a refresh runs into one run after it', async () => {
    const c = controlled();
    const gate = coalescedRefresh(c.refresh);
    const first = gate.request();
    const later = [gate.request(), gate.request(), gate.request()];
    expect(c.runs).toHaveLength(1);
    c.runs[0]!.done();
    await first;
    await Promise.resolve();
    expect(c.runs).toHaveLength(2);
    c.runs[1]!.done();
    await Promise.all(later);
    expect(c.runs).toHaveLength(2);
  });

  it('a request after the runs ended starts a new run at once', async () => {
    const c = controlled();
    const gate = coalescedRefresh(c.refresh);
    const first = gate.request();
    c.runs[0]!.done();
    await first;
    void gate.request();
    expect(c.runs).toHaveLength(2);
  });

  it('a failed refresh still lets the folded one run, and the failure reaches its own caller', async () => {
    const c = controlled();
    const gate = coalescedRefresh(c.refresh);
    const first = gate.request();
    const second = gate.request();
    c.runs[0]!.fail(new Error('offline'));
    await expect(first).rejects.toThrow('offline');
    await Promise.resolve();
    expect(c.runs).toHaveLength(2);
    c.runs[1]!.done();
    await expect(second).resolves.toBeUndefined();
  });

  it('starts nothing after stop, while the running refresh ends on its own', async () => {
    const c = controlled();
    const gate = coalescedRefresh(c.refresh);
    const first = gate.request();
    const folded = gate.request();
    gate.stop();
    c.runs[0]!.done();
    await first;
    await folded;
    void gate.request();
    expect(c.runs).toHaveLength(1);
  });
});
