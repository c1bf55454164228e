import { collectGarbage } from './collect-garbage.js';
import { type ExpectCollectedOptions, expectCollected } from './expect-collected.js';
import { derefHandle, isCollected, type WeakHandle } from './is-collected.js';

/**
 * The result shape that vitest's and jest's `expect.extend` matchers return.
 *
 * @example
 * const result: MatcherResult = await matchers.toBeCollected.call({}, ref(makeWidget()));
 * if (!result.pass) console.error(result.message());
 */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * The matcher types to merge into your runner's `expect`, for `await expect(r).toBeCollected()`.
 *
 * @example
 * ```ts
 * // vitest
 * declare module 'vitest' { interface Matchers<T = any> extends CollectedMatchers {} }
 * // jest
 * declare global { namespace jest { interface Matchers<R> extends CollectedMatchers {} } }
 * ```
 */
export interface CollectedMatchers {
  /** Forces garbage collection and passes if the object behind the handle is gone. */
  toBeCollected(options?: ExpectCollectedOptions): Promise<void>;
}

/**
 * Matchers for `expect.extend`, in vitest and jest: `toBeCollected()` takes a weakkit `Ref`, a
 * `WeakRef` or a getter (see {@link WeakHandle}), forces garbage collection, and fails with the
 * retainer paths of what still holds the object. `.not.toBeCollected()` skips the heap snapshot.
 *
 * @example
 * import { expect } from 'vitest';
 * import { type CollectedMatchers, matchers } from 'weakkit/testing';
 * declare module 'vitest' { interface Matchers<T = any> extends CollectedMatchers {} }
 * expect.extend(matchers);
 *
 * await expect(ref(makeWidget())).toBeCollected();
 * await expect(() => cache.get('k')).not.toBeCollected();
 */
export const matchers = {
  async toBeCollected(
    this: { isNot?: boolean },
    received: WeakHandle,
    options?: ExpectCollectedOptions,
  ): Promise<MatcherResult> {
    if (this.isNot) {
      derefHandle(received, 'toBeCollected');
      await collectGarbage(options);
      const pass = isCollected(received);
      return { pass, message: () => 'expected the object to stay alive, but it was collected' };
    }
    try {
      await expectCollected(received, options);
      return { pass: true, message: () => 'expected the object to stay alive, but it was collected' };
    } catch (error) {
      if (error instanceof TypeError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return { pass: false, message: () => message };
    }
  },
};
