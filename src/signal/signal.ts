import { IterableWeakSet } from '../iterable-weak-set.js';
import { assertWeakable, type WeakKey } from '../weakable.js';
import { SignalChannel } from './channel.js';
import type { SignalSettings } from './collected-receiver.js';
import type { Connection } from './connection.js';
import type { EmitResult } from './emit.js';
import { type ConnectOptions, type MethodConnectOptions, ReceiverList } from './receiver-list.js';

/**
 * Options for `new Signal(options)`.
 *
 * @example
 * const saved = new Signal<[title: string]>({
 *   name: 'saved',
 *   onReceiverCollected: ({ name }) => console.debug(`saved: receiver ${name} went away`),
 * });
 */
export interface SignalOptions {
  /** Names the signal in error messages and diagnostics. */
  name?: string;
  /**
   * Called, in a later job, after a weakly held receiver (owner-anchored, method or `weak: true`) was
   * collected and its connection ended: for finding out why a callback stopped. `name` is the
   * receiver's function name, with its owner's or object's class. A throwing hook is reported (see
   * `setErrorHandler`).
   */
  onReceiverCollected?: (info: { name: string }) => void;
}

/**
 * The names of the methods of `T` that can receive `Args`: what `connect(object, method)` accepts.
 *
 * @example
 * class StatusBar {
 *   show(title: string) {}
 *   hide() {}
 *   label = 'status';
 * }
 * type Receivers = MethodOf<StatusBar, [title: string]>; // 'show' | 'hide'
 */
export type MethodOf<T, Args extends unknown[]> = {
  [K in keyof T]-?: T[K] extends (...args: Args) => unknown ? K : never;
}[keyof T] &
  (string | symbol);

/**
 * An event that receivers connect to and that `emit` sends to all of them, in connection order:
 * Django's and blinker's signals, with lifetimes that fit JavaScript's closures.
 *
 * How long a receiver stays connected:
 * - `connect(fn)`: `fn` is held strongly, until disconnected (a closure held weakly would die at once);
 * - `connect(fn, { owner })`: as long as `owner` lives; `fn` is anchored on `owner`, so it may be a
 *   closure over `owner` without keeping it alive;
 * - `connect(object, 'method')`: as long as `object` lives, `object` held weakly;
 * - `connect(fn, { weak: true })`: as long as something else holds `fn`.
 *
 * Connecting a receiver that is already connected returns its connection. Connecting or
 * disconnecting during an emit does not change which receivers that emit runs, except that a `once`
 * receiver never runs twice.
 *
 * @example
 * const saved = new Signal<[title: string]>({ name: 'saved' });
 *
 * class Sidebar {
 *   constructor() {
 *     saved.connect((title) => this.render(title), { owner: this }); // as long as this sidebar lives
 *   }
 *   render(title: string) {}
 * }
 * class StatusBar {
 *   show(title: string) {}
 * }
 *
 * const sidebar = new Sidebar();
 * const statusBar = new StatusBar();
 * saved.connect((title) => console.log(`${title} saved`)); // until disconnected
 * saved.connect(statusBar, 'show'); // as long as statusBar lives
 * saved.emit('notes.md');
 */
export class Signal<Args extends unknown[] = []> {
  readonly #settings: SignalSettings;
  readonly #receivers: ReceiverList;
  readonly #channels = new WeakMap<WeakKey, SignalChannel<Args>>();
  /** The receiver lists of channels that have receivers, for `receiverCount` and `disconnectAll`. */
  #channelLists: IterableWeakSet<ReceiverList> | undefined;

  constructor(options: SignalOptions = {}) {
    const { name, onReceiverCollected } = options;
    if (name !== undefined && typeof name !== 'string') {
      throw new TypeError(`Signal name must be a string, got ${typeof name}`);
    }
    if (onReceiverCollected !== undefined && typeof onReceiverCollected !== 'function') {
      throw new TypeError(`Signal onReceiverCollected must be a function, got ${typeof onReceiverCollected}`);
    }
    this.#settings = {
      label: name === undefined ? 'an unnamed signal' : `signal '${name}'`,
      onReceiverCollected,
    };
    this.#receivers = new ReceiverList(this.#settings);
  }

  /**
   * Connects a receiver and returns its {@link Connection}. A function is held strongly unless
   * `owner` or `weak` says otherwise; a method is called on its object, which is held weakly. The
   * same function (with the same owner), or the same object and method, connected again returns
   * the existing connection and ignores the new options.
   *
   * @example
   * const saved = new Signal<[title: string]>();
   * const view = { refresh(title: string) {} };
   * const controller = new AbortController();
   *
   * const connection = saved.connect((title) => console.log(title)); // until disconnected
   * saved.connect((title) => view.refresh(title), { owner: view }); // ends when view is collected
   * saved.connect(view, 'refresh', { signal: controller.signal }); // ends on abort, or with view
   * saved.connect(() => console.log('first save'), { once: true });
   * connection.disconnect();
   */
  connect(receiver: (...args: Args) => unknown, options?: ConnectOptions): Connection;
  connect<T extends object>(object: T, method: MethodOf<T, Args>, options?: MethodConnectOptions): Connection;
  connect(target: unknown, methodOrOptions?: unknown, options?: unknown): Connection {
    return this.#receivers.connect(target, methodOrOptions, options);
  }

  /**
   * Calls every receiver with `args`, in connection order. If any threw, throws after all ran: the
   * error itself when one threw, an `AggregateError` of all of them when several did.
   *
   * @example
   * const saved = new Signal<[title: string, size: number]>();
   * saved.connect((title, size) => console.log(`${title}: ${size} bytes`));
   * saved.emit('notes.md', 120);
   */
  emit(...args: Args): void {
    this.#receivers.emit(args);
  }

  /**
   * Calls every receiver like {@link emit} but never throws: returns, in order, each receiver with
   * what it returned (`value`) or threw (`error`). Django's `send_robust`.
   *
   * @example
   * const saved = new Signal<[title: string]>();
   * saved.connect((title) => title.length);
   * for (const result of saved.emitRobust('notes.md')) {
   *   if ('error' in result) console.warn(result.receiver.name, 'failed:', result.error);
   *   else console.log(result.value); // 8
   * }
   */
  emitRobust(...args: Args): EmitResult[] {
    return this.#receivers.emitRobust(args);
  }

  /**
   * The channel for one sender: receivers connected there get only the emits made through it. The
   * same channel while `sender` lives; a collected sender takes its channel with it.
   *
   * @example
   * const saved = new Signal<[title: string]>();
   * const report = { title: 'report.md' };
   * const tab = { markClean() {} };
   * saved.for(report).connect(() => tab.markClean(), { owner: tab });
   * saved.for(report).emit(report.title); // reaches the tab's receiver and the signal's own
   * saved.emit('other.md'); // reaches only the signal's own receivers
   */
  for(sender: WeakKey): SignalChannel<Args> {
    assertWeakable(sender, 'signal sender');
    let channel = this.#channels.get(sender);
    if (channel === undefined) {
      this.#channelLists ??= new IterableWeakSet();
      channel = new SignalChannel(this.#receivers, this.#settings, this.#channelLists);
      this.#channels.set(sender, channel);
    }
    return channel;
  }

  /**
   * How many receivers are connected through this signal, its channels' included. A collected
   * receiver no longer counts, even before its cleanup has run.
   *
   * @example
   * const saved = new Signal();
   * saved.connect(() => {});
   * saved.for({}).connect(() => {});
   * saved.receiverCount; // 2
   */
  get receiverCount(): number {
    let count = this.#receivers.count();
    for (const list of this.#channelLists ?? []) count += list.count();
    return count;
  }

  /**
   * Disconnects every receiver connected through this signal, its channels' included.
   *
   * @example
   * const saved = new Signal();
   * saved.connect(() => {});
   * saved.disconnectAll();
   * saved.receiverCount; // 0
   */
  disconnectAll(): void {
    this.#receivers.disconnectAll();
    for (const list of this.#channelLists ?? []) list.disconnectAll();
  }
}
