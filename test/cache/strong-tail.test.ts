import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CacheEntry, StrongTail } from '../../src/cache/strong-tail.js';

type Op = { kind: 'use' | 'release'; key: number } | { kind: 'clear' };

const key = fc.integer({ min: 0, max: 7 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('use' as const), key }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('release' as const), key }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'clear' as const }), weight: 1 },
);

/** The obvious LRU: keys from least to most recently used. */
class ModelLru {
  keys: number[] = [];
  constructor(readonly max: number) {}

  use(key: number): void {
    this.release(key);
    if (this.max === 0) return;
    this.keys.push(key);
    if (this.keys.length > this.max) this.keys.shift();
  }

  release(key: number): void {
    const at = this.keys.indexOf(key);
    if (at >= 0) this.keys.splice(at, 1);
  }
}

const entryFor = (value: object) => new CacheEntry(value);

describe('StrongTail', () => {
  it('holds exactly what the obvious LRU holds under random use/release/clear', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.array(op, { maxLength: 60 }), (max, ops) => {
        const values = Array.from({ length: 8 }, (_, i) => ({ i }));
        const entries = values.map(entryFor);
        const tail = new StrongTail<object>(max);
        const model = new ModelLru(max);
        for (const step of ops) {
          if (step.kind === 'use') {
            const [entry, value] = [entries[step.key]!, values[step.key]!];
            const touched = tail.touch(entry);
            expect(touched).toBe(model.keys.includes(step.key) ? value : undefined);
            if (touched === undefined) tail.add(entry, value);
            model.use(step.key);
          } else if (step.kind === 'release') {
            tail.release(entries[step.key]!);
            model.release(step.key);
          } else {
            tail.clear();
            model.keys = [];
          }
          const held = entries.flatMap((entry, i) => (tail.holds(entry) ? [i] : []));
          expect(held).toEqual([...model.keys].sort((a, b) => a - b));
          expect(tail.size).toBe(model.keys.length);
          // Slots are reused: never more than max of them, whatever entries' stale slots say.
          for (const entry of entries) expect(entry.slot).toBeLessThan(Math.max(max, 1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('evicts the least recently used, where a repeated use counts', () => {
    const [a, b, c] = [{ a: 1 }, { b: 2 }, { c: 3 }];
    const [ea, eb, ec] = [a, b, c].map(entryFor) as [
      CacheEntry<object>,
      CacheEntry<object>,
      CacheEntry<object>,
    ];
    const tail = new StrongTail<object>(2);
    tail.add(ea, a);
    tail.add(eb, b);
    expect(tail.touch(ea)).toBe(a);
    tail.add(ec, c);
    expect([ea, eb, ec].map((entry) => tail.holds(entry))).toEqual([true, false, true]);
    expect([tail.touch(ea), tail.touch(eb), tail.touch(ec)]).toEqual([a, undefined, c]);
  });

  it('holds nothing with max 0', () => {
    const value = {};
    const entry = new CacheEntry(value);
    const tail = new StrongTail<object>(0);
    tail.add(entry, value);
    expect([tail.size, tail.touch(entry), entry.slot]).toEqual([0, undefined, -1]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null])(
    'rejects max %s with a TypeError',
    (max) => {
      expect(() => new StrongTail(max as number)).toThrow(
        /^max must be a non-negative integer \(how many values to hold strongly\), got /,
      );
    },
  );
});
