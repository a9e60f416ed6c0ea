/**
 * The replication client: one `replicateRxCollection` per synced collection against the county platform, run by the
 * runtime while the clinic is open (never by the UI's thread). It starts when enrolled, follows the platform's event
 * stream to pull at once, backs off while the platform cannot be reached (5 s doubling to 5 min), and resumes from
 * the checkpoints RxDB keeps in the same encrypted file, so a crash, restart or sleep loses nothing.
 * What it receives is parsed against the shared schemas and the device's jurisdiction before RxDB sees it.
 */
import { Subject, type Subscription } from 'rxjs';
import type { RxCollection, RxReplicationPullStreamItem } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { AppError } from '../../shared/api/errors';
import type { SyncStatus } from '../../shared/api/sync';
import type { Clock } from '../../shared/domain/dates';
import {
  AckResponse,
  isLocalOnlySetting,
  ParkedResponse,
  SYNCED_COLLECTIONS,
  SYNCED_COLLECTION_NAMES,
  wireSchemas,
  type Checkpoint,
  type SyncedCollection,
  type WireDocument,
} from '../../shared/sync/protocol';
import type { Logger } from '../api/dispatch';
import type { ClinicDatabase } from '../store/database';
import type { BulkLoad } from '../store/rx-storage-sqlcipher';
import { Departures } from './departures';
import { EnrolmentStore, type Enrolment } from './enrolment-store';
import { LateEdits } from './late-edits';
import { PlatformHttp, syncError } from './platform-http';
import { bootstrapCollection, openMetaStore, type MetaStore } from './bootstrap';
import { pendingIds, pulledUpTo, pullTotals, remaining, type ReplicationSet } from './local-changes';
import { followPlatformEvents } from './platform-events';
import { errorOf } from './sync-errors';
import { checkPullBatch, pullBatchOf, pullPage, replicateWithPlatform, type PlatformReplicationOptions } from './replication';

const MIN_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;
/** How long "sync now" waits for every collection to be in sync before it reports what it has. */
export const SYNC_NOW_TIMEOUT_MS = 5 * 60_000;
/** Documents to pull from which a round is a bulk load for the storage (one full pull batch and more). */
export const BULK_LOAD_MIN_DOCUMENTS = 5_000;
/** How long after a bulk round's answer its pages are copied from the WAL into the file (`syncNow`). */
export const BULK_LOAD_CHECKPOINT_DELAY_MS = 1_000;

type Doc = Record<string, unknown>;

export interface SyncEngineOptions {
  db: ClinicDatabase;
  clock: Clock;
  logger: Logger;
  deviceId: string;
  onStatus?: (s: SyncStatus) => void;
  /** Tests shorten the back-off. */
  minRetryMs?: number;
  /** Collections to replicate (default all synced ones). */
  collections?: readonly SyncedCollection[];
  /** Documents per pull request, 1..MAX_PULL_BATCH (default PULL_BATCH); fault tests use small ones. */
  pullBatch?: number | undefined;
}

interface Running extends ReplicationSet {
  streams: Map<SyncedCollection, Subject<RxReplicationPullStreamItem<Doc, Checkpoint>>>;
  events: AbortController;
  subs: Subscription[];
  /** Per collection: the bootstrap, then the replication's start. */
  starting: Promise<void>[];
}

export class SyncEngine {
  readonly enrolments: EnrolmentStore;
  readonly departures: Departures;
  /** This device's late edits and what became of them, as of the last round (kept in the clinic file). */
  readonly lateEdits: LateEdits;
  /** This device's edits the platform parked for review (as of the last round, also after a restart). */
  private parked: number;
  /** Purges run one after another, whether "sync now" or a live pull asked for them. */
  private purges: Promise<void> = Promise.resolve();
  private running: Running | null = null;
  private state: SyncStatus['state'] = 'notEnrolled';
  private lastError: SyncStatus['lastError'] = null;
  private pending = 0;
  private progress: SyncStatus['progress'] = null;
  private retryMs: number;
  /**
   * Whether a first sync (or a pull far behind) is written by the bootstrap (bootstrap.ts); `false` leaves every page
   * to RxDB's replication (tests compare the two; `bench sync --no-bootstrap`). Read when a collection starts.
   */
  bootstrap = true;

  constructor(private readonly opts: SyncEngineOptions) {
    this.enrolments = new EnrolmentStore(opts.db.sql);
    this.departures = new Departures(opts.db.sql);
    this.lateEdits = new LateEdits(opts.db.sql);
    this.parked = this.lateEdits.parkedCount();
    this.retryMs = opts.minRetryMs ?? MIN_RETRY_MS;
    if (opts.pullBatch !== undefined) checkPullBatch(opts.pullBatch);
  }

  private get collections(): readonly SyncedCollection[] {
    return this.opts.collections ?? SYNCED_COLLECTION_NAMES;
  }

  status(): SyncStatus {
    const e = this.enrolments.enrolment();
    const marks = this.enrolments.marks();
    return {
      state: e ? this.state : 'notEnrolled',
      platformUrl: e?.url ?? null,
      fingerprint: e?.fingerprint256 ?? null,
      deviceId: this.opts.deviceId,
      pending: this.pending,
      ackedUpTo: marks.ackedUpTo,
      lastSyncAt: marks.lastSyncAt,
      progress: this.progress,
      lastError: this.lastError,
      parked: this.parked,
    };
  }

  /** The status with the pending count read now, not as of the last round (the 同步 screen asks when it opens). */
  async currentStatus(): Promise<SyncStatus> {
    if (this.running) this.pending = await this.countPending().catch(() => this.pending);
    return this.status();
  }

  private publish(): void {
    this.opts.onStatus?.(this.status());
  }

  private setError(e: unknown): void {
    const err = errorOf(e);
    this.lastError = err;
    this.state = err.code === 'PLATFORM_UNREACHABLE' ? 'offline' : 'error';
    this.publish();
  }

  /** Starts replicating when enrolled; a no-op otherwise or when already running. */
  start(): void {
    const enrolment = this.enrolments.enrolment();
    if (!enrolment || this.running) return;
    const http = new PlatformHttp({ url: enrolment.url, fingerprint256: enrolment.fingerprint256, credential: enrolment.credential });
    const run: Running = { http, replications: new Map(), streams: new Map(), events: new AbortController(), subs: [], metas: new Map(), starting: [] };
    this.running = run;
    this.state = 'syncing';
    for (const name of this.collections) this.replicate(run, enrolment, name);
    void followPlatformEvents({
      http,
      streams: run.streams,
      signal: run.events.signal,
      minRetryMs: this.opts.minRetryMs ?? MIN_RETRY_MS,
      maxRetryMs: MAX_RETRY_MS,
      onError: (e) => {
        this.setError(e);
        return errorOf(e).code === 'DEVICE_REVOKED';
      },
    });
    this.publish();
  }

  private replicate(run: Running, enrolment: Enrolment, name: SyncedCollection): void {
    const collection = this.opts.db.rx[name] as unknown as RxCollection<Doc>;
    const stream = new Subject<RxReplicationPullStreamItem<Doc, Checkpoint>>();
    run.streams.set(name, stream);
    const accept = (doc: WireDocument): Doc => this.acceptFromPlatform(enrolment, name, doc);
    const options: PlatformReplicationOptions = {
      http: run.http,
      collection,
      name,
      identifier: `cunyi-platform-${name}-${enrolment.url}`,
      live: true,
      retryTime: this.retryMs,
      pullBatch: this.opts.pullBatch,
      stream$: stream.asObservable(),
      accept,
      autoStart: false,
      skipPush: (doc) => (name === 'settings' && isLocalOnlySetting(doc)) || this.departures.isPurgeTombstone(name, doc),
      onDeparted:
        name === 'residents'
          ? (departed, pulled) => {
              this.departures.returned(pulled);
              const back = new Set(pulled);
              const gone = departed.filter((id) => !back.has(id));
              this.departures.noticed(gone, this.opts.clock.now());
              if (gone.length > 0) void this.purgeWhenInSync(run);
            }
          : undefined,
      onPulled: (n) => {
        if (!this.progress) return;
        const received = this.progress.received + n;
        this.progress = { ...this.progress, received, etaSeconds: this.eta(received, this.progress.total) };
        this.publish();
      },
    };
    const state = replicateWithPlatform(options);
    run.replications.set(name, state);
    const meta = openMetaStore(collection, state);
    run.metas.set(name, meta);
    run.starting.push(this.bootstrapThenStart(run, name, state, meta, options));
    run.subs.push(
      state.error$.subscribe((e) => {
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
        for (const r of run.replications.values()) r.retryTime = this.retryMs;
        this.opts.logger.warn('sync: replication error', { collection: name, error: errorOf(e) });
        this.setError(e);
      }),
    );
  }

  /**
   * A first sync, or a pull far behind, is written page by page by the bootstrap (bootstrap.ts); then the collection's
   * replication starts from what it wrote. Whatever stops the bootstrap, the replication takes over from the stored
   * checkpoint, with its own retries and error reports.
   */
  private async bootstrapThenStart(
    run: Running,
    name: SyncedCollection,
    state: RxReplicationState<Doc, Checkpoint>,
    metaOpening: Promise<MetaStore | null>,
    options: PlatformReplicationOptions,
  ): Promise<void> {
    const signal = run.events.signal;
    try {
      const meta = await metaOpening;
      const batchSize = pullBatchOf(options);
      const down = meta?.checkpoint<Checkpoint>('down');
      const farBehind =
        meta !== null &&
        this.bootstrap &&
        !signal.aborted &&
        (down === undefined ||
          (await remaining(run.http, name, down.seq, signal)) >= batchSize);
      if (meta && this.bootstrap && farBehind) {
        const r = await bootstrapCollection({ collection: options.collection, replication: state, meta, batchSize, signal, pull: (cp, n, s) => pullPage(options, cp, n, s) });
        if (r.documents > 0) this.opts.logger.info('sync: initial sync written directly', { collection: name, documents: r.documents, pages: r.pages, ended: r.ended });
      }
    } catch (e) {
      if (!signal.aborted) this.opts.logger.warn('sync: initial sync handed over to the replication', { collection: name, error: errorOf(e) });
    }
    if (signal.aborted || this.running !== run) return;
    await state.start().catch(() => undefined);
  }

  private roundStartedAt = 0;
  private eta(received: number, total: number): number | null {
    const elapsed = (this.opts.clock.now() - this.roundStartedAt) / 1000;
    if (received === 0 || elapsed <= 0) return null;
    return Math.max(0, Math.round(((total - received) * elapsed) / received));
  }

  /**
   * A document from the platform must parse as its collection's document and lie in this device's jurisdiction;
   * anything else means the platform is broken or not ours, and nothing of that answer is written.
   */
  private acceptFromPlatform(enrolment: Enrolment, name: SyncedCollection, doc: WireDocument): Doc {
    const parsed = wireSchemas[name].safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw syncError('PLATFORM_BAD_RESPONSE', { collection: name, reason: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid document' });
    }
    const d = parsed.data as Doc;
    const outside = SYNCED_COLLECTIONS[name] === 'village' ? !enrolment.villages.includes(String(d['villageCode'])) : d['clinicCode'] !== enrolment.clinicCode;
    if (outside) throw syncError('PLATFORM_BAD_RESPONSE', { collection: name, reason: `document ${String(d['id'])} is outside this clinic's jurisdiction` });
    return d;
  }

  /**
   * The platform change sequence each replicating collection has pulled up to, as stored in its checkpoint (what a
   * restart resumes from); empty while not replicating.
   */
  async pulledUpTo(): Promise<Partial<Record<SyncedCollection, number>>> {
    return this.running ? pulledUpTo(this.running) : {};
  }

  /** Local changes not yet pushed: documents written after each collection's upload checkpoint. */
  async countPending(): Promise<number> {
    return (await this.pendingIds()).length;
  }

  private async pendingIds(): Promise<string[]> {
    return this.running ? pendingIds(this.running, this.opts.db, this.departures) : [];
  }

  /**
   * A live pull (not "sync now") brought departures: once every collection is in sync, the same purge runs. Offline,
   * it simply never runs; the next round purges.
   */
  private async purgeWhenInSync(run: Running): Promise<void> {
    try {
      await Promise.all([...run.replications.values()].map((r) => r.awaitInSync()));
      if (this.running !== run) return;
      await this.afterRound(run);
      this.publish();
    } catch (e) {
      this.opts.logger.warn('sync: purge of residents who moved away failed; the next round tries again', { error: errorOf(e) });
    }
  }

  /** `afterRoundNow`, queued behind any purge already running. */
  private afterRound(run: Running): Promise<void> {
    const next = this.purges.then(() => this.afterRoundNow(run));
    this.purges = next.catch(() => undefined);
    return next;
  }

  /**
   * Purges residents who moved out of this device's villages, once nothing of theirs waits to be uploaded; then asks
   * the platform which of this device's edits it parked for review, so the user is told (not a retry loop).
   */
  private async afterRoundNow(run: Running): Promise<void> {
    const purged = await this.departures.purge(this.opts.db, new Set(await this.pendingIds()), this.opts.clock.now());
    if (purged.residents.length > 0 || purged.waiting.length > 0) {
      this.opts.logger.info('sync: residents who moved away', { purged: purged.residents.length, documents: purged.documents, waiting: purged.waiting.length });
    }
    const answer = await run.http.json('GET', '/parked', undefined, ParkedResponse);
    const parked = answer.parked;
    if (parked.length > this.parked) this.opts.logger.warn('sync: edits parked for review on the platform', { parked: parked.length });
    this.parked = parked.length;
    // What became of each late edit (forwarded to the new clinic, parked and why, settled): kept for the screens.
    if (answer.lateEdits) this.lateEdits.save(answer.lateEdits, this.opts.clock.now());
  }

  /**
   * Syncs every collection now and waits until all are in sync, or an error, or the time limit; then tells the
   * platform what is uploaded and records the platform's acknowledgement.
   */
  async syncNow(timeoutMs = SYNC_NOW_TIMEOUT_MS): Promise<SyncStatus> {
    const enrolment = this.enrolments.enrolment();
    if (!enrolment) throw new AppError('SYNC_NOT_ENROLLED');
    // After an error the replications sit in their back-off wait: start them afresh (they resume from checkpoints).
    if (this.running && (this.state === 'offline' || this.state === 'error')) await this.stop();
    this.start();
    const run = this.running!;
    const startedAt = this.opts.clock.now();
    this.roundStartedAt = startedAt;
    this.state = 'syncing';
    this.lastError = null;
    this.retryMs = this.opts.minRetryMs ?? MIN_RETRY_MS;
    // Asked now: retry soon again, whatever the back-off had grown to.
    for (const r of run.replications.values()) r.retryTime = this.retryMs;
    const firstError = new Promise<never>((_, reject) => {
      const subs = [...run.replications.values()].map((r) =>
        r.error$.subscribe((e) => {
          subs.forEach((s) => s.unsubscribe());
          reject(e instanceof Error ? e : new Error(String(e)));
        }),
      );
      setTimeout(() => subs.forEach((s) => s.unsubscribe()), timeoutMs).unref();
    });
    firstError.catch(() => undefined);
    // Locking the clinic (by hand or when idle) stops the engine: "sync now" answers at once instead of waiting for
    // its time limit on replications that were cancelled. What was pulled is kept; the next sign-in resumes from the
    // stored checkpoints.
    const halted = new Promise<never>((_, reject) => {
      const abort = () => reject(new AppError('LOCKED', { reason: 'the clinic was locked during the sync; it resumes from where it stopped after sign-in' }));
      if (run.events.signal.aborted) abort();
      else run.events.signal.addEventListener('abort', abort, { once: true });
    });
    halted.catch(() => undefined);
    let bulk: BulkLoad | null = null;
    let indexes: { finish(): void } | null = null;
    try {
      // Also the reachability probe: an unreachable or refusing platform answers "sync now" at once.
      this.progress = await Promise.race([pullTotals(run), halted]);
      this.publish();
      // A first sync (or a long absence) writes many batches in a row: the storage spaces its checkpoints for it.
      bulk = (this.progress?.total ?? 0) >= BULK_LOAD_MIN_DOCUMENTS ? this.opts.db.connection.beginBulkLoad() : null;
      // Into an empty clinic (a first sync), the search keys' lookup indexes are sorted once at the end instead of
      // inserted into at random page after page (projections.ts `holdIndexes`); built before the answer below.
      indexes = bulk ? this.opts.db.connection.projections.holdIndexes() : null;
      for (const r of run.replications.values()) r.reSync();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AppError('PLATFORM_UNREACHABLE', { reason: 'timed out' })), timeoutMs);
        timer.unref();
      });
      try {
        await Promise.race([Promise.all([...run.replications.values()].map((r) => r.awaitInSync())), firstError, timeout, halted]);
        await Promise.race([this.afterRound(run), halted]);
        // A purge leaves tombstones the push must pass over before the pending count is read.
        await Promise.race([Promise.all([...run.replications.values()].map((r) => r.awaitInSync())), firstError, timeout, halted]);
      } finally {
        clearTimeout(timer);
      }
      indexes?.finish();
      this.pending = await this.countPending();
      const ack = await run.http.json('POST', '/ack', { upTo: startedAt, pending: this.pending }, AckResponse);
      this.enrolments.saveMarks({ ackedUpTo: ack.ackedUpTo || null, lastSyncAt: this.opts.clock.now() });
      this.state = 'idle';
      this.progress = null;
      this.publish();
      return this.status();
    } catch (e) {
      this.progress = null;
      this.pending = await this.countPending().catch(() => this.pending);
      this.setError(e);
      const err = errorOf(e);
      throw new AppError(err.code, { message: err.message });
    } finally {
      // After an error too (a lock has closed the file: the next open's `create` builds them then).
      indexes?.finish();
      // The load is copied from the WAL into the file a moment after the answer, not before it: at 3,000 residents
      // that copy was a quarter of the first sync's wait. It is no less safe (connection-pool.ts `endAfter`), and a
      // call that comes meanwhile waits at most as long as the answer used to.
      bulk?.endAfter(BULK_LOAD_CHECKPOINT_DELAY_MS);
    }
  }

  async stop(): Promise<void> {
    const run = this.running;
    this.running = null;
    if (!run) return;
    run.events.abort();
    run.subs.forEach((s) => s.unsubscribe());
    await Promise.all(run.starting);
    await Promise.all([...run.replications.values()].map((r) => r.cancel()));
    await Promise.all([...run.metas.values()].map(async (m) => (await m.catch(() => null))?.close()));
    run.streams.forEach((s) => s.complete());
    await run.http.close();
  }
}
