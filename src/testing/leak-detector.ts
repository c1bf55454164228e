import { assertWeakable, type WeakKey } from '../weakable.js';
import { collectGarbage } from './collect-garbage.js';
import type { RetainerPath } from './retainer-path.js';
import { type WhyAliveOptions, whyAlive } from './why-alive.js';

/**
 * jest's `LeakDetector`, on any test runner: watch an object, drop it, then ask whether it leaked.
 * Holds the object weakly from the start.
 *
 * @example
 * const detector = new LeakDetector(makeSession()); // the session is not kept anywhere else...
 * await detector.isLeaking();                       // false, unless something still holds it
 * console.log(formatRetainers(await detector.whyAlive())); // ...and if it does, what
 */
export class LeakDetector {
  readonly #target: WeakRef<WeakKey>;

  constructor(value: WeakKey) {
    assertWeakable(value, 'LeakDetector value');
    this.#target = new WeakRef(value);
  }

  /** Forces garbage collection, then tells whether the object is still alive. */
  async isLeaking(): Promise<boolean> {
    await collectGarbage();
    return this.#target.deref() !== undefined;
  }

  /** What keeps the object alive (see {@link whyAlive}); `[]` once it is collected. Node only. */
  whyAlive(options?: WhyAliveOptions): Promise<RetainerPath[]> {
    const target = this.#target.deref();
    return target === undefined ? Promise.resolve([]) : whyAlive(target, options);
  }
}
