/**
 * mocha's globals for RxDB's own suites under vitest: `it` with a mocha-like `this` (the suites call
 * `this.timeout(ms)` inside `async function () {}` tests), `before`/`after`, and a `describe` that, like mocha's,
 * accepts a block with no tests: the suites return early from blocks their storage's flags rule out
 * (`describe('attachments')` without `hasAttachments`); vitest would fail such a block, so it gets one skipped
 * test that says why.
 */
import { afterAll, beforeAll, describe as vitestDescribe, it as vitestIt } from 'vitest';

type MochaLikeTest = (this: { timeout: (ms: number) => void }) => unknown;

const TEST_TIMEOUT_MS = 60_000;
let registered = 0;

function mochaIt(name: string, fn?: MochaLikeTest): void {
  registered++;
  if (!fn) {
    vitestIt.todo(name);
    return;
  }
  const context = { timeout: (): void => undefined };
  vitestIt(name, () => fn.call(context), TEST_TIMEOUT_MS);
}

function mochaDescribe(name: string, fn: () => void): void {
  registered++;
  vitestDescribe(name, () => {
    const before = registered;
    fn();
    if (registered === before) {
      vitestIt.skip(`${name}: the suite returns early for this storage's capability flags (test/conformance/rx-storage.ts)`);
    }
  });
}

Object.assign(globalThis, { it: mochaIt, describe: mochaDescribe, before: beforeAll, after: afterAll });
