import type { WeakKey } from '../weakable.js';

/**
 * Values filed under a key object, each kept alive exactly as long as its key: a value sits in its
 * key's slot of a `WeakMap`, which holds it only while the key lives (an ephemeron), even when the
 * value refers back to the key.
 *
 * This is how a closure lives "as long as its owner" without the owner knowing and without anything
 * else holding the closure strongly: whoever calls it reaches it through a `WeakRef`. Node's
 * `EventTarget` keeps its `kWeakHandler` listeners the same way.
 * @internal
 */
export class Anchors<V> {
  readonly #slots = new WeakMap<WeakKey, V[]>();

  /** The values filed under `key`, oldest first. */
  on(key: WeakKey): readonly V[] | undefined {
    return this.#slots.get(key);
  }

  add(key: WeakKey, value: V): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) this.#slots.set(key, [value]);
    else slot.push(value);
  }

  /** Unfiles `value`; the key's slot goes with its last value. */
  delete(key: WeakKey, value: V): void {
    const slot = this.#slots.get(key);
    const index = slot === undefined ? -1 : slot.indexOf(value);
    if (index === -1) return;
    if (slot!.length === 1) this.#slots.delete(key);
    else slot!.splice(index, 1);
  }
}
