// `Symbol.dispose` and `Disposable` are newer than ES2023: this reference carries their types into the
// .d.ts, so that a consumer compiling with an older `lib` and no @types/node still type-checks.
/// <reference lib="esnext.disposable" preserve="true" />
import type { WeakKey } from '../weakable.js';
import type { ReceiverList } from './receiver-list.js';

/**
 * A receiver that is not held strongly: an owner-anchored function, a method, or a `weak: true`
 * function. It is filed under `key` in its list's anchors, which is all that keeps it alive, so it
 * lives exactly as long as `key` (and until its connection ends).
 * @internal
 */
export interface Receiver {
  readonly fn: (...args: any[]) => unknown;
  /** The object a method is called on; `undefined` for a function. */
  readonly thisArg: WeakKey | undefined;
  /** The owner, the method's object, or (with `weak: true`) the function itself. */
  readonly key: WeakKey;
  /** Set once, by the connection made for this receiver. */
  connection: Connection;
}

/**
 * What {@link Connection.call} returns for a receiver that is gone, or a `once` receiver that already ran.
 * @internal
 */
export const skipped: unique symbol = Symbol('skipped');

type AnyFunction = (...args: any[]) => unknown;

let connectionsMade = 0;

/**
 * One receiver's connection to a signal (or to a sender's channel), as returned by `connect`.
 * Holding it keeps neither the receiver nor its owner alive. It ends on `disconnect()`, on
 * `[Symbol.dispose]()` (so `using` works), when its `AbortSignal` aborts, after one emit for a
 * `once` connection, and when a weakly held receiver or its owner is collected.
 *
 * @example
 * const saved = new Signal<[title: string]>();
 * const connection = saved.connect((title) => console.log('saved', title));
 * connection.connected; // true
 * connection.disconnect();
 * connection.connected; // false
 *
 * {
 *   using _ = saved.connect((title) => console.log(title));
 *   saved.emit('notes.md');
 * } // disconnected here
 */
export class Connection {
  /** Connection order, shared by a signal and its channels, so that a channel's emit keeps it. @internal */
  readonly order = ++connectionsMade;
  #list: ReceiverList | undefined;
  /** A plain function receiver, held strongly. */
  readonly #strong: AnyFunction | undefined;
  /** `#strong` unless the connection is `once`: what the hot path of an emit calls directly. */
  readonly #plain: AnyFunction | undefined;
  readonly #weak: WeakRef<Receiver> | undefined;
  readonly #once: boolean;
  /** Removes this connection's listener from its `AbortSignal`, if it has one. */
  #stopWatchingAbort: (() => void) | undefined;

  /** @internal Made by a `ReceiverList`; `list` is `undefined` for a connection that never started. */
  constructor(
    list: ReceiverList | undefined,
    receiver: ((...args: any[]) => unknown) | Receiver,
    once: boolean,
  ) {
    this.#list = list;
    this.#once = once;
    if (typeof receiver === 'function') {
      this.#strong = receiver;
      if (!once) this.#plain = receiver;
    } else {
      receiver.connection = this;
      this.#weak = new WeakRef(receiver);
    }
  }

  /** Whether the receiver still gets emits: not disconnected, and not collected. */
  get connected(): boolean {
    return this.#list !== undefined && (this.#strong !== undefined || this.#weak!.deref() !== undefined);
  }

  /** Ends the connection now. Calling it again does nothing. */
  disconnect(): void {
    this.#list?.disconnect(this);
  }

  /** The same as {@link disconnect}, for `using`. */
  [Symbol.dispose](): void {
    this.disconnect();
  }

  /** @internal Whether the connection has not ended (its receiver may have been collected meanwhile). */
  get attached(): boolean {
    return this.#list !== undefined;
  }

  /** @internal The weakly held receiver, if this connection has one and it lives. */
  weakReceiver(): Receiver | undefined {
    return this.#weak?.deref();
  }

  /** @internal Whether this connection holds `fn` strongly. */
  holdsStrongly(fn: unknown): boolean {
    return this.#strong === fn;
  }

  /** @internal The function an emit would call, if the receiver lives. */
  receiverFunction(): ((...args: any[]) => unknown) | undefined {
    return this.#strong ?? this.#weak!.deref()?.fn;
  }

  /** @internal Ends the connection and lets go of its abort signal; `false` if it had already ended. */
  end(): boolean {
    if (this.#list === undefined) return false;
    this.#list = undefined;
    this.#stopWatchingAbort?.();
    this.#stopWatchingAbort = undefined;
    return true;
  }

  /** @internal Ends the connection when `signal` aborts. */
  endOnAbort(signal: AbortSignal): void {
    const onAbort = () => this.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#stopWatchingAbort = () => signal.removeEventListener('abort', onAbort);
  }

  /**
   * @internal Calls the receiver for one emit and returns its result, or {@link skipped}. A `once`
   * connection ends before its receiver runs, so a re-entrant emit cannot run it twice.
   */
  call(args: unknown[]): unknown {
    const plain = this.#plain;
    if (plain !== undefined) return callWith(plain, undefined, args);
    const receiver = this.#weak?.deref();
    const fn = receiver === undefined ? this.#strong : receiver.fn;
    if (fn === undefined) return skipped;
    if (this.#once) {
      if (this.#list === undefined) return skipped;
      this.disconnect();
    }
    return callWith(fn, receiver?.thisArg, args);
  }
}

/** Captured, so that a method with a `call` property of its own is still called as itself. */
const call = Function.prototype.call;

/**
 * `Reflect.apply`, with the common arities spelled out as direct calls, which V8 can inline
 * (`Reflect.apply` with an array it cannot, and costs about three times as much per receiver).
 */
function callWith(fn: AnyFunction, thisArg: unknown, args: unknown[]): unknown {
  switch (args.length) {
    case 0:
      return thisArg === undefined ? fn() : call.call(fn, thisArg);
    case 1:
      return thisArg === undefined ? fn(args[0]) : call.call(fn, thisArg, args[0]);
    case 2:
      return thisArg === undefined ? fn(args[0], args[1]) : call.call(fn, thisArg, args[0], args[1]);
    default:
      return Reflect.apply(fn, thisArg, args);
  }
}
