/**
 * The strong part of a {@link WeakCache}: the `max` most recently used entries, held strongly, with
 * `get`, `set` and `delete` in O(1).
 *
 * Entries live in parallel arrays indexed by slot number and are linked from oldest to newest by
 * slot numbers (lru-cache's layout), so a use relinks a few numbers and allocates nothing.
 *
 * Invariants:
 * - `#slots` maps each key to its slot, `#keys[slot]` and `#values[slot]` hold the entry, and
 *   `size <= max`.
 * - Following `#newer` from `#oldest` visits every used slot once and ends at `#newest`; `#older`
 *   is the same chain backwards. Links of unused slots are stale and never read.
 * - `#free` lists the slots emptied by `delete`; a full tail reuses its oldest slot instead.
 *
 * @internal
 * @example
 * const [a, b, c] = [{}, {}, {}];
 * const tail = new LruTail<string, object>(2);
 * tail.set('a', a).set('b', b);
 * tail.get('a');   // a, now the newest
 * tail.set('c', c); // evicts 'b', the least recently used
 */
export class LruTail<K, V> {
  readonly #max: number;
  readonly #slots = new Map<K, number>();
  #keys: (K | undefined)[] = [];
  #values: (V | undefined)[] = [];
  #newer: number[] = [];
  #older: number[] = [];
  #free: number[] = [];
  #newest = 0;
  #oldest = 0;

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
    return this.#slots.size;
  }

  /** The value under `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    this.#touch(slot);
    return this.#values[slot];
  }

  /** Stores `value` as the most recently used, evicting the least recently used entry when full. */
  set(key: K, value: V): this {
    if (this.#max === 0) return this;
    const slot = this.#slots.get(key);
    if (slot === undefined) return this.add(key, value);
    this.#values[slot] = value;
    this.#touch(slot);
    return this;
  }

  /** `set` for a key known not to be in the tail (one lookup fewer on a cache's hot path). */
  add(key: K, value: V): this {
    if (this.#max === 0) return this;
    let slot: number;
    if (this.#slots.size === this.#max) {
      slot = this.#oldest;
      this.#slots.delete(this.#keys[slot] as K);
      this.#unlink(slot);
    } else {
      slot = this.#free.pop() ?? this.#keys.length;
    }
    this.#keys[slot] = key;
    this.#values[slot] = value;
    this.#linkAsNewest(slot);
    this.#slots.set(key, slot);
    return this;
  }

  delete(key: K): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    this.#slots.delete(key);
    this.#unlink(slot);
    this.#keys[slot] = undefined;
    this.#values[slot] = undefined;
    this.#free.push(slot);
    return true;
  }

  clear(): void {
    this.#slots.clear();
    this.#keys = [];
    this.#values = [];
    this.#newer = [];
    this.#older = [];
    this.#free = [];
  }

  #touch(slot: number): void {
    if (slot === this.#newest) return;
    this.#unlink(slot);
    this.#linkAsNewest(slot);
  }

  /** Takes `slot` out of the chain; `#slots` may still count it (the caller updates it). */
  #unlink(slot: number): void {
    if (slot === this.#oldest) {
      this.#oldest = this.#newer[slot] as number;
    } else if (slot === this.#newest) {
      this.#newest = this.#older[slot] as number;
    } else {
      const older = this.#older[slot] as number;
      const newer = this.#newer[slot] as number;
      this.#newer[older] = newer;
      this.#older[newer] = older;
    }
  }

  /**
   * Appends `slot` after `#newest`. `#slots` does not count a new slot yet, and a touched slot has
   * another beside it, so size 0 means the chain is empty.
   */
  #linkAsNewest(slot: number): void {
    if (this.#slots.size === 0) {
      this.#oldest = slot;
    } else {
      this.#newer[this.#newest] = slot;
      this.#older[slot] = this.#newest;
    }
    this.#newest = slot;
  }
}
