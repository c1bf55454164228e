import { typeOf } from './type-of.js';
import { assertWeakable, type WeakKey } from './weakable.js';
import { weakrefListOf } from './weakref-list.js';

/**
 * A callable weak reference: `r()` returns the target while it lives, then `undefined`.
 * Create one with {@link ref}.
 *
 * @example
 * const r: Ref<User> = ref(user);
 * r.alive;   // true while user lives
 * r()?.name; // its name, or undefined once it is collected
 */
export interface Ref<T extends WeakKey = WeakKey> {
  /** The target, or `undefined` once it has been collected. */
  (): T | undefined;
  /** The same as calling the ref, named as on `WeakRef`. */
  deref(): T | undefined;
  /** Whether the target is still alive. Reading it keeps the target alive until the current job ends. */
  readonly alive: boolean;
}

/**
 * Called with the ref itself once its target has been collected.
 *
 * @example
 * const onGone: RefCallback<User> = (r) => console.log('a user was collected', r()); // undefined
 * const r = ref(user, onGone);
 */
export type RefCallback<T extends WeakKey> = (ref: Ref<T>) => void;

/**
 * The prototype of a callable weak handle (a {@link Ref}, a `WeakMethod`): calling it dereferences,
 * `deref()` says the same, and `alive` says whether that gives anything. @internal
 */
export function callableRefPrototype(tag: string): object {
  return Object.create(Function.prototype, {
    deref: {
      value: function deref(this: () => unknown) {
        return this();
      },
    },
    alive: {
      get(this: () => unknown) {
        return this() !== undefined;
      },
    },
    [Symbol.toStringTag]: { value: tag },
  });
}

const refPrototype = callableRefPrototype('Ref');

/**
 * Creates a weak reference to `target`: Python's `weakref.ref`.
 *
 * - Without a callback, the same `Ref` is returned for a target for as long as that `Ref` lives.
 * - With a callback, every call makes a new `Ref`; `callback(r)` runs once, in a later job after the
 *   target is collected, and only if `r` itself is still reachable then. Callbacks of several refs
 *   to one target run newest first, in one cleanup turn. A callback that throws is reported (see
 *   {@link setErrorHandler}) and the others still run.
 * - Primitives and registered symbols throw a `TypeError` naming the type (see {@link assertWeakable}).
 *
 * @example
 * let user: { name: string } | undefined = { name: 'Ann' };
 * const r = ref(user, () => console.log('Ann is gone'));
 * r()?.name;    // 'Ann'
 * user = undefined;
 * await collectGarbage(); // from 'weakkit/testing'; prints "Ann is gone"
 * r();          // undefined
 */
export function ref<T extends WeakKey>(target: T, callback?: RefCallback<T>): Ref<T> {
  assertWeakable(target);
  if (callback !== undefined && typeof callback !== 'function') {
    throw new TypeError(`ref callback must be a function, got ${typeOf(callback)}`);
  }
  const list = weakrefListOf(target);
  if (callback === undefined) {
    const reused = list.basicRef?.deref();
    if (reused !== undefined) return reused as Ref<T>;
  }
  const weak = list.target;
  const r = (() => weak.deref()) as Ref<T>;
  Object.setPrototypeOf(r, refPrototype);
  const slot = list.attachHandle(r, callback);
  if (callback === undefined) list.basicRef = slot;
  return r;
}
