import { useEffect } from 'react';
import { api } from '../api-client';

/** At most one `session.touch` per 30 s is plenty to postpone an idle lock measured in minutes. */
const TOUCH_EVERY_MS = 30_000;

/** Tells the services the user is active, so the idle lock counts from the last keystroke or click. */
export function useIdleTouch(): void {
  useEffect(() => {
    let last = 0;
    const onActivity = () => {
      const now = Date.now();
      if (now - last < TOUCH_EVERY_MS) return;
      last = now;
      // LOCKED here means the idle lock won the race; session.changed shows the sign-in screen.
      api.session.touch({}).catch(() => undefined);
    };
    const kinds = ['keydown', 'mousedown', 'wheel', 'touchstart', 'mousemove'] as const;
    for (const k of kinds) window.addEventListener(k, onActivity, { passive: true });
    return () => {
      for (const k of kinds) window.removeEventListener(k, onActivity);
    };
  }, []);
}
