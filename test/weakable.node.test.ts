import { describe, expect, it, vi } from 'vitest';

const defaultWhy = 'the target must be an object, a function or a non-registered symbol';

/** What a runtime without symbols as weak targets must say (Node 20 has them: see the Node-only test). */
function expectSymbolsRejected(weakable: typeof import('../src/weakable.js')): void {
  expect(weakable.canBeHeldWeakly(Symbol('local'))).toBe(false);
  expect(weakable.canBeHeldWeakly({})).toBe(true);
  expect(() => weakable.assertWeakable(Symbol('local'))).toThrow(
    new TypeError(
      "cannot create weak reference to 'symbol' value Symbol(local): this runtime cannot hold symbols weakly",
    ),
  );
  expect(() => weakable.assertWeakable(Symbol.for('app.id'))).toThrow(
    `'registered symbol' value Symbol(app.id): ${defaultWhy}`,
  );
}

describe('symbols as weak targets, on a runtime without them', () => {
  // vi.resetModules reloads a module, which Bun and Deno cannot.
  it('a runtime that cannot hold symbols weakly rejects even non-registered ones, and says why', async () => {
    const NativeWeakRef = WeakRef;
    // An ES2022 WeakRef: objects only, as on runtimes that predate symbols as weak targets.
    class ObjectsOnlyWeakRef<T extends object> extends NativeWeakRef<T> {
      constructor(target: T) {
        if (typeof target === 'symbol') throw new TypeError('WeakRef: target must be an object');
        super(target);
      }
    }
    globalThis.WeakRef = ObjectsOnlyWeakRef as WeakRefConstructor;
    try {
      vi.resetModules();
      expectSymbolsRejected(await import('../src/weakable.js'));
    } finally {
      globalThis.WeakRef = NativeWeakRef;
      vi.resetModules();
    }
  });
});
