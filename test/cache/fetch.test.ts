import { describe, expect, it, vi } from 'vitest';
import { WeakCache } from '../../src/cache/index.js';
import { collectGarbage } from '../../src/testing/index.js';
import { macrotask } from '../support/gc.js';

class Doc {
  constructor(readonly key: string) {}
}

interface LoadCall {
  key: string;
  signal: AbortSignal;
  resolve: (value: Doc) => void;
  reject: (error: unknown) => void;
}

/** A loader whose calls the test settles by hand, with real promises. */
function manualLoader() {
  const calls: LoadCall[] = [];
  const load = (key: string, { signal }: { signal: AbortSignal }) =>
    new Promise<Doc>((resolve, reject) => calls.push({ key, signal, resolve, reject }));
  return { calls, load };
}

/** Lets pending promise jobs and the loads they start run. */
const settle = macrotask;

function call(calls: LoadCall[], index: number): LoadCall {
  const found = calls[index];
  if (found === undefined) throw new Error(`the loader has only ${calls.length} calls`);
  return found;
}

describe('WeakCache fetch: one load per key', () => {
  it('shares one load between concurrent fetches and caches its value', async () => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const first = cache.fetch('a');
    const second = cache.fetch('a');
    await settle();
    expect(calls.map((c) => c.key)).toEqual(['a']);
    const doc = new Doc('a');
    call(calls, 0).resolve(doc);
    expect(await first).toBe(doc);
    expect(await second).toBe(doc);
    expect(cache.get('a')).toBe(doc);
    expect(await cache.fetch('a')).toBe(doc);
    expect(calls.length).toBe(1);
    expect(cache.stats).toEqual({ hits: 2, weakHits: 0, misses: 2, loads: 1, collected: 0 });
  });

  it('loads different keys separately', async () => {
    const cache = new WeakCache<string, Doc>({ load: (key) => new Doc(key) });
    const [a, b] = await Promise.all([cache.fetch('a'), cache.fetch('b')]);
    expect([a.key, b.key, cache.stats.loads]).toEqual(['a', 'b', 2]);
  });

  it('rejects every caller of a rejected load, caches nothing, and loads again next time', async () => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const first = cache.fetch('a');
    const second = cache.fetch('a');
    await settle();
    const failure = new Error('database down');
    call(calls, 0).reject(failure);
    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect([cache.has('a'), cache.size]).toEqual([false, 0]);
    const retry = cache.fetch('a');
    await settle();
    expect(calls.length).toBe(2);
    call(calls, 1).resolve(new Doc('a'));
    expect((await retry).key).toBe('a');
  });

  it('rejects the fetch when load throws synchronously', async () => {
    const failure = new Error('bad key');
    let attempts = 0;
    const cache = new WeakCache<string, Doc>({
      load: () => {
        attempts++;
        throw failure;
      },
    });
    await expect(cache.fetch('a')).rejects.toBe(failure);
    await expect(cache.fetch('a')).rejects.toBe(failure);
    expect([attempts, cache.size]).toEqual([2, 0]);
  });

  it('rejects with a TypeError when load gives a value that cannot be held weakly', async () => {
    const cache = new WeakCache<string, Doc>({ load: () => 'text' as never });
    await expect(cache.fetch('a')).rejects.toThrow(
      new TypeError(
        'cannot create weak reference to \'string\' value "text": a value loaded by WeakCache must be an object, a function or a non-registered symbol',
      ),
    );
    expect(cache.size).toBe(0);
  });

  it('rejects when there is no load function', async () => {
    const cache = new WeakCache<string, Doc>();
    await expect(cache.fetch('a')).rejects.toThrow(
      new TypeError('WeakCache fetch needs a load function: new WeakCache({ load: (key) => value })'),
    );
  });
});

describe('WeakCache fetch: aborting', () => {
  it('rejects an aborted caller with the reason while the others still get the value', async () => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const impatient = new AbortController();
    const aborted = cache.fetch('a', { signal: impatient.signal });
    const patient = cache.fetch('a');
    await settle();
    const reason = new Error('user navigated away');
    impatient.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(call(calls, 0).signal.aborted).toBe(false);
    const doc = new Doc('a');
    call(calls, 0).resolve(doc);
    expect(await patient).toBe(doc);
    expect(cache.get('a')).toBe(doc);
  });

  it('aborts the loader’s signal only once every caller has aborted, and stores nothing then', async () => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const first = new AbortController();
    const second = new AbortController();
    const fetches = [cache.fetch('a', { signal: first.signal }), cache.fetch('a', { signal: second.signal })];
    await settle();
    const { signal } = call(calls, 0);
    first.abort(new Error('first gave up'));
    expect(signal.aborted).toBe(false);
    const lastReason = new Error('second gave up');
    second.abort(lastReason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(lastReason);
    await expect(fetches[0]).rejects.toThrow('first gave up');
    await expect(fetches[1]).rejects.toBe(lastReason);

    // The abandoned load is forgotten: the next fetch starts a new one, and the old one's late
    // value (or rejection, which must not surface as unhandled) changes nothing.
    const next = cache.fetch('a');
    await settle();
    expect(calls.length).toBe(2);
    call(calls, 0).resolve(new Doc('stale'));
    await settle();
    expect(cache.has('a')).toBe(false);
    const fresh = new Doc('a');
    call(calls, 1).resolve(fresh);
    expect(await next).toBe(fresh);
    expect(cache.peek('a')).toBe(fresh);
  });

  it('raises no unhandled rejection when an abandoned load rejects', async () => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const controller = new AbortController();
    const fetched = cache.fetch('a', { signal: controller.signal });
    await settle();
    controller.abort();
    await expect(fetched).rejects.toMatchObject({ name: 'AbortError' });
    call(calls, 0).reject(call(calls, 0).signal.reason);
    await settle(); // vitest fails the file if a rejection goes unhandled here
    expect(cache.size).toBe(0);
  });

  it('rejects a caller whose signal is already aborted without loading anything', async () => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const reason = new Error('too late');
    await expect(cache.fetch('a', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await settle();
    expect([calls.length, cache.stats.misses, cache.stats.loads]).toEqual([0, 0, 0]);
  });

  it('removes its abort listeners once the load settles', async () => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    const fetched = cache.fetch('a', { signal: controller.signal });
    expect(added.mock.calls.map(([type]) => type)).toEqual(['abort']);
    await settle();
    call(calls, 0).resolve(new Doc('a'));
    await fetched;
    expect(removed.mock.calls.map(([type, listener]) => [type, listener])).toEqual(
      added.mock.calls.map(([type, listener]) => [type, listener]),
    );
  });
});

describe('WeakCache fetch: writes during a load win', () => {
  it('keeps a value set during the load; the load’s callers still get the loaded one', async () => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const fetched = cache.fetch('a');
    await settle();
    const written = new Doc('written');
    cache.set('a', written);
    const loaded = new Doc('loaded');
    call(calls, 0).resolve(loaded);
    expect(await fetched).toBe(loaded);
    expect(cache.get('a')).toBe(written);
  });

  it.each(['delete', 'clear'] as const)('stores nothing after a %s during the load', async (write) => {
    const { calls, load } = manualLoader();
    const cache = new WeakCache<string, Doc>({ load });
    const fetched = cache.fetch('a');
    await settle();
    if (write === 'delete') cache.delete('a');
    else cache.clear();
    const again = cache.fetch('a'); // a new load: the old one no longer stores
    await settle();
    expect(calls.length).toBe(2);
    call(calls, 0).resolve(new Doc('old'));
    expect((await fetched).key).toBe('old');
    expect(cache.has('a')).toBe(false);
    call(calls, 1).resolve(new Doc('new'));
    expect((await again).key).toBe('new');
    expect(cache.peek('a')?.key).toBe('new');
  });
});

describe('WeakCache fetch with real collection', () => {
  /** Fetches `key` and keeps the value in `held` when given. */
  async function fetchInto(cache: WeakCache<string, Doc>, key: string, held?: Doc[]): Promise<void> {
    const doc = await cache.fetch(key);
    held?.push(doc);
  }

  it('serves a value a caller still holds without loading it again, and reloads a collected one', async () => {
    const cache = new WeakCache<string, Doc>({ max: 1, load: (key) => new Doc(key) });
    const held: Doc[] = [];
    await fetchInto(cache, 'held', held);
    await fetchInto(cache, 'dropped');
    await fetchInto(cache, 'tail'); // pushes both out of the one-value tail
    await collectGarbage();
    expect(cache.stats.collected).toBe(1);
    await fetchInto(cache, 'held');
    await fetchInto(cache, 'dropped');
    expect(cache.peek('held')).toBe(held[0]);
    expect(cache.stats).toEqual({ hits: 1, weakHits: 1, misses: 4, loads: 4, collected: 1 });
  });
});
