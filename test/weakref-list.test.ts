import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finalize, getWeakRefCount, getWeakRefs, proxy, type Ref, ref, weakMethod } from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';
import { weakrefListOf } from '../src/weakref-list.js';
import { collectWithoutReporting, symbolsAreWeakTargets } from './support/gc.js';

// Handles the test wants collected live only in a `holder` array the test clears, or are made in helpers.

class C {}

/** Puts handles made by `make` into `holder` without the test body ever holding them. */
function hold(holder: Array<object | undefined>, make: () => object): void {
  holder.push(make());
}

const callback = () => {};

describe('getWeakRefCount', () => {
  it('test_getweakrefcount: counts refs and proxies, with and without callbacks, until they are dropped', async () => {
    const o = new C();
    const holder: Array<object | undefined> = [];
    hold(holder, () => ref(o));
    hold(holder, () => ref(o, callback));
    expect(getWeakRefCount(o)).toBe(2);
    hold(holder, () => proxy(o));
    hold(holder, () => proxy(o, callback));
    expect(getWeakRefCount(o)).toBe(4);
    holder.length = 0;
    await collectGarbage();
    expect(getWeakRefCount(o)).toBe(0);
  });

  it('test_getweakrefcount, differently: a primitive is a TypeError, not 0', () => {
    expect(() => getWeakRefCount(1 as never)).toThrow(
      new TypeError(
        "cannot create weak reference to 'number' value 1: " +
          'the target must be an object, a function or a non-registered symbol',
      ),
    );
    expect(() => getWeakRefs('text' as never)).toThrow("cannot create weak reference to 'string'");
  });

  it('is 0 for a target nothing was attached to, and does not count finalizers or weak methods', () => {
    const o = { method: () => 1 };
    expect(getWeakRefCount(o)).toBe(0);
    expect(getWeakRefs(o)).toEqual([]);
    const f = finalize(o, () => {});
    const m = weakMethod(o, 'method');
    expect(getWeakRefCount(o)).toBe(0);
    expect(getWeakRefs(o)).toEqual([]);
    expect(f.alive && m.alive).toBe(true);
  });

  it('counts handles on functions and (where the runtime holds symbols weakly) symbols', () => {
    if (symbolsAreWeakTargets) {
      const symbol = Symbol('id');
      const r = ref(symbol);
      expect(getWeakRefCount(symbol)).toBe(1);
      expect(getWeakRefs(symbol)).toEqual([r]);
    }
    const fn = () => {};
    const p = proxy(fn);
    expect(getWeakRefCount(fn)).toBe(1);
    expect(getWeakRefs(fn)[0]).toBe(p);
  });

  it('stops counting a dropped handle as soon as it is collected, before any cleanup turn', async () => {
    const o = new C();
    const holder: Array<object | undefined> = [];
    hold(holder, () => ref(o, callback));
    hold(holder, () => proxy(o));
    const kept = ref(o);
    expect(getWeakRefCount(o)).toBe(3);
    holder.length = 0;
    await collectWithoutReporting();
    expect(getWeakRefCount(o)).toBe(1);
    expect(getWeakRefs(o)).toEqual([kept]);
  });
});

describe('getWeakRefs', () => {
  it('test_getweakrefs: lists the live refs, whichever is dropped first', async () => {
    const o1 = new C();
    const first: Array<object | undefined> = [];
    hold(first, () => ref(o1, callback));
    hold(first, () => ref(o1, callback));
    const ref2 = first[1];
    first[0] = undefined;
    await collectGarbage();
    expect(getWeakRefs(o1)).toEqual([ref2]);

    const o2 = new C();
    const second: Array<object | undefined> = [];
    hold(second, () => ref(o2, callback));
    hold(second, () => ref(o2, callback));
    const ref1 = second[0];
    second[1] = undefined;
    await collectGarbage();
    expect(getWeakRefs(o2)).toEqual([ref1]);
  });

  it('test_getweakrefs: the list is cleared once the last ref is dropped', async () => {
    const o = new C();
    const holder: Array<object | undefined> = [];
    hold(holder, () => ref(o, callback));
    expect(getWeakRefs(o)).toHaveLength(1);
    holder.length = 0;
    await collectGarbage();
    expect(getWeakRefs(o)).toEqual([]);
  });

  it('lists refs and proxies oldest first; its length is the count', () => {
    const o = new C();
    const r1 = ref(o, callback);
    const p = proxy(o);
    const r2 = ref(o);
    const p2 = proxy(o, callback);
    const list = getWeakRefs(o);
    expect(list).toHaveLength(4);
    expect(list[0]).toBe(r1);
    expect(list[1]).toBe(p);
    expect(list[2]).toBe(r2);
    expect(list[3]).toBe(p2);
    expect(getWeakRefCount(o)).toBe(list.length);
  });

  it('returns a fresh array each time', () => {
    const o = new C();
    const r = ref(o);
    const list = getWeakRefs(o);
    list.length = 0;
    expect(getWeakRefs(o)).toEqual([r]);
    expect(getWeakRefs(o)).not.toBe(getWeakRefs(o));
  });
});

describe('memory: the weakref list of a long-lived target', () => {
  const batches = 10;
  const perBatch = 1000;

  it(`does not grow while ${batches * perBatch} refs with callbacks come and go`, async () => {
    const target = new C();
    const calls: string[] = [];
    for (let batch = 0; batch < batches; batch++) {
      attachDroppedRefs(target, perBatch, calls);
      expect(getWeakRefCount(target)).toBeGreaterThan(0);
      await collectGarbage();
      expect(getWeakRefCount(target)).toBe(0);
    }
    // Dead slots are pruned whenever the list doubles, so it stays within twice one batch.
    expect(weakrefListOf(target).entries.length).toBeLessThanOrEqual(2 * perBatch);
    expect(calls).toEqual([]);
    const survivor = ref(target);
    expect(getWeakRefs(target)).toEqual([survivor]);
  });

  it(`does not grow while ${batches * perBatch} finalizers are created and called`, async () => {
    const target = new C();
    let ran = 0;
    for (let batch = 0; batch < batches; batch++) {
      for (let i = 0; i < perBatch; i++) finalize(target, () => ran++)();
    }
    expect(ran).toBe(batches * perBatch);
    expect(weakrefListOf(target).entries.length).toBeLessThanOrEqual(16);
    const pending = finalize(target, () => 'still pending');
    expect(pending.alive).toBe(true);
  });
});

function attachDroppedRefs(target: object, count: number, calls: string[]): void {
  for (let i = 0; i < count; i++) ref(target, () => calls.push(`ref ${i}`));
}

// ---------------------------------------------------------------------------------------------------
// Model test: random refs, proxies and finalizers on a few targets, interleaved with dropping targets
// and handles and with real collections, checked against a model after every collection.

type Op =
  | { kind: 'ref' | 'proxy'; target: number; callback: boolean; keep: boolean }
  | { kind: 'finalize'; target: number; detach: boolean }
  | { kind: 'dropTarget'; target: number }
  | { kind: 'dropHandle'; handle: number }
  | { kind: 'renew'; target: number }
  | { kind: 'collect' };

const slots = 3;
const slot = fc.integer({ min: 0, max: slots - 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('ref', 'proxy'),
      target: slot,
      callback: fc.constantFrom(true, true, false),
      keep: fc.constantFrom(true, true, false),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ kind: fc.constant('finalize'), target: slot, detach: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('dropTarget'), target: slot }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('dropHandle'), handle: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('renew'), target: slot }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'collect' as const }), weight: 2 },
);

interface ModelHandle {
  kind: 'ref' | 'proxy';
  target: ModelTarget;
  event: string | undefined; // what its callback logs, if it has one
  kept: boolean;
  droppedAt: number;
}

interface ModelTarget {
  name: string;
  held: boolean;
  droppedAt: number;
  reported: boolean;
  /** Handles (by index) and finalizers (by event), oldest first. */
  attachments: Array<{ handle: number } | { finalizer: string }>;
  shared: { ref?: number; proxy?: number };
}

/** Callbacks made out here close over nothing but the log. */
const logger = (log: string[], event: string) => () => {
  log.push(event);
};

class Scenario {
  // The real side: the only strong references to targets and handles.
  readonly targets: Array<{ name: string } | undefined> = [];
  readonly handles: Array<object | undefined> = [];
  readonly identities: WeakRef<object>[] = [];
  readonly log: string[] = [];
  // The model side.
  readonly model: ModelTarget[] = [];
  readonly modelHandles: ModelHandle[] = [];
  #clock = 0;
  #events = 0;
  #generation = 0;

  constructor() {
    for (let i = 0; i < slots; i++) this.#renew(i);
  }

  #renew(i: number): void {
    const name = `t${i}.${this.#generation++}`;
    this.targets[i] = { name };
    this.model[i] = { name, held: true, droppedAt: -1, reported: false, attachments: [], shared: {} };
  }

  step(op: Op): void {
    this.#clock++;
    switch (op.kind) {
      case 'ref':
      case 'proxy':
        this.#attach(op.kind, op.target, op.callback, op.keep);
        return;
      case 'finalize': {
        const model = this.model[op.target]!;
        if (!model.held) return;
        const event = `${model.name} finalizer ${this.#events++}`;
        const f = finalize(this.targets[op.target]!, logger(this.log, event));
        if (op.detach) f.detach();
        else model.attachments.push({ finalizer: event });
        return;
      }
      case 'dropTarget': {
        const model = this.model[op.target]!;
        if (!model.held) return;
        this.targets[op.target] = undefined;
        model.held = false;
        model.droppedAt = this.#clock;
        return;
      }
      case 'dropHandle': {
        if (this.handles.length === 0) return;
        const index = op.handle % this.handles.length;
        const handle = this.modelHandles[index]!;
        if (!handle.kept) return;
        this.handles[index] = undefined;
        handle.kept = false;
        handle.droppedAt = this.#clock;
        return;
      }
      case 'renew':
        if (this.model[op.target]!.reported) this.#renew(op.target);
        return;
      case 'collect':
        throw new Error('collect is asynchronous: see run()');
    }
  }

  #attach(kind: 'ref' | 'proxy', i: number, withCallback: boolean, keep: boolean): void {
    const model = this.model[i]!;
    if (!model.held) return;
    const target = this.targets[i]!;
    const event = withCallback ? `${model.name} ${kind} ${this.#events++}` : undefined;
    const callback = event === undefined ? undefined : logger(this.log, event);
    const handle: object = kind === 'ref' ? ref(target, callback) : proxy(target, callback);
    const shared = event === undefined ? model.shared[kind] : undefined;
    if (shared !== undefined) {
      const previous = this.modelHandles[shared]!;
      if (previous.kept) {
        expect(handle).toBe(this.identities[shared]!.deref());
      }
      if (handle === this.identities[shared]!.deref()) {
        // Reused: a dropped one that was not collected yet may be kept again.
        if (keep) {
          previous.kept = true;
          this.handles[shared] = handle;
        }
        return;
      }
    }
    const index = this.handles.push(keep ? handle : undefined) - 1;
    this.identities.push(new WeakRef(handle));
    this.modelHandles.push({ kind, target: model, event, kept: keep, droppedAt: keep ? -1 : this.#clock });
    model.attachments.push({ handle: index });
    if (event === undefined) model.shared[kind] = index;
  }

  /** After a full collection: what the model says must have run, and what every read API must say. */
  verifyAfterCollection(): void {
    for (const model of this.model) {
      if (model.held || model.reported) continue;
      model.reported = true;
      const expected: Array<{ event: string; certain: boolean }> = [];
      for (const attachment of [...model.attachments].reverse()) {
        if ('finalizer' in attachment) {
          expected.push({ event: attachment.finalizer, certain: true });
          continue;
        }
        const handle = this.modelHandles[attachment.handle]!;
        if (handle.event === undefined) continue;
        if (handle.kept) expected.push({ event: handle.event, certain: true });
        // Dropped after its target: a collection between the two (V8 may run one at any time)
        // could report the target while the handle still lived.
        else if (handle.droppedAt > model.droppedAt) expected.push({ event: handle.event, certain: false });
      }
      const actual = this.log.filter((event) => event.startsWith(`${model.name} `));
      expectSubsequence(actual, expected);
    }
    for (const [i, model] of this.model.entries()) {
      const live = model.attachments.flatMap((a) =>
        'handle' in a && this.modelHandles[a.handle]!.kept ? [this.handles[a.handle]!] : [],
      );
      for (const handle of live) this.#expectHandleSees(handle, model);
      if (!model.held) continue;
      // Every handle not kept has been collected by now.
      const target = this.targets[i]!;
      expect(getWeakRefCount(target)).toBe(live.length);
      const listed = getWeakRefs(target);
      expect(listed).toHaveLength(live.length);
      for (const [k, handle] of live.entries()) expect(listed[k]).toBe(handle);
    }
    for (const event of this.log) {
      expect(this.log.indexOf(event), `${event} ran twice`).toBe(this.log.lastIndexOf(event));
      expect(
        this.model.some((m) => event.startsWith(`${m.name} `) && !m.reported),
        `${event} ran while its target lived`,
      ).toBe(false);
    }
  }

  #expectHandleSees(handle: object, model: ModelTarget): void {
    // Refs are functions; proxies of these plain-object targets are objects.
    if (typeof handle === 'function') {
      const seen = (handle as Ref<{ name: string }>)();
      expect(seen?.name).toBe(model.held ? model.name : undefined);
    } else if (model.held) {
      expect((handle as { name: string }).name).toBe(model.name);
    } else {
      expect(() => (handle as { name: string }).name).toThrow(ReferenceError);
    }
  }

  dropEverything(): void {
    for (let i = 0; i < slots; i++) this.step({ kind: 'dropTarget', target: i });
  }
}

/** `actual` is `expected` in order, where the uncertain items may be missing. */
function expectSubsequence(actual: string[], expected: Array<{ event: string; certain: boolean }>): void {
  let next = 0;
  for (const { event, certain } of expected) {
    if (actual[next] === event) next++;
    else if (certain)
      expect(actual, `missing ${event}; expected ${JSON.stringify(expected)}`).toContain(event);
  }
  expect(
    actual.slice(next),
    `unexpected or out-of-order events; expected ${JSON.stringify(expected)}`,
  ).toEqual([]);
}

async function run(ops: Op[]): Promise<void> {
  const scenario = new Scenario();
  for (const op of ops) {
    if (op.kind === 'collect') {
      // One round is enough: no callback here drops the last reference to anything.
      await collectGarbage({ rounds: 1 });
      scenario.verifyAfterCollection();
    } else {
      scenario.step(op);
    }
  }
  scenario.dropEverything();
  await collectGarbage({ rounds: 1 });
  scenario.verifyAfterCollection();
}

describe('model test', () => {
  it('refs, proxies and finalizers on shared targets behave as the model says, across real collections', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 10, maxLength: 40, size: 'max' }), (ops) =>
        run(ops),
      ),
      { numRuns: 30 },
    );
  });
});
