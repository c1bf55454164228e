import { describe, expect, it } from 'vitest';
import { type Finalizer, finalize, getWeakRefCount, setErrorHandler } from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';
import { symbolsAreWeakTargets } from './support/gc.js';

// FinalizeTestCase from CPython's Lib/test/test_weakref.py. JavaScript has no keyword arguments, so
// CPython's `kwargs` become a trailing object argument. Targets to be collected live only in a `keep`
// array the test empties, or are made in helper functions.

class A {}

function add(res: number[], x: number, y: number, z: number): number {
  res.push(x + y + z);
  return x + y + z;
}

describe('FinalizeTestCase', () => {
  it('test_finalize: calling it runs fn once and returns its result', () => {
    const a = new A();
    const res: number[] = [];
    const f = finalize(a, add, res, 67, 43, 89);
    expect(f.alive).toBe(true);
    expect(f.peek()).toEqual({ target: a, fn: add, args: [res, 67, 43, 89] });
    expect(f.peek()?.target).toBe(a);
    expect(f()).toBe(199);
    expect(f()).toBeUndefined();
    expect(f()).toBeUndefined();
    expect(f.peek()).toBeUndefined();
    expect(f.detach()).toBeUndefined();
    expect(f.alive).toBe(false);
    expect(res).toEqual([199]);
  });

  it('test_finalize: detach returns what it held, and then nothing runs', () => {
    const a = new A();
    const res: number[] = [];
    const f = finalize(a, add, res, 67, 43, 89);
    expect(f.peek()).toEqual({ target: a, fn: add, args: [res, 67, 43, 89] });
    const detached = f.detach();
    expect(detached).toEqual({ target: a, fn: add, args: [res, 67, 43, 89] });
    expect(detached?.target).toBe(a);
    expect(f()).toBeUndefined();
    expect(f()).toBeUndefined();
    expect(f.peek()).toBeUndefined();
    expect(f.detach()).toBeUndefined();
    expect(f.alive).toBe(false);
    expect(res).toEqual([]);
  });

  it('test_finalize: after the target is collected, fn has run once and the finalizer is dead', async () => {
    const res: number[] = [];
    const f = finalizeDropped(res);
    await collectGarbage();
    expect(res).toEqual([199]);
    expect(f()).toBeUndefined();
    expect(f()).toBeUndefined();
    expect(f.peek()).toBeUndefined();
    expect(f.detach()).toBeUndefined();
    expect(f.alive).toBe(false);
    await collectGarbage();
    expect(res).toEqual([199]);
  });

  it('test_arg_errors: any arguments are passed through; a missing or bad fn is a TypeError', () => {
    const a = new A();
    const res: unknown[][] = [];
    const fin = (...args: unknown[]) => {
      res.push(args);
    };
    const f = finalize(a, fin, 1, 2, { func: 3, obj: 4 });
    expect(f.peek()).toEqual({ target: a, fn: fin, args: [1, 2, { func: 3, obj: 4 }] });
    f();
    expect(res).toEqual([[1, 2, { func: 3, obj: 4 }]]);

    const loose = finalize as (...args: unknown[]) => Finalizer;
    expect(() => loose(a)).toThrow(new TypeError('finalize expects a function to call, got undefined'));
    expect(() => loose(a, 'fin')).toThrow(new TypeError('finalize expects a function to call, got string'));
    expect(() => loose(a, null)).toThrow(new TypeError('finalize expects a function to call, got null'));
    expect(() => loose()).toThrow(TypeError);
    expect(() => loose()).toThrow("cannot create weak reference to 'undefined' value undefined");
    expect(getWeakRefCount(a)).toBe(0);
  });

  it('refuses the target among the arguments: it would never be collected', () => {
    const a = new A();
    expect(() => finalize(a, (x: unknown) => x, a)).toThrow(TypeError);
    expect(() => finalize(a, (_x: number, y: unknown) => y, 1, a)).toThrow(
      'finalize: the target is among the arguments, which are held strongly, so it would never be ' +
        'collected and the finalizer would never run; pass the data the cleanup needs instead',
    );
  });

  it('test_order: finalizers keep themselves alive and run newest first', async () => {
    const res: string[] = [];
    const keep: object[] = [];
    const { f2, f3, f5 } = orderedFinalizers(res, keep);

    expect(f2.alive).toBe(true);
    expect(f3.alive).toBe(true);
    expect(f5.alive).toBe(true);

    expect(detached(f5)).toBe(true);
    expect(f5.alive).toBe(false);

    f5(); // nothing because previously unregistered
    res.push('A');
    f3(); // => res.push('f3')
    expect(f3.alive).toBe(false);
    res.push('B');
    f3(); // nothing because previously called
    res.push('C');
    keep.length = 0;
    await collectGarbage();
    // => 'f4', 'f2', 'f1'
    expect(f2.alive).toBe(false);
    res.push('D');
    f2(); // nothing because previously called by gc

    expect(res).toEqual(['A', 'f3', 'B', 'C', 'f4', 'f2', 'f1', 'D']);
  });

  it('test_all_freed: after running, the finalizer and its fn are collectable', async () => {
    const res: number[] = [];
    const keep: object[] = [];
    const later: object[] = [];
    const [wrCallback, wrF] = allFreed(res, keep, later);
    await collectGarbage();
    expect(wrCallback.deref()).toBeDefined();
    expect(wrF.deref()).toBeDefined();

    keep.length = 0;
    await collectGarbage();
    // On Bun what a cleanup callback last touched stays reachable until the registry's next cleanup
    // (docs/runtimes.md): give it one, with a target of its own.
    later.length = 0;
    await collectGarbage();
    expect(wrCallback.deref()).toBeUndefined();
    expect(wrF.deref()).toBeUndefined();
    expect(res).toEqual([123, 456]);
  });
});

function finalizeDropped(res: number[]): Finalizer {
  return finalize(new A(), add, res, 67, 43, 89);
}

function orderedFinalizers(res: string[], keep: object[]): Record<'f2' | 'f3' | 'f5', Finalizer> {
  const a = new A();
  keep.push(a);
  const append = (item: string) => {
    res.push(item);
  };
  finalize(a, append, 'f1');
  const f2 = finalize(a, append, 'f2');
  const f3 = finalize(a, append, 'f3');
  finalize(a, append, 'f4');
  const f5 = finalize(a, append, 'f5');
  // f1 and f4 are not kept: finalizers keep themselves alive.
  return { f2, f3, f5 };
}

/** Whether detaching gave something back; the result, which holds the target, never reaches the test. */
function detached(f: Finalizer): boolean {
  return f.detach() !== undefined;
}

function allFreed(res: number[], keep: object[], later: object[]): [WeakRef<() => void>, WeakRef<Finalizer>] {
  const a = new A();
  keep.push(a);
  const callback = () => {
    res.push(123);
  };
  const f = finalize(a, callback);
  const b = new A();
  later.push(b);
  finalize(b, (n: number) => res.push(n), 456);
  return [new WeakRef(callback), new WeakRef(f)];
}

describe('finalize', () => {
  it('does not run while the target is alive, and does not keep it alive', async () => {
    const res: string[] = [];
    const keep: object[] = [];
    const target = finalizedTarget(res, keep);
    await collectGarbage();
    expect(res).toEqual([]);
    expect(target.deref()).toBe(keep[0]);
    keep.length = 0;
    await collectGarbage();
    expect(target.deref()).toBeUndefined();
    expect(res).toEqual(['finalized']);
  });

  it('works on functions and (where the runtime holds symbols weakly) non-registered symbols', async () => {
    const res: string[] = [];
    finalizeFunctionAndSymbol(res);
    await collectGarbage();
    expect(res.sort()).toEqual(symbolsAreWeakTargets ? ['function', 'symbol'] : ['function']);
  });

  it('runs the finalizers of each target, and only those', async () => {
    const res: string[] = [];
    const keep: object[] = [];
    finalizersOnTwoTargets(res, keep);
    await collectGarbage();
    expect(res).toEqual(['dropped 2', 'dropped 1']);
    keep.length = 0;
    await collectGarbage();
    expect(res).toEqual(['dropped 2', 'dropped 1', 'kept']);
  });

  it('a detached finalizer never runs', async () => {
    const res: string[] = [];
    const f = detachedOnDropped(res);
    await collectGarbage();
    expect(res).toEqual([]);
    expect(f.alive).toBe(false);
  });

  it('calling it rethrows what fn throws, and it is dead afterwards', () => {
    let calls = 0;
    const a = new A();
    const f = finalize(a, () => {
      calls++;
      throw new Error('cleanup failed');
    });
    expect(() => f()).toThrow('cleanup failed');
    expect(f.alive).toBe(false);
    expect(f()).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('reports a throwing finalizer after collection and still runs the others', async () => {
    const reports: string[] = [];
    const previous = setErrorHandler((_error, context) => reports.push(context));
    try {
      const res: string[] = [];
      throwingAmongOthers(res);
      await collectGarbage();
      expect(res).toEqual(['newest', 'oldest']);
      expect(reports).toEqual(["finalizer 'closeSocket'"]);
    } finally {
      setErrorHandler(previous);
    }
  });

  it('atexit is a writable boolean, true by default', () => {
    const f = finalize(new A(), () => {});
    expect(f.atexit).toBe(true);
    f.atexit = false;
    expect(f.atexit).toBe(false);
    (f as { atexit: unknown }).atexit = 1;
    expect(f.atexit).toBe(true);
    f.detach();
  });
});

function finalizedTarget(res: string[], keep: object[]): WeakRef<object> {
  const target = new A();
  keep.push(target);
  finalize(target, (what: string) => res.push(what), 'finalized');
  return new WeakRef(target);
}

function finalizeFunctionAndSymbol(res: string[]): void {
  finalize(
    () => {},
    (what: string) => res.push(what),
    'function',
  );
  if (symbolsAreWeakTargets) finalize(Symbol('temporary'), (what: string) => res.push(what), 'symbol');
}

function finalizersOnTwoTargets(res: string[], keep: object[]): void {
  const kept = new A();
  const dropped = new A();
  keep.push(kept);
  const push = (what: string) => res.push(what);
  finalize(kept, push, 'kept');
  finalize(dropped, push, 'dropped 1');
  finalize(dropped, push, 'dropped 2');
}

function detachedOnDropped(res: string[]): Finalizer {
  const f = finalize(new A(), (what: string) => res.push(what), 'detached');
  f.detach();
  return f;
}

function throwingAmongOthers(res: string[]): void {
  const target = new A();
  finalize(target, (what: string) => res.push(what), 'oldest');
  finalize(target, function closeSocket() {
    throw new Error('socket already closed');
  });
  finalize(target, (what: string) => res.push(what), 'newest');
}
