/**
 * One collection replicated with the platform by RxDB's replication plugin: the pull handler pages by the
 * platform's change sequence, the push handler sends rows with their assumed master state and takes back the real
 * master of each conflict. Every document that comes back passes `accept` (schema and jurisdiction) first.
 */
import type { Observable } from 'rxjs';
import type { RxCollection, RxReplicationPullStreamItem } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { MAX_PULL_BATCH, MAX_PUSH_BATCH, PullResponse, PushResponse, type Checkpoint, type WireDocument } from '../../shared/sync/protocol';
import type { PlatformHttp } from './platform-http';
import { syncError } from './platform-http';

type Doc = Record<string, unknown>;

/** Pull batch size: the platform's largest (see MAX_PULL_BATCH for why large). */
export const PULL_BATCH = MAX_PULL_BATCH;

/**
 * A pull batch size asked for by an option (tests cut the link between small batches; `cunyi sync --pull-batch`):
 * an integer from 1 to MAX_PULL_BATCH, else a RangeError naming the bounds.
 */
export function checkPullBatch(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PULL_BATCH) throw new RangeError(`the pull batch must be a whole number from 1 to ${MAX_PULL_BATCH}, not ${n}`);
  return n;
}

/** The pull batch of these options (checked). */
export function pullBatchOf(o: { pullBatch?: number | undefined }): number {
  return o.pullBatch === undefined ? PULL_BATCH : checkPullBatch(o.pullBatch);
}

export interface PlatformReplicationOptions {
  http: PlatformHttp;
  collection: RxCollection<Doc>;
  /** The platform's collection name in the URL. */
  name: string;
  identifier: string;
  live: boolean;
  retryTime: number;
  stream$?: Observable<RxReplicationPullStreamItem<Doc, Checkpoint>>;
  accept: (doc: WireDocument) => Doc;
  /** Documents this device keeps to itself. */
  skipPush?: ((doc: object) => boolean) | undefined;
  onPulled?: (count: number) => void;
  /** Residents the page says left this device's villages, and the ids of the documents it brought (residents only). */
  onDeparted?: ((departed: string[], pulledIds: string[]) => void) | undefined;
  /** Documents per pull request (checked by `checkPullBatch`; default PULL_BATCH). */
  pullBatch?: number | undefined;
  /** Start at once (default); the engine starts it itself after the bootstrap. */
  autoStart?: boolean;
}

/**
 * One pull page from the platform, checked and accepted document by document: what both RxDB's pull handler and the
 * initial-sync bootstrap (bootstrap.ts) store.
 */
export async function pullPage(
  o: Pick<PlatformReplicationOptions, 'http' | 'name' | 'accept' | 'onPulled' | 'onDeparted'>,
  checkpoint: Checkpoint | undefined,
  batchSize: number,
  signal?: AbortSignal,
): Promise<{ documents: Doc[]; checkpoint: Checkpoint }> {
  const seq = checkpoint?.seq ?? 0;
  const r = await o.http.json('GET', `/${o.name}/pull?seq=${seq}&limit=${batchSize}`, undefined, PullResponse, signal);
  if (r.checkpoint.seq < seq) throw syncError('PLATFORM_BAD_RESPONSE', { reason: 'checkpoint went backwards' });
  if (r.documents.length > batchSize) throw syncError('PLATFORM_BAD_RESPONSE', { reason: 'more documents than asked for' });
  const documents = r.documents.map(o.accept);
  // Recorded before the page is stored: a crash in between pulls the same departure again, which is harmless.
  if (o.onDeparted && (documents.length > 0 || (r.departed?.length ?? 0) > 0)) o.onDeparted(r.departed ?? [], documents.map((d) => String(d['id'])));
  o.onPulled?.(documents.length);
  return { documents, checkpoint: r.checkpoint };
}

/**
 * The collection's replication; with `autoStart: false` the engine starts it (`start()`) after the initial-sync
 * bootstrap (bootstrap.ts), whose writes it then continues from.
 */
export function replicateWithPlatform(o: PlatformReplicationOptions): RxReplicationState<Doc, Checkpoint> {
  return replicateRxCollection<Doc, Checkpoint>({
    replicationIdentifier: o.identifier,
    collection: o.collection,
    live: o.live,
    retryTime: o.retryTime,
    autoStart: o.autoStart ?? true,
    waitForLeadership: false,
    pull: {
      batchSize: pullBatchOf(o),
      ...(o.stream$ ? { stream$: o.stream$ } : {}),
      handler: async (checkpoint, batchSize) => (await pullPage(o, checkpoint, batchSize)) as never,
    },
    push: {
      batchSize: MAX_PUSH_BATCH,
      ...(o.skipPush ? { modifier: (doc: Doc) => (o.skipPush!(doc) ? null : doc) } : {}),
      handler: async (rows) => {
        const conflicts = await o.http.json('POST', `/${o.name}/push`, rows, PushResponse);
        return conflicts.map(o.accept) as never;
      },
    },
  });
}
