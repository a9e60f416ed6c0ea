import { describe, expect, it } from 'vitest';
import { latestOnly } from '../../../../renderer/app/use-load';

/** A promise the test settles by hand, to order answers as a slow network would. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('useLoad delivers only the latest load (the resident tabs’ shared loader)', () => {
  it('drops a slower earlier answer that comes after a newer one', async () => {
    const run = latestOnly();
    const got: unknown[] = [];
    const first = deferred<string>();
    const second = deferred<string>();
    const a = run(first.promise, (r) => got.push(r));
    const b = run(second.promise, (r) => got.push(r));
    second.resolve('resident B');
    first.resolve('resident A');
    await Promise.all([a, b]);
    expect(got).toEqual([{ ok: true, value: 'resident B' }]);
  });

  it('delivers a failure as such, and nothing once the screen is gone', async () => {
    const run = latestOnly();
    const got: unknown[] = [];
    await run(Promise.reject(new Error('LOCKED')), (r) => got.push(r));
    expect(got).toEqual([{ ok: false, error: new Error('LOCKED') }]);
    await run(Promise.resolve('late'), (r) => got.push(r), () => false);
    expect(got).toHaveLength(1);
  });
});
