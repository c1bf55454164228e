// "Callback stopped working": onReceiverCollected, and the weak-closure warning.
import { describe, expect, it } from 'vitest';
import { Signal } from '../../src/signal/index.js';
import { collectGarbage } from '../../src/testing/index.js';
import { captureReports } from './helpers.js';

const reports = captureReports();

class Widget {
  render() {}
}

function connectEveryKind(signal: Signal, keep: object[]): void {
  const widget = new Widget();
  const handler = function onSaved() {};
  keep.push(widget, handler);
  signal.connect(() => widget, { owner: widget });
  signal.connect(function refresh() {}, { owner: widget });
  signal.connect(widget, 'render');
  signal.connect(handler, { weak: true });
  connectStrong(signal);
}

/** Not in connectEveryKind: a closure made there would share (and keep) the scope that holds `widget`. */
function connectStrong(signal: Signal): void {
  signal.connect(() => {}); // never collected while connected, so never reported
}

function connectInlineWeak(signal: Signal): void {
  signal.connect(function onSaved() {}, { weak: true });
}

function connectWeakHeldBy(signal: Signal, keep: object[]): void {
  const handler = () => {};
  keep.push(handler);
  signal.connect(handler, { weak: true });
}

function connectOwned(signal: Signal, keep: object[]): void {
  const owner = new Widget();
  keep.push(owner);
  signal.connect(() => owner, { owner });
}

/** Returns weak references to the receivers and the owner, to check they were really collected. */
function connectThenDisconnect(signal: Signal): WeakRef<object>[] {
  const gone = function gone() {};
  signal.connect(gone, { weak: true }).disconnect();
  const owner = new Widget();
  const owned = () => owner;
  signal.connect(owned, { owner }).disconnect();
  return [new WeakRef(gone), new WeakRef(owned), new WeakRef(owner)];
}

const warnings = () => reports.filter((r) => (r.error as Error).name === 'WeakReceiverWarning');

describe('onReceiverCollected', () => {
  it('names each collected receiver once, after the cleanup', async () => {
    const names: string[] = [];
    const signal = new Signal({ name: 'saved', onReceiverCollected: ({ name }) => names.push(name) });
    const keep: object[] = [];
    connectEveryKind(signal, keep);
    await collectGarbage();
    expect(names).toEqual([]);
    keep.length = 0;
    await collectGarbage();
    expect(names.sort()).toEqual([
      '(anonymous) (owner: Widget)',
      'Widget.render',
      'onSaved',
      'refresh (owner: Widget)',
    ]);
    expect(signal.receiverCount).toBe(1);
  });

  it('says nothing about receivers that were disconnected before they were collected', async () => {
    const names: string[] = [];
    const signal = new Signal({ onReceiverCollected: ({ name }) => names.push(name) });
    const receivers = connectThenDisconnect(signal);
    await collectGarbage();
    expect(receivers.map((receiver) => receiver.deref())).toEqual([undefined, undefined, undefined]);
    expect(names).toEqual([]);
    expect(warnings()).toEqual([]);
  });

  it('reports a throwing hook and goes on', async () => {
    const signal = new Signal({
      name: 'saved',
      onReceiverCollected: () => {
        throw new Error('hook failed');
      },
    });
    const keep: object[] = [];
    connectOwned(signal, keep);
    connectOwned(signal, keep);
    keep.length = 0;
    await collectGarbage();
    expect(reports.map((r) => [r.context, (r.error as Error).message])).toEqual([
      ["onReceiverCollected of signal 'saved'", 'hook failed'],
      ["onReceiverCollected of signal 'saved'", 'hook failed'],
    ]);
    expect(signal.receiverCount).toBe(0);
  });
});

describe('the weak-closure warning', () => {
  it('reports a weak: true receiver collected right after connecting, saying what happened and the fix', async () => {
    const signal = new Signal({ name: 'saved' });
    connectInlineWeak(signal);
    await collectGarbage();
    expect(signal.receiverCount).toBe(0);
    expect(warnings()).toHaveLength(1);
    const { error, context } = warnings()[0]!;
    expect(context).toBe("a weak receiver of signal 'saved'");
    const message = (error as Error).message;
    expect(message).toMatch(
      /^the receiver onSaved of signal 'saved', connected with \{ weak: true \}, was garbage-collected \d+ ms after connecting/,
    );
    expect(message).toContain('Connect it with { owner: theObjectItBelongsTo }');
  });

  it('stays quiet about weak: true receivers that live past the window, and about owner-anchored ones', async () => {
    const signal = new Signal();
    const keep: object[] = [];
    connectWeakHeldBy(signal, keep);
    connectOwned(signal, keep);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    keep.length = 0;
    await collectGarbage();
    expect(signal.receiverCount).toBe(0);
    expect(warnings()).toEqual([]);
  });

  it('stays quiet about owner-anchored receivers whose owner dies at once', async () => {
    const signal = new Signal();
    const keep: object[] = [];
    connectOwned(signal, keep);
    keep.length = 0;
    await collectGarbage();
    expect(signal.receiverCount).toBe(0);
    expect(warnings()).toEqual([]);
  });
});
