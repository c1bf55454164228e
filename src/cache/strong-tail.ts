import type { WeakKey } from '../weakable.js';

/**
 * One entry of a {@link WeakCache}: a `WeakRef` to its value that remembers its last place in the
 * strong tail. Being the `WeakRef` itself, an entry costs one allocation, as a plain `Map` of
 * `WeakRef`s does.
 *
 * @internal
 * @example
 * const value = {};
 * const entry = new CacheEntry(value);
 * entry.deref() === value; // true while the value lives
 * entry.slot;              // -1: never in a tail
 */
export class CacheEntry<V extends WeakKey> extends WeakRef<V> {
  /** Its slot in the tail when it was last put there, or -1; the tail tells whether it still is. */
  slot = -1;
}

/**
 * The strong part of a {@link WeakCache}: the values of the `max` most recently used entries, held
 * strongly, with `touch`, `add` and `release` in O(1).
 *
 * Slots are indices into parallel arrays, linked from oldest to newest by slot number (lru-cache's
 * layout): a use relinks a few small integers, which the engine stores without the write barrier
 * that linking the entries themselves would cost, and allocates nothing.
 *
 * Invariants:
 * - an entry is in the tail exactly when `#entries[entry.slot]` is the entry; then `#values[slot]`
 *   is its value; `size <= max`. Eviction leaves the evicted entry's `slot` stale rather than
 *   writing -1 to it: that write would touch an entry unused for `max` uses, a cache miss per
 *   eviction (a quarter of `WeakCache.get`'s time in a profile of the cache benchmark);
 * - following `#newer` from `#oldest` visits every used slot once and ends at `#newest`; `#older`
 *   is the same chain backwards; links of unused slots, and the outer links of the ends, are stale
 *   and never read (they are written all the same, so that the link arrays stay free of holes);
 * - `#free` lists the slots emptied by `release`; a full tail reuses its oldest slot instead.
 *
 * @internal
 * @example
 * const [a, b, c] = [{}, {}, {}];
 * const [ea, eb, ec] = [new CacheEntry(a), new CacheEntry(b), new CacheEntry(c)];
 * const tail = new StrongTail<object>(2);
 * tail.add(ea, a);
 * tail.add(eb, b);
 * tail.touch(ea);  // a: ea is now the most recently used
 * tail.add(ec, c); // evicts eb, the least recently used
 * tail.holds(eb);  // false: b is now held only weakly
 */
export class StrongTail<V extends WeakKey> {
  readonly #max: number;
  #entries: (CacheEntry<V> | undefined)[] = [];
  #values: (V | undefined)[] = [];
  #newer: number[] = [];
  #older: number[] = [];
  #free: number[] = [];
  #newest = 0;
  #oldest = 0;
  #size = 0;

  constructor(max: number) {
    if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 0) {
      const shown = typeof max === 'number' ? String(max) : `${typeof max} ${String(max)}`;
      throw new TypeError(
        `max must be a non-negative integer (how many values to hold strongly), got ${shown}`,
      );
    }
    this.#max = max;
  }

  get size(): number {
    return this.#size;
  }

  /** Whether the tail holds `entry`'s value. */
  holds(entry: CacheEntry<V>): boolean {
    return entry.slot !== -1 && this.#entries[entry.slot] === entry;
  }

  /** If the tail holds `entry`, makes it the most recently used and returns its value; else `undefined`. */
  touch(entry: CacheEntry<V>): V | undefined {
    if (!this.holds(entry)) return undefined;
    const slot = entry.slot;
    if (slot !== this.#newest) {
      this.#unlink(slot);
      this.#linkAsNewest(slot);
    }
    return this.#values[slot];
  }

  /**
   * Holds `value`, the value of `entry`, as the most recently used, evicting the least recently
   * used if the tail is full. `entry` must not be in the tail already (see `touch`).
   */
  add(entry: CacheEntry<V>, value: V): void {
    if (this.#max === 0) return;
    let slot: number;
    if (this.#size === this.#max) {
      slot = this.#oldest;
      this.#unlink(slot);
      this.#size--;
    } else {
      slot = this.#free.pop() ?? this.#entries.length;
    }
    this.#entries[slot] = entry;
    this.#values[slot] = value;
    entry.slot = slot;
    this.#linkAsNewest(slot);
    this.#size++;
  }

  /** Takes `entry` out of the tail, if it is there, so that it holds its value only weakly. */
  release(entry: CacheEntry<V>): void {
    if (!this.holds(entry)) return;
    const slot = entry.slot;
    this.#unlink(slot);
    this.#size--;
    this.#entries[slot] = undefined;
    this.#values[slot] = undefined;
    this.#free.push(slot);
  }

  clear(): void {
    this.#entries = [];
    this.#values = [];
    this.#newer = [];
    this.#older = [];
    this.#free = [];
    this.#size = 0;
  }

  #unlink(slot: number): void {
    if (slot === this.#oldest) {
      if (slot !== this.#newest) this.#oldest = this.#newer[slot] as number;
    } else if (slot === this.#newest) {
      this.#newest = this.#older[slot] as number;
    } else {
      const older = this.#older[slot] as number;
      const newer = this.#newer[slot] as number;
      this.#newer[older] = newer;
      this.#older[newer] = older;
    }
  }

  /** Appends `slot`, which is not in the chain, after `#newest`; an empty chain has `#size` 0. */
  #linkAsNewest(slot: number): void {
    if (this.#size === 0) this.#oldest = slot;
    else this.#newer[this.#newest] = slot;
    this.#older[slot] = this.#newest;
    this.#newer[slot] = slot;
    this.#newest = slot;
  }
}
