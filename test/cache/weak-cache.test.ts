import { afterEach, describe, expect, it } from 'vitest';
import { WeakCache } from '../../src/cache/index.js';
import { setErrorHandler } from '../../src/index.js';
import { collectGarbage } from '../../src/testing/index.js';

class Doc {
  constructor(readonly key: string) {}
}

// Values are made inside these helpers, never as locals of the async tests, so that nothing but the
// cache (and the `held` arrays the tests pass) keeps them alive when collectGarbage runs.

/** Stores a fresh value under each key; nothing else holds them. */
function fill(cache: WeakCache<string, Doc>, ...keys: string[]): void {
  for (const key of keys) cache.set(key, new Doc(key));
}

/** Stores a fresh value under `key` and keeps it in `held`, as a caller still using it would. */
function hold(cache: WeakCache<string, Doc>, held: Doc[], key: string): void {
  const doc = new Doc(key);
  held.push(doc);
  cache.set(key, doc);
}

/** Stores a fresh value under `key` and returns a `WeakRef` that tells whether it is still alive. */
function watch(cache: WeakCache<string, Doc>, key: string): WeakRef<Doc> {
  const doc = new Doc(key);
  cache.set(key, doc);
  return new WeakRef(doc);
}

/** Stores again the value `key` already holds. */
function setAgain(cache: WeakCache<string, Doc>, key: string): void {
  cache.set(key, cache.peek(key) as Doc);
}

function liveKeys(cache: WeakCache<string, Doc>): string[] {
  return [...cache.keys()];
}

let restoreErrorHandler: (() => void) | undefined;
afterEach(() => {
  restoreErrorHandler?.();
  restoreErrorHandler = undefined;
});

describe('WeakCache: the strong tail', () => {
  it('holds the max most recently used values strongly and lets the older ones be collected', async () => {
    const collected: string[] = [];
    const cache = new WeakCache<string, Doc>({ max: 2, onCollect: (key) => collected.push(key) });
    fill(cache, 'a', 'b', 'c', 'd');
    expect([cache.size, cache.strongSize]).toEqual([4, 2]);
    await collectGarbage();
    expect(liveKeys(cache)).toEqual(['c', 'd']);
    expect([cache.size, cache.strongSize]).toEqual([2, 2]);
    expect(collected.sort()).toEqual(['a', 'b']);
    expect(cache.stats.collected).toBe(2);
  });

  it('counts get as a use, so the value read last is kept', async () => {
    const cache = new WeakCache<string, Doc>({ max: 2 });
    fill(cache, 'a', 'b');
    expect(cache.get('a')?.key).toBe('a');
    fill(cache, 'c'); // evicts b, the least recently used
    await collectGarbage();
    expect(liveKeys(cache)).toEqual(['a', 'c']);
  });

  it('does not count peek or has as a use', async () => {
    const cache = new WeakCache<string, Doc>({ max: 2 });
    fill(cache, 'a', 'b');
    expect(cache.peek('a')?.key).toBe('a');
    expect(cache.has('a')).toBe(true);
    fill(cache, 'c'); // evicts a: peek and has did not move it
    await collectGarbage();
    expect(liveKeys(cache)).toEqual(['b', 'c']);
    expect(cache.stats).toEqual({ hits: 0, weakHits: 0, misses: 0, loads: 0, collected: 1 });
  });

  it('counts set as a use, also one that replaces a key’s value', async () => {
    const cache = new WeakCache<string, Doc>({ max: 2 });
    fill(cache, 'a', 'b', 'a', 'c');
    await collectGarbage();
    expect(liveKeys(cache)).toEqual(['a', 'c']);
  });

  it('counts set as a use when the key already holds that very value', async () => {
    const cache = new WeakCache<string, Doc>({ max: 2 });
    fill(cache, 'a', 'b');
    setAgain(cache, 'a');
    fill(cache, 'c'); // evicts b, the least recently used
    await collectGarbage();
    expect(liveKeys(cache)).toEqual(['a', 'c']);
  });

  it('holds nothing strongly with max 0: a pure weak cache', async () => {
    const held: Doc[] = [];
    const cache = new WeakCache<string, Doc>({ max: 0 });
    hold(cache, held, 'kept');
    fill(cache, 'dropped');
    expect(cache.get('dropped')?.key).toBe('dropped');
    expect(cache.strongSize).toBe(0);
    await collectGarbage();
    expect(liveKeys(cache)).toEqual(['kept']);
    expect(cache.get('kept')).toBe(held[0]);
  });

  it('releases the value of a deleted key from the tail', async () => {
    const cache = new WeakCache<string, Doc>({ max: 5 });
    const weak = watch(cache, 'a');
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect([cache.size, cache.strongSize]).toEqual([0, 0]);
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
  });

  it('releases the replaced value of a key from the tail', async () => {
    const cache = new WeakCache<string, Doc>({ max: 5 });
    const replaced = watch(cache, 'a');
    const current = watch(cache, 'a');
    expect([cache.size, cache.strongSize]).toEqual([1, 1]);
    await collectGarbage();
    expect(replaced.deref()).toBeUndefined();
    expect(cache.get('a')).toBe(current.deref());
    expect(cache.get('a')).toBeInstanceOf(Doc);
  });

  it('releases every value on clear', async () => {
    const cache = new WeakCache<string, Doc>({ max: 5 });
    const weak = [watch(cache, 'a'), watch(cache, 'b')];
    cache.clear();
    expect([cache.size, cache.strongSize, cache.has('a')]).toEqual([0, 0, false]);
    await collectGarbage();
    expect(weak.map((w) => w.deref())).toEqual([undefined, undefined]);
  });

  it('holds 128 values strongly by default, as functools.lru_cache', () => {
    const cache = new WeakCache<string, Doc>();
    fill(cache, ...Array.from({ length: 200 }, (_, i) => `k${i}`));
    expect([cache.strongSize, cache.size]).toEqual([128, 200]);
  });

  it('keeps the tail at max after deletes free slots in the middle', async () => {
    const cache = new WeakCache<string, Doc>({ max: 3 });
    fill(cache, 'a', 'b', 'c');
    cache.delete('b');
    fill(cache, 'd', 'e');
    expect(cache.strongSize).toBe(3);
    await collectGarbage();
    expect(liveKeys(cache)).toEqual(['c', 'd', 'e']);
  });
});

describe('WeakCache: the weak part', () => {
  it('keeps a value that left the tail while a caller holds it, and get counts a weak hit', async () => {
    const held: Doc[] = [];
    const cache = new WeakCache<string, Doc>({ max: 1 });
    hold(cache, held, 'a');
    fill(cache, 'b'); // a leaves the tail
    await collectGarbage();
    expect(cache.peek('a')).toBe(held[0]);
    expect(cache.get('a')).toBe(held[0]);
    expect(cache.stats).toMatchObject({ hits: 1, weakHits: 1, misses: 0 });
    expect(cache.get('a')).toBe(held[0]); // back in the tail: a strong hit
    expect(cache.stats).toMatchObject({ hits: 2, weakHits: 1 });
  });

  it('puts a weak hit back in the tail, so it outlives the caller that held it', async () => {
    const held: Doc[] = [];
    const cache = new WeakCache<string, Doc>({ max: 1 });
    hold(cache, held, 'a');
    fill(cache, 'b');
    expect(cache.get('a')?.key).toBe('a'); // evicts b from the tail
    held.length = 0;
    await collectGarbage();
    expect(liveKeys(cache)).toEqual(['a']);
    expect(cache.strongSize).toBe(1);
  });

  it('never lets an older value’s late collection remove a newer one', async () => {
    const held: Doc[] = [];
    const cache = new WeakCache<string, Doc>({ max: 0 });
    fill(cache, 'k'); // collected below, after being replaced
    hold(cache, held, 'k');
    await collectGarbage();
    expect(cache.get('k')).toBe(held[0]);
    expect(cache.stats.collected).toBe(0);
  });

  it('counts misses, and a get of a collected value is a miss', async () => {
    const cache = new WeakCache<string, Doc>({ max: 0 });
    fill(cache, 'a');
    expect(cache.get('nothing')).toBeUndefined();
    await collectGarbage();
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats).toEqual({ hits: 0, weakHits: 0, misses: 2, loads: 0, collected: 1 });
  });

  it('iterates live entries only, in insertion order', async () => {
    const held: Doc[] = [];
    const cache = new WeakCache<string, Doc>({ max: 0 });
    hold(cache, held, 'x');
    fill(cache, 'gone');
    hold(cache, held, 'y');
    await collectGarbage();
    expect([...cache].map(([key, doc]) => [key, doc])).toEqual([
      ['x', held[0]],
      ['y', held[1]],
    ]);
    expect([...cache.entries()].length).toBe(2);
    expect([...cache.values()]).toEqual(held);
    expect(String(cache)).toBe('[object WeakCache]');
  });

  it('can itself be collected while it holds values', async () => {
    const weak = (() => {
      const cache = new WeakCache<string, Doc>({ max: 2, onCollect: () => {} });
      fill(cache, 'a', 'b', 'c');
      return new WeakRef(cache);
    })();
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
  });
});

describe('WeakCache: getOrCreate', () => {
  it('creates a value only when there is no live one, and counts the loads', async () => {
    const cache = new WeakCache<string, Doc>({ max: 0 });
    const created: string[] = [];
    const create = (key: string) => {
      created.push(key);
      return new Doc(key);
    };
    const held = [cache.getOrCreate('a', create)];
    expect(cache.getOrCreate('a', create)).toBe(held[0]);
    expect(cache.getOrCreate('b', create).key).toBe('b');
    await collectGarbage();
    expect(cache.getOrCreate('b', create).key).toBe('b'); // collected: created again
    expect(created).toEqual(['a', 'b', 'b']);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 3, loads: 3 });
  });

  it('stores nothing when create throws', () => {
    const cache = new WeakCache<string, Doc>();
    const failure = new Error('cannot load');
    expect(() =>
      cache.getOrCreate('a', () => {
        throw failure;
      }),
    ).toThrow(failure);
    expect([cache.has('a'), cache.size, cache.strongSize]).toEqual([false, 0, 0]);
  });

  it('rejects a create that is not a function', () => {
    const cache = new WeakCache<string, Doc>();
    expect(() => cache.getOrCreate('a', 'nope' as never)).toThrow(
      new TypeError('WeakCache getOrCreate expects a function, got string'),
    );
  });
});

describe('WeakCache: bad input and throwing callbacks', () => {
  it('rejects a value that cannot be held weakly, naming its type', () => {
    const cache = new WeakCache<string, Doc>();
    expect(() => cache.set('a', 42 as never)).toThrow(
      new TypeError(
        "cannot create weak reference to 'number' value 42: a WeakCache value must be an object, a function or a non-registered symbol",
      ),
    );
    expect(() => cache.getOrCreate('b', () => 'text' as never)).toThrow(/'string' value "text"/);
    expect([cache.size, cache.strongSize]).toEqual([0, 0]);
  });

  it.each([
    [{ max: -1 }, 'max must be a non-negative integer (how many values to hold strongly), got -1'],
    [{ max: 2.5 }, 'max must be a non-negative integer (how many values to hold strongly), got 2.5'],
    [{ max: '10' }, 'max must be a non-negative integer (how many values to hold strongly), got string 10'],
    [{ load: 'x' }, 'WeakCache load must be a function, got string'],
    [{ onCollect: null }, 'WeakCache onCollect must be a function, got null'],
  ])('rejects options %o', (options, message) => {
    expect(() => new WeakCache(options as never)).toThrow(new TypeError(message));
  });

  it('reports an onCollect that throws and stays consistent', async () => {
    const reports: [unknown, string][] = [];
    const previous = setErrorHandler((error, context) => reports.push([error, context]));
    restoreErrorHandler = () => setErrorHandler(previous);
    const failure = new Error('onCollect failed');
    const cache = new WeakCache<string, Doc>({
      max: 0,
      onCollect: () => {
        throw failure;
      },
    });
    fill(cache, 'a', 'b');
    await collectGarbage();
    expect(reports).toEqual([
      [failure, 'WeakCache onCollect'],
      [failure, 'WeakCache onCollect'],
    ]);
    expect([cache.size, cache.stats.collected]).toEqual([0, 2]);
    fill(cache, 'c');
    expect(cache.get('c')?.key).toBe('c');
  });
});
