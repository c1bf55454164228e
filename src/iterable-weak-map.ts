import { assertWeakable, type WeakKey } from './weakable.js';

interface Entry<K extends WeakKey, V> {
  /** The entry's slot in insertion order, reused if the key is deleted and added again. */
  readonly slot: WeakRef<K>;
  value: V;
  present: boolean;
}

/**
 * A `Map` with weak keys that can be iterated: Python's `WeakKeyDictionary`, with ephemeron
 * semantics Python lacks, so a value that refers to its own key does not keep the entry alive.
 *
 * Invariants:
 * - values live only in `#entries`, a `WeakMap`: the engine's ephemeron table keeps a value alive
 *   only while its key is; nothing else here holds a value or a key strongly;
 * - `#order` holds one `WeakRef` slot per present key, in insertion order; a deleted key's entry stays
 *   in `#entries` (value cleared) until its key dies or a rebuild drops it, so adding it again reuses
 *   its slot and its `FinalizationRegistry` registration (after a rebuild it registers again, and the
 *   older registration's cleanup finds its slot already gone);
 * - the cleanup removes the dead key's slot, so `size` is exact once collections are reported;
 * - V8 shrinks a `WeakMap`'s table only on `delete`, never as its keys die, so once the cleanups since
 *   the last rebuild outnumber twice the live keys, `#entries` is rebuilt from the live ones
 *   (amortized O(1); without it, churn leaves the table at its high-water mark).
 *
 * @example
 * const metadata = new IterableWeakMap<Element, { clicks: number }>();
 * metadata.set(button, { clicks: 0 });
 * for (const [element, data] of metadata) console.log(element, data.clicks);
 * // once `button` is collected, its entry is gone and metadata.size drops
 */
export class IterableWeakMap<K extends WeakKey, V> implements Map<K, V> {
  #entries = new WeakMap<K, Entry<K, V>>();
  #order = new Set<WeakRef<K>>();
  #cleanupsSinceRebuild = 0;
  readonly #registry = new FinalizationRegistry<WeakRef<K>>((slot) => this.#forget(slot));

  constructor(entries?: Iterable<readonly [K, V]> | null) {
    if (entries != null) for (const [key, value] of entries) this.set(key, value);
  }

  #forget(slot: WeakRef<K>): void {
    this.#order.delete(slot);
    if (++this.#cleanupsSinceRebuild > Math.max(1024, 2 * this.#order.size)) this.#rebuild();
  }

  /** Copies the present entries of live keys into a fresh `WeakMap`, dropping the dead keys' table slots. */
  #rebuild(): void {
    const entries = new WeakMap<K, Entry<K, V>>();
    for (const slot of this.#order) {
      const key = slot.deref();
      if (key !== undefined) entries.set(key, this.#entries.get(key)!);
    }
    this.#entries = entries;
    this.#cleanupsSinceRebuild = 0;
  }

  /** Keys collected but not yet reported still count; after `collectGarbage()` this is exact. */
  get size(): number {
    return this.#order.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    return entry?.present ? entry.value : undefined;
  }

  has(key: K): boolean {
    return this.#entries.get(key)?.present === true;
  }

  /** Stores `value` under `key`. Throws a `TypeError` for a key that cannot be held weakly. */
  set(key: K, value: V): this {
    assertWeakable(key, 'IterableWeakMap key');
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      const slot = new WeakRef(key);
      this.#entries.set(key, { slot, value, present: true });
      this.#order.add(slot);
      this.#registry.register(key, slot);
    } else {
      entry.value = value;
      if (!entry.present) {
        entry.present = true;
        this.#order.add(entry.slot);
      }
    }
    return this;
  }

  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (!entry?.present) return false;
    entry.present = false;
    entry.value = undefined as V;
    this.#order.delete(entry.slot);
    return true;
  }

  /** Forgets every entry; registrations of keys still alive find nothing to remove when they die. */
  clear(): void {
    this.#entries = new WeakMap();
    this.#order = new Set();
    this.#cleanupsSinceRebuild = 0;
  }

  /**
   * The value under `key`, or else `value`, stored and returned (TC39's upsert `getOrInsert`).
   *
   * @example
   * metadata.getOrInsert(element, { clicks: 0 }).clicks++;
   */
  getOrInsert(key: K, value: V): V {
    const entry = this.#entries.get(key);
    if (entry?.present) return entry.value;
    this.set(key, value);
    return value;
  }

  /**
   * The value under `key`, or else `compute(key)`, stored and returned (TC39's `getOrInsertComputed`).
   *
   * @example
   * metadata.getOrInsertComputed(element, (element) => ({ clicks: 0, id: element.id })).clicks++;
   */
  getOrInsertComputed(key: K, compute: (key: K) => V): V {
    const entry = this.#entries.get(key);
    if (entry?.present) return entry.value;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  /** Live entries in insertion order; a key collected while iterating is skipped. */
  *entries(): MapIterator<[K, V]> {
    for (const slot of this.#order) {
      const key = slot.deref();
      const entry = key === undefined ? undefined : this.#entries.get(key);
      if (entry?.present) yield [key as K, entry.value];
    }
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  get [Symbol.toStringTag](): string {
    return 'IterableWeakMap';
  }
}
