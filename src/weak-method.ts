import { callableRefPrototype } from './ref.js';
import { typeOf } from './type-of.js';
import { assertWeakable } from './weakable.js';

/**
 * A weak reference to a method: call it for the method bound to its object, or `undefined` once the
 * object has been collected. Create one with {@link weakMethod}.
 *
 * @example
 * const render: WeakMethod<() => void> = weakMethod(widget, 'render');
 * render.alive; // true while widget lives
 * render()?.(); // widget.render(), or nothing once widget is collected
 */
export interface WeakMethod<F extends (...args: any[]) => any = (...args: any[]) => any> {
  /** The method bound to its object, or `undefined` once the object has been collected. */
  (): F | undefined;
  /** The same as calling it. */
  deref(): F | undefined;
  /** Whether the object is still alive. */
  readonly alive: boolean;
}

type MethodKeys<T> = { [K in keyof T]: T[K] extends (...args: any[]) => any ? K : never }[keyof T];

const weakMethodPrototype = callableRefPrototype('WeakMethod');

/**
 * Holds `obj` weakly and the function at `obj[key]` strongly: Python's `weakref.WeakMethod`.
 *
 * This is the fix for the bound-method pitfall: `new WeakRef(obj.method.bind(obj))` refers to a
 * fresh bound function that nothing else holds, so it dies at the next collection even though
 * `obj` lives on. Each call returns a newly bound function.
 *
 * @example
 * const onSave = weakMethod(widget, 'render');
 * onSave()?.();   // calls widget.render() while widget lives
 * // after widget is collected: onSave() === undefined
 */
export function weakMethod<T extends object, K extends MethodKeys<T>>(
  obj: T,
  key: K,
): WeakMethod<T[K] & ((...args: any[]) => any)> {
  assertWeakable(obj, 'weakMethod object');
  const fn: unknown = obj[key];
  if (typeof fn !== 'function') {
    throw new TypeError(
      `weakMethod: ${String(key)} is not a method: obj[${JSON.stringify(String(key))}] is ${typeOf(fn)}`,
    );
  }
  const weak = new WeakRef(obj);
  const method = (() => {
    const target = weak.deref();
    return target === undefined ? undefined : fn.bind(target);
  }) as WeakMethod<T[K] & ((...args: any[]) => any)>;
  Object.setPrototypeOf(method, weakMethodPrototype);
  return method;
}
