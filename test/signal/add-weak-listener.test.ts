// addWeakListener on a real EventTarget and on AbortSignal's own abort event, with real garbage
// collection; Node's EventEmitter is in add-weak-listener.node.test.ts. Owners and listeners are made
// in helper functions, and the tests reach them only through WeakRefs.
import { describe, expect, it } from 'vitest';
import { addWeakListener, type NodeStyleEmitter } from '../../src/signal/index.js';
import { collectGarbage } from '../../src/testing/index.js';
import { keepAlive } from '../support/gc.js';
import { captureReports } from './helpers.js';

const reports = captureReports();

class Owner {
  constructor(readonly id: string) {}
}

type Target = EventTarget | NodeStyleEmitter;

/** A real EventTarget that also tells which listeners it holds. */
class TrackedTarget extends EventTarget {
  readonly listeners = new Set<unknown>();
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    this.listeners.add(listener);
    super.addEventListener(type, listener);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    this.listeners.delete(listener);
    super.removeEventListener(type, listener);
  }
}

/** An owner kept in `keep`, with a closure over it added as a weak listener of `target`. */
function listenOwned(target: Target, type: string, calls: string[], keep: object[]): WeakRef<Owner> {
  const owner = new Owner('owner');
  keep.push(owner);
  addWeakListener(target, type, () => calls.push(owner.id), owner);
  return new WeakRef(owner);
}

describe('addWeakListener on an EventTarget', () => {
  it('keeps the listener while its owner lives and removes it from the target after', async () => {
    const target = new TrackedTarget();
    const calls: string[] = [];
    const keep: object[] = [];
    const owner = listenOwned(target, 'ping', calls, keep);
    await collectGarbage();
    target.dispatchEvent(new Event('ping'));
    expect(calls).toEqual(['owner']); // the closure was anchored, not held only weakly
    expect(target.listeners.size).toBe(1);

    keep.length = 0;
    await collectGarbage();
    expect(owner.deref()).toBeUndefined(); // the target did not keep the owner alive through the closure
    expect(target.listeners.size).toBe(0);
    target.dispatchEvent(new Event('ping'));
    expect(calls).toEqual(['owner']);
  });

  it('calls the listener with the event and the target as this', () => {
    const target = new EventTarget();
    const owner = {};
    const seen: unknown[] = [];
    addWeakListener(
      target,
      'ping',
      function (this: unknown, event: Event) {
        seen.push(this, event.type);
      },
      owner,
    );
    target.dispatchEvent(new Event('ping'));
    expect(seen).toEqual([target, 'ping']);
  });

  it('dispose() removes the listener at once; twice is harmless; using works', () => {
    const target = new TrackedTarget();
    const owner = {};
    const calls: string[] = [];
    const listener = addWeakListener(target, 'ping', () => calls.push('a'), owner);
    {
      using _ = addWeakListener(target, 'ping', () => calls.push('b'), owner);
      target.dispatchEvent(new Event('ping'));
    }
    listener.dispose();
    listener.dispose();
    target.dispatchEvent(new Event('ping'));
    expect(calls).toEqual(['a', 'b']);
    expect(target.listeners.size).toBe(0);
  });
});

describe("addWeakListener on AbortSignal's own abort event", () => {
  it('runs on abort while its owner lives', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const keep: object[] = [];
    listenOwned(controller.signal, 'abort', calls, keep);
    await collectGarbage();
    controller.abort();
    expect(calls).toEqual(['owner']);
    expect(keep).toHaveLength(1);
  });

  it('does not run on abort after its owner is collected', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const keep: object[] = [];
    const owner = listenOwned(controller.signal, 'abort', calls, keep);
    keep.length = 0;
    await collectGarbage();
    expect(owner.deref()).toBeUndefined();
    controller.abort();
    expect(calls).toEqual([]);
  });
});

describe('addWeakListener bookkeeping', () => {
  it('does not keep the target alive', async () => {
    const keep: object[] = [];
    const target = listenOnDroppedTarget(keep);
    await collectGarbage();
    expect(keep).toHaveLength(1);
    expect(target.deref()).toBeUndefined();
  });

  it('lets go of the listener when the target goes first, though its owner lives on', async () => {
    const keep: object[] = [];
    const listener = listenOnDroppedTarget(keep, 'listener');
    await collectGarbage();
    expect(listener.deref()).toBeUndefined();
    expect(keep).toHaveLength(1);
  });

  it('lets go of a disposed listener while its owner and target live on', async () => {
    const target = new EventTarget();
    const keep: object[] = [];
    const listener = listenThenDispose(target, keep);
    await collectGarbage();
    expect(listener.deref()).toBeUndefined();
    expect([target, keep.length]).toEqual([expect.any(EventTarget), 1]);
  });

  it('reports an emitter whose off throws during the cleanup, and goes on', async () => {
    const failing = {
      on() {},
      off() {
        throw new Error('off failed');
      },
    };
    const keep: object[] = [];
    listenOwned(failing, 'x', [], keep);
    keep.length = 0;
    await collectGarbage();
    expect(reports.map((r) => [r.context, (r.error as Error).message])).toEqual([
      ['addWeakListener cleanup', 'off failed'],
    ]);
    keepAlive(failing);
  });

  it('rejects bad input with a TypeError naming the type', () => {
    const target = new TrackedTarget();
    expect(() => addWeakListener({} as never, 'x', () => {}, {})).toThrow(
      new TypeError(
        'addWeakListener: target must be an EventTarget or an emitter with on and off methods, got object',
      ),
    );
    expect(() => addWeakListener(null as never, 'x', () => {}, {})).toThrow(/got null/);
    expect(() => addWeakListener(target, 'x', 'f' as never, {})).toThrow(
      new TypeError('addWeakListener: listener must be a function, got string'),
    );
    expect(() => addWeakListener(target, 3 as never, () => {}, {})).toThrow(
      /type must be a string or a symbol, got number/,
    );
    expect(() => addWeakListener(target, 'x', () => {}, 7 as never)).toThrow(
      /cannot create weak reference to 'number' value 7: a listener owner must be/,
    );
    expect(target.listeners.size).toBe(0);
  });
});

/** A target nobody keeps, with a listener whose owner is kept; returns a ref to one of them. */
function listenOnDroppedTarget(keep: object[], which: 'target' | 'listener' = 'target'): WeakRef<object> {
  const target = new EventTarget();
  const owner = new Owner('outlives the target');
  keep.push(owner);
  const listener = () => owner.id;
  addWeakListener(target, 'ping', listener, owner);
  return new WeakRef(which === 'target' ? target : listener);
}

function listenThenDispose(target: EventTarget, keep: object[]): WeakRef<object> {
  const owner = new Owner('lives on');
  keep.push(owner);
  const listener = () => owner.id;
  addWeakListener(target, 'ping', listener, owner).dispose();
  return new WeakRef(listener);
}
