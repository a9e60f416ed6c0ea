/**
 * How a screen follows change events (`worklist.changed`): the first change is queried at once, and changes that come
 * while a query runs are folded into one more query after it, so a burst costs at most two queries in a row and the
 * screen is never more than one query behind. The 工作台 used a 300 ms trailing debounce, which saves in a row pushed
 * back until they stopped (bench/edits.ts, issue 13: save → another device's work list). Pure, so it is unit-tested.
 */
export interface CoalescedRefresh {
  /** Runs the refresh now, or once after the one running; resolves when a refresh started after this call ended. */
  request(): Promise<void>;
  /** No refresh starts after this (the screen is gone); one running ends on its own. */
  stop(): void;
}

export function coalescedRefresh(refresh: () => Promise<void>): CoalescedRefresh {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  let stopped = false;
  const start = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    const run = refresh().finally(() => {
      if (running === run) running = null;
    });
    running = run;
    return run;
  };
  return {
    request() {
      if (!running) return start();
      // A failed refresh still lets the next one run: the caller shows its own error.
      next ??= running
        .catch(() => undefined)
        .then(() => {
          next = null;
          return start();
        });
      return next;
    },
    stop() {
      stopped = true;
    },
  };
}
