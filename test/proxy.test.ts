import { describe, expect, it } from 'vitest';
import { getWeakRefCount, isProxy, proxy, ref } from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';
import { symbolsAreWeakTargets } from './support/gc.js';

// Targets to be collected are made in helper functions; the test keeps only the proxies.

const gone = new ReferenceError('weakly-referenced object no longer exists');

class C {
  foo?: number;
}

/** CPython's check_proxy: attribute changes show through the proxy, both ways. */
function checkProxy(o: { foo?: number | undefined }, p: { foo?: number | undefined }): void {
  o.foo = 1;
  expect(p.foo).toBe(1);
  o.foo = 2;
  expect(p.foo).toBe(2);
  delete o.foo;
  expect('foo' in p).toBe(false);

  p.foo = 1;
  expect(o.foo).toBe(1);
  p.foo = 2;
  expect(o.foo).toBe(2);
  delete p.foo;
  expect('foo' in o).toBe(false);
}

describe('CPython proxy tests', () => {
  it('test_basic_proxy: attribute addition, change and removal show through, both ways', () => {
    const o = new C();
    checkProxy(o, proxy(o));
  });

  it('test_basic_proxy: methods of a proxied list act on the list', () => {
    const list: number[] = [];
    const p = proxy(list);
    expect(p.length).toBe(0);
    p.push(12);
    expect(list).toEqual([12]);
    expect(p.length).toBe(1);
    p.splice(0, 1, 2, 3);
    expect(list).toEqual([2, 3]);
    expect([...p]).toEqual([2, 3]);
    expect(p.includes(3)).toBe(true);
  });

  it('test_proxy_ref: proxies with callbacks raise ReferenceError once the target is gone', async () => {
    const called: unknown[] = [];
    const [ref1, ref2] = twoProxiesToDropped(called);
    await collectGarbage();
    expect(() => ref1.bar).toThrow(gone);
    expect(() => ref2.bar).toThrow(gone);
    // Compared by identity: a deep comparison would touch the dead proxies.
    expect(called).toHaveLength(2);
    expect(called[0]).toBe(ref2);
    expect(called[1]).toBe(ref1);

    const ref3 = proxy(new C());
    await collectGarbage();
    expect(() => ref3.foo).toThrow(gone);
    expect(called).toHaveLength(2);
  });

  it('test_proxy_reuse: the callback-less proxy is shared, also with a ref made in between', () => {
    const o = new C();
    const proxy1 = proxy(o);
    const r = ref(o);
    const proxy2 = proxy(o);
    expect(proxy2).toBe(proxy1);
    expect(r()).toBe(o);
  });

  it('test_shared_proxy_without_callback: an undefined callback is no callback', () => {
    const o = new C();
    expect(proxy(o, undefined)).toBe(proxy(o));
    expect(proxy(o)).toBe(proxy(o, undefined));
  });

  it('makes a new proxy for every call with a callback', () => {
    const o = new C();
    const callback = () => {};
    const shared = proxy(o);
    const first = proxy(o, callback);
    const second = proxy(o, callback);
    expect(first).not.toBe(second);
    expect(first).not.toBe(shared);
    expect(getWeakRefCount(o)).toBe(3);
  });

  it('test_callable_proxy: a function target gives a callable proxy', () => {
    const o = Object.assign(
      function callable(x: string) {
        o.bar = x;
      },
      { bar: undefined as string | undefined, foo: undefined as number | undefined },
    );
    const ref1 = proxy(o);
    checkProxy(o, ref1);
    expect(typeof ref1).toBe('function');
    ref1('twinkies!');
    expect(o.bar).toBe('twinkies!');
    ref1.call(undefined, 'Splat.');
    expect(o.bar).toBe('Splat.');
  });
});

function twoProxiesToDropped(called: unknown[]): [{ bar?: number }, { bar?: number }] {
  const o = { bar: 1 };
  const callback = (p: object) => called.push(p);
  return [proxy(o, callback), proxy(o, callback)];
}

describe('every operation is forwarded to the live target', () => {
  it('get, set, has and delete, with string and symbol keys', () => {
    const key = Symbol('key');
    const o: Record<PropertyKey, unknown> = { a: 1, [key]: 'symbol value' };
    const p = proxy(o);
    expect(p.a).toBe(1);
    expect(p[key]).toBe('symbol value');
    p.b = 2;
    p[key] = 'changed';
    expect(o).toEqual({ a: 1, b: 2, [key]: 'changed' });
    expect('a' in p).toBe(true);
    expect(key in p).toBe(true);
    expect('toString' in p).toBe(true);
    expect('missing' in p).toBe(false);
    expect(delete p.a).toBe(true);
    expect('a' in o).toBe(false);
  });

  it('getters and setters run on the target, so classes with private fields work', () => {
    class Account {
      #balance = 5;
      get balance(): number {
        return this.#balance;
      }
      set balance(value: number) {
        this.#balance = value;
      }
    }
    const account = new Account();
    const p = proxy(account);
    expect(p.balance).toBe(5);
    p.balance = 9;
    expect(account.balance).toBe(9);
    expect(p.balance).toBe(9);
  });

  it('methods see the target through the proxy', () => {
    class Counter {
      count = 0;
      increment(): number {
        return ++this.count;
      }
    }
    const counter = new Counter();
    const p = proxy(counter);
    expect(p.increment()).toBe(1);
    expect(counter.count).toBe(1);
  });

  it('own keys and property descriptors: Object.keys, spread, JSON.stringify, for-in', () => {
    const key = Symbol('hidden');
    const o = { name: 'Ann', age: 40, [key]: true };
    Object.defineProperty(o, 'secret', { value: 's', enumerable: false });
    const p = proxy(o);
    expect(Object.keys(p)).toEqual(['name', 'age']);
    expect(Reflect.ownKeys(p)).toEqual(['name', 'age', 'secret', key]);
    expect(Object.entries(p)).toEqual([
      ['name', 'Ann'],
      ['age', 40],
    ]);
    expect({ ...p }).toEqual({ name: 'Ann', age: 40, [key]: true });
    expect(JSON.stringify(p)).toBe('{"name":"Ann","age":40}');
    const seen: string[] = [];
    for (const k in p) seen.push(k);
    expect(seen).toEqual(['name', 'age']);
    expect(Object.getOwnPropertyDescriptor(p, 'name')).toMatchObject({
      value: 'Ann',
      writable: true,
      enumerable: true,
    });
    expect(Object.getOwnPropertyDescriptor(p, 'secret')).toMatchObject({ value: 's', enumerable: false });
    expect(Object.getOwnPropertyDescriptor(p, 'missing')).toBeUndefined();
    expect(Object.hasOwn(p, 'name')).toBe(true);
  });

  it('defineProperty, with data and accessor descriptors', () => {
    const o: Record<string, unknown> = {};
    const p = proxy(o);
    Object.defineProperty(p, 'x', { value: 1, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(p, 'y', { get: () => 'computed', configurable: true });
    expect(o.x).toBe(1);
    expect(o.y).toBe('computed');
    expect(Object.getOwnPropertyDescriptor(o, 'x')).toEqual({
      value: 1,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  it('refuses a non-configurable property, which no proxy could report, without changing the target', () => {
    const o: Record<string, unknown> = {};
    const p = proxy(o);
    expect(() => Object.defineProperty(p, 'fixed', { value: 1, configurable: false })).toThrow(
      new TypeError(
        'cannot define non-configurable property fixed through a weak proxy; define it on the target',
      ),
    );
    expect('fixed' in o).toBe(false);
  });

  it('getPrototypeOf and setPrototypeOf: instanceof and prototype changes reach the target', () => {
    class Base {
      greet(): string {
        return 'base';
      }
    }
    class Other {
      greet(): string {
        return 'other';
      }
    }
    const o = new Base();
    const p = proxy(o);
    expect(p instanceof Base).toBe(true);
    expect(Object.getPrototypeOf(p)).toBe(Base.prototype);
    Object.setPrototypeOf(p, Other.prototype);
    expect(Object.getPrototypeOf(o)).toBe(Other.prototype);
    expect(p.greet()).toBe('other');
  });

  it('is extensible and cannot be made otherwise (documented)', () => {
    const o = {};
    const p = proxy(o);
    expect(Object.isExtensible(p)).toBe(true);
    expect(() => Object.preventExtensions(p)).toThrow(TypeError);
    expect(() => Object.freeze(p)).toThrow(TypeError);
    expect(Object.isExtensible(o)).toBe(true);
  });

  it('apply: calls pass arguments and this through', () => {
    function fn(this: unknown, a: number, b: number) {
      return { self: this, sum: a + b };
    }
    const p = proxy(fn);
    const self = { name: 'receiver' };
    expect(p(1, 2)).toEqual({ self: undefined, sum: 3 });
    expect(p.call(self, 2, 3)).toEqual({ self, sum: 5 });
    expect(p.apply(self, [3, 4])).toEqual({ self, sum: 7 });
    expect(Reflect.apply(p, self, [4, 5])).toEqual({ self, sum: 9 });
    expect(p.name).toBe('fn');
    expect(p.length).toBe(2);
  });

  it('construct: new on a proxied class makes an instance of the class', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const P = proxy(Point);
    const point = new P(1, 2);
    expect(point).toBeInstanceOf(Point);
    expect(point).toEqual(new Point(1, 2));
    expect(() => (P as unknown as () => void)()).toThrow(TypeError);
    const arrow = proxy(() => 1);
    expect(arrow()).toBe(1);
    expect(() => new (arrow as unknown as new () => unknown)()).toThrow(TypeError);
  });

  it('construct: new.target is the class for new P(), and the subclass for class Sub extends P', () => {
    const targets: unknown[] = [];
    class Base {
      constructor() {
        targets.push(new.target);
      }
      hello(): string {
        return 'base';
      }
    }
    const P = proxy(Base);
    class Sub extends P {
      override hello(): string {
        return 'sub';
      }
    }
    const sub = new Sub();
    expect(sub).toBeInstanceOf(Sub);
    expect(sub).toBeInstanceOf(Base);
    expect(sub.hello()).toBe('sub');
    new P();
    expect(targets).toEqual([Sub, Base]);
  });
});

describe('after the target is collected', () => {
  it('every operation throws ReferenceError("weakly-referenced object no longer exists")', async () => {
    const p = proxyOfDroppedObject() as Record<PropertyKey, unknown>;
    await collectGarbage();
    const operations: Array<[string, () => unknown]> = [
      ['get', () => p.name],
      ['get a symbol', () => p[Symbol.iterator]],
      ['set', () => (p.name = 'x')],
      ['has', () => 'name' in p],
      ['delete', () => delete p.name],
      ['ownKeys', () => Object.keys(p)],
      ['spread', () => ({ ...p })],
      ['JSON.stringify', () => JSON.stringify(p)],
      ['getOwnPropertyDescriptor', () => Object.getOwnPropertyDescriptor(p, 'name')],
      ['defineProperty', () => Object.defineProperty(p, 'x', { value: 1, configurable: true })],
      ['getPrototypeOf', () => Object.getPrototypeOf(p)],
      ['instanceof', () => p instanceof Object],
      ['setPrototypeOf', () => Object.setPrototypeOf(p, null)],
      ['isExtensible', () => Object.isExtensible(p)],
      ['preventExtensions', () => Object.preventExtensions(p)],
      ['template string', () => `${p}`],
    ];
    for (const [name, operation] of operations) {
      expect(operation, name).toThrow(gone);
    }
    expect(isProxy(p)).toBe(true);
    expect(typeof p).toBe('object');
  });

  it('a callable proxy throws on call and construct', async () => {
    const [fn, cls] = proxiesOfDroppedFunctions();
    await collectGarbage();
    expect(() => fn()).toThrow(gone);
    expect(() => fn.call(null)).toThrow(gone);
    expect(() => new cls()).toThrow(gone);
    expect(typeof fn).toBe('function');
  });

  it('the callback runs once, with the proxy', async () => {
    const calls: unknown[] = [];
    const p = proxyWithCallbackOfDropped(calls);
    await collectGarbage();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toBe(p);
    await collectGarbage();
    expect(calls).toHaveLength(1);
  });

  it('a dropped proxy never calls back, and does not keep its target alive', async () => {
    const calls: unknown[] = [];
    const target = targetOfDroppedProxy(calls);
    await collectGarbage();
    expect(target.deref()).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('stays usable while the target is held elsewhere', async () => {
    const keep: Array<{ name: string }> = [];
    const p = proxyOfKept(keep);
    await collectGarbage();
    expect(p.name).toBe('kept');
    keep.length = 0;
    await collectGarbage();
    expect(() => p.name).toThrow(gone);
  });
});

function proxyOfDroppedObject(): object {
  return proxy({ name: 'gone' });
}

function proxiesOfDroppedFunctions(): [() => unknown, new () => unknown] {
  return [proxy(() => 'called'), proxy(class Gone {})];
}

function proxyWithCallbackOfDropped(calls: unknown[]): object {
  return proxy({}, (p) => calls.push(p));
}

function targetOfDroppedProxy(calls: unknown[]): WeakRef<object> {
  const target = {};
  proxy(target, (p) => calls.push(p));
  return new WeakRef(target);
}

function proxyOfKept(keep: Array<{ name: string }>): { name: string } {
  const target = { name: 'kept' };
  keep.push(target);
  return proxy(target);
}

describe('isProxy', () => {
  it('tells weakkit proxies apart from everything else', () => {
    const o = {};
    const fn = () => {};
    expect(isProxy(proxy(o))).toBe(true);
    expect(isProxy(proxy(o, () => {}))).toBe(true);
    expect(isProxy(proxy(fn))).toBe(true);
    expect(isProxy(o)).toBe(false);
    expect(isProxy(fn)).toBe(false);
    expect(isProxy(new Proxy(o, {}))).toBe(false);
    expect(isProxy(ref(o))).toBe(false);
    for (const value of [undefined, null, 0, 'proxy', 1n, true, Symbol('s')]) {
      expect(isProxy(value)).toBe(false);
    }
  });
});

describe('bad input', () => {
  it('rejects a callback that is not a function', () => {
    expect(() => proxy({}, 42 as never)).toThrow(
      new TypeError('proxy callback must be a function, got number'),
    );
  });

  it('rejects a symbol target: a symbol has no properties to forward', () => {
    expect(() => proxy(Symbol('local') as never)).toThrow(
      new TypeError(
        symbolsAreWeakTargets
          ? "cannot create weak proxy to 'symbol' value Symbol(local): a proxy forwards property operations, " +
              'so its target must be an object or a function; use ref()'
          : "cannot create weak reference to 'symbol' value Symbol(local): this runtime cannot hold symbols weakly",
      ),
    );
    expect(() => proxy(Symbol.for('registered') as never)).toThrow(
      "cannot create weak reference to 'registered symbol' value Symbol(registered)",
    );
  });
});
