import { describe, expect, it } from 'vitest';
import { expectCollected, formatRetainers, whyAlive } from '../../src/testing/index.js';
import * as holders from '../fixtures/testing-holders.js';
import * as unnamed from '../fixtures/testing-unnamed.js';

const fixture = '(module) test/fixtures/testing-holders.ts';

/** What holds the WeakRef's target, one path a line. Not async: only this frame ever holds the target. */
function explain(weak: WeakRef<object>, maxPaths?: number): Promise<string> {
  const target = weak.deref();
  if (target === undefined) return Promise.resolve('(collected)');
  return whyAlive(target, maxPaths === undefined ? {} : { maxPaths }).then(formatRetainers);
}

describe('whyAlive names what holds an object', () => {
  it('a module-level Map: the variable, the entry key, the closure and its captured variable', async () => {
    const weak = holders.holdInMap();
    // vitest runs the fixture inside a block, whose variables V8 numbers without names, skipping
    // small integers: `created` is one, declared before `listeners`, which must still be named right.
    expect(holders.widgetsCreated()).toBeGreaterThan(0);
    expect(await explain(weak)).toContain(
      `${fixture} → listeners (Map) → get('session:42') → closure onResize → context → widget (Widget)`,
    );
    holders.releaseMap();
    await expectCollected(weak);
  });

  it('leaves a variable unnamed rather than risk a wrong name', async () => {
    const weak = unnamed.hold();
    expect(await explain(weak)).toContain(
      "(module) test/fixtures/testing-unnamed.ts → a variable (Map) → get('k') → Object",
    );
    unnamed.release();
    await expectCollected(weak);
  });

  it('a closure in a module variable', async () => {
    const weak = holders.holdInClosure();
    expect(await explain(weak)).toContain(`${fixture} → onSave (closure onSave) → context → widget (Widget)`);
    holders.releaseClosure();
    await expectCollected(weak);
  });

  it('an EventEmitter listener', async () => {
    const weak = holders.holdInEmitterListener();
    expect(await explain(weak)).toContain(
      `${fixture} → emitter (EventEmitter) → ._events (Object) → .resize (closure onResize) → context → widget (Widget)`,
    );
    holders.releaseEmitterListener();
    await expectCollected(weak);
  });

  it('an EventTarget listener', async () => {
    const weak = holders.holdInEventTargetListener();
    const paths = await explain(weak);
    expect(paths).toContain(`${fixture} → target (EventTarget) → [Symbol(kEvents)] (Map) → get('resize') →`);
    expect(paths).toMatch(/\(closure onResize\) → context → widget \(Widget\)$/m);
    holders.releaseEventTargetListener();
    await expectCollected(weak);
  });

  it('a timer', async () => {
    const weak = holders.holdInTimer();
    expect(await explain(weak)).toMatch(
      /\(Timeout\) → \._onTimeout \(closure refresh\) → context → widget \(Widget\)$/m,
    );
    holders.releaseTimer();
    await expectCollected(weak);
  });

  it('a global variable', async () => {
    const weak = holders.holdInGlobal();
    expect(await explain(weak)).toContain('(global) → .leakedWidget (Widget)');
    holders.releaseGlobal();
    await expectCollected(weak);
  });

  it('a local of a suspended async function', async () => {
    const { weak, finish } = holders.holdAcrossAwait();
    expect(await explain(weak)).toContain(
      '(await in waitForGate (test/fixtures/testing-holders.ts)) → local (Widget)',
    );
    finish();
    await expectCollected(weak);
  });

  it('one path per holder: a Map entry and a listener', async () => {
    const weak = holders.holdTwice();
    const paths = (await explain(weak)).split('\n');
    expect(paths).toEqual(
      expect.arrayContaining([
        `${fixture} → listeners (Map) → get('twice') → closure fromMap → context → widget (Widget)`,
        `${fixture} → emitter (EventEmitter) → ._events (Object) → .twice (closure fromEmitter) → context → widget (Widget)`,
      ]),
    );
    expect((await explain(weak, 1)).split('\n')).toHaveLength(1);
    holders.releaseTwice();
    await expectCollected(weak);
  });
});

describe('whyAlive and WeakMap entries (ephemerons)', () => {
  it('a value is held through the map while its key lives', async () => {
    const weak = holders.holdInWeakMap();
    expect(await explain(weak)).toContain(`${fixture} → cache (WeakMap) → get(SessionKey) → Widget`);
    holders.dropWeakMapKey();
    await expectCollected(weak);
  });

  it("never through the key's own edge, even when it is the shorter way", async () => {
    const weak = holders.holdInDeepWeakMap();
    const paths = await explain(weak);
    expect(paths).toContain(
      `${fixture} → deep (Object) → .level1 (Object) → .level2 (Object) → .level3 (Object) → .cache (WeakMap) → get(SessionKey) → Widget`,
    );
    expect(paths).not.toMatch(/sessionKey \(SessionKey\) →/);
    holders.dropWeakMapKey();
    await expectCollected(weak);
  });

  it('waits for a key that the search reaches after the map', async () => {
    const weak = holders.holdUnderDeepKey();
    expect(await explain(weak)).toContain(`${fixture} → cache (WeakMap) → get(SessionKey) → Widget`);
    holders.dropDeepKey();
    await expectCollected(weak);
  });

  it('counts a value held through a map as far away as its key', async () => {
    const weak = holders.holdUnderDeepKeyAndOnShelf();
    expect(await explain(weak, 1)).toBe(
      `${fixture} → shelf (Object) → .a (Object) → .b (Object) → .c (Widget)`,
    );
    expect(await explain(weak)).toContain(`${fixture} → cache (WeakMap) → get(SessionKey) → Widget`);
    holders.clearShelf();
    holders.dropDeepKey();
    await expectCollected(weak);
  });

  it('a value under a dead key, or holding its own key, is not retained', async () => {
    await expectCollected(holders.holdUnderDeadKey());
    await expectCollected(holders.holdUnderKeyItHolds());
  });

  it('weak references are never holders: WeakRef, WeakSet, WeakMap keys, FinalizationRegistry', async () => {
    const weak = holders.holdInMapAndWeakly();
    const paths = await explain(weak, 10);
    expect(paths).toContain(`${fixture} → listeners (Map) → get('weakly too') → Widget`);
    expect(paths).not.toMatch(/WeakRef|WeakSet|WeakCell|\(WeakMap\)/);
    holders.releaseMapAndWeakly();
    await expectCollected(weak);
  });

  it('a cycle that only WeakRefs reach is not retained', async () => {
    await expectCollected(holders.holdInWeakCycle());
  });
});

describe('whyAlive options and errors', () => {
  it('rejects bad options and targets with a TypeError', async () => {
    const target = {};
    await expect(whyAlive(target, { maxPaths: 0 })).rejects.toThrow(
      /maxPaths must be a positive integer, got 0/,
    );
    await expect(whyAlive(target, { maxPaths: 1.5 })).rejects.toThrow(TypeError);
    await expect(whyAlive(target, { timeout: -1 })).rejects.toThrow(/timeout must be a positive number/);
    await expect(whyAlive(target, null as never)).rejects.toThrow(/options must be an object, got null/);
    await expect(whyAlive(42 as never)).rejects.toThrow(/cannot create weak reference to 'number' value 42/);
  });

  it('rejects with a TimeoutError when the snapshot alone would take longer than the timeout', async () => {
    const started = performance.now();
    const error = await whyAlive({}, { timeout: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
    expect((error as Error).message).toMatch(/more than the 1 ms timeout allows/);
    expect(performance.now() - started).toBeLessThan(1000); // refused up front, no snapshot taken
  });

  it('says it is Node-only elsewhere', async () => {
    const g = globalThis as { Deno?: unknown };
    g.Deno = {};
    try {
      await expect(whyAlive({})).rejects.toThrow(/whyAlive is Node-only: .* Deno does not offer/);
    } finally {
      delete g.Deno;
    }
  });

  it('finds nothing for an object nothing holds', async () => {
    expect(await whyAlive(new Map())).toEqual([]);
  });
});
