import { typeOf } from '../type-of.js';
import { assertWeakable, type WeakKey } from '../weakable.js';
import { Anchors } from './anchors.js';
import {
  receiverName,
  reportCollected,
  type SignalSettings,
  type TrackedReceiver,
} from './collected-receiver.js';
import { Connection, type Receiver } from './connection.js';
import { type EmitResult, emitRobustTo, emitTo } from './emit.js';

/**
 * How `connect(fn, options)` holds and ends a function receiver.
 *
 * @example
 * const saved = new Signal<[title: string]>();
 * const panel = { refresh(title: string) {} };
 * const controller = new AbortController();
 * saved.connect((title) => panel.refresh(title), { owner: panel, signal: controller.signal });
 */
export interface ConnectOptions {
  /**
   * The object the receiver belongs to: the function then lives exactly as long as `owner` does, and
   * the connection ends when `owner` is collected. The function may refer to `owner` (a closure, a
   * bound method): it is anchored on `owner`, so that does not keep `owner` alive.
   */
  owner?: WeakKey;
  /**
   * Hold the function itself weakly, for a function that something else owns and keeps alive. A
   * closure passed inline with `weak: true` dies at the next collection; use `owner` for those.
   */
  weak?: boolean;
  /** End the connection before the first emit that reaches it runs the receiver. */
  once?: boolean;
  /** End the connection when this signal aborts (at once if it already has). */
  signal?: AbortSignal;
}

/**
 * How `connect(object, 'method', options)` ends a method receiver; the object is always held weakly.
 *
 * @example
 * const saved = new Signal<[title: string]>();
 * const panel = { refresh(title: string) {} };
 * saved.connect(panel, 'refresh', { once: true });
 */
export type MethodConnectOptions = Pick<ConnectOptions, 'once' | 'signal'>;

type AnyFunction = (...args: any[]) => unknown;

/**
 * The receivers of a signal, or of one sender's channel.
 *
 * Invariants:
 * - an emit iterates `receivers` itself, without a copy, up to the length it had when the emit
 *   began. So while an emit runs (`#emitting > 0`) the array is only appended to, and a removal
 *   replaces it with a copy; with no emit running, a removal happens in place. Either way an emit
 *   runs exactly the receivers that were connected when it began; `version` changes whenever
 *   `receivers` does;
 * - a connection is in `receivers` from connect until it ends; one ended by the collection of its
 *   receiver leaves in a sweep after the cleanup turn, so a mass collection costs one pass;
 * - `#anchors` files each weakly held receiver under its key (owner, object, or the function
 *   itself): that slot is all that keeps it alive, and it is how a duplicate connect is found;
 * - each weakly held receiver is registered once in `#registry`, without an unregister token: the
 *   cleanup ignores a connection that already ended, and a disconnected receiver leaves its slot,
 *   so it is collected and its registration goes at the next collection.
 * @internal
 */
export class ReceiverList {
  receivers: Connection[] = [];
  version = 0;
  readonly #settings: SignalSettings;
  /** Made with the first weakly held receiver, as is `#registry`: a list of strong ones needs neither. */
  #anchors: Anchors<Receiver> | undefined;
  #registry: FinalizationRegistry<TrackedReceiver> | undefined;
  #sweepQueued = false;
  #emitting = 0;

  constructor(settings: SignalSettings) {
    this.#settings = settings;
  }

  /** Emits to these receivers; while it runs, removals copy the array instead of changing it. */
  emit(args: unknown[]): void {
    this.#emitting++;
    try {
      emitTo(this.receivers, args, this.#settings.label);
    } finally {
      this.#emitting--;
    }
  }

  /** As {@link emit}, collecting results and errors. */
  emitRobust(args: unknown[]): EmitResult[] {
    this.#emitting++;
    try {
      return emitRobustTo(this.receivers, args);
    } finally {
      this.#emitting--;
    }
  }

  /** `connect(fn, options?)` or `connect(object, method, options?)`, checked. */
  connect(target: unknown, methodOrOptions: unknown, methodOptions: unknown): Connection {
    if (typeof methodOrOptions === 'string' || typeof methodOrOptions === 'symbol') {
      return this.#connectMethod(target, methodOrOptions, methodOptions);
    }
    if (typeof target !== 'function') {
      throw new TypeError(
        `connect on ${this.#settings.label} expects a receiver function, or an object and a method name; ` +
          `got ${typeOf(target)}`,
      );
    }
    const { owner, weak, once, signal } = checkOptions(methodOrOptions);
    if (owner !== undefined) {
      assertWeakable(owner, 'receiver owner');
      if (weak) {
        throw new TypeError(
          'connect: pass either owner (the function lives as long as the owner) or weak: true ' +
            '(the function is owned elsewhere), not both',
        );
      }
    }
    const key = owner ?? (weak ? target : undefined);
    const name = key === undefined ? '' : receiverName(target, owner);
    return this.#add(target as AnyFunction, undefined, key, once, signal, name);
  }

  #connectMethod(target: unknown, method: string | symbol, options: unknown): Connection {
    assertWeakable(target, 'method receiver object');
    const fn: unknown = (target as Record<string | symbol, unknown>)[method];
    if (typeof fn !== 'function') {
      throw new TypeError(
        `connect: ${String(method)} is not a method: object[${JSON.stringify(String(method))}] is ${typeOf(fn)}`,
      );
    }
    const { owner, weak, once, signal } = checkOptions(options);
    if (owner !== undefined || weak) {
      throw new TypeError(
        'connect(object, method): the object is always held weakly and the method lives as long as it; ' +
          'owner and weak apply only to connect(fn, options)',
      );
    }
    return this.#add(fn as AnyFunction, target, target, once, signal, receiverName(fn, target, method));
  }

  /**
   * Connects `fn`, called on `thisArg`: strongly when `key` is `undefined`, else anchored on `key`.
   * A function, or an object and method, that is already connected keeps its connection, and this
   * call's options are ignored, as `addEventListener` ignores a listener added twice.
   */
  #add(
    fn: AnyFunction,
    thisArg: WeakKey | undefined,
    key: WeakKey | undefined,
    once: boolean,
    signal: AbortSignal | undefined,
    name: string,
  ): Connection {
    const existing = this.#find(fn, thisArg, key ?? fn);
    if (existing !== undefined) return existing;
    if (signal?.aborted) return new Connection(undefined, fn, false);
    let connection: Connection;
    if (key === undefined) {
      connection = new Connection(this, fn, once);
    } else {
      const receiver = { fn, thisArg, key } as Receiver;
      connection = new Connection(this, receiver, once);
      this.#anchors ??= new Anchors();
      this.#anchors.add(key, receiver);
      const weakSince = key === fn ? performance.now() : undefined;
      this.#registry ??= new FinalizationRegistry((tracked) => this.#collected(tracked));
      this.#registry.register(receiver, { connection, name, weakSince });
    }
    if (signal !== undefined) connection.endOnAbort(signal);
    this.receivers.push(connection);
    this.version++;
    return connection;
  }

  /** A plain or `weak: true` function is its own key, so connecting it either way twice is found. */
  #find(fn: AnyFunction, thisArg: WeakKey | undefined, key: WeakKey): Connection | undefined {
    const anchored = this.#anchors?.on(key);
    if (anchored !== undefined) {
      for (const receiver of anchored)
        if (receiver.fn === fn && receiver.thisArg === thisArg) return receiver.connection;
    }
    if (key !== fn) return undefined;
    for (const connection of this.receivers) if (connection.holdsStrongly(fn)) return connection;
    return undefined;
  }

  disconnect(connection: Connection): void {
    if (!this.#end(connection)) return;
    if (this.#emitting > 0) this.receivers = this.receivers.filter((c) => c !== connection);
    else removeInPlace(this.receivers, connection);
    this.version++;
  }

  disconnectAll(): void {
    const all = this.receivers;
    this.receivers = [];
    this.version++;
    for (const connection of all) this.#end(connection);
  }

  /** Receivers that are connected and not collected, whether or not the cleanup has run. */
  count(): number {
    let count = 0;
    for (const connection of this.receivers) if (connection.connected) count++;
    return count;
  }

  /** Ends `connection` and unfiles its receiver; `false` if it had already ended. */
  #end(connection: Connection): boolean {
    const receiver = connection.weakReceiver();
    if (!connection.end()) return false;
    if (receiver !== undefined) this.#anchors!.delete(receiver.key, receiver);
    return true;
  }

  #collected(tracked: TrackedReceiver): void {
    if (!tracked.connection.end()) return; // disconnected before its receiver was collected
    if (!this.#sweepQueued) {
      this.#sweepQueued = true;
      queueMicrotask(() => {
        this.#sweepQueued = false;
        this.receivers = this.receivers.filter((connection) => connection.attached);
        this.version++;
      });
    }
    reportCollected(tracked, this.#settings);
  }
}

function removeInPlace(receivers: Connection[], connection: Connection): void {
  // The receiver connected last is often the first to go (a scoped or one-off connection).
  if (receivers[receivers.length - 1] === connection) {
    receivers.pop();
    return;
  }
  const index = receivers.indexOf(connection);
  if (index === -1) return;
  for (let i = index + 1; i < receivers.length; i++) receivers[i - 1] = receivers[i]!;
  receivers.pop();
}

interface CheckedOptions {
  owner: WeakKey | undefined;
  weak: boolean;
  once: boolean;
  signal: AbortSignal | undefined;
}

const noOptions: CheckedOptions = { owner: undefined, weak: false, once: false, signal: undefined };

function checkOptions(options: unknown): CheckedOptions {
  if (options === undefined) return noOptions;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`connect options must be an object, got ${typeOf(options)}`);
  }
  const { owner, weak, once, signal } = options as ConnectOptions;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`connect: signal must be an AbortSignal, got ${typeOf(signal)}`);
  }
  return { owner, weak: Boolean(weak), once: Boolean(once), signal };
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}
