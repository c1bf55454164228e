import { describe, expect, it } from 'vitest';
import { type WeakMethod, weakMethod } from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';

// WeakMethodTestCase from CPython's Lib/test/test_weakref.py, and the pitfall weakMethod exists for.
// Objects to be collected are made in helper functions; the test keeps only the weak methods.

class Obj {
  constructor(readonly arg: number) {}
  someMethod(): number {
    return 4;
  }
  add(a: number, b: number): number {
    return this.arg + a + b;
  }
}

describe('WeakMethodTestCase', () => {
  it('test_alive: calling it gives the method bound to the live object', () => {
    const o = new Obj(1);
    const r = weakMethod(o, 'someMethod');
    expect(typeof r()).toBe('function');
    expect(r()?.()).toBe(4);
    expect(r.alive).toBe(true);
    expect(r.deref()?.()).toBe(4);
    const add = weakMethod(o, 'add');
    expect(add()?.(10, 100)).toBe(111);
  });

  it('test_object_dead: once the object is collected it gives undefined', async () => {
    const r = weakMethodOfDropped();
    await collectGarbage();
    expect(r()).toBeUndefined();
    expect(r.deref()).toBeUndefined();
    expect(r.alive).toBe(false);
  });

  it('test_method_dead, differently: the function is held strongly, so removing it changes nothing', async () => {
    class Sub extends Obj {
      override someMethod(): number {
        return 6;
      }
    }
    const o = new Sub(1);
    const r = weakMethod(o, 'someMethod');
    delete (Sub.prototype as Partial<Sub>).someMethod;
    await collectGarbage();
    expect(o.someMethod()).toBe(4);
    expect(r()?.()).toBe(6);
  });
});

function weakMethodOfDropped(): WeakMethod<() => number> {
  return weakMethod(new Obj(1), 'someMethod');
}

describe('the bound-method pitfall', () => {
  it('a WeakRef to obj.method.bind(obj) dies at once, while weakMethod keeps working', async () => {
    const keep = [new Obj(7)];
    const { bound, method } = weakHandlesOn(keep[0]!);
    await collectGarbage();
    expect(bound.deref()).toBeUndefined();
    expect(method()?.(1, 2)).toBe(10);
    expect(method.alive).toBe(true);
    keep.length = 0;
    await collectGarbage();
    expect(method()).toBeUndefined();
  });

  it('binds to the object it was made for, whatever this the call has', () => {
    const o = new Obj(1);
    const r = weakMethod(o, 'add');
    const bound = r();
    expect(bound?.call(new Obj(1000), 0, 0)).toBe(1);
    expect(r()).not.toBe(bound);
  });

  it('holds the function found at obj[key] when it was made, even an own closure', async () => {
    const keep = [{ name: 'button', onClick: (): string => 'first' }];
    const r = weakMethod(keep[0]!, 'onClick');
    keep[0]!.onClick = () => 'replaced';
    await collectGarbage();
    expect(r()?.()).toBe('first');
    expect(keep[0]?.onClick()).toBe('replaced');
  });

  it('works with symbol keys and static methods', () => {
    const key = Symbol('handler');
    const o = {
      [key]() {
        return 'symbol method';
      },
    };
    expect(weakMethod(o, key)()?.()).toBe('symbol method');
    class Factory {
      readonly made = true;
      static create(): Factory {
        return new Factory();
      }
    }
    expect(weakMethod(Factory, 'create')()?.()).toBeInstanceOf(Factory);
  });
});

function weakHandlesOn(o: Obj): { bound: WeakRef<() => number>; method: WeakMethod<Obj['add']> } {
  return { bound: new WeakRef(o.someMethod.bind(o)), method: weakMethod(o, 'add') };
}

describe('bad input', () => {
  it('is a TypeError when obj[key] is not a function', () => {
    const o = { count: 1, nothing: null, nested: {} } as Record<string, unknown>;
    const loose = weakMethod as (obj: object, key: PropertyKey) => WeakMethod;
    expect(() => loose(o, 'count')).toThrow(
      new TypeError('weakMethod: count is not a method: obj["count"] is number'),
    );
    expect(() => loose(o, 'nothing')).toThrow(
      new TypeError('weakMethod: nothing is not a method: obj["nothing"] is null'),
    );
    expect(() => loose(o, 'nested')).toThrow(
      new TypeError('weakMethod: nested is not a method: obj["nested"] is object'),
    );
    expect(() => loose(o, 'missing')).toThrow(
      new TypeError('weakMethod: missing is not a method: obj["missing"] is undefined'),
    );
    expect(() => loose(o, Symbol('absent'))).toThrow(
      new TypeError('weakMethod: Symbol(absent) is not a method: obj["Symbol(absent)"] is undefined'),
    );
  });

  it('is the weakable TypeError for a primitive object', () => {
    const loose = weakMethod as (obj: unknown, key: PropertyKey) => WeakMethod;
    expect(() => loose('text', 'toUpperCase')).toThrow(
      new TypeError(
        `cannot create weak reference to 'string' value "text": ` +
          'a weakMethod object must be an object, a function or a non-registered symbol',
      ),
    );
  });
});
