import type { IterableWeakSet } from '../iterable-weak-set.js';
import type { SignalSettings } from './collected-receiver.js';
import type { Connection } from './connection.js';
import { type EmitResult, emitRobustTo, emitTo } from './emit.js';
import { type ConnectOptions, type MethodConnectOptions, ReceiverList } from './receiver-list.js';
import type { MethodOf } from './signal.js';

/**
 * The part of a signal that concerns one sender, from `signal.for(sender)`: receivers connected here
 * get only the emits made through this channel, and an emit here reaches them and the signal's own
 * receivers, all in connection order. The signal holds its channels weakly on their sender, so a
 * collected sender takes its channel with it; a channel does not keep its sender alive either.
 *
 * @example
 * const saved = new Signal<[title: string]>({ name: 'saved' });
 * const report = { title: 'report.md' };
 * const invoice = { title: 'invoice.md' };
 * saved.for(report).connect(() => console.log('the report was saved'));
 * saved.connect((title) => console.log(`${title} was saved`));
 * saved.for(report).emit(report.title); // both receivers run
 * saved.for(invoice).emit(invoice.title); // only the second
 */
export class SignalChannel<Args extends unknown[] = []> {
  readonly #signalReceivers: ReceiverList;
  readonly #settings: SignalSettings;
  /** The signal's set of channel lists, which this channel joins when it gets receivers. */
  readonly #channelLists: IterableWeakSet<ReceiverList>;
  #own: ReceiverList | undefined;
  /** The signal's receivers and the channel's in connection order, kept until either list changes. */
  #mergedReceivers: readonly Connection[] = [];
  #mergedSignalVersion = -1;
  #mergedOwnVersion = -1;

  /** @internal Made by `Signal.for`. */
  constructor(
    signalReceivers: ReceiverList,
    settings: SignalSettings,
    channelLists: IterableWeakSet<ReceiverList>,
  ) {
    this.#signalReceivers = signalReceivers;
    this.#settings = settings;
    this.#channelLists = channelLists;
  }

  /**
   * Connects a receiver for this sender's emits only; the same rules as `Signal.connect`.
   *
   * @example
   * const saved = new Signal<[title: string]>();
   * const doc = { title: 'notes.md' };
   * const toolbar = { markClean() {} };
   * saved.for(doc).connect(() => toolbar.markClean(), { owner: toolbar });
   */
  connect(receiver: (...args: Args) => unknown, options?: ConnectOptions): Connection;
  connect<T extends object>(object: T, method: MethodOf<T, Args>, options?: MethodConnectOptions): Connection;
  connect(target: unknown, methodOrOptions?: unknown, options?: unknown): Connection {
    if (this.#own === undefined) {
      this.#own = new ReceiverList(this.#settings);
      this.#channelLists.add(this.#own);
    }
    return this.#own.connect(target, methodOrOptions, options);
  }

  /**
   * Runs this channel's receivers and the signal's own, in connection order; throws as `Signal.emit`.
   *
   * @example
   * const saved = new Signal<[title: string]>();
   * const doc = { title: 'notes.md' };
   * saved.for(doc).emit(doc.title);
   */
  emit(...args: Args): void {
    const list = this.#onlyList();
    if (list !== undefined) list.emit(args);
    else emitTo(this.#merged(), args, this.#settings.label);
  }

  /**
   * Like {@link emit}, but returns each receiver's result or error instead of throwing.
   *
   * @example
   * const saved = new Signal<[title: string]>();
   * const doc = { title: 'notes.md' };
   * const failures = saved.for(doc).emitRobust(doc.title).filter((result) => 'error' in result);
   */
  emitRobust(...args: Args): EmitResult[] {
    const list = this.#onlyList();
    return list !== undefined ? list.emitRobust(args) : emitRobustTo(this.#merged(), args);
  }

  /**
   * How many receivers are connected to this channel itself (not counting the signal's own).
   *
   * @example
   * const saved = new Signal();
   * const doc = {};
   * saved.connect(() => {});
   * saved.for(doc).receiverCount; // 0: the signal's own receiver does not count here
   */
  get receiverCount(): number {
    return this.#own?.count() ?? 0;
  }

  /**
   * Disconnects every receiver connected to this channel; the signal's own receivers stay.
   *
   * @example
   * const saved = new Signal();
   * const doc = {};
   * saved.for(doc).connect(() => {});
   * saved.for(doc).disconnectAll();
   */
  disconnectAll(): void {
    this.#own?.disconnectAll();
  }

  /** The list an emit here reaches, when only one of the two has receivers: no merge needed. */
  #onlyList(): ReceiverList | undefined {
    const own = this.#own;
    if (own === undefined || own.receivers.length === 0) return this.#signalReceivers;
    return this.#signalReceivers.receivers.length === 0 ? own : undefined;
  }

  /** A copy of both lists in connection order: no list ever changes it, so emits need not note it. */
  #merged(): readonly Connection[] {
    const signalList = this.#signalReceivers;
    const own = this.#own!;
    if (this.#mergedSignalVersion !== signalList.version || this.#mergedOwnVersion !== own.version) {
      this.#mergedReceivers = [...signalList.receivers, ...own.receivers].sort((a, b) => a.order - b.order);
      this.#mergedSignalVersion = signalList.version;
      this.#mergedOwnVersion = own.version;
    }
    return this.#mergedReceivers;
  }
}
