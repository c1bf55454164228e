// The weak-value maps the collections suite compares (see /work/shared/PEERS.md). Each contestant is
// loaded lazily, so a child process imports only the one package it measures.

/** What the suite needs from a map whose values are objects: the `Map` calls it times and checks. */
export interface ValueStore {
  set(key: string, value: object): unknown;
  get(key: string): object | undefined;
  delete(key: string): unknown;
  readonly size: number;
}

export interface Contestant {
  /** The id `contestant.ts` takes on its command line. */
  readonly name: string;
  /** How the table shows it. */
  readonly label: string;
  /** `false` for the strong `Map` floor: nothing to reclaim, no weak semantics to check. */
  readonly weak: boolean;
  /** Loads the implementation and returns a factory of empty stores. */
  load(): Promise<() => ValueStore>;
}

/**
 * The baseline from PEERS.md, written the way a careful user would: one `FinalizationRegistry`
 * holding each key, no unregister token, a stale check in the cleanup (delete the key only if its
 * entry still holds a dead value), and no second registration when a key is set to the value it holds.
 */
class HandRolledWeakValueMap implements ValueStore {
  readonly #map = new Map<string, WeakRef<object>>();
  readonly #registry = new FinalizationRegistry<string>((key) => {
    if (this.#map.get(key)?.deref() === undefined) this.#map.delete(key);
  });

  get size(): number {
    return this.#map.size;
  }

  get(key: string): object | undefined {
    return this.#map.get(key)?.deref();
  }

  set(key: string, value: object): this {
    if (this.#map.get(key)?.deref() === value) return this;
    this.#map.set(key, new WeakRef(value));
    this.#registry.register(value, key);
    return this;
  }

  delete(key: string): boolean {
    return this.#map.delete(key);
  }
}

export const contestants: readonly Contestant[] = [
  {
    name: 'map',
    label: '`Map` strong (floor, never reclaims)',
    weak: false,
    load: async () => () => new Map<string, object>(),
  },
  {
    name: 'baseline',
    label: 'hand-rolled `Map<K, WeakRef<V>>` + `FinalizationRegistry` (baseline)',
    weak: true,
    load: async () => () => new HandRolledWeakValueMap(),
  },
  {
    name: 'weakkit',
    label: '**weakkit `WeakValueMap`**',
    weak: true,
    load: async () => {
      const { WeakValueMap } = await import('weakkit');
      return () => new WeakValueMap<string, object>();
    },
  },
  {
    name: 'weakref',
    label: '`weakref` 0.2.5 `WeakValueMap`',
    weak: true,
    load: async () => {
      const { WeakValueMap } = await import('weakref');
      return () => new WeakValueMap<string, object>();
    },
  },
  {
    name: 'weak-lru-cache',
    label: '`weak-lru-cache` 1.2.2 (`expirer: false`)',
    weak: true,
    load: async () => {
      const { WeakLRUCache } = await import('weak-lru-cache');
      // Its `get` returns the internal entry; `getValue`/`setValue` are the value API.
      return () => {
        const cache = new WeakLRUCache<string, object>({ expirer: false });
        return {
          set: (key, value) => cache.setValue(key, value),
          get: (key) => cache.getValue(key),
          delete: (key) => cache.delete(key),
          get size() {
            return cache.size;
          },
        };
      };
    },
  },
  {
    name: 'cspell',
    label: '`@cspell/strong-weak-map` 9.8.0',
    weak: true,
    load: async () => {
      const { StrongWeakMap } = await import('@cspell/strong-weak-map');
      return () => new StrongWeakMap<string, object>();
    },
  },
];

export function contestantNamed(name: string): Contestant {
  const found = contestants.find((contestant) => contestant.name === name);
  if (found === undefined) {
    throw new Error(`unknown contestant ${name}; one of ${contestants.map((c) => c.name).join(', ')}`);
  }
  return found;
}
