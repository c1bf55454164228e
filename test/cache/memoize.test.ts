import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/cache/index.js';
import { collectGarbage } from '../../src/testing/index.js';

class Node {
  constructor(readonly name: string) {}
}

/** A function that records its calls and returns a fresh object per call. */
function recorder() {
  const calls: unknown[][] = [];
  const fn = (...args: unknown[]) => {
    calls.push(args);
    return { args };
  };
  return { calls, fn };
}

describe('memoize: keys', () => {
  it('returns the cached result for the same arguments by identity', () => {
    const { calls, fn } = recorder();
    const memo = memoize(fn);
    const a = new Node('a');
    const b = new Node('b');
    expect(memo(a, 1)).toBe(memo(a, 1));
    expect(memo(a, 1)).not.toBe(memo(b, 1));
    expect(memo(a, 1)).not.toBe(memo(new Node('a'), 1));
    expect(memo('x')).toBe(memo('x'));
    expect(calls.length).toBe(4);
    expect(memo.cache.stats).toMatchObject({ hits: 4, misses: 4, loads: 4 });
  });

  it('keys on the arguments passed, not on fn.length', () => {
    const { calls, fn } = recorder();
    const memo = memoize(fn);
    const a = new Node('a');
    const results = [
      memo(),
      memo(undefined),
      memo(1),
      memo(1, undefined),
      memo(a, 1),
      memo(1, a),
      memo(a, a),
    ];
    expect(new Set(results).size).toBe(results.length);
    expect(calls.length).toBe(7);
    expect(memo(1, undefined)).toBe(results[3]);
    expect(memo(1, a)).toBe(results[5]);
  });

  it('tells 0 from -0, and finds NaN', () => {
    const memo = memoize((x: number) => ({ inverse: 1 / x }));
    expect(memo(-0).inverse).toBe(Number.NEGATIVE_INFINITY);
    expect(memo(0).inverse).toBe(Number.POSITIVE_INFINITY);
    expect(memo(Number.NaN)).toBe(memo(Number.NaN));
  });

  it('tells apart strings and numbers that print alike, and registered symbols', () => {
    const memo = memoize((x: unknown) => ({ x }));
    expect(memo('1')).not.toBe(memo(1));
    expect(memo(1n)).not.toBe(memo(1));
    expect(memo(Symbol.for('k'))).toBe(memo(Symbol.for('k')));
    expect(memo(null)).not.toBe(memo(undefined));
  });

  it('keys on this as a leading argument, so a method is memoized per instance', () => {
    let calls = 0;
    class Shape {
      constructor(readonly side: number) {}
      area = memoize(function (this: Shape, scale: number) {
        calls++;
        return { value: this.side * this.side * scale };
      });
    }
    const proto = memoize(function (this: { side: number }, scale: number) {
      calls++;
      return { value: this.side * scale };
    });
    const small = { side: 2, area: proto };
    const large = { side: 3, area: proto };
    expect(small.area(10).value).toBe(20);
    expect(large.area(10).value).toBe(30);
    expect(small.area(10)).toBe(small.area(10));
    expect(proto.call({ side: 2 }, 10)).not.toBe(small.area(10)); // same side, other receiver
    expect(new Shape(4).area(1).value).toBe(16);
    expect(calls).toBe(4);
  });

  it('caches nothing when fn throws', () => {
    let calls = 0;
    const memo = memoize((x: number) => {
      calls++;
      if (calls === 1) throw new Error(`failed on ${x}`);
      return { x };
    });
    expect(() => memo(1)).toThrow('failed on 1');
    expect(memo(1)).toEqual({ x: 1 });
    expect(memo(1)).toBe(memo(1));
    expect(calls).toBe(2);
  });

  it('forgets everything on cache.clear(), keeping the stats', () => {
    const { calls, fn } = recorder();
    const memo = memoize(fn);
    const a = new Node('a');
    const before = [memo(a), memo(1)];
    memo.cache.clear();
    expect(memo(a)).not.toBe(before[0]);
    expect(memo(1)).not.toBe(before[1]);
    expect(calls.length).toBe(4);
    expect(memo.cache.stats).toMatchObject({ hits: 0, misses: 4, loads: 4 });
  });
});

describe('memoize: lifetimes', () => {
  /** Calls `memo` with a fresh object argument (and `extra`), returning refs to the argument and result. */
  function callWithFresh(memo: (node: Node, extra?: Node) => object, extra?: Node) {
    const node = new Node('temporary');
    const result = extra === undefined ? memo(node) : memo(node, extra);
    return { node: new WeakRef(node), result: new WeakRef(result) };
  }

  it('lets an object argument and its result be collected, even when the result refers to it', async () => {
    const memo = memoize((node: Node) => ({ node }));
    const refs = callWithFresh(memo);
    await collectGarbage();
    expect(refs.node.deref()).toBeUndefined();
    expect(refs.result.deref()).toBeUndefined();
  });

  it('drops an entry when any one of its object arguments is collected', async () => {
    const memo = memoize((first: Node, second?: Node) => ({ first, second }));
    const kept = new Node('kept');
    const refs = callWithFresh((node, extra) => memo(extra as Node, node), kept);
    await collectGarbage();
    expect(refs.result.deref()).toBeUndefined();
    expect(memo(kept).first).toBe(kept);
  });

  it('keeps the result of a call with object arguments while they live, primitive or not', async () => {
    const memo = memoize((node: Node) => node.name.length);
    const node = new Node('abc');
    expect(memo(node)).toBe(3);
    await collectGarbage();
    expect(memo(node)).toBe(3);
    expect(memo.cache.stats).toMatchObject({ hits: 1, misses: 1 });
  });

  it('collects an instance with its memoized method results', async () => {
    const area = memoize(function (this: Node) {
      return { of: this };
    });
    const weak = (() => {
      const node = Object.assign(new Node('square'), { area });
      node.area();
      return new WeakRef(node);
    })();
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
  });
});

describe('memoize: primitive arguments', () => {
  /** Calls `memo(key)` for each key without keeping the results. */
  function callEach(memo: (key: number) => object, ...keys: number[]): void {
    for (const key of keys) memo(key);
  }

  it('holds the max most recently used results strongly and the rest weakly', async () => {
    const memo = memoize((id: number) => ({ id }), { max: 2 });
    const held = [memo(1)];
    callEach(memo, 2, 3, 4); // 1 leaves the strong tail but is held; 2 leaves and is not
    await collectGarbage();
    expect(memo.cache.stats.collected).toBe(1);
    expect(memo(1)).toBe(held[0]);
    expect(memo.cache.stats).toMatchObject({ hits: 1, weakHits: 1 });
    callEach(memo, 4, 1); // the tail now holds 4 and 1: strong hits
    expect(memo.cache.stats).toMatchObject({ hits: 3, weakHits: 1, misses: 4, loads: 4 });
    callEach(memo, 2);
    expect(memo.cache.stats).toMatchObject({ misses: 5, loads: 5 });
  });

  it('computes again after a result is collected, also for longer calls sharing a prefix', async () => {
    let calls = 0;
    const memo = memoize(
      (...ids: number[]) => {
        calls++;
        return { ids };
      },
      { max: 0 },
    );
    const held = [memo(1)];
    callEach((id) => memo(1, id), 2, 3);
    await collectGarbage();
    expect(memo.cache.stats.collected).toBe(2);
    expect(memo(1)).toBe(held[0]); // the shorter call's result survives its longer neighbours
    expect(memo(1, 2).ids).toEqual([1, 2]);
    expect(calls).toBe(4);
  });

  it('throws the weakable TypeError for a primitive result', () => {
    const memo = memoize((n: number) => n * 2);
    expect(() => memo(21)).toThrow(
      new TypeError(
        "cannot create weak reference to 'number' value 42: a memoized result of a call with only primitive arguments must be an object, a function or a non-registered symbol",
      ),
    );
  });

  it('rejects what is not a function, and a bad max', () => {
    expect(() => memoize(42 as never)).toThrow(new TypeError('memoize expects a function, got number'));
    expect(() => memoize(() => ({}), { max: -2 })).toThrow(
      new TypeError('max must be a non-negative integer (how many values to hold strongly), got -2'),
    );
  });
});
