import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IterableWeakMap } from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';
import { checkWeakDestroyWhileIterating } from './support/iteration.js';
import { runModelSteps } from './support/model.js';
import { Keeper, Obj } from './support/objects.js';

const COUNT = 10;

/** CPython's make_weak_keyed_dict: keys kept by a Keeper, each mapped to its arg. */
function makeWeakKeyedMap() {
  const objects = new Keeper((i) => new Obj(i), COUNT);
  const map = new IterableWeakMap<Obj, number | string>();
  for (let i = 0; i < COUNT; i++) map.set(objects.get(i), i);
  return { map, objects };
}

/** A key whose value refers back to it, held by nothing else. */
function addSelfReferencingEntry(map: IterableWeakMap<object, { owner: object }>): WeakRef<object> {
  const key = {};
  map.set(key, { owner: key });
  return new WeakRef(key);
}

describe('IterableWeakMap: CPython ports', () => {
  it('test_weak_keys: entries vanish as their keys are collected', async () => {
    const { map, objects } = makeWeakKeyedMap();
    for (let i = 0; i < COUNT; i++) expect(map.get(objects.get(i))).toBe(i);
    expect([...new IterableWeakMap(map)]).toEqual([...map]);
    expect(map.size).toBe(COUNT);
    objects.drop(0);
    await collectGarbage();
    expect(map.size).toBe(COUNT - 1);
    objects.dropAll();
    await collectGarbage();
    expect(map.size).toBe(0);
    const o = new Obj(42);
    map.set(o, 'What is the meaning of the universe?');
    expect(map.has(o)).toBe(true);
    expect(map.has(new Obj(42))).toBe(false);
  });

  it('test_weak_keyed_delitem and bad keys', () => {
    const map = new IterableWeakMap<object, string>();
    const o1 = new Obj('1');
    const o2 = new Obj('2');
    map.set(o1, 'something').set(o2, 'something');
    expect(map.size).toBe(2);
    expect(map.delete(o1)).toBe(true);
    expect(map.delete(o1)).toBe(false);
    expect(map.size).toBe(1);
    expect([...map.keys()]).toEqual([o2]);
    expect(map.delete(34 as unknown as object)).toBe(false);
    for (const bad of [34, 'k', 1n, false, undefined, null, Symbol.for('k')]) {
      expect(() => map.set(bad as unknown as object, 'x')).toThrow(
        /cannot create weak reference to '.*' value .*: a IterableWeakMap key must be/,
      );
    }
    expect(map.size).toBe(1);
  });

  it('check_weak_destroy_while_iterating: a key collected mid-iteration is skipped', async () => {
    for (const iterate of ['keys', 'values', 'entries'] as const) {
      await checkWeakDestroyWhileIterating(makeWeakKeyedMap, (map) => map[iterate](), COUNT);
    }
  });

  it('test_weak_keyed_len_cycles: keys in cycles are collected, size reaches 0', async () => {
    const map = new IterableWeakMap<object, number>();
    addCycles(map, 20);
    let iterator: Iterator<unknown> | undefined = map.entries();
    iterator.next();
    await collectGarbage();
    // As in CPython, the suspended iterator may keep the entry it last yielded.
    expect(map.size).toBeLessThanOrEqual(1);
    expect([...(iterator as IterableIterator<unknown>)]).toEqual([]);
    iterator = undefined;
    await collectGarbage();
    expect(map.size).toBe(0);
  });
});

function addCycles(map: IterableWeakMap<object, number>, n: number): void {
  for (let i = 0; i < n; i++) {
    const a: { other?: object } = {};
    const b = { other: a };
    a.other = b;
    map.set(a, 1);
  }
}

describe('IterableWeakMap: ephemerons', () => {
  it('a value that refers to its own key does not keep the entry alive', async () => {
    const map = new IterableWeakMap<object, { owner: object }>();
    const keys = [addSelfReferencingEntry(map), addSelfReferencingEntry(map)];
    expect(map.size).toBe(2);
    await collectGarbage();
    expect(keys.map((k) => k.deref())).toEqual([undefined, undefined]);
    expect(map.size).toBe(0);
  });

  it('a value stays alive exactly as long as its key', async () => {
    const keys = new Keeper(() => ({}), 1);
    const map = new IterableWeakMap<object, object>();
    const value = setValue(map, keys.get(0));
    await collectGarbage();
    expect(value.deref()).toBeDefined();
    keys.drop(0);
    await collectGarbage();
    expect(value.deref()).toBeUndefined();
    expect(map.size).toBe(0);
  });
});

function setValue(map: IterableWeakMap<object, object>, key: object): WeakRef<object> {
  const value = { payload: 'big' };
  map.set(key, value);
  return new WeakRef(value);
}

describe('IterableWeakMap: the Map interface', () => {
  it('keeps insertion order; re-adding a deleted key moves it last; replacing keeps its place', () => {
    const { map, objects } = makeWeakKeyedMap();
    map.delete(objects.get(0));
    map.set(objects.get(0), 'again');
    map.set(objects.get(5), 'replaced');
    expect([...map.values()]).toEqual([1, 2, 3, 4, 'replaced', 6, 7, 8, 9, 'again']);
    const seen: unknown[] = [];
    map.forEach((value, key, self) => {
      expect(self).toBe(map);
      expect(map.get(key)).toBe(value);
      seen.push(value);
    });
    expect(seen).toHaveLength(COUNT);
    expect(Object.prototype.toString.call(map)).toBe('[object IterableWeakMap]');
  });

  it('delete then re-add of a live key, then its collection: size exact, no ghost entries', async () => {
    const keys = new Keeper(() => ({}), 1);
    const map = new IterableWeakMap<object, number>();
    for (let i = 0; i < 100; i++) {
      map.set(keys.get(0), i);
      map.delete(keys.get(0));
    }
    map.set(keys.get(0), 7);
    expect(map.size).toBe(1);
    keys.drop(0);
    await collectGarbage();
    expect(map.size).toBe(0);
  });

  it('clear forgets everything; keys still alive can be added again', async () => {
    const { map, objects } = makeWeakKeyedMap();
    map.clear();
    expect(map.size).toBe(0);
    expect(map.has(objects.get(0))).toBe(false);
    map.set(objects.get(0), 'back');
    objects.dropAll();
    await collectGarbage();
    expect(map.size).toBe(0);
  });

  it('getOrInsert and getOrInsertComputed', () => {
    const map = new IterableWeakMap<object, number[]>();
    const key = {};
    map.getOrInsert(key, []).push(1);
    map.getOrInsert(key, []).push(2);
    expect(map.get(key)).toEqual([1, 2]);
    const other = {};
    let calls = 0;
    const compute = () => {
      calls++;
      return [0];
    };
    map.getOrInsertComputed(other, compute);
    map.getOrInsertComputed(other, compute);
    expect(calls).toBe(1);
    map.set(other, undefined as unknown as number[]);
    expect(map.getOrInsert(other, [9])).toBeUndefined(); // a present key whose value is undefined
  });
});

describe('IterableWeakMap: rebuilding its table after many keys died', () => {
  it('keeps every live entry, in order, through the rebuild', async () => {
    const keys = new Keeper((i) => new Obj(i), 3);
    const map = new IterableWeakMap<object, number>();
    map.set(keys.get(0), 0);
    addCycles(map, 5000); // dead keys, enough cleanups to trigger a rebuild
    map.set(keys.get(1), 1).set(keys.get(2), 2);
    map.delete(keys.get(2));
    await collectGarbage();
    expect(map.size).toBe(2);
    expect([...map.values()]).toEqual([0, 1]);
    expect(map.get(keys.get(0))).toBe(0);
    expect(map.has(keys.get(2))).toBe(false);
    map.set(keys.get(2), 2);
    expect([...map.values()]).toEqual([0, 1, 2]);
    keys.dropAll();
    await collectGarbage();
    expect(map.size).toBe(0);
  });
});

describe('IterableWeakMap: model test with real collections', () => {
  type Op =
    | { kind: 'set'; slot: number; value: number }
    | { kind: 'delete'; slot: number }
    | { kind: 'clear' }
    | { kind: 'drop'; slot: number }
    | { kind: 'collect' };
  /** Slots of live keys: dropping one puts a fresh key in its slot, so keys keep coming and going. */
  const SLOTS = 4;
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('set' as const), slot: fc.nat(SLOTS - 1), value: fc.nat(9) }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), slot: fc.nat(SLOTS - 1) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('drop' as const), slot: fc.nat(SLOTS - 1) }) },
    { weight: 3, arbitrary: fc.constant({ kind: 'collect' as const }) },
  );

  /** Steps run in plain functions, so no suspended async frame holds a key. */
  interface State {
    /** Each key is `new Obj(i)` at Keeper index `i`. */
    keys: Keeper<Obj>;
    /** Slot → the Keeper index of the key in it. */
    slots: number[];
    // Values refer to their keys: the ephemeron case.
    map: IterableWeakMap<Obj, { key: Obj; value: number }>;
    model: Map<number, number>; // key index → value, in insertion order
  }

  function apply({ keys, slots, map, model }: State, step: Exclude<Op, { kind: 'collect' }>): void {
    switch (step.kind) {
      case 'set': {
        const index = slots[step.slot]!;
        map.set(keys.get(index), { key: keys.get(index), value: step.value });
        model.set(index, step.value);
        return;
      }
      case 'delete': {
        const index = slots[step.slot]!;
        expect(map.delete(keys.get(index))).toBe(model.delete(index));
        return;
      }
      case 'clear':
        map.clear();
        model.clear();
        return;
      case 'drop':
        keys.drop(slots[step.slot]!);
        slots[step.slot] = keys.add(new Obj(keys.count));
    }
  }

  function afterCollect({ keys, map, model }: State): void {
    for (const key of model.keys()) if (!keys.held(key)) model.delete(key);
    expect(map.size).toBe(model.size);
  }

  function checkAgreement({ keys, map, model }: State): void {
    const live = [...model].filter(([key]) => keys.peek(key) !== undefined);
    expect([...map].map(([key, { value }]) => [key.arg, value])).toEqual(live);
    for (let k = 0; k < keys.count; k++) {
      const key = keys.peek(k);
      if (key !== undefined) expect(map.get(key)?.value).toBe(model.get(k));
    }
  }

  it('agrees with an insertion-ordered model after every step', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        runs++;
        const state: State = {
          keys: new Keeper((i) => new Obj(i), SLOTS),
          slots: Array.from({ length: SLOTS }, (_, i) => i),
          map: new IterableWeakMap(),
          model: new Map(),
        };
        await runModelSteps(state, ops, { apply, afterCollect, checkAgreement });
      }),
      { numRuns: 60 },
    );
    expect(runs).toBe(60);
  });
});
