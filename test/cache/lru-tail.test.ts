import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LruTail } from '../../src/cache/lru-tail.js';

type Op =
  | { kind: 'get'; key: number }
  | { kind: 'set'; key: number; value: number }
  | { kind: 'add'; key: number; value: number }
  | { kind: 'delete'; key: number }
  | { kind: 'clear' };

const key = fc.integer({ min: 0, max: 7 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('get' as const), key }), weight: 4 },
  {
    arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('add' as const), key, value: fc.integer() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), key }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'clear' as const }), weight: 1 },
);

/** The obvious LRU: entries from least to most recently used. */
class ModelLru {
  entries: [number, number][] = [];
  constructor(readonly max: number) {}

  get(key: number): number | undefined {
    const at = this.entries.findIndex(([k]) => k === key);
    if (at < 0) return undefined;
    const [entry] = this.entries.splice(at, 1);
    this.entries.push(entry as [number, number]);
    return entry?.[1];
  }

  set(key: number, value: number): void {
    const at = this.entries.findIndex(([k]) => k === key);
    if (at >= 0) this.entries.splice(at, 1);
    else if (this.entries.length === this.max) this.entries.shift();
    if (this.max > 0) this.entries.push([key, value]);
  }

  delete(key: number): boolean {
    const at = this.entries.findIndex(([k]) => k === key);
    if (at >= 0) this.entries.splice(at, 1);
    return at >= 0;
  }
}

describe('LruTail', () => {
  it('behaves as the obvious LRU under random get/set/add/delete/clear', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.array(op, { maxLength: 60 }), (max, ops) => {
        const tail = new LruTail<number, number>(max);
        const model = new ModelLru(max);
        for (const step of ops) {
          switch (step.kind) {
            case 'get':
              expect(tail.get(step.key)).toBe(model.get(step.key));
              break;
            case 'set':
              tail.set(step.key, step.value);
              model.set(step.key, step.value);
              break;
            case 'add': // only for keys not in the tail, as its contract says
              if (model.entries.some(([k]) => k === step.key)) break;
              tail.add(step.key, step.value);
              model.set(step.key, step.value);
              break;
            case 'delete':
              expect(tail.delete(step.key)).toBe(model.delete(step.key));
              break;
            case 'clear':
              tail.clear();
              model.entries = [];
          }
          expect(tail.size).toBe(model.entries.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('evicts the least recently used, where a get counts as a use', () => {
    const tail = new LruTail<string, number>(2);
    tail.set('a', 1).set('b', 2);
    expect(tail.get('a')).toBe(1);
    tail.set('c', 3);
    expect([tail.get('b'), tail.get('a'), tail.get('c')]).toEqual([undefined, 1, 3]);
  });

  it('holds nothing with max 0', () => {
    const tail = new LruTail<string, number>(0);
    tail.set('a', 1);
    expect([tail.size, tail.get('a')]).toEqual([0, undefined]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null])(
    'rejects max %s with a TypeError',
    (max) => {
      expect(() => new LruTail(max as number)).toThrow(
        /^max must be a non-negative integer \(how many values to hold strongly\), got /,
      );
    },
  );
});
