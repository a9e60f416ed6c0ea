/**
 * What the device has uploaded and pulled, read from the replication's own checkpoints (never guessed): the pending
 * local changes the 同步 screen counts and a purge waits for, how far each collection has pulled, and how much is left
 * to pull (the first sync's progress). The checkpoints are read from the meta rows the bootstrap opened, so they can be
 * read while a collection is still bootstrapping; otherwise from RxDB's replication state.
 */
import { getChangedDocumentsSince, getLastCheckpointDoc, type RxCollection } from 'rxdb';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import { z } from 'zod';
import type { SyncStatus } from '../../shared/api/sync';
import { isLocalOnlySetting, type Checkpoint, type SyncedCollection } from '../../shared/sync/protocol';
import type { ClinicDatabase } from '../store/database';
import type { MetaStore } from './bootstrap';
import type { Departures } from './departures';
import type { PlatformHttp } from './platform-http';

type Doc = Record<string, unknown>;

/** The parts of a running engine these reads need. */
export interface ReplicationSet {
  http: PlatformHttp;
  replications: Map<SyncedCollection, RxReplicationState<Doc, Checkpoint>>;
  /** Each collection's replication meta rows, open for the bootstrap and for reading checkpoints meanwhile. */
  metas: Map<SyncedCollection, Promise<MetaStore | null>>;
}

/** The stored checkpoint of one direction of a collection's replication, readable while it bootstraps. */
export async function checkpointOf<C>(run: ReplicationSet, name: SyncedCollection, direction: 'down' | 'up'): Promise<C | undefined> {
  const meta = await run.metas.get(name);
  if (meta) return meta.checkpoint(direction) as C | undefined;
  const r = run.replications.get(name)!;
  await r.startPromise;
  const internal = r.internalReplicationState;
  return internal ? await getLastCheckpointDoc<Doc, C>(internal, direction) : undefined;
}

/** The platform change sequence each replicating collection has pulled up to, as stored in its checkpoint. */
export async function pulledUpTo(run: ReplicationSet): Promise<Partial<Record<SyncedCollection, number>>> {
  const out: Partial<Record<SyncedCollection, number>> = {};
  for (const name of run.replications.keys()) out[name] = (await checkpointOf<Checkpoint>(run, name, 'down'))?.seq ?? 0;
  return out;
}

/** The ids of the local changes not yet pushed (a purge's tombstones are never pushed, so they do not count). */
export async function pendingIds(run: ReplicationSet, db: ClinicDatabase, departures: Departures): Promise<string[]> {
  const ids: string[] = [];
  for (const name of run.replications.keys()) {
    const cp = await checkpointOf(run, name, 'up');
    const collection = db.rx[name] as unknown as RxCollection<Doc>;
    const changed = await getChangedDocumentsSince(collection.storageInstance, 10_000, cp as never);
    const meta = await run.metas.get(name);
    // A document the bootstrap wrote and nobody changed since is the platform's state, not a local change: its meta
    // row carries the same write time (a later local write gets a newer one).
    const bootstrapped = new Map(
      meta ? meta.instance.findManySync(changed.documents.map((d) => `${String((d as Doc)['id'])}|0`), false).map((m) => [m.itemId, m._meta.lwt]) : [],
    );
    for (const d of changed.documents) {
      if (bootstrapped.get(String((d as Doc)['id'])) === (d as { _meta: { lwt: number } })._meta.lwt) continue;
      if (name === 'settings' && isLocalOnlySetting(d)) continue;
      if (departures.isPurgeTombstone(name, d)) continue;
      ids.push(String((d as Doc)['id']));
    }
  }
  return ids;
}

/** How many documents are left to pull, over every collection: the progress a long first sync shows; null if none. */
export async function pullTotals(run: ReplicationSet): Promise<SyncStatus['progress']> {
  let total = 0;
  for (const name of run.replications.keys()) {
    const cp = await checkpointOf<Checkpoint>(run, name, 'down');
    total += await remaining(run.http, name, cp?.seq ?? 0);
  }
  return total > 0 ? { received: 0, total, etaSeconds: null } : null;
}

/** Documents of `name` the platform holds after change sequence `seq` for this device. */
export async function remaining(http: PlatformHttp, name: SyncedCollection, seq: number, signal?: AbortSignal): Promise<number> {
  return (await http.json('GET', `/${name}/remaining?seq=${seq}`, undefined, z.object({ remaining: z.number().int().min(0) }), signal)).remaining;
}
