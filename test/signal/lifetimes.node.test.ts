// Node only (node:events): a connection's listener on its AbortSignal goes when the connection ends.
import { getEventListeners } from 'node:events';
import { expect, it } from 'vitest';
import { Signal } from '../../src/signal/index.js';
import { collectGarbage } from '../../src/testing/index.js';

class Owner {
  constructor(readonly id: string) {}
}

function connectOwnedAbortable(signal: Signal, keep: object[], abortSignal: AbortSignal): void {
  const owner = new Owner('abortable');
  keep.push(owner);
  signal.connect(() => owner.id, { owner, signal: abortSignal });
}

it('removes its listener from the AbortSignal when a connection ends in any way', async () => {
  const signal = new Signal();
  const controller = new AbortController();
  const keep: object[] = [];
  const listeners = () => getEventListeners(controller.signal, 'abort').length;
  signal.connect(() => {}, { signal: controller.signal }).disconnect();
  signal.connect(() => {}, { signal: controller.signal, once: true });
  signal.emit();
  signal.connect(() => {}, { signal: controller.signal });
  signal.disconnectAll();
  expect(listeners()).toBe(0);
  connectOwnedAbortable(signal, keep, controller.signal);
  expect(listeners()).toBe(1);
  keep.length = 0;
  await collectGarbage();
  expect(listeners()).toBe(0);
  expect(signal.receiverCount).toBe(0);
});
