/**
 * Reads every live document of a collection straight from the storage instance (the import's duplicate check).
 * The mapping of a document to an indicator record lives in shared/domain/indicators/from-documents.ts, once.
 */
import { getChangedDocumentsSince, type RxStorageInstance } from 'rxdb';

const BATCH = 5000;
type Meta = { _deleted?: boolean };

/** Every live document of one collection, read in storage order without building RxDocuments. */
export async function readAll<T extends { id: string }>(instance: RxStorageInstance<T, unknown, unknown>): Promise<T[]> {
  const out: T[] = [];
  let checkpoint: unknown;
  for (;;) {
    const batch = await getChangedDocumentsSince(instance, BATCH, checkpoint);
    for (const d of batch.documents) if (!(d as T & Meta)._deleted) out.push(d);
    if (batch.documents.length < BATCH) break;
    checkpoint = batch.checkpoint;
  }
  return out;
}

