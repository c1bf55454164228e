// `Symbol.dispose` and `Disposable` are newer than ES2023: this reference carries their types into the
// .d.ts, so that a consumer compiling with an older `lib` and no @types/node still type-checks.
/// <reference lib="esnext.disposable" preserve="true" />
import { callReporting } from '../errors.js';
import { typeOf } from '../type-of.js';
import { assertWeakable, type WeakKey } from '../weakable.js';
import { Anchors } from './anchors.js';

/**
 * What `addWeakListener` returns: disposing it removes the listener at once.
 *
 * @example
 * const target = new EventTarget();
 * const owner = {};
 * using _ = addWeakListener(target, 'change', () => {}, owner); // removed at the end of the block
 */
export interface WeakListener extends Disposable {
  /** Removes the listener from its target now. Calling it again does nothing. */
  dispose(): void;
}

/**
 * An emitter in the style of Node's `EventEmitter`, `eventemitter3` or `mitt`: what
 * `addWeakListener` accepts besides an `EventTarget`.
 *
 * @example
 * const emitter: NodeStyleEmitter = {
 *   on(type, listener) {},
 *   off(type, listener) {},
 * };
 */
export interface NodeStyleEmitter {
  on(type: any, listener: (...args: any[]) => void): unknown;
  off(type: any, listener: (...args: any[]) => void): unknown;
}

type Listener = (...args: any[]) => unknown;

/** The listener, filed under its owner in its target's anchors: it lives as long as both do. */
interface AnchoredListener {
  readonly listener: Listener;
  readonly owner: WeakKey;
}

/** One weak listener on one target: what it takes to remove it, once its owner is collected or on dispose. */
interface Attachment {
  /** Weak: a listener must not keep its target alive. */
  readonly target: WeakRef<object>;
  readonly type: string | symbol;
  /** What the target actually holds: a function that calls the listener while it lives. */
  readonly forward: Listener;
  readonly anchored: WeakRef<AnchoredListener>;
  attached: boolean;
}

/**
 * Per target, so that a listener also goes when its target is collected before its owner; the
 * registry's cleanup ignores attachments already disposed (a stale check, no unregister token).
 */
const anchorsByTarget = new WeakMap<object, Anchors<AnchoredListener>>();
const registry = new FinalizationRegistry<Attachment>((attachment) =>
  callReporting('addWeakListener cleanup', detach, attachment),
);

/**
 * Adds `listener` to an `EventTarget` (including `AbortSignal`) or a Node-style emitter (`on`/`off`)
 * for as long as `owner` lives. The target holds only a small forwarding function; `listener` is
 * anchored on `owner` (as Node's internal `kWeakHandler` does), so it may be a closure over `owner`
 * without keeping it alive. After `owner` is collected, the forwarder is removed from `target` at the
 * next cleanup (and calls nothing meanwhile). `dispose()` removes it at once. The listener is called
 * with the target's `this` and arguments.
 *
 * @example
 * class Panel {
 *   constructor(window: EventTarget) {
 *     addWeakListener(window, 'resize', () => this.layout(), this); // no leak when the panel goes
 *   }
 *   layout() {}
 * }
 * const logger = { warn: (warning: Error) => console.warn(warning.message) };
 * const watch = addWeakListener(process, 'warning', (warning: Error) => logger.warn(warning), logger);
 * watch.dispose();
 */
export function addWeakListener<E extends Event = Event>(
  target: EventTarget,
  type: string,
  listener: (event: E) => unknown,
  owner: WeakKey,
): WeakListener;
export function addWeakListener(
  target: NodeStyleEmitter | EventTarget,
  type: string | symbol,
  listener: (...args: any[]) => unknown,
  owner: WeakKey,
): WeakListener;
export function addWeakListener(
  target: EventTarget | NodeStyleEmitter,
  type: string | symbol,
  listener: Listener,
  owner: WeakKey,
): WeakListener {
  const api = eventApiOf(target);
  if (typeof listener !== 'function') {
    throw new TypeError(`addWeakListener: listener must be a function, got ${typeOf(listener)}`);
  }
  if (typeof type !== 'string' && typeof type !== 'symbol') {
    throw new TypeError(`addWeakListener: type must be a string or a symbol, got ${typeOf(type)}`);
  }
  assertWeakable(owner, 'listener owner');

  const anchored: AnchoredListener = { listener, owner };
  let anchors = anchorsByTarget.get(target);
  if (anchors === undefined) {
    anchors = new Anchors();
    anchorsByTarget.set(target, anchors);
  }
  anchors.add(owner, anchored);

  const weakAnchored = new WeakRef(anchored);
  const forward = function forwardToWeakListener(this: unknown, ...args: unknown[]): unknown {
    const live = weakAnchored.deref();
    return live === undefined ? undefined : Reflect.apply(live.listener, this, args);
  };
  api.add(target, type, forward);
  const attachment: Attachment = {
    target: new WeakRef(target),
    type,
    forward,
    anchored: weakAnchored,
    attached: true,
  };
  registry.register(anchored, attachment);
  const dispose = (): void => detach(attachment);
  return { dispose, [Symbol.dispose]: dispose };
}

function detach(attachment: Attachment): void {
  if (!attachment.attached) return;
  attachment.attached = false;
  const target = attachment.target.deref();
  if (target === undefined) return;
  eventApiOf(target).remove(target, attachment.type, attachment.forward);
  const anchored = attachment.anchored.deref();
  if (anchored !== undefined) anchorsByTarget.get(target)?.delete(anchored.owner, anchored);
}

interface EventApi {
  add(target: any, type: string | symbol, listener: Listener): void;
  remove(target: any, type: string | symbol, listener: Listener): void;
}

const eventTargetApi: EventApi = {
  add: (target: EventTarget, type, listener) => target.addEventListener(type as string, listener),
  remove: (target: EventTarget, type, listener) => target.removeEventListener(type as string, listener),
};

const emitterApi: EventApi = {
  add: (target: NodeStyleEmitter, type, listener) => target.on(type, listener),
  remove: (target: NodeStyleEmitter, type, listener) => target.off(type, listener),
};

function eventApiOf(target: unknown): EventApi {
  if (typeof target === 'object' && target !== null) {
    const candidate = target as Partial<EventTarget & NodeStyleEmitter>;
    if (
      typeof candidate.addEventListener === 'function' &&
      typeof candidate.removeEventListener === 'function'
    ) {
      return eventTargetApi;
    }
    if (typeof candidate.on === 'function' && typeof candidate.off === 'function') return emitterApi;
  }
  throw new TypeError(
    `addWeakListener: target must be an EventTarget or an emitter with on and off methods, got ${typeOf(target)}`,
  );
}
