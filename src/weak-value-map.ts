import { callReporting } from './errors.js';
import { type Ref, ref } from './ref.js';
import { assertWeakable, type WeakKey } from './weakable.js';

/**
 * Options for {@link WeakValueMap}.
 *
 * @example
 * const options: WeakValueMapOptions<string> = { onCollect: (key) => console.log(`${key} was collected`) };
 * const sessions = new WeakValueMap<string, Session>(null, options);
 */
export interface WeakValueMapOptions<K> {
  /**
   * Called with the key of an entry that disappeared because its value was collected (not on
   * `delete`, `clear` or replacement). It runs in a cleanup job; if it throws, the error is reported.
   */
  onCollect?: (key: K) => void;
}

/**
 * A `Map` whose values are held weakly: an entry disappears once its value is collected. Python's
 * `WeakValueDictionary`, and the cache that cleans itself.
 *
 * Invariants:
 * - `#entries` maps each key to a `WeakRef` of its current value; reads skip (and so never yield) a
 *   value that is collected but not yet reported, while `size` counts it until its cleanup runs.
 * - Each stored value is registered once per `set` with its key as the held value, and no unregister
 *   token: the cleanup deletes the key only if the entry still holds a dead value (the stale check),
 *   so a replaced or re-added key never loses its newer value to an older value's late cleanup.
 * - Setting the value a key already holds is a no-op, so hot re-sets register nothing.
 *
 * Registrations hold their key strongly until their value dies, even after the entry is deleted or
 * replaced: unregister tokens would release them sooner but leave per-entry residue in V8.
 *
 * @example
 * const cache = new WeakValueMap<string, User>();
 * let bob: User | undefined = new User(2, 'Bob');
 * cache.set('bob', bob);
 * cache.has('bob');      // true
 * bob = undefined;
 * await collectGarbage(); // from 'weakkit/testing'
 * cache.has('bob');      // false
 * cache.size;            // 0
 */
export class WeakValueMap<K, V extends WeakKey> implements Map<K, V> {
  readonly #entries = new Map<K, WeakRef<V>>();
  readonly #onCollect: ((key: K) => void) | undefined;
  readonly #registry = new FinalizationRegistry<K>((key) => this.#cleanup(key));

  constructor(entries?: Iterable<readonly [K, V]> | null, options: WeakValueMapOptions<K> = {}) {
    const { onCollect } = options;
    if (onCollect !== undefined && typeof onCollect !== 'function') {
      throw new TypeError(`WeakValueMap onCollect must be a function, got ${typeof onCollect}`);
    }
    this.#onCollect = onCollect;
    if (entries != null) for (const [key, value] of entries) this.set(key, value);
  }

  #cleanup(key: K): void {
    const current = this.#entries.get(key);
    if (current === undefined || current.deref() !== undefined) return;
    this.#entries.delete(key);
    if (this.#onCollect !== undefined) callReporting('WeakValueMap onCollect', this.#onCollect, key);
  }

  /** Entries whose value has been collected but not yet reported; they still count in `size`. */
  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)?.deref();
  }

  has(key: K): boolean {
    return this.#entries.get(key)?.deref() !== undefined;
  }

  /** Stores `value` weakly under `key`. Throws a `TypeError` for a value that cannot be held weakly. */
  set(key: K, value: V): this {
    assertWeakable(value, 'WeakValueMap value');
    const current = this.#entries.get(key);
    if (current !== undefined && current.deref() === value) return this;
    this.#entries.set(key, new WeakRef(value));
    this.#registry.register(value, key);
    return this;
  }

  /** Removes the entry; `true` only if it held a live value (a collected one is already gone). */
  delete(key: K): boolean {
    const current = this.#entries.get(key);
    return current !== undefined && this.#entries.delete(key) && current.deref() !== undefined;
  }

  clear(): void {
    this.#entries.clear();
  }

  /**
   * The live value under `key`, or else `value`, stored and returned (TC39's upsert `getOrInsert`).
   *
   * @example
   * const byId = new WeakValueMap<number, User>();
   * const user = byId.getOrInsert(id, new User(id)); // the live User with this id, or this new one
   */
  getOrInsert(key: K, value: V): V {
    const current = this.get(key);
    if (current !== undefined) return current;
    this.set(key, value);
    return value;
  }

  /**
   * The live value under `key`, or else `compute(key)`, stored and returned (TC39's
   * `getOrInsertComputed`). `compute` runs only on a miss.
   *
   * @example
   * const doc = docs.getOrInsertComputed(path, (path) => parse(readFileSync(path, 'utf8')));
   */
  getOrInsertComputed(key: K, compute: (key: K) => V): V {
    const current = this.get(key);
    if (current !== undefined) return current;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  /**
   * The live entries with a weakkit {@link Ref} to each value instead of the value, so that holding
   * the result keeps nothing alive (Python's `itervaluerefs`).
   *
   * @example
   * const refs = [...docs.valueRefs()];
   * // later: refs.filter(([, r]) => r.alive)
   */
  *valueRefs(): Generator<[K, Ref<V>], undefined> {
    for (const [key, weak] of this.#entries) {
      const value = weak.deref();
      if (value !== undefined) yield [key, ref(value)];
    }
  }

  *entries(): MapIterator<[K, V]> {
    for (const [key, weak] of this.#entries) {
      const value = weak.deref();
      if (value !== undefined) yield [key, value];
    }
  }

  *keys(): MapIterator<K> {
    for (const [key, weak] of this.#entries) {
      if (weak.deref() !== undefined) yield key;
    }
  }

  *values(): MapIterator<V> {
    for (const weak of this.#entries.values()) {
      const value = weak.deref();
      if (value !== undefined) yield value;
    }
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  get [Symbol.toStringTag](): string {
    return 'WeakValueMap';
  }
}
