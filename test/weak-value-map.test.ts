import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getWeakRefCount, setErrorHandler, WeakValueMap } from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';
import { collectWithoutReporting } from './support/gc.js';
import { checkWeakDestroyWhileIterating } from './support/iteration.js';
import { runModelSteps } from './support/model.js';
import { Keeper, Obj } from './support/objects.js';

const COUNT = 10;

/** CPython's make_weak_valued_dict: objects kept by a Keeper, mapped by their arg. */
function makeWeakValuedMap() {
  const objects = new Keeper((i) => new Obj(i), COUNT);
  const map = new WeakValueMap<number, Obj>();
  for (let i = 0; i < COUNT; i++) map.set(i, objects.get(i));
  return { map, objects };
}

function setDropped(map: WeakValueMap<string, object>, key: string): void {
  map.set(key, {});
}

describe('WeakValueMap: CPython ports', () => {
  it('test_weak_values: entries vanish as their values are collected', async () => {
    const { map, objects } = makeWeakValuedMap();
    for (let i = 0; i < COUNT; i++) expect(map.get(i)).toBe(objects.get(i));
    expect([...new WeakValueMap(map).entries()]).toEqual([...map.entries()]);
    expect(map.size).toBe(COUNT);
    objects.drop(0);
    await collectGarbage();
    expect(map.size).toBe(COUNT - 1);
    expect(map.has(0)).toBe(false);
    objects.dropAll();
    await collectGarbage();
    expect(map.size).toBe(0);

    const other = new WeakValueMap<number, object>();
    expect(other.get(1)).toBeUndefined();
    setDroppedNumber(other, 2);
    await collectGarbage();
    expect(other.get(2)).toBeUndefined();
    expect(other.has(2)).toBe(false);
  });

  it('test_weak_valued_delitem', () => {
    const map = new WeakValueMap<string, Obj>();
    const o1 = new Obj('1');
    const o2 = new Obj('2');
    map.set('something', o1);
    map.set('something else', o2);
    expect(map.size).toBe(2);
    expect(map.delete('something')).toBe(true);
    expect(map.delete('something')).toBe(false);
    expect(map.size).toBe(1);
    expect([...map]).toEqual([['something else', o2]]);
  });

  it('test_make_weak_valued_dict_from_dict / _from_weak_valued_dict / _misc: constructors', () => {
    const o = new Obj(3);
    const fromMap = new WeakValueMap(new Map([['a', o]]));
    expect(fromMap.get('a')).toBe(o);
    const copy = new WeakValueMap(fromMap);
    expect(copy.get('a')).toBe(o);
    expect(new WeakValueMap([['x', o] as const]).get('x')).toBe(o);
    expect(new WeakValueMap(null).size).toBe(0);
    expect(() => new WeakValueMap([['x', 1 as unknown as object]])).toThrow(TypeError);
  });

  it('check_weak_destroy_while_iterating: a value collected mid-iteration is skipped', async () => {
    for (const iterate of ['keys', 'values', 'entries', 'valueRefs'] as const) {
      await checkWeakDestroyWhileIterating(makeWeakValuedMap, (map) => map[iterate](), COUNT);
    }
  });

  it('check_weak_del_and_len_while_iterating: size stays right with explicit and implicit removals', async () => {
    const { map, objects } = makeWeakValuedMap();
    const n = map.size;
    const iterator = map.entries();
    iterator.next();
    map.delete(map.keys().next().value!);
    expect(map.size).toBe(n - 1);
    objects.drop(COUNT - 1);
    await collectGarbage();
    expect(map.size).toBe(n - 2);
    map.set(COUNT - 1, objects.get(1));
    expect(map.size).toBe(n - 1);
    expect([...iterator].map(([key]) => key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, COUNT - 1]);
    map.clear();
    expect(map.size).toBe(0);
  });
});

function setDroppedNumber(map: WeakValueMap<number, object>, key: number): void {
  map.set(key, {});
}

describe('WeakValueMap: replacement never loses the newer value', () => {
  it('k→A, k→B, A collected: get(k) is B', async () => {
    const map = new WeakValueMap<string, object>();
    const keep = new Keeper(() => ({}), 1);
    setDropped(map, 'k'); // A, held by nothing
    map.set('k', keep.get(0)); // B
    await collectGarbage();
    expect(map.get('k')).toBe(keep.get(0));
    expect(map.size).toBe(1);
  });

  it('delete then re-add: the old registration never removes the new entry', async () => {
    const collected: string[] = [];
    const map = new WeakValueMap<string, object>(null, { onCollect: (key) => collected.push(key) });
    const keep = new Keeper(() => ({}), 1);
    setDropped(map, 'k');
    map.delete('k');
    map.set('k', keep.get(0));
    await collectGarbage();
    expect(map.get('k')).toBe(keep.get(0));
    expect(collected).toEqual([]);
  });

  it('re-setting the same value registers nothing new', async () => {
    const collected: string[] = [];
    const map = new WeakValueMap<string, object>(null, { onCollect: (key) => collected.push(key) });
    const keep = new Keeper(() => ({}), 1);
    for (let i = 0; i < 5; i++) map.set('k', keep.get(0));
    keep.drop(0);
    await collectGarbage();
    expect(collected).toEqual(['k']);
    expect(map.size).toBe(0);
  });

  it('onCollect runs once per entry removed by collection, not on delete, clear or replace', async () => {
    const collected: string[] = [];
    const map = new WeakValueMap<string, object>(null, { onCollect: (key) => collected.push(key) });
    const keep = new Keeper(() => ({}), 3);
    map.set('a', keep.get(0)).set('b', keep.get(1)).set('c', keep.get(2));
    map.delete('b');
    keep.dropAll();
    await collectGarbage();
    expect(collected.sort()).toEqual(['a', 'c']);
    expect(map.size).toBe(0);
  });

  it('a throwing onCollect is reported and the map stays consistent', async () => {
    const reported: string[] = [];
    const previous = setErrorHandler((_error, context) => reported.push(context));
    try {
      const map = new WeakValueMap<string, object>(null, {
        onCollect: () => {
          throw new Error('boom');
        },
      });
      setDropped(map, 'a');
      setDropped(map, 'b');
      await collectGarbage();
      expect(reported).toEqual(['WeakValueMap onCollect', 'WeakValueMap onCollect']);
      expect(map.size).toBe(0);
    } finally {
      setErrorHandler(previous);
    }
  });
});

describe('WeakValueMap: the collected-but-not-reported window', () => {
  it('reads already treat the value as gone while size still counts it', async () => {
    const map = new WeakValueMap<string, object>();
    setDropped(map, 'k');
    await collectWithoutReporting();
    expect(map.get('k')).toBeUndefined();
    expect(map.has('k')).toBe(false);
    expect([...map.keys()]).toEqual([]);
    expect(map.delete('k')).toBe(false);
    await collectGarbage();
    expect(map.size).toBe(0);
  });
});

describe('WeakValueMap: the rest of the Map interface', () => {
  it('getOrInsert and getOrInsertComputed return the live value or store the new one', async () => {
    const map = new WeakValueMap<string, Obj>();
    const keep = new Keeper((i) => new Obj(i), 2);
    expect(map.getOrInsert('a', keep.get(0))).toBe(keep.get(0));
    expect(map.getOrInsert('a', keep.get(1))).toBe(keep.get(0));
    let calls = 0;
    const compute = (key: string) => {
      calls++;
      return keep.get(key === 'b' ? 1 : 0);
    };
    expect(map.getOrInsertComputed('b', compute)).toBe(keep.get(1));
    expect(map.getOrInsertComputed('b', compute)).toBe(keep.get(1));
    expect(calls).toBe(1);
    keep.drop(1);
    await collectGarbage();
    expect(map.getOrInsertComputed('b', () => keep.get(0))).toBe(keep.get(0));
  });

  it('valueRefs yields weakkit refs that do not keep values alive', async () => {
    const { map, objects } = makeWeakValuedMap();
    const refs = [...map.valueRefs()];
    expect(refs).toHaveLength(COUNT);
    expect(refs[3]![1]()).toBe(objects.get(3));
    expect(getWeakRefCount(objects.get(3))).toBe(1);
    objects.dropAll();
    await collectGarbage();
    expect(refs.every(([, r]) => r() === undefined)).toBe(true);
    expect(map.size).toBe(0);
  });

  it('forEach, iteration order, toStringTag', () => {
    const { map, objects } = makeWeakValuedMap();
    const seen: number[] = [];
    map.forEach(function (this: unknown, value, key, self) {
      expect(this).toBe('ctx');
      expect(self).toBe(map);
      expect(value).toBe(objects.get(key));
      seen.push(key);
    }, 'ctx');
    expect(seen).toEqual([...Array(COUNT).keys()]);
    expect([...map.values()]).toEqual(seen.map((i) => objects.get(i)));
    expect(Object.prototype.toString.call(map)).toBe('[object WeakValueMap]');
  });

  it('rejects values that cannot be held weakly, and stays unchanged', () => {
    const map = new WeakValueMap<string, object>();
    const keep = { x: 1 };
    map.set('k', keep);
    for (const bad of [1, 'bob', 2n, true, undefined, null, Symbol.for('s')]) {
      expect(() => map.set('k', bad as unknown as object)).toThrow(
        /cannot create weak reference to '(number|string|bigint|boolean|undefined|null|registered symbol)' value .*: a WeakValueMap value must be/,
      );
    }
    expect(map.get('k')).toBe(keep);
    expect(map.size).toBe(1);
    expect(() => map.getOrInsertComputed('z', () => 5 as unknown as object)).toThrow(TypeError);
    expect(map.has('z')).toBe(false);
    expect(() => new WeakValueMap(null, { onCollect: 5 as unknown as () => void })).toThrow(TypeError);
  });

  it('holds values weakly: a map full of dropped values lets them all go', async () => {
    const map = new WeakValueMap<number, object>();
    const refs = fill(map, 1000);
    await collectGarbage();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    expect(map.size).toBe(0);
  });
});

function fill(map: WeakValueMap<number, object>, n: number): WeakRef<object>[] {
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < n; i++) {
    const value = { i };
    map.set(i, value);
    refs.push(new WeakRef(value));
  }
  return refs;
}

describe('WeakValueMap: model test against a Map of ids, with real collections', () => {
  const KEYS = ['a', 'b', 'c', 'd'];
  type Op =
    | { kind: 'set'; key: string; slot: number }
    | { kind: 'delete'; key: string }
    | { kind: 'clear' }
    | { kind: 'drop'; slot: number }
    | { kind: 'collect' };
  /** Slots of live objects: dropping one puts a fresh object in its slot, so replacements keep coming. */
  const SLOTS = 4;
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('set' as const),
        key: fc.constantFrom(...KEYS),
        slot: fc.nat(SLOTS - 1),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('drop' as const), slot: fc.nat(SLOTS - 1) }) },
    { weight: 3, arbitrary: fc.constant({ kind: 'collect' as const }) },
  );

  /** Steps run in plain functions, so no suspended async frame holds a value. */
  interface State {
    objects: Keeper<Obj>;
    /** Slot → the Keeper index of the object in it. */
    slots: number[];
    map: WeakValueMap<string, Obj>;
    model: Map<string, number>; // key → object index
    dead: Set<number>;
    collected: string[];
  }

  function apply({ objects, slots, map, model, dead }: State, step: Exclude<Op, { kind: 'collect' }>): void {
    switch (step.kind) {
      case 'set': {
        const index = slots[step.slot]!;
        map.set(step.key, objects.get(index));
        model.set(step.key, index);
        return;
      }
      case 'delete': {
        const index = model.get(step.key);
        const live = index !== undefined && !dead.has(index) && objects.peek(index) !== undefined;
        expect(map.delete(step.key)).toBe(live);
        model.delete(step.key);
        return;
      }
      case 'clear':
        map.clear();
        model.clear();
        return;
      case 'drop':
        objects.drop(slots[step.slot]!);
        slots[step.slot] = objects.add(new Obj(objects.count));
    }
  }

  function afterCollect({ objects, map, model, dead, collected }: State): void {
    const expected: string[] = [];
    for (let i = 0; i < objects.count; i++) if (!objects.held(i)) dead.add(i);
    for (const [key, index] of model) {
      if (dead.has(index)) {
        model.delete(key);
        expected.push(key);
      }
    }
    expect(collected.sort()).toEqual(expected.sort());
    expect(map.size).toBe(model.size);
  }

  function checkAgreement({ objects, map, model, dead }: State): void {
    for (const key of KEYS) {
      const index = model.get(key);
      const expected = index === undefined || dead.has(index) ? undefined : objects.peek(index);
      expect(map.get(key)).toBe(expected);
      expect(map.has(key)).toBe(expected !== undefined);
    }
    expect(map.size).toBeGreaterThanOrEqual([...map.keys()].length);
    expect([...map.keys()]).toEqual([...model.keys()].filter((key) => map.has(key)));
  }

  it('agrees with the model after every step, onCollect included', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        runs++;
        const collected: string[] = [];
        const state: State = {
          objects: new Keeper((i) => new Obj(i), SLOTS),
          slots: Array.from({ length: SLOTS }, (_, i) => i),
          map: new WeakValueMap(null, { onCollect: (key) => collected.push(key) }),
          model: new Map(),
          dead: new Set(),
          collected,
        };
        await runModelSteps(state, ops, {
          apply,
          afterCollect: (s) => {
            afterCollect(s);
            collected.length = 0;
          },
          checkAgreement,
        });
      }),
      { numRuns: 60 },
    );
    expect(runs).toBe(60);
  });
});
