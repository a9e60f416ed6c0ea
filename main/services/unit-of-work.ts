/**
 * One user action = one transaction (DESIGN.md §6): the documents it writes in any collection, their audit entries
 * and the projections derived from them (projections.ts) commit together or not at all, and the preconditions the
 * action depends on ("still a draft", "not amended since you loaded it") are read inside the same transaction.
 *
 * `run(fn)` is synchronous on purpose: nothing can interleave with the action between its reads and its writes,
 * in this process or another (the transaction is IMMEDIATE, so other writers wait). Documents are given RxDB's
 * revision and write time and validated against the collection's schema, exactly as RxDB's own writes are, and the
 * change events reach RxDB's caches and every listener once the transaction has committed.
 */
import { createRevision, now, normalizeMangoQuery, prepareQuery, type MangoQuery, type RxDocumentData, type RxJsonSchema } from 'rxdb/plugins/core';
import type { RxCollection } from 'rxdb';
import { AppError } from '../../shared/api/errors';
import type { ClinicCollections, ClinicDatabase } from '../store/database';
import { instanceFor } from '../store/rx-storage-sqlcipher';
import { withoutSync } from '../store/sqlite-file';
import { validatorFor } from '../store/validators';
import type { AuditEvent, AuditLog } from './audit-log';

export type CollectionName = keyof ClinicCollections;
export type DocOf<C extends CollectionName> = ClinicCollections[C] extends RxCollection<infer D> ? D : never;
/** A document as stored: with its revision, write time and tombstone flag. */
export type Stored<C extends CollectionName> = RxDocumentData<DocOf<C>>;

export interface WriteTx {
  /** The live document, or undefined (tombstones count as absent). */
  get<C extends CollectionName>(collection: C, id: string): Stored<C> | undefined;
  find<C extends CollectionName>(collection: C, query: MangoQuery<DocOf<C>>): Stored<C>[];
  /** A new document; CONFLICT when the id exists (a retried create finds its first result with `get`). */
  insert<C extends CollectionName>(collection: C, doc: DocOf<C>): Stored<C>;
  /** Replaces `current` (as read in this transaction) with `next`; CONFLICT if it changed meanwhile. */
  update<C extends CollectionName>(collection: C, current: Stored<C>, next: DocOf<C>): Stored<C>;
  /** Marks the document deleted (a tombstone that syncs); CONFLICT if it changed meanwhile. */
  remove<C extends CollectionName>(collection: C, current: Stored<C>): void;
  /** An audit entry committed with the change it describes. */
  audit(event: AuditEvent): void;
}

type AnyInstance = ReturnType<typeof instanceFor>;

function stripMeta<T>(doc: RxDocumentData<T>): T {
  const { _rev: _r, _meta: _m, _deleted: _d, _attachments: _a, ...rest } = doc as RxDocumentData<T> & Record<string, unknown>;
  return rest as T;
}

export class UnitOfWork {
  /**
   * Called before every document write with its number in the transaction (1, 2, …). Only the crash-safety tests
   * set it, to fail or stall a user action between any two of its steps.
   */
  onWrite: ((step: number, collection: CollectionName) => void) | null = null;
  private step = 0;

  constructor(
    private readonly db: ClinicDatabase,
    private readonly auditLog: Pick<AuditLog, 'entry'>,
  ) {}

  run<T>(fn: (tx: WriteTx) => T): T {
    this.step = 0;
    return this.db.connection.transaction(() => fn(this.tx()));
  }

  /**
   * `run` whose commit does not wait for the disk (sqlite-file.ts `withoutSync`): committed and whole before it
   * returns, so a crash of the app loses nothing, but a power cut can lose it until the next commit that waits (any
   * record's save) or checkpoint. Only for entries that record reading, never for a change to a record: the audit of
   * an answer that showed residents (runtime.ts). Each screen's calls wrote one such entry with a wait for the disk,
   * some 1–10 ms each on an SSD, tens of ms on a clinic PC's hard disk.
   */
  runWithoutSync<T>(fn: (tx: WriteTx) => T): T {
    return withoutSync(this.db.sql, () => this.run(fn));
  }

  private instance(collection: CollectionName): AnyInstance {
    return instanceFor(this.db.connection, this.db.rx.name, collection);
  }

  private validate(collection: CollectionName, doc: RxDocumentData<unknown>): void {
    const errors = validatorFor(this.db.rx[collection].schema.jsonSchema as RxJsonSchema<unknown>)(doc);
    if (errors.length > 0) {
      const first = errors[0];
      // A service built a document its own schema refuses: a programming error, never the user's input.
      throw new Error(`invalid ${collection} document: ${first?.instancePath ?? ''} ${first?.message ?? ''}`.trim());
    }
  }

  private write<C extends CollectionName>(collection: C, previous: Stored<C> | undefined, next: Stored<C>): Stored<C> {
    this.step += 1;
    this.onWrite?.(this.step, collection);
    this.validate(collection, next);
    const errors = this.instance(collection).writeSync(
      [{ previous: previous, document: next }],
      'unit-of-work',
    );
    const error = errors[0];
    if (error) {
      const id = String((next as Record<string, unknown>)['id']);
      throw new AppError('CONFLICT', { collection, id, status: error.status });
    }
    return next;
  }

  private stored<C extends CollectionName>(doc: DocOf<C>, previous: Stored<C> | undefined, deleted: boolean): Stored<C> {
    const next = {
      ...(doc as object),
      _deleted: deleted,
      _attachments: {},
      _meta: { lwt: now() },
      _rev: '',
    } as unknown as Stored<C>;
    next._rev = createRevision(this.db.rx.token, previous as RxDocumentData<unknown> | undefined);
    return next;
  }

  private tx(): WriteTx {
    return {
      get: <C extends CollectionName>(collection: C, id: string) =>
        this.instance(collection).findByIdSync(id) as Stored<C> | undefined,
      find: <C extends CollectionName>(collection: C, query: MangoQuery<DocOf<C>>) => {
        const schema = this.db.rx[collection].schema.jsonSchema as unknown as RxJsonSchema<RxDocumentData<unknown>>;
        const prepared = prepareQuery<unknown>(schema, normalizeMangoQuery<unknown>(schema, query));
        return this.instance(collection).querySync(prepared) as Stored<C>[];
      },
      insert: <C extends CollectionName>(collection: C, doc: DocOf<C>) => this.write(collection, undefined, this.stored(doc, undefined, false)),
      update: <C extends CollectionName>(collection: C, current: Stored<C>, next: DocOf<C>) =>
        this.write(collection, current, this.stored(stripMeta(next as RxDocumentData<DocOf<C>>), current, false)),
      remove: <C extends CollectionName>(collection: C, current: Stored<C>) => {
        this.write(collection, current, this.stored(stripMeta(current), current, true));
      },
      audit: (event: AuditEvent) => {
        this.write('audit', undefined, this.stored(this.auditLog.entry(event), undefined, false));
      },
    };
  }
}

export { stripMeta };
