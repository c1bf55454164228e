// Bookkeeping does not outlive what it tracks: 10,000 receivers whose owners are dropped leave no
// receivers and no heap behind, and connect/disconnect churn on a living owner does not grow the heap.
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Signal } from '../../src/signal/index.js';
import { collectGarbage } from '../../src/testing/index.js';

const count = 10_000;

class Widget {
  renders = 0;
  render(): void {
    this.renders++;
  }
}

/**
 * The least heap used over several collections. Reclaiming takes a few: a collection clears the
 * receivers, their cleanup callbacks run after it, and only the next one frees what those let go.
 */
async function settledHeap(): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 6; i++) {
    await collectGarbage();
    least = Math.min(least, getHeapStatistics().used_heap_size);
  }
  return least;
}

/** Owners live in `holder.owners` only, so replacing that array drops them all. */
interface Holder {
  owners: Widget[];
}

function connectOwned(signal: Signal, holder: Holder, n: number): void {
  for (let i = 0; i < n; i++) {
    const widget = new Widget();
    holder.owners.push(widget);
    signal.connect(() => widget.render(), { owner: widget });
  }
}

function churn(signal: Signal, owner: Widget, n: number): void {
  for (let i = 0; i < n; i++) {
    const connection = signal.connect(() => owner.render(), { owner });
    signal.connect(owner, 'render').disconnect();
    connection.disconnect();
  }
}

describe('Signal memory', () => {
  it(`${count.toLocaleString('en')} owner-anchored receivers whose owners are dropped leave receiverCount 0 and no heap growth`, async () => {
    const signal = new Signal();
    const holder: Holder = { owners: [] };
    connectOwned(signal, holder, count); // warm up the code paths and the runtime's tables once
    signal.emit();
    holder.owners = [];
    const before = await settledHeap();
    expect(signal.receiverCount).toBe(0);

    connectOwned(signal, holder, count);
    const during = await settledHeap();
    expect(signal.receiverCount).toBe(count);
    signal.emit();
    expect(holder.owners.every((widget) => widget.renders === 1)).toBe(true);

    holder.owners = [];
    const after = await settledHeap();
    expect(signal.receiverCount).toBe(0);
    const grownWhileConnected = during - before;
    expect(grownWhileConnected).toBeGreaterThan(count * 100); // the measurement can see the receivers...
    expect(after - before).toBeLessThan(grownWhileConnected * 0.05); // ...and none of them is left
  });

  it('connect/disconnect churn with a living owner does not grow the heap', async () => {
    const signal = new Signal();
    const owner = new Widget();
    churn(signal, owner, count);
    const before = await settledHeap();
    churn(signal, owner, count * 3);
    const after = await settledHeap();
    expect(signal.receiverCount).toBe(0);
    expect(after - before).toBeLessThan(64 * 1024);
  });
});
