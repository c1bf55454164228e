import { describe, expect, it } from 'vitest';
import { ref } from '../../src/index.js';
import { collectGarbage, expectCollected, isCollected } from '../../src/testing/index.js';
import { dropped, kept } from '../support/objects.js';

// The checks that work on every runtime; the retainer paths (Node only) are in expect-collected.node.test.ts.

// Helpers (dropped(), kept()) create the targets: a live local of the async test body would keep them alive.

/** A getter that holds its object only weakly, as a getter must. */
function getterFor(target: object): () => object | undefined {
  const weak = new WeakRef(target);
  return () => weak.deref();
}

describe('isCollected', () => {
  it('reads a weakkit Ref, a WeakRef and a getter, without forcing a collection', async () => {
    const handles = [ref(dropped()), new WeakRef(dropped()), getterFor(dropped())];
    expect(handles.map(isCollected)).toEqual([false, false, false]);
    await collectGarbage();
    expect(handles.map(isCollected)).toEqual([true, true, true]);
    expect(isCollected(ref(kept()))).toBe(false);
  });

  it('rejects what is not a handle, and getters returning primitives, with a TypeError', () => {
    expect(() => isCollected({} as never)).toThrow(
      /isCollected expects a weakkit Ref, a WeakRef or a getter function, got an Object/,
    );
    expect(() => isCollected(42 as never)).toThrow(/got number 42/);
    expect(() => isCollected((() => 'text') as never)).toThrow(/cannot create weak reference to 'string'/);
  });
});

describe('expectCollected', () => {
  it('resolves once the object is gone', async () => {
    await expectCollected(ref(dropped()));
    await expectCollected(new WeakRef(dropped()));
    await expectCollected(getterFor(dropped()));
  });
  it('fails fast without paths when asked to', async () => {
    const error = await expectCollected(ref(kept()), { retainers: false }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('expected an Object to be collected, but it is still alive.');
  });
  it('rejects a bad handle with a TypeError before collecting', async () => {
    await expect(expectCollected('text' as never)).rejects.toThrow(TypeError);
  });
});
