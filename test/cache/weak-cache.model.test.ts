import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WeakCache } from '../../src/cache/index.js';
import { collectGarbage } from '../../src/testing/index.js';
import { keepAlive } from '../support/gc.js';

// A model test: random operations on a WeakCache, interleaved with callers dropping the values they
// hold and with real garbage collection, checked after every step against a model of "a strong LRU
// tail of `max` keys, plus every other value for as long as a caller holds it".

interface Value {
  readonly key: string;
  readonly id: number;
}

type Op =
  | { kind: 'set'; key: string; hold: boolean }
  | { kind: 'getOrCreate'; key: string; hold: boolean }
  | { kind: 'get'; key: string; hold: boolean }
  | { kind: 'peek'; key: string }
  | { kind: 'has'; key: string }
  | { kind: 'delete'; key: string }
  | { kind: 'drop'; key: string }
  | { kind: 'clear' }
  | { kind: 'collect' };

const key = fc.constantFrom('a', 'b', 'c', 'd');
const hold = fc.boolean();
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('set' as const), key, hold }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('getOrCreate' as const), key, hold }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('get' as const), key, hold }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('peek' as const), key }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('has' as const), key }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), key }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), key }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'clear' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'collect' as const }), weight: 1 },
);

/**
 * What the cache must contain. It knows values by id only: it must not keep them alive. An entry
 * whose value is neither in the tail nor held is "doomed": until the next collection the cache may
 * still return it (then it is used again and joins the tail) or may already have lost it.
 */
class Model {
  readonly entries = new Map<string, number>(); // key → id of its value
  readonly tail: string[] = []; // least recently used first
  readonly heldIds = new Set<number>();
  readonly stats = { hits: 0, weakHits: 0, misses: 0, loads: 0, collected: 0 };
  /** Set when a doomed value was found gone before a collection: its report may then be skipped. */
  collectedIsUncertain = false;
  #nextId = 0;

  constructor(readonly max: number) {}

  newId(): number {
    return this.#nextId++;
  }

  isCertain(key: string): boolean {
    const id = this.entries.get(key);
    return id !== undefined && (this.tail.includes(key) || this.heldIds.has(id));
  }

  use(key: string): void {
    const at = this.tail.indexOf(key);
    if (at >= 0) this.tail.splice(at, 1);
    else if (this.tail.length === this.max) this.tail.shift();
    if (this.max > 0) this.tail.push(key);
  }

  forget(key: string): void {
    this.entries.delete(key);
    const at = this.tail.indexOf(key);
    if (at >= 0) this.tail.splice(at, 1);
  }

  /** Checks a read of a key that must not be used; returns false if a doomed value was gone. */
  checkRead(key: string, found: Value | undefined): void {
    const id = this.entries.get(key);
    if (id === undefined) return void expect(found).toBeUndefined();
    if (this.isCertain(key) || found !== undefined) return void expect(found?.id).toBe(id);
    this.entries.delete(key); // doomed and already collected
    this.collectedIsUncertain = true;
  }
}

/** Runs one synchronous operation; every value it touches is gone from its frame when it returns. */
function apply(
  step: Exclude<Op, { kind: 'collect' }>,
  cache: WeakCache<string, Value>,
  model: Model,
  held: Value[],
) {
  switch (step.kind) {
    case 'set': {
      const value = { key: step.key, id: model.newId() };
      cache.set(step.key, value);
      model.entries.set(step.key, value.id);
      model.use(step.key);
      if (step.hold) {
        held.push(value);
        model.heldIds.add(value.id);
      }
      return;
    }
    case 'get':
    case 'getOrCreate': {
      const inTail = model.tail.includes(step.key);
      const created: Value = { key: step.key, id: model.newId() };
      const value = step.kind === 'get' ? cache.get(step.key) : cache.getOrCreate(step.key, () => created);
      const expected = model.entries.get(step.key);
      if (value === undefined || value === created) {
        if (expected !== undefined) {
          expect(model.isCertain(step.key)).toBe(false); // only a doomed value may be missing
          model.collectedIsUncertain = true;
        }
        model.forget(step.key);
        model.stats.misses++;
        if (value === created) {
          model.stats.loads++;
          model.entries.set(step.key, created.id);
          model.use(step.key);
        }
      } else {
        expect(value.id).toBe(expected);
        model.stats.hits++;
        if (!inTail) model.stats.weakHits++;
        model.use(step.key);
      }
      if (step.hold && value !== undefined) {
        held.push(value);
        model.heldIds.add(value.id);
      }
      return;
    }
    case 'peek':
      return model.checkRead(step.key, cache.peek(step.key));
    case 'has': {
      const value = cache.has(step.key) ? cache.peek(step.key) : undefined;
      return model.checkRead(step.key, value);
    }
    case 'delete': {
      const deleted = cache.delete(step.key);
      if (model.isCertain(step.key)) expect(deleted).toBe(true);
      if (!model.entries.has(step.key)) expect(deleted).toBe(false);
      if (model.entries.has(step.key) && !deleted) model.collectedIsUncertain = true;
      model.forget(step.key);
      return;
    }
    case 'drop':
      for (let i = held.length - 1; i >= 0; i--) {
        const value = held[i] as Value;
        if (value.key !== step.key) continue;
        model.heldIds.delete(value.id);
        held.splice(i, 1);
      }
      return;
    case 'clear':
      cache.clear();
      model.entries.clear();
      model.tail.length = 0;
  }
}

/** After a collection, exactly the certain entries remain, and `size` is exact. */
function checkAfterCollection(cache: WeakCache<string, Value>, model: Model): void {
  for (const key of [...model.entries.keys()]) {
    if (model.isCertain(key)) continue;
    model.entries.delete(key);
    model.stats.collected++;
  }
  const live = Object.fromEntries([...cache].map(([key, value]) => [key, value.id]));
  expect(live).toEqual(Object.fromEntries(model.entries));
  expect(cache.size).toBe(model.entries.size);
  checkCounts(cache, model);
  if (!model.collectedIsUncertain) expect(cache.stats.collected).toBe(model.stats.collected);
}

/**
 * Checked after every step: the tail's size, and the stats, where a weak hit tells a value that had
 * left the tail from one still in it, so the recency order is checked without waiting for collection.
 */
function checkCounts(cache: WeakCache<string, Value>, model: Model): void {
  expect(cache.strongSize).toBe(model.tail.length);
  const { hits, weakHits, misses, loads } = cache.stats;
  const expected = model.stats;
  expect({ hits, weakHits, misses, loads }).toEqual({
    hits: expected.hits,
    weakHits: expected.weakHits,
    misses: expected.misses,
    loads: expected.loads,
  });
}

describe('WeakCache model test', () => {
  it('matches "strong LRU tail + weak rest" under random operations and real collection', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.array(op, { maxLength: 60, size: 'max' }),
        async (max, ops) => {
          const cache = new WeakCache<string, Value>({ max });
          const model = new Model(max);
          const held: Value[] = [];
          for (const step of ops) {
            if (step.kind === 'collect') {
              await collectGarbage();
              checkAfterCollection(cache, model);
            } else {
              apply(step, cache, model, held);
              checkCounts(cache, model);
            }
          }
          await collectGarbage();
          checkAfterCollection(cache, model);
          keepAlive(held);
        },
      ),
      { numRuns: 50 },
    );
  });
});
