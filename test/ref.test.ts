import { describe, expect, it } from 'vitest';
import {
  finalize,
  getWeakRefCount,
  getWeakRefs,
  proxy,
  type Ref,
  ref,
  setErrorHandler,
  weakMethod,
} from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';
import { collectWithoutReporting, forceGc, macrotask, symbolsAreWeakTargets } from './support/gc.js';

// Targets that must be collected are created in helper functions and never kept by the test body.

class C {
  method(): string {
    return 'method';
  }
}

/** The kinds of weakable target CPython's check_basic_ref/check_basic_callback use, and a symbol. */
const factories: Array<[name: string, make: () => object | symbol]> = [
  ['an object (C())', () => new C()],
  ['a function (create_function)', () => function f() {}],
  [
    'a bound method (create_bound_method)',
    () => {
      const c = new C();
      return c.method.bind(c);
    },
  ],
  ...(symbolsAreWeakTargets
    ? [['a non-registered symbol', () => Symbol('temporary')] as [string, () => symbol]]
    : []),
];

/** A target of `make`'s kind that nothing holds, with a ref whose callback counts into `calls`. */
function refToDropped(make: () => object | symbol, calls: Ref[]): Ref {
  return ref(make(), (r) => calls.push(r as Ref));
}

describe('test_basic_ref: a ref returns its target while it lives', () => {
  it.each(factories)('for %s', (_name, make) => {
    const target = make();
    const r = ref(target);
    expect(r()).toBe(target);
    expect(r.deref()).toBe(target);
    expect(r.alive).toBe(true);
    expect(typeof r).toBe('function');
  });
});

describe('test_basic_callback: the callback runs once, after collection, with the ref', () => {
  it.each(factories)('for %s', async (_name, make) => {
    const calls: Ref[] = [];
    const r = refToDropped(make, calls);
    await collectGarbage();
    expect(calls).toEqual([r]);
    expect(calls[0]).toBe(r);
    expect(r()).toBeUndefined();
    expect(r.deref()).toBeUndefined();
    expect(r.alive).toBe(false);
    await collectGarbage();
    expect(calls).toHaveLength(1);
  });

  it('does not run while the target is alive', async () => {
    const keep: object[] = [{}];
    const calls: string[] = [];
    const r = ref(keep[0]!, () => calls.push('collected'));
    await collectGarbage();
    expect(calls).toEqual([]);
    expect(r()).toBe(keep[0]);
    keep.length = 0;
    await collectGarbage();
    expect(calls).toEqual(['collected']);
  });

  it('rejects a callback that is not a function', () => {
    expect(() => ref({}, 'later' as never)).toThrow(
      new TypeError('ref callback must be a function, got string'),
    );
    expect(() => ref({}, null as never)).toThrow(new TypeError('ref callback must be a function, got null'));
  });
});

describe('test_multiple_callbacks', () => {
  it('runs the callback of every ref to the target, and clears them all', async () => {
    const calls: Ref[] = [];
    const [ref1, ref2] = twoRefsToDropped(calls);
    await collectGarbage();
    expect(ref1()).toBeUndefined();
    expect(ref2()).toBeUndefined();
    expect(calls).toEqual([ref2, ref1]);
  });
});

function twoRefsToDropped(calls: Ref[]): [Ref, Ref] {
  const o = new C();
  const callback = (r: Ref) => calls.push(r);
  return [ref(o, callback), ref(o, callback)];
}

describe('test_multiple_selfref_callbacks', () => {
  it('clears every ref to the target before any callback runs', async () => {
    const seen: Array<{ by: string; older: unknown; newer: unknown; olderAlive: boolean }> = [];
    const refs = selfReferencingRefs(seen);
    await collectGarbage();
    expect(seen).toEqual([
      { by: 'newer', older: undefined, newer: undefined, olderAlive: false },
      { by: 'older', older: undefined, newer: undefined, olderAlive: false },
    ]);
    expect(refs).toHaveLength(2);
  });
});

function selfReferencingRefs(
  seen: Array<{ by: string; older: unknown; newer: unknown; olderAlive: boolean }>,
) {
  const c = new C();
  const refs: Ref[] = [];
  const look = (by: string) => () => {
    const [older, newer] = refs as [Ref, Ref];
    seen.push({ by, older: older(), newer: newer(), olderAlive: older.alive });
  };
  refs.push(ref(c, look('older')), ref(c, look('newer')));
  return refs;
}

describe('reuse: test_ref_reuse, test_shared_ref_without_callback', () => {
  it('test_ref_reuse: returns the same callback-less ref, also with a proxy made in between', () => {
    const o = new C();
    const ref1 = ref(o);
    const p = proxy(o);
    const ref2 = ref(o);
    expect(ref2).toBe(ref1);
    expect(getWeakRefCount(o)).toBe(2);
    expect(getWeakRefs(o)).toEqual([ref1, p]);
  });

  it('test_ref_reuse: a dropped proxy no longer counts', async () => {
    const o = new C();
    const holder: object[] = [];
    holdProxy(o, holder);
    const ref1 = ref(o);
    expect(ref(o)).toBe(ref1);
    expect(getWeakRefCount(o)).toBe(2);
    holder.length = 0;
    await collectGarbage();
    expect(getWeakRefCount(o)).toBe(1);
    expect(getWeakRefs(o)).toEqual([ref1]);
  });

  it('test_shared_ref_without_callback: an undefined callback is no callback', () => {
    const o = new C();
    expect(ref(o, undefined)).toBe(ref(o));
    expect(ref(o)).toBe(ref(o, undefined));
  });

  it('makes a new ref for every call with a callback, never the shared one', () => {
    const o = new C();
    const callback = () => {};
    const shared = ref(o);
    const first = ref(o, callback);
    const second = ref(o, callback);
    expect(first).not.toBe(second);
    expect(first).not.toBe(shared);
    expect(ref(o)).toBe(shared);
    expect(getWeakRefCount(o)).toBe(3);
  });

  it('makes a fresh shared ref once the previous one was collected', async () => {
    const o = new C();
    const previous = new WeakRef(sharedRefOf(o));
    await collectGarbage();
    expect(previous.deref()).toBeUndefined();
    expect(getWeakRefCount(o)).toBe(0);
    const fresh = ref(o);
    expect(fresh()).toBe(o);
    expect(ref(o)).toBe(fresh);
    expect(getWeakRefCount(o)).toBe(1);
  });
});

function holdProxy(o: object, holder: object[]): void {
  holder.push(proxy(o));
}

function sharedRefOf(o: object): Ref {
  return ref(o);
}

describe('a ref that is itself dropped', () => {
  it('never runs its callback', async () => {
    const calls: string[] = [];
    const kept = keptAndDroppedRefs(calls);
    await collectGarbage();
    expect(kept()).toBeUndefined();
    expect(calls).toEqual(['kept']);
  });

  it('does not keep its target alive, nor does its callback', async () => {
    const target = new WeakRef(targetOfDroppedRef());
    await collectGarbage();
    expect(target.deref()).toBeUndefined();
  });
});

function keptAndDroppedRefs(calls: string[]): Ref {
  const target = {};
  ref(target, () => calls.push('dropped'));
  return ref(target, () => calls.push('kept'));
}

function targetOfDroppedRef(): object {
  const target = { big: new Array(100).fill(0) };
  // The callback closes over the target: held only on the ref, so it dies with the ref.
  ref(target, () => target.big.length);
  return target;
}

describe('order: newest first, in one cleanup turn', () => {
  it('runs ref and proxy callbacks and finalizers of one target newest first, before any microtask', async () => {
    const log: string[] = [];
    const handles = attachInOrder(log);
    await collectGarbage();
    expect(log).toEqual(['finalizer 5', 'ref 4', 'proxy 3', 'finalizer 2', 'ref 1', 'microtask']);
    expect(handles).toHaveLength(3);
  });
});

function attachInOrder(log: string[]): unknown[] {
  const target = {};
  const handles: unknown[] = [ref(target, () => log.push('ref 1'))];
  finalize(target, () => log.push('finalizer 2'));
  handles.push(
    proxy(target, () => log.push('proxy 3')),
    ref(target, () => log.push('ref 4')),
  );
  finalize(target, () => {
    queueMicrotask(() => log.push('microtask'));
    log.push('finalizer 5');
  });
  return handles;
}

describe('collected but not reported (GC-TESTING.md)', () => {
  it('every read API behaves as if the target were gone before the cleanup turn runs', async () => {
    const ran: string[] = [];
    const handles = handlesOnDropped(ran);
    await collectWithoutReporting();
    // The cleanup turn has not run yet...
    expect(ran).toEqual([]);
    // ...and yet nothing hands out the target.
    expect(handles.r()).toBeUndefined();
    expect(handles.r.deref()).toBeUndefined();
    expect(handles.r.alive).toBe(false);
    expect(handles.withCallback()).toBeUndefined();
    expect(() => handles.p.name).toThrow(ReferenceError);
    expect(handles.method()).toBeUndefined();
    expect(handles.method.alive).toBe(false);
    expect(handles.f.peek()).toBeUndefined();
    expect(handles.f.detach()).toBeUndefined();
    await macrotask();
    await collectGarbage();
    expect(ran.sort()).toEqual(['finalizer', 'proxy callback', 'ref callback']);
  });
});

function handlesOnDropped(ran: string[]) {
  const target = { name: 'gone', greet: () => 'hello' };
  return {
    r: ref(target),
    withCallback: ref(target, () => ran.push('ref callback')),
    p: proxy(target, () => ran.push('proxy callback')),
    method: weakMethod(target, 'greet'),
    f: finalize(target, () => ran.push('finalizer')),
  };
}

describe('cycles: test_callback_in_cycle and friends', () => {
  it('test_callback_in_cycle: a ref held by an object that holds its target is collected with both', async () => {
    const calls: string[] = [];
    const cycle = callbackInCycle(calls);
    await collectGarbage();
    expect(cycle.map((weak) => weak.deref())).toEqual([undefined, undefined, undefined]);
    // The ref was garbage too, so its callback is gone with it.
    expect(calls).toEqual([]);
  });

  it('test_callback_reachable_one_way: the trash ref never calls back', async () => {
    const calls: string[] = [];
    const [c1, c2] = callbackReachableOneWay(calls);
    await collectGarbage();
    expect(c1.deref()).toBeUndefined();
    expect(c2.deref()).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('test_callback_in_cycle_resurrection: only the ref outside the trash calls back', async () => {
    const alist: unknown[] = [];
    const wr = callbackInCycleResurrection(alist);
    await collectGarbage({ rounds: 3 });
    expect(alist).toEqual(['C went away']);
    expect(wr()).toBeUndefined();
    alist.length = 0;
    await collectGarbage();
    expect(alist).toEqual([]);
  });

  it('test_callbacks_on_callback: refs to a callback, from inside the trash and from outside', async () => {
    const alist: string[] = [];
    const externalWr = callbacksOnCallback(alist);
    expect(typeof externalWr()).toBe('function');
    await collectGarbage({ rounds: 3 });
    expect(alist).toEqual(['safe_callback called']);
    expect(externalWr()).toBeUndefined();
    alist.length = 0;
    await collectGarbage();
    expect(alist).toEqual([]);
  });

  it('a cycle of objects holding refs with callbacks to each other is collected whole', async () => {
    const calls: string[] = [];
    const members = ringOfRefs(calls, 20);
    await collectGarbage({ rounds: 3 });
    expect(members.filter((weak) => weak.deref() !== undefined)).toEqual([]);
    expect(calls).toEqual([]);
  });
});

function callbackInCycle(calls: string[]): WeakRef<object>[] {
  class J {}
  class II {
    J: typeof J | undefined;
    wr: Ref | undefined;
    acallback() {
      calls.push(String(this.J));
    }
  }
  const I = new II();
  I.J = J;
  I.wr = ref(J, () => I.acallback());
  return [new WeakRef(I), new WeakRef(J), new WeakRef(I.wr)];
}

function callbackReachableOneWay(calls: string[]): [WeakRef<object>, WeakRef<object>] {
  class Node {
    me?: Node;
    c1?: Node;
    wr?: Ref;
    cb() {
      calls.push(`${this.me} ${this.c1} ${this.wr}`);
    }
  }
  const c1 = new Node();
  const c2 = new Node();
  c2.me = c2;
  c2.c1 = c1;
  c2.wr = ref(c1, () => c2.cb());
  return [new WeakRef(c1), new WeakRef(c2)];
}

function callbackInCycleResurrection(alist: unknown[]): Ref {
  class Cell {
    c?: Cell;
    wr?: Ref;
    constructor(readonly attribute: number) {}
    acallback() {
      alist.push(this.c);
    }
  }
  const c1 = new Cell(1);
  const c2 = new Cell(2);
  c1.c = c2;
  c2.c = c1;
  c1.wr = ref(c2, () => c1.acallback());
  c2.wr = ref(c1, () => c2.acallback());
  // Made elsewhere: a closure made here would share this function's context, which holds c1 and c2.
  return ref(Cell, pusher(alist, 'C went away'));
}

function pusher(list: unknown[], item: unknown): () => void {
  return () => list.push(item);
}

function callbacksOnCallback(alist: string[]): Ref {
  class Node {
    other?: Node;
    wr?: Ref;
    cb() {
      alist.push('cb called');
    }
  }
  const c = new Node();
  const d = new Node();
  c.other = d;
  d.other = c;
  const callback = c.cb.bind(c);
  c.wr = ref(d, callback); // this won't trigger
  d.wr = ref(callback, d.cb.bind(d)); // ditto
  return ref(callback, () => alist.push('safe_callback called')); // but this will
}

function ringOfRefs(calls: string[], size: number): WeakRef<object>[] {
  const members = Array.from({ length: size }, (_, i) => ({
    i,
    next: undefined as unknown,
    toNext: undefined as unknown,
  }));
  members.forEach((member, i) => {
    const next = members[(i + 1) % size]!;
    member.next = next;
    member.toNext = ref(next, () => calls.push(`${i} saw ${next.i} go`));
    ref(member, () => calls.push(`${i} is gone`));
  });
  return members.map((member) => new WeakRef(member));
}

describe('re-entrancy: callbacks that use the library', () => {
  it('test_sf_bug_840829: a callback that forces a collection', async () => {
    const calls: string[] = [];
    const kept = refsWhoseCallbacksCollect(calls);
    await collectGarbage({ rounds: 3 });
    expect(calls).toEqual(['second', 'first']);
    expect(kept.map((r) => r())).toEqual([undefined, undefined]);
  });

  it('a callback may create refs and finalizers on other objects and read counts; state stays consistent', async () => {
    const other = new C();
    const log: string[] = [];
    const kept: unknown[] = [];
    attachReentrant(other, log, kept);
    await collectGarbage({ rounds: 3 });
    expect(log).toEqual([
      'outer callback: count of other was 1',
      'outer callback: count of other is 3',
      // The throwaway object made inside the callback was collected in a later round.
      'finalizer of the throwaway',
    ]);
    expect(getWeakRefCount(other)).toBe(3);
    expect(getWeakRefs(other)).toHaveLength(3);
    expect(ref(other)).toBe(getWeakRefs(other)[0]);
    expect(kept).toHaveLength(4);
  });

  it('a finalizer called from another callback of the same target runs exactly once', async () => {
    const log: string[] = [];
    finalizerCalledFromCallback(log);
    await collectGarbage();
    expect(log).toEqual(['newest: calling the older finalizer', 'older finalizer', 'newest done']);
  });

  it('a callback that throws and re-enters leaves later targets working', async () => {
    const previous = setErrorHandler(() => {});
    try {
      const log: string[] = [];
      throwAfterReentering(log);
      await collectGarbage({ rounds: 3 });
      expect(log).toEqual(['reentered', 'second target collected']);
    } finally {
      setErrorHandler(previous);
    }
  });
});

function refsWhoseCallbacksCollect(calls: string[]): Ref[] {
  const target = {};
  return [
    ref(target, () => {
      forceGc();
      calls.push('first');
    }),
    ref(target, () => {
      forceGc();
      calls.push('second');
    }),
  ];
}

function attachReentrant(other: object, log: string[], kept: unknown[]): void {
  const target = {};
  kept.push(ref(other));
  kept.push(
    ref(target, () => {
      log.push(`outer callback: count of other was ${getWeakRefCount(other)}`);
      kept.push(ref(other, () => log.push('never: other lives')));
      kept.push(proxy(other));
      finalize(other, () => log.push('never: other lives'));
      log.push(`outer callback: count of other is ${getWeakRefCount(other)}`);
      const throwaway = {};
      ref(throwaway);
      finalize(throwaway, () => log.push('finalizer of the throwaway'));
    }),
  );
}

function finalizerCalledFromCallback(log: string[]): void {
  const target = {};
  const older = finalize(target, () => log.push('older finalizer'));
  finalize(target, () => {
    log.push('newest: calling the older finalizer');
    older();
    log.push('newest done');
  });
}

function throwAfterReentering(log: string[]): void {
  const first = {};
  const second = {};
  const holder: { second?: object } = { second };
  finalize(first, () => {
    // Drops the last reference to `second`, attaches to it first, then throws.
    const target = holder.second!;
    delete holder.second;
    finalize(target, () => log.push('second target collected'));
    log.push('reentered');
    throw new Error('after re-entering');
  });
}
