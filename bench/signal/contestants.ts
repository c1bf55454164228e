// What the signal suite measures: emitting to N receivers and connect+disconnect, for weakkit's
// Signal (strong, owner-anchored and method receivers) and the emitters users pick instead (see
// /work/shared/PEERS.md). Each package is loaded lazily, so a child process imports only its own.
import { EventEmitter as NodeEventEmitter, setMaxListeners } from 'node:events';

/** What every receiver does: a store and an add the JIT cannot drop. */
export interface Sink {
  value: unknown;
  count: number;
}

export const sink: Sink = { value: undefined, count: 0 };

/**
 * `copies`: one function literal evaluated N times (N closures that share their code, so V8 can
 * inline the one target at a monomorphic call site, which flatters loop-over-array emitters such as
 * mitt). `distinct`: N functions with N different bodies, as N different subscribers would be.
 */
export type ReceiverStyle = 'copies' | 'distinct';

export function makeReceivers(n: number, style: ReceiverStyle): ((value: unknown) => void)[] {
  const receivers: ((value: unknown) => void)[] = [];
  for (let i = 0; i < n; i++) {
    receivers.push(
      style === 'copies'
        ? (value: unknown) => {
            sink.value = value;
            sink.count++;
          }
        : (new Function(
            'sink',
            `return function receiver${i}(value) { sink.value = value; sink.count += ${i + 1}; }`,
          )(sink) as (value: unknown) => void),
    );
  }
  return receivers;
}

/** Objects with an `onEvent` method: one class's method (`copies`) or a different method each (`distinct`). */
function makeListeners(n: number, style: ReceiverStyle): { onEvent(value: unknown): void }[] {
  if (style === 'distinct') return makeReceivers(n, style).map((onEvent) => ({ onEvent }));
  class Listener {
    onEvent(value: unknown): void {
      sink.value = value;
      sink.count++;
    }
  }
  return Array.from({ length: n }, () => new Listener());
}

/** Keeps owners and listeners alive for the whole measurement. */
export const keepAlive: unknown[] = [];

export interface Contestant {
  readonly name: string;
  readonly label: string;
  /** Returns a function that emits once to `n` receivers of the given style. */
  emitter(n: number, style: ReceiverStyle): Promise<() => void>;
  /** Returns a function that connects and disconnects one receiver, with `background` others connected. */
  connector?(background: number): Promise<() => void>;
}

const eventName = 'event';

export const contestants: readonly Contestant[] = [
  {
    name: 'weakkit',
    label: 'weakkit `Signal`',
    async emitter(n, style) {
      const { Signal } = await import('weakkit/signal');
      const signal = new Signal<[value: number]>();
      for (const receiver of makeReceivers(n, style)) signal.connect(receiver);
      return () => signal.emit(1);
    },
    async connector(background) {
      const { Signal } = await import('weakkit/signal');
      const signal = new Signal<[value: number]>();
      for (const receiver of makeReceivers(background, 'copies')) signal.connect(receiver);
      const [receiver] = makeReceivers(1, 'copies');
      return () => signal.connect(receiver!).disconnect();
    },
  },
  {
    name: 'weakkit-owner',
    label: 'weakkit, `{ owner }`',
    async emitter(n, style) {
      const { Signal } = await import('weakkit/signal');
      const signal = new Signal<[value: number]>();
      for (const receiver of makeReceivers(n, style)) {
        const owner = {};
        keepAlive.push(owner);
        signal.connect(receiver, { owner });
      }
      return () => signal.emit(1);
    },
    async connector(background) {
      const { Signal } = await import('weakkit/signal');
      const signal = new Signal<[value: number]>();
      const owner = {};
      keepAlive.push(owner);
      for (const receiver of makeReceivers(background, 'copies')) signal.connect(receiver, { owner });
      const [receiver] = makeReceivers(1, 'copies');
      return () => signal.connect(receiver!, { owner }).disconnect();
    },
  },
  {
    name: 'weakkit-method',
    label: "weakkit, `(object, 'method')`",
    async emitter(n, style) {
      const { Signal } = await import('weakkit/signal');
      const signal = new Signal<[value: number]>();
      for (const listener of makeListeners(n, style)) {
        keepAlive.push(listener);
        signal.connect(listener, 'onEvent');
      }
      return () => signal.emit(1);
    },
  },
  {
    // Not an emitter: the least any weakly held receiver can cost, one deref and one call each.
    name: 'weakref-loop',
    label: 'bare `WeakRef` loop (the floor for weak receivers)',
    async emitter(n, style) {
      const holders = makeReceivers(n, style).map((fn) => ({ fn }));
      keepAlive.push(holders);
      const refs = holders.map((holder) => new WeakRef(holder));
      return () => {
        for (let i = 0; i < refs.length; i++) refs[i]!.deref()?.fn(1);
      };
    },
  },
  {
    name: 'eventemitter3',
    label: '`eventemitter3` 5',
    async emitter(n, style) {
      const { EventEmitter } = await import('eventemitter3');
      const emitter = new EventEmitter();
      for (const receiver of makeReceivers(n, style)) emitter.on(eventName, receiver);
      return () => {
        emitter.emit(eventName, 1);
      };
    },
    async connector(background) {
      const { EventEmitter } = await import('eventemitter3');
      const emitter = new EventEmitter();
      for (const receiver of makeReceivers(background, 'copies')) emitter.on(eventName, receiver);
      const [receiver] = makeReceivers(1, 'copies');
      return () => {
        emitter.on(eventName, receiver!);
        emitter.off(eventName, receiver!);
      };
    },
  },
  {
    name: 'mitt',
    label: '`mitt` 3',
    async emitter(n, style) {
      const mitt = await loadMitt();
      const bus = mitt<{ [eventName]: number }>();
      for (const receiver of makeReceivers(n, style)) bus.on(eventName, receiver);
      return () => bus.emit(eventName, 1);
    },
    async connector(background) {
      const mitt = await loadMitt();
      const bus = mitt<{ [eventName]: number }>();
      for (const receiver of makeReceivers(background, 'copies')) bus.on(eventName, receiver);
      const [receiver] = makeReceivers(1, 'copies');
      return () => {
        bus.on(eventName, receiver!);
        bus.off(eventName, receiver!);
      };
    },
  },
  {
    name: 'node-events',
    label: 'Node `EventEmitter`',
    async emitter(n, style) {
      const emitter = await nodeEmitter();
      for (const receiver of makeReceivers(n, style)) emitter.on(eventName, receiver);
      return () => {
        emitter.emit(eventName, 1);
      };
    },
    async connector(background) {
      const emitter = await nodeEmitter();
      for (const receiver of makeReceivers(background, 'copies')) emitter.on(eventName, receiver);
      const [receiver] = makeReceivers(1, 'copies');
      return () => {
        emitter.on(eventName, receiver!);
        emitter.off(eventName, receiver!);
      };
    },
  },
  {
    name: 'event-target',
    label: '`EventTarget` (a new `Event` per dispatch)',
    async emitter(n, style) {
      const target = await eventTarget();
      for (const receiver of makeReceivers(n, style)) target.addEventListener(eventName, receiver);
      return () => {
        target.dispatchEvent(new Event(eventName));
      };
    },
    async connector(background) {
      const target = await eventTarget();
      for (const receiver of makeReceivers(background, 'copies'))
        target.addEventListener(eventName, receiver);
      const [receiver] = makeReceivers(1, 'copies');
      return () => {
        target.addEventListener(eventName, receiver!);
        target.removeEventListener(eventName, receiver!);
      };
    },
  },
];

export function contestantNamed(name: string): Contestant {
  const contestant = contestants.find((c) => c.name === name);
  if (contestant === undefined) throw new Error(`no contestant named ${name}`);
  return contestant;
}

// mitt's types are CommonJS-shaped; under NodeNext its default import is typed as the module object.
async function loadMitt() {
  const { default: mitt } = await import('mitt');
  return mitt as unknown as typeof mitt.default;
}

/** An `EventTarget` without Node's warning about more than 10 listeners. */
async function eventTarget(): Promise<EventTarget> {
  const target = new EventTarget();
  setMaxListeners(0, target);
  return target;
}

async function nodeEmitter(): Promise<NodeEventEmitter> {
  const emitter = new NodeEventEmitter();
  emitter.setMaxListeners(0);
  return emitter;
}
