import type { WeakKey } from '../weakable.js';

/**
 * One entry of a {@link WeakCache}: a `WeakRef` to its value that also holds the value strongly
 * while the entry is among the `max` most recently used, linked to its neighbours in use order.
 * Being the `WeakRef` itself, an entry costs one allocation, as a plain `Map` of `WeakRef`s does.
 *
 * @internal
 * @example
 * const value = {};
 * const entry = new CacheEntry(value);
 * entry.deref() === value; // true while the value lives
 * entry.strong;            // undefined until a StrongTail uses the entry
 */
export class CacheEntry<V extends WeakKey> extends WeakRef<V> {
  /** The value while the entry is in the tail; `undefined` outside it. */
  strong: V | undefined = undefined;
  older: CacheEntry<V> | undefined = undefined;
  newer: CacheEntry<V> | undefined = undefined;
}

/**
 * The strong part of a {@link WeakCache}: the `max` most recently used entries, linked from oldest
 * to newest through the entries themselves, so a use relinks a few fields and allocates nothing.
 *
 * Invariants:
 * - an entry is in the chain exactly when its `strong` is set, and `size` counts them: `size <= max`;
 * - following `newer` from the oldest visits every entry of the chain once and ends at the newest;
 *   `older` is the same chain backwards; an entry outside the chain has no links.
 *
 * @internal
 * @example
 * const [a, b, c] = [{}, {}, {}];
 * const [ea, eb, ec] = [new CacheEntry(a), new CacheEntry(b), new CacheEntry(c)];
 * const tail = new StrongTail<object>(2);
 * tail.use(ea, a); // ea.strong === a
 * tail.use(eb, b);
 * tail.use(ec, c); // evicts ea, the least recently used: ea.strong === undefined
 */
export class StrongTail<V extends WeakKey> {
  readonly #max: number;
  #oldest: CacheEntry<V> | undefined;
  #newest: CacheEntry<V> | undefined;
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

  /** Makes `entry` (whose value is `value`) the most recently used, evicting the least recently used. */
  use(entry: CacheEntry<V>, value: V): void {
    if (entry.strong !== undefined) {
      if (entry !== this.#newest) {
        this.#unlink(entry);
        this.#append(entry);
      }
      return;
    }
    if (this.#max === 0) return;
    entry.strong = value;
    this.#append(entry);
    if (++this.#size > this.#max) this.release(this.#oldest as CacheEntry<V>);
  }

  /** Takes `entry` out of the tail, if it is there, so that it holds its value only weakly. */
  release(entry: CacheEntry<V>): void {
    if (entry.strong === undefined) return;
    entry.strong = undefined;
    this.#unlink(entry);
    this.#size--;
  }

  clear(): void {
    while (this.#oldest !== undefined) this.release(this.#oldest);
  }

  #append(entry: CacheEntry<V>): void {
    entry.older = this.#newest;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
  }

  #unlink(entry: CacheEntry<V>): void {
    const { older, newer } = entry;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    entry.older = entry.newer = undefined;
  }
}
