// The caches compared, each behind the same two calls. Every contestant is built by name in its own
// child process (see worker.ts), so that heap figures are its own.
import { LRUCache } from 'lru-cache';
import QuickLRU from 'quick-lru';
import { WeakLRUCache } from 'weak-lru-cache';
import { WeakCache } from 'weakkit/cache';
import type { Value } from './workload.js';

export interface Cache {
  get(key: number): Value | undefined;
  set(key: number, value: Value): void;
}

export interface Contestant {
  name: string;
  /** Whether its hit rate depends on garbage collection (it holds values weakly). */
  weak: boolean;
  /** The strong capacity, for comparing with the lru-cache of the same size. */
  max: number;
  create(): Cache;
}

/** The baseline to beat (PEERS.md): a `Map` of `WeakRef`s, one registry, a stale check, no tokens. */
class HandRolledWeakCache implements Cache {
  readonly #refs = new Map<number, WeakRef<Value>>();
  readonly #registry = new FinalizationRegistry<number>((key) => {
    if (this.#refs.get(key)?.deref() === undefined) this.#refs.delete(key);
  });

  get(key: number): Value | undefined {
    return this.#refs.get(key)?.deref();
  }

  set(key: number, value: Value): void {
    this.#refs.set(key, new WeakRef(value));
    this.#registry.register(value, key);
  }
}

/**
 * The same with what WeakCache adds, written the obvious way: the `max` most recently used values
 * also held strongly, in a `Map` kept in use order (a use deletes and re-adds its key).
 */
class HandRolledWeakCacheWithLruTail implements Cache {
  readonly #refs = new Map<number, WeakRef<Value>>();
  readonly #recent = new Map<number, Value>();
  readonly #registry = new FinalizationRegistry<number>((key) => {
    if (this.#refs.get(key)?.deref() === undefined) this.#refs.delete(key);
  });

  constructor(readonly max: number) {}

  get(key: number): Value | undefined {
    let value = this.#recent.get(key);
    if (value === undefined) {
      value = this.#refs.get(key)?.deref();
      if (value === undefined) return undefined;
    }
    this.#use(key, value);
    return value;
  }

  set(key: number, value: Value): void {
    this.#refs.set(key, new WeakRef(value));
    this.#registry.register(value, key);
    this.#use(key, value);
  }

  #use(key: number, value: Value): void {
    if (!this.#recent.delete(key) && this.#recent.size === this.max) {
      this.#recent.delete(this.#recent.keys().next().value as number);
    }
    this.#recent.set(key, value);
  }
}

function weakCache(max: number): Contestant {
  return { name: `weakkit WeakCache (max ${max})`, weak: true, max, create: () => new WeakCache({ max }) };
}

function lruCache(max: number): Contestant {
  return { name: `lru-cache (max ${max})`, weak: false, max, create: () => new LRUCache({ max }) };
}

function quickLru(maxSize: number): Contestant {
  // quick-lru keeps two generations of up to maxSize each: it holds between maxSize and 2 × maxSize.
  return {
    name: `quick-lru (maxSize ${maxSize})`,
    weak: false,
    max: maxSize,
    create: () => new QuickLRU<number, Value>({ maxSize }),
  };
}

function weakLruCache(cacheSize: number): Contestant {
  // cacheSize is its strong capacity: four LRFU generations of cacheSize / 4. The first cache of a
  // process creates the shared expirer with its size, and each run has a process of its own.
  return {
    name: `weak-lru-cache (cacheSize ${cacheSize})`,
    weak: true,
    max: cacheSize,
    create: () => {
      const cache = new WeakLRUCache({ cacheSize });
      return {
        get: (key) => cache.getValue(key) as Value | undefined,
        set: (key, value) => {
          cache.setValue(key, value);
        },
      };
    },
  };
}

export const contestants: Contestant[] = [
  weakCache(0),
  weakCache(1000),
  weakCache(10_000),
  lruCache(1000),
  lruCache(10_000),
  quickLru(1000),
  quickLru(10_000),
  weakLruCache(1000),
  weakLruCache(10_000),
  {
    name: 'hand-rolled Map<K, WeakRef> + FinalizationRegistry',
    weak: true,
    max: 0,
    create: () => new HandRolledWeakCache(),
  },
  {
    name: 'hand-rolled, plus a Map LRU tail (max 1000)',
    weak: true,
    max: 1000,
    create: () => new HandRolledWeakCacheWithLruTail(1000),
  },
];

export function contestantNamed(name: string): Contestant {
  const found = contestants.find((contestant) => contestant.name === name);
  if (found === undefined) throw new Error(`no contestant named ${name}`);
  return found;
}
