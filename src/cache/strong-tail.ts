import type { WeakKey } from '../weakable.js';

/**
 * One entry of a {@link WeakCache}: a `WeakRef` to its value that knows its place in the strong
 * tail, if it has one. Being the `WeakRef` itself, an entry costs one allocation, as a plain `Map`
 * of `WeakRef`s does.
 *
 * @internal
 * @example
 * const value = {};
 * const entry = new CacheEntry(value);
 * entry.deref() === value; // true while the value lives
 * entry.slot;              // -1: not in a tail
 */
export class CacheEntry<V extends WeakKey> extends WeakRef<V> {
  /** Its slot in the tail that holds its value strongly, or -1. */
  slot = -1;
}

/**
 * The strong part of a {@link WeakCache}: the values of the `max` most recently used entries, held
 * strongly, with `use` and `release` in O(1).
 *
 * Slots are indices into parallel arrays, linked from oldest to newest by slot number (lru-cache's
 * layout): a use relinks a few small integers, which the engine stores without the write barrier
 * that linking the entries themselves would cost, and allocates nothing.
 *
 * Invariants:
 * - an entry is in the tail exactly when its `slot` is not -1; then `#entries[slot]` is the entry
 *   and `#values[slot]` its value; `size <= max`;
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
 * tail.use(ea, a);
 * tail.use(eb, b);
 * tail.use(ec, c);  // evicts ea, the least recently used
 * tail.heldValue(ea); // undefined: a is now held only weakly
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

  /** The value the tail holds for `entry`, or `undefined` if it holds none. */
  heldValue(entry: CacheEntry<V>): V | undefined {
    return entry.slot === -1 ? undefined : this.#values[entry.slot];
  }

  /** Makes `entry` (whose value is `value`) the most recently used, evicting the least recently used. */
  use(entry: CacheEntry<V>, value: V): void {
    let slot = entry.slot;
    if (slot !== -1) {
      if (slot !== this.#newest) {
        this.#unlink(slot);
        this.#linkAsNewest(slot);
      }
      return;
    }
    if (this.#max === 0) return;
    if (this.#size === this.#max) {
      slot = this.#oldest;
      (this.#entries[slot] as CacheEntry<V>).slot = -1;
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
    const slot = entry.slot;
    if (slot === -1) return;
    entry.slot = -1;
    this.#unlink(slot);
    this.#size--;
    this.#entries[slot] = undefined;
    this.#values[slot] = undefined;
    this.#free.push(slot);
  }

  clear(): void {
    for (const entry of this.#entries) if (entry !== undefined) entry.slot = -1;
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
