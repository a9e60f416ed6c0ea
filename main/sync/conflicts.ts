/**
 * The one place the replication asks how to settle a conflict, per collection. Until the field-level three-way
 * merge (issue 13 items 4–5, `shared/sync/merge.ts`) is plugged in here, it is RxDB's default: keep the platform's
 * (master) state. Equality is by canonical JSON, the same comparison the platform's revisions use.
 */
import type { RxConflictHandler } from 'rxdb';
import { canonicalJson } from '../../shared/sync/protocol';

export function conflictHandlerFor<T>(_collection: string): RxConflictHandler<T> {
  return {
    isEqual: (a, b) => canonicalJson(a) === canonicalJson(b),
    resolve: (input) => Promise.resolve(input.realMasterState),
  };
}
