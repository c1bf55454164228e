import { typeOf } from './type-of.js';
import { assertWeakable, type WeakKey } from './weakable.js';
import { weakrefListOf } from './weakref-list.js';

/**
 * Called with the proxy itself once its target has been collected.
 *
 * @example
 * const onGone: ProxyCallback<{ port: number }> = () => console.log('the config was collected');
 * const p = proxy({ port: 8080 }, onGone);
 */
export type ProxyCallback<T extends object> = (proxy: T) => void;

/**
 * The `Proxy` target is a stand-in, never the real target (a `Proxy` holds its target strongly).
 * Each trap looks the real one up through the stand-in.
 */
const targets = new WeakMap<object, WeakRef<object>>();
const proxies = new WeakSet<object>();

function live(standIn: object): any {
  const target = targets.get(standIn)!.deref();
  if (target === undefined) throw new ReferenceError('weakly-referenced object no longer exists');
  return target;
}

/**
 * The stand-in must not carry non-configurable properties of its own, since the proxy may only
 * report those exactly as the stand-in has them: a bound function has only configurable `name` and
 * `length`, and is callable and constructible when what it binds is.
 */
function makeStandIn(target: object): object {
  return typeof target === 'function' ? function standIn() {}.bind(null) : {};
}

const handler: ProxyHandler<object> = {
  get: (standIn, key) => Reflect.get(live(standIn), key),
  set: (standIn, key, value) => Reflect.set(live(standIn), key, value),
  has: (standIn, key) => Reflect.has(live(standIn), key),
  deleteProperty: (standIn, key) => Reflect.deleteProperty(live(standIn), key),
  ownKeys: (standIn) => Reflect.ownKeys(live(standIn)),
  getOwnPropertyDescriptor(standIn, key) {
    const descriptor = Reflect.getOwnPropertyDescriptor(live(standIn), key);
    // A proxy may not report a non-configurable property its stand-in lacks.
    if (descriptor !== undefined) descriptor.configurable = true;
    return descriptor;
  },
  defineProperty(standIn, key, descriptor) {
    const target = live(standIn);
    // The proxy could not report it (its stand-in lacks it): refuse before the target changes.
    if (descriptor.configurable === false) {
      throw new TypeError(
        `cannot define non-configurable property ${String(key)} through a weak proxy; define it on the target`,
      );
    }
    return Reflect.defineProperty(target, key, descriptor);
  },
  getPrototypeOf: (standIn) => Reflect.getPrototypeOf(live(standIn)),
  setPrototypeOf: (standIn, prototype) => Reflect.setPrototypeOf(live(standIn), prototype),
  isExtensible: (standIn) => Boolean(live(standIn)),
  // The stand-in must stay extensible to forward new properties, so the proxy cannot be sealed.
  preventExtensions: (standIn) => !live(standIn),
  apply: (standIn, thisArg, args) => Reflect.apply(live(standIn), thisArg, args),
  construct(standIn, args, newTarget) {
    const target = live(standIn);
    // `new p()` constructs the target itself; `class B extends p` passes B, whose prototype must win.
    return Reflect.construct(target, args, proxies.has(newTarget) ? target : newTarget);
  },
};

/**
 * Creates a proxy that forwards every operation to `target` while it lives and throws
 * `ReferenceError("weakly-referenced object no longer exists")` once it has been collected:
 * Python's `weakref.proxy`. A function target gives a callable (and constructible) proxy.
 *
 * The same reuse and callback rules as {@link ref} apply: without a callback, one proxy per target
 * while it lives; `callback(proxy)` runs once after the target is collected, if the proxy lives.
 *
 * Getters run with the target as `this`; methods called as `p.method()` get the proxy as `this`,
 * so methods that read private fields or built-in internal slots (`Map`, `Date`) need the target
 * itself. A proxy cannot be made non-extensible nor be given non-configurable properties, and
 * `Array.isArray` is `false` for it.
 *
 * @example
 * let config: { port: number } | undefined = { port: 8080 };
 * const p = proxy(config);
 * p.port;          // 8080
 * config = undefined;
 * await collectGarbage();
 * p.port;          // ReferenceError: weakly-referenced object no longer exists
 */
export function proxy<T extends object>(target: T, callback?: ProxyCallback<T>): T {
  assertWeakable(target);
  if (typeof target === 'symbol') {
    throw new TypeError(
      `cannot create weak proxy to 'symbol' value ${String(target)}: ` +
        'a proxy forwards property operations, so its target must be an object or a function; use ref()',
    );
  }
  if (callback !== undefined && typeof callback !== 'function') {
    throw new TypeError(`proxy callback must be a function, got ${typeOf(callback)}`);
  }
  const list = weakrefListOf<WeakKey>(target);
  if (callback === undefined) {
    const reused = list.basicProxy?.deref();
    if (reused !== undefined) return reused as T;
  }
  const standIn = makeStandIn(target);
  targets.set(standIn, list.target as WeakRef<object>);
  const p = new Proxy(standIn, handler) as T;
  proxies.add(p);
  const slot = list.attachHandle(p, callback);
  if (callback === undefined) list.basicProxy = slot;
  return p;
}

/**
 * Whether `value` is a proxy made by {@link proxy}.
 *
 * @example
 * const settings = { theme: 'dark' };
 * isProxy(proxy(settings)); // true
 * isProxy(settings);        // false
 */
export function isProxy(value: unknown): boolean {
  return typeof value === 'object' || typeof value === 'function' ? proxies.has(value as object) : false;
}
