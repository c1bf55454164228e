import { WeakValueMap } from '../weak-value-map.js';
import { assertWeakable } from '../weakable.js';
import { describe, IdentityConflictError, renderKey } from './identity-conflict-error.js';

/**
 * Where a mapped entity stands: `new` (to insert), `clean` (matches its row; held weakly), `dirty`
 * (to update) or `deleted` (to delete). Only `clean` entities can be collected.
 *
 * @example
 * users.stateOf(user); // 'clean'
 * users.markDirty(user);
 * users.stateOf(user); // 'dirty'
 */
export type EntityState = 'new' | 'clean' | 'dirty' | 'deleted';

/**
 * The changes waiting for a flush, each list in the order its entities were first marked.
 *
 * @example
 * const { new: inserts, dirty: updates, deleted: deletes } = users.pending();
 */
export interface PendingChanges<E> {
  /** Entities to insert. */
  readonly new: readonly E[];
  /** Entities to update. */
  readonly dirty: readonly E[];
  /** Entities to delete. */
  readonly deleted: readonly E[];
}

/**
 * Options for {@link IdentityMap}.
 *
 * @example
 * new IdentityMap<string, Row>({ key: (row) => `${row.table}:${row.id}` });
 */
export interface IdentityMapOptions<K, E> {
  /**
   * The entity's identity, usually its primary key. It must be known when the entity is mapped
   * (never `undefined` or `null`) and must not change while it is. Keys compare like `Map` keys: use
   * a primitive, and a string such as `` `${table}:${id}` `` for composite keys.
   */
  key: (entity: E) => K;
}

/**
 * Writes a flush's changes, in one transaction if it can: when it throws or rejects, the flush
 * changes nothing.
 *
 * @example
 * const writer: FlushWriter<User> = async ({ new: inserts, dirty, deleted }) => {
 *   await db.transaction(async (tx) => {
 *     for (const user of inserts) await tx.run('INSERT ...', [user.id, user.name]);
 *     for (const user of dirty) await tx.run('UPDATE ...', [user.name, user.id]);
 *     for (const user of deleted) await tx.run('DELETE ...', [user.id]);
 *   });
 * };
 */
export type FlushWriter<E> = (changes: PendingChanges<E>) => void | Promise<void>;

/**
 * Loads the entity for a key, or returns `undefined` (or `null`) when there is none.
 *
 * @example
 * const loader: EntityLoader<number, User> = async (id) => rowToUser(await db.get('... WHERE id = ?', id));
 */
export type EntityLoader<K, E> = (key: K) => E | undefined | null | Promise<E | undefined | null>;

/** A new, dirty or deleted entity: holding this record is what holds the entity strongly. */
interface Change<K, E> {
  readonly key: K;
  readonly entity: E;
  /** Whether the entity's row exists: false for a new entity until the flush that inserts it. */
  stored: boolean;
  deleted: boolean;
  /** Bumped by every mark, so that a flush can tell an entity changed again after its writer saw it. */
  version: number;
}

/**
 * SQLAlchemy's identity map: one object per key, with clean entities held weakly, so a session that
 * loads many rows keeps only those the program still uses, and new, dirty and deleted entities held
 * strongly until `flush`, so no unsaved change is lost to the garbage collector.
 *
 * Invariants:
 * - `#entities` maps each key to its one entity, weakly.
 * - `#changes` holds every new, dirty and deleted entity strongly under the same key, so its entry in
 *   `#entities` cannot die before the flush that makes it clean (or, for a deletion, removes it).
 * - A key gets a different entity only after the previous one died or its deletion was flushed;
 *   `WeakValueMap`'s stale check then keeps the previous entity's late cleanup from removing the
 *   newer entry (SQLAlchemy's identity guard, `_WeakInstanceDict._fast_discard`).
 * - `#flight` is set while a flush's writer runs: the changes it was given, with their versions.
 *
 * @example
 * const users = new IdentityMap<number, User>({ key: (user) => user.id });
 * const alice = await users.load(1, (id) => db.findUser(id)); // one query
 * (await users.load(1, (id) => db.findUser(id))) === alice;    // true, no query
 * if (alice === undefined) throw new Error('no user 1');
 * alice.name = 'Alice Liddell';
 * users.markDirty(alice);           // held strongly until flushed
 * await users.flush(writeInOneTransaction);
 * users.isDirty(alice);             // false: clean again, held weakly
 */
export class IdentityMap<K, E extends object> implements Iterable<E> {
  readonly #key: (entity: E) => K;
  readonly #entities = new WeakValueMap<K, E>();
  readonly #changes = new Map<K, Change<K, E>>();
  readonly #loading = new Map<K, Promise<E | undefined>>();
  #flight: Map<Change<K, E>, number> | undefined;

  constructor(options: IdentityMapOptions<K, E>) {
    const key = options?.key;
    if (typeof key !== 'function') {
      throw new TypeError(
        `IdentityMap needs a key function, as in new IdentityMap({ key: (entity) => entity.id }); got ${typeof key}`,
      );
    }
    this.#key = key;
  }

  /** Mapped entities, clean ones included; exact once collected entities have been reported. */
  get size(): number {
    return this.#entities.size;
  }

  get(key: K): E | undefined {
    return this.#entities.get(key);
  }

  has(key: K): boolean {
    return this.#entities.has(key);
  }

  /**
   * Maps a loaded entity as clean and returns it. Adding the entity already mapped under its key
   * changes nothing; another object under that key throws {@link IdentityConflictError}.
   *
   * @example
   * const user = users.get(row.id) ?? users.add(rowToUser(row));
   */
  add(entity: E): E {
    const key = this.#keyOf(entity);
    if (this.#claim(key, entity) === undefined) this.#entities.set(key, entity);
    return entity;
  }

  /**
   * Loads the entity for `key`: the mapped one if there is one (the loader does not run), else the
   * result of `loader(key)`, mapped as clean. Concurrent loads of one key share the first caller's
   * loader call. If another object got mapped under the key while the loader ran, that object is
   * returned and the loaded one dropped, as SQLAlchemy keeps the identity-mapped instance. A loader
   * that throws maps nothing, and the next load tries again.
   *
   * @example
   * const user = await users.load(id, async (id) => rowToUser(await db.get('SELECT ... WHERE id = ?', id)));
   */
  async load(key: K, loader: EntityLoader<K, E>): Promise<E | undefined> {
    const mapped = this.#entities.get(key);
    if (mapped !== undefined) return mapped;
    let loading = this.#loading.get(key);
    if (loading === undefined) {
      if (typeof loader !== 'function') {
        throw new TypeError(`IdentityMap.load needs a loader function, got ${typeof loader}`);
      }
      loading = this.#loadAndMap(key, loader);
      this.#loading.set(key, loading);
      const done = () => this.#loading.delete(key);
      loading.then(done, done);
    }
    return loading;
  }

  async #loadAndMap(key: K, loader: EntityLoader<K, E>): Promise<E | undefined> {
    const loaded = await loader(key);
    if (loaded === undefined || loaded === null) return undefined;
    const loadedKey = this.#keyOf(loaded);
    if (loadedKey !== key && !Object.is(loadedKey, key)) {
      throw new TypeError(
        `IdentityMap.load: the loader for key ${renderKey(key)} returned an entity whose key is ${renderKey(loadedKey)}`,
      );
    }
    return this.#entities.getOrInsert(key, loaded);
  }

  /**
   * Marks an entity to insert: it is mapped and held strongly until a flush inserts it. Marking it
   * again is harmless (and tells an in-flight flush it changed after the insert was written);
   * marking an entity whose row exists (clean, dirty or deleted) throws a `TypeError`.
   *
   * @example
   * users.markNew(new User(3, 'Carol'));
   */
  markNew(entity: E): void {
    const key = this.#keyOf(entity);
    const state = this.#claim(key, entity);
    if (state === undefined) this.#record(key, entity, false, false);
    else if (state === 'new') this.#bump(key);
    else throw this.#cannot('markNew', entity, key, state, 'its row exists already; use markDirty');
  }

  /**
   * Marks an entity to update: it is held strongly until a flush writes it. A new entity stays new
   * (its insert carries the change). An unmapped entity is mapped as dirty, which attaches an
   * object for a row that exists. A deleted entity throws a `TypeError`.
   *
   * @example
   * user.name = 'Alice Liddell';
   * users.markDirty(user);
   */
  markDirty(entity: E): void {
    const key = this.#keyOf(entity);
    const state = this.#claim(key, entity);
    if (state === undefined || state === 'clean') this.#record(key, entity, true, false);
    else if (state === 'deleted') throw this.#cannot('markDirty', entity, key, state, 'flush it first');
    else this.#bump(key);
  }

  /**
   * Marks an entity to delete: it stays mapped, and held strongly, until a flush deletes its row and
   * removes it from the map. Deleting a new entity cancels its insert at once (it leaves the map),
   * unless a flush is inserting it right now: then it is deleted by the next flush.
   *
   * @example
   * users.markDeleted(user);
   * await users.flush(writer); // writer gets { deleted: [user] }; then users.has(user.id) is false
   */
  markDeleted(entity: E): void {
    const key = this.#keyOf(entity);
    const state = this.#claim(key, entity);
    if (state === undefined || state === 'clean') {
      this.#record(key, entity, true, true);
    } else if (state === 'dirty' || (state === 'new' && this.#inFlight(key))) {
      this.#changes.get(key)!.deleted = true;
      this.#bump(key);
    } else if (state === 'new') {
      this.#unmap(key);
    } // already deleted: nothing to do
  }

  /**
   * The entity's state, or `undefined` when it is not in this map.
   *
   * @example
   * users.stateOf(users.add(user)); // 'clean'
   */
  stateOf(entity: E): EntityState | undefined {
    const key = this.#keyOf(entity);
    return this.#entities.get(key) === entity ? stateOfChange(this.#changes.get(key)) : undefined;
  }

  /**
   * Whether the entity has changes waiting for flush (it is new, dirty or deleted), which is when the
   * map holds it strongly.
   *
   * @example
   * users.markDirty(user);
   * users.isDirty(user); // true until the next successful flush
   */
  isDirty(entity: E): boolean {
    const state = this.stateOf(entity);
    return state !== undefined && state !== 'clean';
  }

  /**
   * A snapshot of the changes waiting for flush.
   *
   * @example
   * users.pending().dirty.length; // entities a flush would update
   */
  pending(): PendingChanges<E> {
    return changesOf(this.#changes.values());
  }

  /**
   * Hands the pending changes to `writer` and, once it succeeds, applies them: new and dirty entities
   * become clean (held weakly again) and deleted ones leave the map. If the writer throws or rejects,
   * nothing changes and the error propagates. With nothing pending, the writer is not called.
   *
   * Entities marked while the writer runs are not lost: whatever changed after the writer got its
   * snapshot stays pending for the next flush (a new entity whose insert landed becomes dirty, or
   * deleted). One flush at a time: flushing again before the previous one settles throws a
   * `TypeError` (await the first one; a writer must not flush its own map).
   *
   * @example
   * await users.flush(({ new: inserts, dirty, deleted }) => {
   *   db.run('BEGIN');
   *   try {
   *     for (const user of inserts) db.run('INSERT ...', [user.id, user.name]);
   *     for (const user of dirty) db.run('UPDATE ...', [user.name, user.id]);
   *     for (const user of deleted) db.run('DELETE ...', [user.id]);
   *     db.run('COMMIT');
   *   } catch (error) {
   *     db.run('ROLLBACK');
   *     throw error;
   *   }
   * });
   */
  async flush(writer: FlushWriter<E>): Promise<void> {
    if (typeof writer !== 'function') {
      throw new TypeError(`IdentityMap.flush needs a writer function, got ${typeof writer}`);
    }
    if (this.#flight !== undefined) {
      throw new TypeError('IdentityMap.flush: a flush is already running; await it before flushing again');
    }
    if (this.#changes.size === 0) return;
    const flight = new Map<Change<K, E>, number>();
    for (const change of this.#changes.values()) flight.set(change, change.version);
    this.#flight = flight;
    let written = false;
    try {
      await writer(changesOf(flight.keys()));
      written = true;
    } finally {
      this.#flight = undefined;
      for (const [change, version] of flight) {
        if (written) this.#land(change, version);
        else if (change.deleted && !change.stored) this.#unmap(change.key); // new, deleted mid-flush
      }
    }
  }

  /** Applies a written change, unless the entity changed again after the writer saw it. */
  #land(change: Change<K, E>, version: number): void {
    if (change.version !== version) {
      change.stored = true; // whatever the writer saw is written; the newer change stays pending
    } else if (change.deleted) {
      this.#unmap(change.key);
    } else {
      this.#changes.delete(change.key);
    }
  }

  keys(): MapIterator<K> {
    return this.#entities.keys();
  }

  values(): MapIterator<E> {
    return this.#entities.values();
  }

  entries(): MapIterator<[K, E]> {
    return this.#entities.entries();
  }

  /** The live entities (as `values()`). */
  [Symbol.iterator](): MapIterator<E> {
    return this.#entities.values();
  }

  get [Symbol.toStringTag](): string {
    return 'IdentityMap';
  }

  #keyOf(entity: E): K {
    assertWeakable(entity, 'mapped entity');
    const key = this.#key(entity);
    if (key === undefined || key === null) {
      throw new TypeError(
        `IdentityMap: the key function returned ${key} for this ${describe(entity)}; ` +
          'an entity needs its key before it is mapped (assign its id first)',
      );
    }
    return key;
  }

  /** The entity's state if it holds `key`, `undefined` if the key is free; throws if another holds it. */
  #claim(key: K, entity: E): EntityState | undefined {
    const mapped = this.#entities.get(key);
    if (mapped === undefined) return undefined;
    if (mapped !== entity) throw new IdentityConflictError(key, mapped, entity);
    return stateOfChange(this.#changes.get(key));
  }

  #record(key: K, entity: E, stored: boolean, deleted: boolean): void {
    this.#entities.set(key, entity);
    this.#changes.set(key, { key, entity, stored, deleted, version: 0 });
  }

  #bump(key: K): void {
    this.#changes.get(key)!.version++;
  }

  #inFlight(key: K): boolean {
    return this.#flight?.has(this.#changes.get(key)!) ?? false;
  }

  #unmap(key: K): void {
    this.#changes.delete(key);
    this.#entities.delete(key);
  }

  #cannot(method: string, entity: E, key: K, state: EntityState, advice: string): TypeError {
    return new TypeError(
      `IdentityMap.${method}: the ${describe(entity)} under key ${renderKey(key)} is ${state}; ${advice}`,
    );
  }
}

function stateOfChange(change: Change<unknown, object> | undefined): EntityState {
  if (change === undefined) return 'clean';
  if (change.deleted) return 'deleted';
  return change.stored ? 'dirty' : 'new';
}

function changesOf<E>(changes: Iterable<Change<unknown, E>>): PendingChanges<E> {
  const inserts: E[] = [];
  const updates: E[] = [];
  const deletes: E[] = [];
  for (const change of changes) {
    (change.deleted ? deletes : change.stored ? updates : inserts).push(change.entity);
  }
  return { new: inserts, dirty: updates, deleted: deletes };
}
