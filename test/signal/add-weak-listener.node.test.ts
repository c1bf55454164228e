// Node only: addWeakListener on a real node:events EventEmitter (listenerCount), on mitt, and, through
// node:events' getEventListeners, proof that the forwarder leaves a real EventTarget and AbortSignal.
import { EventEmitter, getEventListeners } from 'node:events';
import mittModule from 'mitt';
import { describe, expect, it } from 'vitest';
import { addWeakListener, type NodeStyleEmitter } from '../../src/signal/index.js';
import { collectGarbage } from '../../src/testing/index.js';

// mitt's types are CommonJS-shaped; under NodeNext its default import is typed as the module object.
const mitt = mittModule as unknown as typeof mittModule.default;

class Owner {
  constructor(readonly id: string) {}
}

type Target = EventTarget | NodeStyleEmitter;

/** An owner kept in `keep`, with a closure over it added as a weak listener of `target`. */
function listenOwned(target: Target, type: string, calls: string[], keep: object[]): WeakRef<Owner> {
  const owner = new Owner('owner');
  keep.push(owner);
  addWeakListener(target, type, () => calls.push(owner.id), owner);
  return new WeakRef(owner);
}

describe('addWeakListener on a node:events EventEmitter', () => {
  it('is removed after its owner is collected (listenerCount goes to 0)', async () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    const keep: object[] = [];
    listenOwned(emitter, 'data', calls, keep);
    listenOwned(emitter, 'data', calls, keep);
    await collectGarbage();
    expect(emitter.listenerCount('data')).toBe(2);
    emitter.emit('data');
    expect(calls).toEqual(['owner', 'owner']);

    keep.length = 1;
    await collectGarbage();
    expect(emitter.listenerCount('data')).toBe(1);
    keep.length = 0;
    await collectGarbage();
    expect(emitter.listenerCount('data')).toBe(0);
  });

  it('passes the arguments and the emitter as this', () => {
    const emitter = new EventEmitter();
    const seen: unknown[] = [];
    const owner = {};
    addWeakListener(
      emitter,
      'data',
      function (this: unknown, a: number, b: string) {
        seen.push(this, a, b);
      },
      owner,
    );
    emitter.emit('data', 1, 'two');
    expect(seen).toEqual([emitter, 1, 'two']);
  });

  it('dispose() removes the listener at once', () => {
    const emitter = new EventEmitter();
    const listener = addWeakListener(emitter, 'data', () => {}, {});
    expect(emitter.listenerCount('data')).toBe(1);
    listener[Symbol.dispose]();
    expect(emitter.listenerCount('data')).toBe(0);
  });

  it('works with other on/off emitters, such as mitt', async () => {
    const bus = mitt<{ ping: number }>();
    const calls: string[] = [];
    const keep: object[] = [];
    listenOwned(bus as unknown as NodeStyleEmitter, 'ping', calls, keep);
    bus.emit('ping', 1);
    expect(calls).toEqual(['owner']);
    keep.length = 0;
    await collectGarbage();
    expect(bus.all.get('ping')).toEqual([]);
  });
});

describe('addWeakListener leaves real EventTargets (getEventListeners)', () => {
  it('an EventTarget, after the owner is collected', async () => {
    const target = new EventTarget();
    const keep: object[] = [];
    listenOwned(target, 'ping', [], keep);
    await collectGarbage();
    expect(getEventListeners(target, 'ping')).toHaveLength(1);
    keep.length = 0;
    await collectGarbage();
    expect(getEventListeners(target, 'ping')).toHaveLength(0);
  });

  it("an AbortSignal's abort event, after the owner is collected, and at once on dispose", async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const keep: object[] = [];
    listenOwned(controller.signal, 'abort', calls, keep);
    addWeakListener(controller.signal, 'abort', () => calls.push('disposed'), {}).dispose();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    keep.length = 0;
    await collectGarbage();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    expect(calls).toEqual([]);
  });
});
