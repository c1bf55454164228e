import { callReporting } from '../errors.js';
import { typeOf } from '../type-of.js';
import { assertWeakable, type WeakKey } from '../weakable.js';
import { SharedLoad } from './shared-load.js';
import { CacheEntry, StrongTail } from './strong-tail.js';

/**
 * Counters a cache keeps from its creation on, to tune `max` with (see docs/cache.md). Each read
 * of `stats` is a snapshot.
 *
 * - `hits`: reads served from the cache, strong tail or weak part (`get`, `getOrCreate`, `fetch`).
 * - `weakHits`: the part of `hits` served by a value that had left the strong tail and was still
 *   alive because something else used it. Values a plain LRU of the same `max` would have reloaded.
 * - `misses`: reads that found nothing (a `fetch` that joins a load in flight is a miss, not a load).
 * - `loads`: calls of `load` (by `fetch`) and of `create` (by `getOrCreate`).
 * - `collected`: entries that left because their value was collected.
 *
 * `peek`, `has` and iteration count nothing.
 *
 * @example
 * const { hits, weakHits, misses } = cache.stats;
 * const hitRate = hits / (hits + misses);
 * const fromWeakPart = weakHits / hits; // high: raise `max`; near 0: `max` could shrink
 */
export interface CacheStats {
  readonly hits: number;
  readonly weakHits: number;
  readonly misses: number;
  readonly loads: number;
  readonly collected: number;
}

/**
 * What {@link WeakCache}'s `load` receives besides the key.
 *
 * @example
 * const load = async (url: string, { signal }: LoadOptions): Promise<Doc> =>
 *   (await fetch(url, { signal })).json();
 * const pages = new WeakCache<string, Doc>({ load });
 */
export interface LoadOptions {
  /** Aborts only when every caller waiting for this load has aborted. */
  signal: AbortSignal;
}

/**
 * Options for {@link WeakCache}.
 *
 * @example
 * const options: WeakCacheOptions<string, Bitmap> = {
 *   max: 100,
 *   load: (path) => decodeImage(path),
 *   onCollect: (path) => console.debug(`${path} left the cache`),
 * };
 * const images = new WeakCache(options);
 */
export interface WeakCacheOptions<K, V extends WeakKey> {
  /**
   * How many of the most recently used values to hold strongly (the LRU tail). Older values stay
   * cached for as long as anything else keeps them alive. `0` makes a pure weak cache. Default
   * 128, as Python's `functools.lru_cache`.
   */
  max?: number;
  /**
   * Loads the value for `key` on a `fetch` miss; may return the value or a promise. Concurrent
   * fetches of one key share one call. A rejected (or throwing) load caches nothing.
   */
  load?: (key: K, options: LoadOptions) => V | PromiseLike<V>;
  /**
   * Called with the key of an entry whose value was collected, in a cleanup job (not on `delete`,
   * `clear` or replacement). If it throws, the error is reported (see `setErrorHandler`).
   */
  onCollect?: (key: K) => void;
}

/**
 * Options for {@link WeakCache.fetch}.
 *
 * @example
 * const options: FetchOptions = { signal: AbortSignal.timeout(1000) }; // stop waiting after 1 s
 * const doc = await cache.fetch(path, options);
 */
export interface FetchOptions {
  /** Stops this caller waiting: its promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * A cache that holds its `max` most recently used values strongly (an LRU tail) and the rest
 * weakly: an older value stays available for as long as anything else in the program uses it, and
 * is never loaded twice while it is alive. A pure weak cache forgets a value the moment nothing
 * uses it; a strong LRU loads a second copy of a value that callers still hold. This is both.
 *
 * Invariants:
 * - `#entries` maps each key to its {@link CacheEntry}, a `WeakRef` to the value; the tail holds
 *   the `max` most recently used entries' values strongly as well. So a value is found while it is
 *   in the tail or alive elsewhere.
 * - Each `set` of a new value for a key registers that value once, holding the key, with no
 *   unregister token (as {@link WeakValueMap}); the cleanup removes the key's entry only if that
 *   entry's value is gone (the stale check: a replaced value's late collection never removes the
 *   newer entry), so `size` is exact after collection. Setting the value a key already holds
 *   registers nothing. A registration holds its key until its value dies, even after a delete.
 * - `#loading` holds the loads in flight that may still store their value: `set`, `delete` and
 *   `clear` take a key's load out of it (the newer write wins), and so does the abort of all its
 *   callers. A load stores its value only if it is still the key's entry in `#loading`.
 *
 * @example
 * const images = new WeakCache<string, Bitmap>({ max: 100, load: (path) => decodeImage(path) });
 * const logo = await images.fetch('logo.png'); // loads once, even for concurrent callers
 * images.get('logo.png') === logo;             // true while in the tail or used elsewhere
 * images.stats;                                // { hits, weakHits, misses, loads, collected }
 */
export class WeakCache<K, V extends WeakKey> {
  readonly #entries = new Map<K, CacheEntry<V>>();
  readonly #tail: StrongTail<V>;
  readonly #registry = new FinalizationRegistry<K>((key) => this.#cleanup(key));
  readonly #load: WeakCacheOptions<K, V>['load'];
  readonly #onCollect: WeakCacheOptions<K, V>['onCollect'];
  readonly #loading = new Map<K, SharedLoad<V>>();
  #hits = 0;
  #weakHits = 0;
  #misses = 0;
  #loads = 0;
  #collected = 0;

  constructor(options: WeakCacheOptions<K, V> = {}) {
    const { max = 128, load, onCollect } = options;
    for (const [name, callback] of [
      ['load', load],
      ['onCollect', onCollect],
    ] as const) {
      if (callback !== undefined && typeof callback !== 'function') {
        throw new TypeError(`WeakCache ${name} must be a function, got ${typeOf(callback)}`);
      }
    }
    this.#tail = new StrongTail(max);
    this.#load = load;
    this.#onCollect = onCollect;
  }

  #cleanup(key: K): void {
    if (this.#entries.get(key)?.deref() !== undefined) return;
    if (!this.#entries.delete(key)) return;
    this.#collected++;
    if (this.#onCollect !== undefined) callReporting('WeakCache onCollect', this.#onCollect, key);
  }

  /** Live entries, plus any whose value was collected but not yet reported (exact after collection). */
  get size(): number {
    return this.#entries.size;
  }

  /** How many values the tail holds strongly: at most `max`. */
  get strongSize(): number {
    return this.#tail.size;
  }

  /** A snapshot of the counters; see {@link CacheStats}. */
  get stats(): CacheStats {
    return {
      hits: this.#hits,
      weakHits: this.#weakHits,
      misses: this.#misses,
      loads: this.#loads,
      collected: this.#collected,
    };
  }

  /**
   * The value under `key`, made the most recently used (so held strongly again), or `undefined`.
   * Counts a hit (and a weak hit if it came from the weak part) or a miss.
   *
   * @example
   * const doc = cache.get(path); // a hit also makes `path` the most recently used
   * if (doc === undefined) cache.set(path, parse(path));
   */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      const held = this.#tail.touch(entry);
      if (held !== undefined) {
        this.#hits++;
        return held;
      }
      const value = entry.deref();
      if (value !== undefined) {
        this.#hits++;
        this.#weakHits++;
        this.#tail.add(entry, value);
        return value;
      }
    }
    this.#misses++;
    return undefined;
  }

  /**
   * The value under `key` without using it: neither its place in the tail nor the stats change.
   *
   * @example
   * if (cache.peek(path) === undefined) console.log(`${path} is not cached`);
   */
  peek(key: K): V | undefined {
    return this.#entries.get(key)?.deref();
  }

  /** Whether `key` has a live value; like `peek`, not a use. */
  has(key: K): boolean {
    return this.peek(key) !== undefined;
  }

  /**
   * Stores `value` as the most recently used. Throws a `TypeError` for a value that cannot be held
   * weakly. A load of `key` in flight will not overwrite it (its callers still get their value).
   *
   * @example
   * cache.set(path, parse(readFileSync(path, 'utf8')));
   */
  set(key: K, value: V): this {
    assertWeakable(value, 'WeakCache value');
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.deref() === value) {
      if (this.#tail.touch(entry) === undefined) this.#tail.add(entry, value);
    } else {
      if (entry !== undefined) this.#tail.release(entry);
      const added = new CacheEntry(value);
      this.#entries.set(key, added);
      this.#registry.register(value, key);
      this.#tail.add(added, value);
    }
    if (this.#loading.size !== 0) this.#loading.delete(key);
    return this;
  }

  /** Removes the entry; `true` if it had a live value. A load of `key` in flight will not store. */
  delete(key: K): boolean {
    this.#loading.delete(key);
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#tail.release(entry);
    this.#entries.delete(key);
    return entry.deref() !== undefined;
  }

  /** Removes every entry (the stats remain). Loads in flight still settle but store nothing. */
  clear(): void {
    this.#tail.clear();
    this.#entries.clear();
    this.#loading.clear();
  }

  /**
   * The value under `key` (a use, as `get`), or else `create(key)`, stored and returned. A `create`
   * that throws stores nothing.
   *
   * @example
   * const parsed = cache.getOrCreate(path, (path) => parse(readFileSync(path, 'utf8')));
   */
  getOrCreate(key: K, create: (key: K) => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    if (typeof create !== 'function') {
      throw new TypeError(`WeakCache getOrCreate expects a function, got ${typeOf(create)}`);
    }
    this.#loads++;
    const value = create(key);
    this.set(key, value);
    return value;
  }

  /**
   * The value under `key` (a use, as `get`), or else the value `load` gives for it.
   *
   * - Concurrent fetches of one key share one call of `load`.
   * - A `load` that rejects or throws rejects every caller waiting on it and caches nothing; the
   *   next fetch calls `load` again.
   * - A caller whose `signal` aborts rejects at once with the signal's reason; the others still get
   *   the value. `load`'s own signal aborts only when every caller has aborted, and what such an
   *   abandoned load returns is not stored.
   * - A `set`, `delete` or `clear` of the key during the load wins: the load's callers get its
   *   value, but the cache keeps the newer state.
   *
   * @example
   * const users = new WeakCache<string, User>({
   *   max: 500,
   *   load: async (id, { signal }) => (await fetch(`/users/${id}`, { signal })).json(),
   * });
   * const user = await users.fetch('42', { signal: AbortSignal.timeout(1000) });
   */
  fetch(key: K, options: FetchOptions = {}): Promise<V> {
    const load = this.#load;
    if (load === undefined) {
      return Promise.reject(
        new TypeError('WeakCache fetch needs a load function: new WeakCache({ load: (key) => value })'),
      );
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const cached = this.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    return (this.#loading.get(key) ?? this.#startLoad(key, load)).join(signal);
  }

  #startLoad(key: K, load: NonNullable<WeakCacheOptions<K, V>['load']>): SharedLoad<V> {
    this.#loads++;
    const forget = (): void => {
      if (this.#loading.get(key) === shared) this.#loading.delete(key);
    };
    const shared: SharedLoad<V> = new SharedLoad(async (signal) => {
      try {
        const value = await load(key, { signal });
        assertWeakable(value, 'value loaded by WeakCache');
        if (this.#loading.get(key) === shared) this.set(key, value);
        return value;
      } finally {
        forget();
      }
    }, forget);
    this.#loading.set(key, shared);
    return shared;
  }

  /** Live entries, in insertion order (replacing a value keeps the key's place); not a use. */
  *entries(): MapIterator<[K, V]> {
    for (const [key, entry] of this.#entries) {
      const value = entry.deref();
      if (value !== undefined) yield [key, value];
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

  get [Symbol.toStringTag](): string {
    return 'WeakCache';
  }
}
