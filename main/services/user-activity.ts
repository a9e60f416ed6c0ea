/**
 * The user's calls, as background work sees them. Work nobody is waiting for (the reports' preload after sign-in,
 * the stored sets it then makes) shares the runtime's one thread with the calls that answer the screens; sliced,
 * each call still waits behind whole slices, and after sign-in the preload's second of slices landed between the
 * 工作台's first calls: the second sign-in's first page took 0.6–1.5 s on the 30,000-resident clinic instead of
 * 0.3 s (issue 10 §4). So such work waits, between its slices, until no call is in flight and none has ended for
 * a moment: a screen's burst of calls goes first, and the work goes on in the gaps a person leaves.
 *
 * The dispatcher counts every call (runtime.ts). Work someone waits for (a report asking for the preload it needs)
 * must not wait here: `whenIdle` takes a predicate that lets it through at once.
 */
import { performance } from 'node:perf_hooks';

/** How long after the last call's answer the runtime counts as idle: longer than a screen's calls are apart. */
export const QUIET_MS = 100;
/** How often a waiting slice looks again. */
const POLL_MS = 20;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class UserActivity {
  private inFlight = 0;
  private lastEnd = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly quietMs = QUIET_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs one call, counted as in flight until it settles. */
  async track<T>(call: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await call();
    } finally {
      this.inFlight -= 1;
      this.lastEnd = this.now();
    }
  }

  /** True when no call is in flight and none ended within the quiet time. */
  isIdle(): boolean {
    return this.inFlight === 0 && this.now() - this.lastEnd >= this.quietMs;
  }

  /**
   * Resolves, always after at least one turn of the event loop, once the runtime is idle, or as soon as `unless()`
   * is true (someone now waits for the work, or it was stopped).
   */
  async whenIdle(unless: () => boolean = () => false): Promise<void> {
    await nextTurn();
    while (!unless() && !this.isIdle()) {
      const left = this.inFlight > 0 ? POLL_MS : this.lastEnd + this.quietMs - this.now();
      await sleep(Math.max(1, Math.min(POLL_MS, Math.ceil(left))));
    }
  }
}

/** `activity.whenIdle`, or one turn of the event loop where no calls are counted (the CLI, tests). */
export function idleOf(activity: UserActivity | undefined): (unless?: () => boolean) => Promise<void> {
  return activity ? (unless) => activity.whenIdle(unless) : nextTurn;
}
