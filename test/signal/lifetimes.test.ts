// Every lifetime rule of Signal, with real garbage collection. Targets are made in the helper
// functions below and reached from the tests only through WeakRefs, so the tests never hold them.
import { describe, expect, it } from 'vitest';
import { type Connection, Signal } from '../../src/signal/index.js';
import { collectGarbage } from '../../src/testing/index.js';
import { collectWithoutReporting } from '../support/gc.js';
import { captureReports } from './helpers.js';

captureReports(); // the weak-closure warnings some of these provoke are tested in diagnostics.test.ts

type Calls = string[];

class Widget {
  constructor(readonly id: string) {}
  onEmit(this: Widget & { calls: Calls }) {
    this.calls.push(this.id);
  }
}

/** An owner kept in `keep`, with a closure over it connected as an owner-anchored receiver. */
function connectOwnedClosure(signal: Signal, calls: Calls, keep: object[], id: string): WeakRef<object> {
  const owner = new Widget(id);
  keep.push(owner);
  signal.connect(() => calls.push(owner.id), { owner });
  return new WeakRef(owner);
}

function connectMethod(signal: Signal, calls: Calls, keep: object[], id: string): WeakRef<object> {
  const widget = Object.assign(new Widget(id), { calls });
  keep.push(widget);
  signal.connect(widget, 'onEmit');
  return new WeakRef(widget);
}

/** A function owned by `holder` (kept in `keep`), connected with weak: true. */
function connectWeakHeldElsewhere(signal: Signal, calls: Calls, keep: object[], id: string): WeakRef<object> {
  const holder = { handler: () => calls.push(id) };
  keep.push(holder);
  signal.connect(holder.handler, { weak: true });
  return new WeakRef(holder.handler);
}

function connectStrongClosure(signal: Signal, calls: Calls): WeakRef<object> {
  const captured = { id: 'captured' };
  signal.connect(() => calls.push(captured.id));
  return new WeakRef(captured);
}

function connectInlineWeakClosure(signal: Signal, calls: Calls): Connection {
  return signal.connect(() => calls.push('inline'), { weak: true });
}

describe('Signal lifetimes under real collection', () => {
  it('holds a plain closure strongly, with everything it refers to', async () => {
    const signal = new Signal();
    const calls: Calls = [];
    const captured = connectStrongClosure(signal, calls);
    await collectGarbage();
    expect(captured.deref()).toBeDefined();
    signal.emit();
    expect(calls).toEqual(['captured']);
    expect(signal.receiverCount).toBe(1);
  });

  it('keeps an owner-anchored closure exactly as long as its owner, although it refers to the owner', async () => {
    const signal = new Signal();
    const calls: Calls = [];
    const keep: object[] = [];
    const owner = connectOwnedClosure(signal, calls, keep, 'widget');
    await collectGarbage();
    signal.emit();
    expect(calls).toEqual(['widget']); // alive: the closure was not held only weakly

    keep.length = 0;
    await collectGarbage();
    expect(owner.deref()).toBeUndefined(); // collected: the closure did not keep its owner alive
    signal.emit();
    expect(calls).toEqual(['widget']);
    expect(signal.receiverCount).toBe(0);
  });

  it('holds a method receiver’s object weakly, and the method as long as the object', async () => {
    const signal = new Signal();
    const calls: Calls = [];
    const keep: object[] = [];
    const widget = connectMethod(signal, calls, keep, 'method');
    await collectGarbage();
    signal.emit();
    expect(calls).toEqual(['method']);

    keep.length = 0;
    await collectGarbage();
    expect(widget.deref()).toBeUndefined();
    signal.emit();
    expect(calls).toEqual(['method']);
    expect(signal.receiverCount).toBe(0);
  });

  it('holds a weak: true function as long as something else does', async () => {
    const signal = new Signal();
    const calls: Calls = [];
    const keep: object[] = [];
    const handler = connectWeakHeldElsewhere(signal, calls, keep, 'weak');
    await collectGarbage();
    signal.emit();
    expect(calls).toEqual(['weak']);

    keep.length = 0;
    await collectGarbage();
    expect(handler.deref()).toBeUndefined();
    signal.emit();
    expect(calls).toEqual(['weak']);
    expect(signal.receiverCount).toBe(0);
  });

  it('loses an inline closure connected with weak: true at the first collection (the pitfall)', async () => {
    const signal = new Signal();
    const calls: Calls = [];
    const connection = connectInlineWeakClosure(signal, calls);
    signal.emit();
    expect(calls).toEqual(['inline']);
    await collectGarbage();
    signal.emit();
    expect(calls).toEqual(['inline']);
    expect(connection.connected).toBe(false);
  });

  it('ends only the collected owner’s receivers and keeps the order of the rest', async () => {
    const signal = new Signal();
    const calls: Calls = [];
    const keepA: object[] = [];
    const keepB: object[] = [];
    connectOwnedClosure(signal, calls, keepA, 'a1');
    connectOwnedClosure(signal, calls, keepB, 'b1');
    signal.connect(() => calls.push('strong'));
    connectMethod(signal, calls, keepA, 'a2');
    connectMethod(signal, calls, keepB, 'b2');
    keepB.length = 0;
    await collectGarbage();
    signal.emit();
    expect(calls).toEqual(['a1', 'strong', 'a2']);
    expect(signal.receiverCount).toBe(3);
    expect(keepA).toHaveLength(2);
  });

  it('behaves as if the receiver were gone between its collection and the cleanup', async () => {
    const collected: string[] = [];
    const signal = new Signal({ onReceiverCollected: ({ name }) => collected.push(name) });
    const calls: Calls = [];
    const keep: object[] = [];
    connectOwnedClosure(signal, calls, keep, 'window');
    const connection = connectOwnedNoop(signal, keep);
    keep.length = 0;
    await collectWithoutReporting();
    expect(collected).toEqual([]); // the cleanup has not run yet...
    signal.emit();
    expect(calls).toEqual([]); // ...but nothing is called,
    expect(signal.emitRobust()).toEqual([]);
    expect(signal.receiverCount).toBe(0); // nothing counts,
    expect(connection.connected).toBe(false); // and nothing claims to be connected.
    await collectGarbage();
    expect(collected).toEqual(['(anonymous) (owner: Widget)', '(anonymous) (owner: Widget)']);
  });

  it('a Connection held by the caller keeps neither its receiver nor its owner alive', async () => {
    const signal = new Signal();
    const keep: object[] = [];
    const connections: Connection[] = [];
    const owner = connectAndKeepConnection(signal, keep, connections);
    keep.length = 0;
    await collectGarbage();
    expect(owner.deref()).toBeUndefined();
    expect(connections[0]!.connected).toBe(false);
  });

  it('lets go of a disconnected owner-anchored function while its owner lives', async () => {
    const signal = new Signal();
    const keep: object[] = [];
    const fn = connectThenDisconnectOwned(signal, keep);
    await collectGarbage();
    expect(keep).toHaveLength(1);
    expect(fn.deref()).toBeUndefined(); // unfiled from the owner's anchors
  });

  it('lets go of a once receiver after it ran, and of a receiver ended by its AbortSignal', async () => {
    const signal = new Signal();
    const keep: object[] = [];
    const controller = new AbortController();
    const fns = connectOnceAndAbortable(signal, keep, controller.signal);
    signal.emit();
    controller.abort();
    await collectGarbage();
    expect(fns.map((fn) => fn.deref())).toEqual([undefined, undefined]);
    expect(keep).toHaveLength(1);
  });

  it('does not keep the signal alive from its owner-anchored receivers', async () => {
    const keep: object[] = [];
    const signal = signalWithOwnedReceiver(keep);
    await collectGarbage();
    expect(keep).toHaveLength(1);
    expect(signal.deref()).toBeUndefined();
  });
});

describe('for(sender) lifetimes', () => {
  it('drops a collected sender’s channel, even with receivers that refer to the sender', async () => {
    const signal = new Signal();
    const { sender, channel } = channelOfDroppedSender(signal);
    expect(signal.receiverCount).toBe(2);
    await collectGarbage();
    expect(sender.deref()).toBeUndefined();
    expect(channel.deref()).toBeUndefined();
    expect(signal.receiverCount).toBe(0);
  });

  it('drops a collected sender’s channel while an owner of one of its receivers lives on', async () => {
    const signal = new Signal();
    const keep: object[] = [];
    const sender = channelWithLongLivedOwner(signal, keep);
    await collectGarbage();
    expect(sender.deref()).toBeUndefined(); // the owner's registration must not keep the channel alive
    expect(keep).toHaveLength(1);
    expect(signal.receiverCount).toBe(0);
  });

  it('keeps a live sender’s channel and its receivers', async () => {
    const signal = new Signal();
    const calls: Calls = [];
    const keep: object[] = [];
    const channel = channelOfKeptSender(signal, keep, calls);
    await collectGarbage();
    expect(signal.for(keep[0]!)).toBe(channel.deref());
    signal.for(keep[0]!).emit();
    expect(calls).toEqual(['kept sender']);
  });

  it('ends an owner-anchored channel receiver with its owner, leaving the sender’s other receivers', async () => {
    const signal = new Signal();
    const calls: Calls = [];
    const sender = {};
    const keep: object[] = [];
    connectOwnedToChannel(signal, sender, keep, calls);
    signal.for(sender).connect(() => calls.push('strong'));
    keep.length = 0;
    await collectGarbage();
    signal.for(sender).emit();
    expect(calls).toEqual(['strong']);
    expect(signal.for(sender).receiverCount).toBe(1);
  });
});

function connectOwnedNoop(signal: Signal, keep: object[]): Connection {
  const owner = new Widget('noop');
  keep.push(owner);
  return signal.connect(() => {}, { owner });
}

function connectAndKeepConnection(
  signal: Signal,
  keep: object[],
  connections: Connection[],
): WeakRef<object> {
  const owner = new Widget('held connection');
  keep.push(owner);
  connections.push(signal.connect(() => owner.id, { owner }));
  return new WeakRef(owner);
}

function connectThenDisconnectOwned(signal: Signal, keep: object[]): WeakRef<object> {
  const owner = new Widget('lives on');
  keep.push(owner);
  const fn = () => owner.id;
  signal.connect(fn, { owner }).disconnect();
  return new WeakRef(fn);
}

function connectOnceAndAbortable(
  signal: Signal,
  keep: object[],
  abortSignal: AbortSignal,
): WeakRef<object>[] {
  const owner = new Widget('lives on');
  keep.push(owner);
  const once = () => owner.id;
  const abortable = () => owner.id;
  signal.connect(once, { owner, once: true });
  signal.connect(abortable, { owner, signal: abortSignal });
  return [new WeakRef(once), new WeakRef(abortable)];
}

function signalWithOwnedReceiver(keep: object[]): WeakRef<Signal> {
  const signal = new Signal();
  const owner = new Widget('outlives the signal');
  keep.push(owner);
  signal.connect(() => owner.id, { owner });
  signal.connect(owner, 'onEmit');
  return new WeakRef(signal);
}

function channelOfDroppedSender(signal: Signal): { sender: WeakRef<object>; channel: WeakRef<object> } {
  const sender = { name: 'report' };
  const channel = signal.for(sender);
  channel.connect(() => sender.name);
  channel.connect(() => sender.name, { owner: sender });
  return { sender: new WeakRef(sender), channel: new WeakRef(channel) };
}

function channelWithLongLivedOwner(signal: Signal, keep: object[]): WeakRef<object> {
  const sender = { name: 'report' };
  const owner = new Widget('outlives the sender');
  keep.push(owner);
  signal.for(sender).connect(() => sender.name); // strong, and refers to the sender
  signal.for(sender).connect(() => owner.id, { owner });
  return new WeakRef(sender);
}

function channelOfKeptSender(signal: Signal, keep: object[], calls: Calls): WeakRef<object> {
  const sender = {};
  keep.push(sender);
  signal.for(sender).connect(() => calls.push('kept sender'));
  return new WeakRef(signal.for(sender));
}

function connectOwnedToChannel(signal: Signal, sender: object, keep: object[], calls: Calls): void {
  const owner = new Widget('channel owner');
  keep.push(owner);
  signal.for(sender).connect(() => calls.push(owner.id), { owner });
}
