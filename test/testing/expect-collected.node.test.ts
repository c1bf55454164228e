import { describe, expect, it } from 'vitest';
import { ref } from '../../src/index.js';
import { type CollectedMatchers, expectCollected, LeakDetector, matchers } from '../../src/testing/index.js';
import { closeSession, openSession, type Session } from '../fixtures/testing-leaky-cache.js';
import { dropped, kept } from '../support/objects.js';

declare module 'vitest' {
  interface Matchers<T = any> extends CollectedMatchers {}
}
expect.extend(matchers);

const leakPath = "(module) test/fixtures/testing-leaky-cache.ts → sessions (Map) → get('s1') → Session";

/** Helpers create the targets: a live local of the async test body would keep them alive. */
function openWeakly(id: string): WeakRef<Session> {
  return new WeakRef(openSession(id));
}

describe('expectCollected', () => {
  it('rejects with the retainer path when something still holds the object', async () => {
    const weak = openWeakly('s1');
    const error = await expectCollected(weak).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `expected a Session to be collected, but it is still alive. What holds it:\n  ${leakPath}`,
    );
    closeSession('s1');
    await expectCollected(weak);
  });

  it('shows a getter that holds its object strongly', async () => {
    const error = await expectCollected(strongGetter()).catch((e: unknown) => e);
    // The getter is the holder: its closure's scope has the object.
    expect((error as Error).message).toMatch(/→ local \(closure\) → context → target \(Object\)$/m);
  });

  it('still works where whyAlive cannot, just without paths', async () => {
    const g = globalThis as { Deno?: unknown };
    g.Deno = {};
    try {
      await expectCollected(ref(dropped()));
      const error = await expectCollected(ref(kept())).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /still alive\. \(What holds it is unknown: whyAlive is Node-only: .* Deno does not offer\.\)$/,
      );
    } finally {
      delete g.Deno;
    }
  });
});

function strongGetter(): () => object {
  const target = {};
  return () => target;
}

describe('LeakDetector', () => {
  it('tells a leak from a collected object, and what holds the leak', async () => {
    const leaking = new LeakDetector(openSession('s1'));
    const clean = new LeakDetector(dropped());
    expect(await clean.isLeaking()).toBe(false);
    expect(await clean.whyAlive()).toEqual([]);
    expect(await leaking.isLeaking()).toBe(true);
    const [path] = await leaking.whyAlive();
    expect(path?.root).toBe('(module) test/fixtures/testing-leaky-cache.ts');
    expect(path?.steps.map((step) => step.edge)).toEqual(['sessions', "get('s1')"]);
    closeSession('s1');
    expect(await leaking.isLeaking()).toBe(false);
  });

  it('rejects primitives', () => {
    expect(() => new LeakDetector(1 as never)).toThrow(/a LeakDetector value must be an object/);
  });
});

describe('toBeCollected', () => {
  it('passes for collected objects and fails with the path for held ones', async () => {
    await expect(ref(dropped())).toBeCollected();
    const weak = openWeakly('s1');
    await expect(expect(weak).toBeCollected()).rejects.toThrow(leakPath);
    await expect(weak).not.toBeCollected();
    closeSession('s1');
    await expect(weak).toBeCollected();
    await expect(expect(ref(dropped())).not.toBeCollected()).rejects.toThrow(
      'expected the object to stay alive, but it was collected',
    );
  });

  it('throws TypeError for a value that is no handle', async () => {
    await expect(expect('text').toBeCollected()).rejects.toThrow(TypeError);
  });
});
