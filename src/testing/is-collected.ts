import type { Ref } from '../ref.js';
import { assertWeakable, type WeakKey } from '../weakable.js';

/**
 * A way to reach an object without holding it, for the collection checks: a weakkit {@link Ref}, a
 * native `WeakRef`, or a getter that returns the object or `undefined` (such as
 * `() => cache.get(key)`). A getter must not close over the object itself: that closure would keep
 * it alive, and the retainer paths of a failed check show exactly that (`closure → context → obj`).
 *
 * @example
 * const handles: WeakHandle[] = [ref(makeWidget()), new WeakRef(makeWidget()), () => cache.get('k')];
 * await collectGarbage();
 * handles.map((handle) => isCollected(handle)); // [true, true, true] unless something holds them
 */
export type WeakHandle<T extends WeakKey = WeakKey> = Ref<T> | WeakRef<T> | (() => T | undefined);

/**
 * Whether the object behind `handle` has been collected, right now; no collection is forced, so
 * call `await collectGarbage()` first (or use {@link expectCollected}, which does both).
 *
 * @example
 * const r = ref(makeWidget());
 * await collectGarbage();
 * isCollected(r);                      // true
 * isCollected(new WeakRef(keptObject)); // false
 * isCollected(() => cache.get('k'));   // a getter: true once it returns undefined
 */
export function isCollected(handle: WeakHandle): boolean {
  return derefHandle(handle, 'isCollected') === undefined;
}

/**
 * The handle's object, or `undefined` once collected; a `TypeError` for anything that is not a
 * {@link WeakHandle}, or for a getter that returns a value that cannot be held weakly.
 * @internal
 */
export function derefHandle(handle: WeakHandle, caller: string): WeakKey | undefined {
  let target: unknown;
  if (typeof handle === 'function') target = handle();
  else if (handle instanceof WeakRef) target = handle.deref();
  else {
    throw new TypeError(
      `${caller} expects a weakkit Ref, a WeakRef or a getter function, got ${describeValue(handle)}`,
    );
  }
  if (target !== undefined) assertWeakable(target, `value returned to ${caller} by the handle`);
  return target;
}

/** A short description of an object for messages: `a Widget`, `a function onResize`. @internal */
export function describeObject(target: WeakKey): string {
  if (typeof target === 'symbol') return target.toString();
  if (typeof target === 'function')
    return target.name ? `the function ${target.name}` : 'an anonymous function';
  const name = (Object.getPrototypeOf(target) as { constructor?: { name?: unknown } } | null)?.constructor
    ?.name;
  return typeof name === 'string' && name !== ''
    ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`
    : 'the object';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return describeObject(value);
  return `${typeof value} ${String(value)}`;
}
