import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IterableWeakSet } from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';
import { runModelSteps } from './support/model.js';
import { Keeper, Obj } from './support/objects.js';

/** CPython test_weakset's fixtures: letters as objects, three overlapping sets. */
function fixture() {
  const letters = new Keeper((i) => new Obj(String.fromCharCode(97 + i)), 26);
  const pick = (word: string) => [...new Set(word)].map((c) => letters.get(c.charCodeAt(0) - 97));
  return {
    letters,
    pick,
    s: new IterableWeakSet(pick('simsalabim')),
    t: new IterableWeakSet(pick('madagascar')),
    u: new IterableWeakSet(pick('abcdefgh')),
  };
}

const args = (set: Iterable<Obj>) =>
  [...set]
    .map((o) => o.arg as string)
    .sort()
    .join('');
const chars = (word: string) => [...new Set(word)].sort().join('');

function addDropped(set: IterableWeakSet<object>, n: number): void {
  for (let i = 0; i < n; i++) set.add({ i });
}

describe('IterableWeakSet: CPython test_weakset ports', () => {
  it('test_len, test_contains, test_add, test_discard, test_clear', () => {
    const { s, letters } = fixture();
    expect(s.size).toBe(chars('simsalabim').length);
    expect(s.has(letters.get(0))).toBe(true);
    expect(s.has(letters.get(25))).toBe(false);
    expect(s.has(1 as unknown as Obj)).toBe(false);
    s.add(letters.get(25));
    s.add(letters.get(25));
    expect(s.size).toBe(chars('simsalabim').length + 1);
    expect(s.delete(letters.get(25))).toBe(true);
    expect(s.delete(letters.get(25))).toBe(false);
    s.clear();
    expect(s.size).toBe(0);
    expect(() => s.add(1 as unknown as Obj)).toThrow(/'number' value 1: a IterableWeakSet member must be/);
    expect(s.size).toBe(0);
  });

  it('test_union, test_intersection, test_difference, test_symmetric_difference (with Sets and set-likes)', () => {
    const { s, t, pick } = fixture();
    expect(args(s.union(t))).toBe(chars('simsalabimmadagascar'));
    expect(args(s.union(new Set(pick('xyz'))))).toBe(chars('simsalabimxyz'));
    expect(args(s.intersection(t))).toBe('ams');
    expect(args(s.intersection(new Set(pick('abcdefghijklmnopqrstuvwxyz'))))).toBe(chars('simsalabim'));
    expect(args(s.difference(t))).toBe('bil');
    expect(args(s.symmetricDifference(t))).toBe(chars('bilcdgr'));
    const mapLike = new Map(pick('lab').map((o) => [o, true]));
    expect(args(s.intersection(mapLike))).toBe('abl');
    expect(s.union(t)).toBeInstanceOf(IterableWeakSet);
  });

  it('test_sub_and_super, test_isdisjoint', () => {
    const { s, u, pick } = fixture();
    const small = new IterableWeakSet(pick('ab'));
    expect(small.isSubsetOf(u)).toBe(true);
    expect(u.isSupersetOf(small)).toBe(true);
    expect(u.isSubsetOf(small)).toBe(false);
    expect(s.isSubsetOf(u)).toBe(false);
    expect(new IterableWeakSet(pick('xyz')).isDisjointFrom(s)).toBe(true);
    expect(s.isDisjointFrom(u)).toBe(false);
  });

  it('test_inplace_on_self: operations of a set with itself', () => {
    const { s } = fixture();
    expect(args(s.union(s))).toBe(args(s));
    expect(args(s.intersection(s))).toBe(args(s));
    expect(s.difference(s).size).toBe(0);
    expect(s.symmetricDifference(s).size).toBe(0);
    expect(s.isSubsetOf(s) && s.isSupersetOf(s)).toBe(true);
    expect(s.isDisjointFrom(s)).toBe(false);
  });

  it('set methods reject what is not set-like', () => {
    const { s } = fixture();
    expect(() => s.union([] as unknown as Set<Obj>)).toThrow(/size is not a number/);
    expect(() => s.union(null as unknown as Set<Obj>)).toThrow(/expects a set-like object, got null/);
    expect(() => s.isSubsetOf({ size: 1, has: 1, keys: () => [].values() } as never)).toThrow(
      /has\(\) method/,
    );
    expect(() => s.union(new Set([1]) as unknown as Set<Obj>)).toThrow(TypeError);
  });

  it('test_gc / test_len_cycles: members held by nothing else go', async () => {
    const set = new IterableWeakSet<object>();
    addDropped(set, 100);
    expect(set.size).toBe(100);
    await collectGarbage();
    expect(set.size).toBe(0);
  });

  it('test_weak_destroy_while_iterating: a member collected while an async loop awaits is skipped', async () => {
    const { letters } = fixture();
    const set = new IterableWeakSet<Obj>();
    for (let i = 0; i < 26; i++) set.add(letters.get(i));
    const seen: unknown[] = [];
    for (const member of set) {
      seen.push(member.arg);
      if (seen.length === 1) {
        letters.drop(25);
        letters.drop(24);
        await collectGarbage();
      }
    }
    expect(seen).toHaveLength(24);
    expect(seen).not.toContain(undefined);
    expect(set.size).toBe(24);
  });

  it('iteration, entries, forEach, toStringTag', () => {
    const { s } = fixture();
    expect([...s.entries()].every(([a, b]) => a === b)).toBe(true);
    expect([...s.keys()]).toEqual([...s.values()]);
    let calls = 0;
    s.forEach((a, b, self) => {
      expect(a).toBe(b);
      expect(self).toBe(s);
      calls++;
    });
    expect(calls).toBe(s.size);
    expect(Object.prototype.toString.call(s)).toBe('[object IterableWeakSet]');
  });
});

describe('IterableWeakSet: model test with real collections', () => {
  type Op =
    | { kind: 'add' | 'delete' | 'drop'; slot: number }
    | { kind: 'clear' | 'collect' }
    | { kind: 'algebra'; other: number[] };
  /** Slots of live members: dropping one puts a fresh member in its slot, so members keep coming. */
  const SLOTS = 5;
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('add' as const), slot: fc.nat(SLOTS - 1) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('delete' as const), slot: fc.nat(SLOTS - 1) }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('drop' as const), slot: fc.nat(SLOTS - 1) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
    { weight: 3, arbitrary: fc.constant({ kind: 'collect' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('algebra' as const),
        other: fc.uniqueArray(fc.nat(SLOTS - 1)),
      }),
    },
  );

  /** The members, the set and its model. Steps run in plain functions, so no async frame holds a member. */
  interface State {
    /** Each member is `new Obj(i)` at Keeper index `i`. */
    members: Keeper<Obj>;
    /** Slot → the Keeper index of the member in it. */
    slots: number[];
    set: IterableWeakSet<Obj>;
    model: Set<number>;
  }

  function apply(state: State, step: Exclude<Op, { kind: 'collect' }>): void {
    const { members, slots, set, model } = state;
    switch (step.kind) {
      case 'add':
        set.add(members.get(slots[step.slot]!));
        model.add(slots[step.slot]!);
        return;
      case 'delete':
        expect(set.delete(members.get(slots[step.slot]!))).toBe(model.delete(slots[step.slot]!));
        return;
      case 'drop':
        members.drop(slots[step.slot]!);
        slots[step.slot] = members.add(new Obj(members.count));
        return;
      case 'clear':
        set.clear();
        model.clear();
        return;
      case 'algebra':
        checkAlgebra(
          state,
          step.other.map((slot) => state.slots[slot]!),
        );
    }
  }

  function checkAlgebra({ members, set, model }: State, otherIndices: number[]): void {
    const live = otherIndices.filter((i) => members.held(i));
    const other = new Set(live.map((i) => members.get(i)));
    const mine = [...model].filter((i) => members.peek(i) !== undefined);
    const ids = (result: Iterable<Obj>) => [...result].map((o) => o.arg as number).sort();
    const sorted = (xs: number[]) => [...new Set(xs)].sort();
    expect(ids(set.union(other))).toEqual(sorted([...mine, ...live]));
    expect(ids(set.intersection(other))).toEqual(sorted(mine.filter((i) => live.includes(i))));
    expect(ids(set.difference(other))).toEqual(sorted(mine.filter((i) => !live.includes(i))));
    expect(ids(set.symmetricDifference(other))).toEqual(
      sorted([...mine.filter((i) => !live.includes(i)), ...live.filter((i) => !mine.includes(i))]),
    );
    expect(set.isSubsetOf(other)).toBe(mine.every((i) => live.includes(i)));
    expect(set.isSupersetOf(other)).toBe(live.every((i) => mine.includes(i)));
    expect(set.isDisjointFrom(other)).toBe(!mine.some((i) => live.includes(i)));
  }

  function afterCollect({ members, set, model }: State): void {
    for (const member of model) if (!members.held(member)) model.delete(member);
    expect(set.size).toBe(model.size);
  }

  function checkAgreement({ members, set, model }: State): void {
    const live = [...model].filter((i) => members.peek(i) !== undefined);
    expect([...set].map((o) => o.arg)).toEqual(live);
  }

  it('agrees with a Set of indices, set algebra included, after every step', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        runs++;
        const state: State = {
          members: new Keeper((i) => new Obj(i), SLOTS),
          slots: Array.from({ length: SLOTS }, (_, i) => i),
          set: new IterableWeakSet(),
          model: new Set(),
        };
        await runModelSteps(state, ops, { apply, afterCollect, checkAgreement });
      }),
      { numRuns: 60 },
    );
    expect(runs).toBe(60);
  });
});
