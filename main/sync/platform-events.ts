/**
 * The platform's event stream (SSE) for a running sync engine: every change notice makes that collection pull, and
 * each (re)connection's `hello` makes all of them pull, so nothing announced while the link was down is missed. A
 * dropped stream is reopened after a back-off (doubling up to `maxRetryMs`, reset by the next `hello`); a revoked
 * device stops listening.
 */
import type { Subject } from 'rxjs';
import type { RxReplicationPullStreamItem } from 'rxdb';
import { z } from 'zod';
import type { Checkpoint, SyncedCollection } from '../../shared/sync/protocol';
import type { PlatformHttp } from './platform-http';

export interface PlatformEventsOptions {
  http: PlatformHttp;
  streams: Map<SyncedCollection, Subject<RxReplicationPullStreamItem<Record<string, unknown>, Checkpoint>>>;
  signal: AbortSignal;
  minRetryMs: number;
  maxRetryMs: number;
  /** Told of every failure of the stream; answers true to stop listening (the device was revoked). */
  onError: (e: unknown) => boolean;
}

export async function followPlatformEvents(o: PlatformEventsOptions): Promise<void> {
  let delay = o.minRetryMs;
  while (!o.signal.aborted) {
    try {
      await o.http.events((event, data) => {
        if (event === 'hello') {
          delay = o.minRetryMs;
          for (const s of o.streams.values()) s.next('RESYNC');
        } else if (event === 'change') {
          const parsed = z.object({ collection: z.string() }).safeParse(JSON.parse(data));
          if (parsed.success) o.streams.get(parsed.data.collection as SyncedCollection)?.next('RESYNC');
        }
      }, o.signal);
    } catch (e) {
      if (o.signal.aborted) return;
      if (o.onError(e)) return;
    }
    if (o.signal.aborted) return;
    await new Promise((r) => setTimeout(r, delay).unref());
    delay = Math.min(delay * 2, o.maxRetryMs);
  }
}
