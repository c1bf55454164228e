import { callReporting, reportError } from '../errors.js';
import type { Connection } from './connection.js';

/** What a signal tells about itself in messages, and whom it tells about collected receivers. @internal */
export interface SignalSettings {
  /** `signal 'saved'`, or `an unnamed signal`. */
  readonly label: string;
  readonly onReceiverCollected: ((info: { name: string }) => void) | undefined;
}

/**
 * What a list's `FinalizationRegistry` keeps about a weakly held receiver: enough to end its
 * connection and say what went, once the receiver itself is gone.
 * @internal
 */
export interface TrackedReceiver {
  readonly connection: Connection;
  /** `onSaved`, `onSaved (owner: Widget)` or `Widget.render`. */
  readonly name: string;
  /** `performance.now()` when a `weak: true` receiver was connected; `undefined` for the others. */
  readonly weakSince: number | undefined;
}

/**
 * A `weak: true` receiver collected sooner than this after connecting was almost certainly a
 * closure or bound function that nothing else held: the "callback stopped working" mistake.
 */
const weakClosureWindowMs = 1000;

/** Reports a receiver whose collection ended its connection. @internal */
export function reportCollected(tracked: TrackedReceiver, settings: SignalSettings): void {
  const { name, weakSince } = tracked;
  if (weakSince !== undefined) {
    const lifetime = performance.now() - weakSince;
    if (lifetime < weakClosureWindowMs) {
      reportError(weakClosureWarning(name, lifetime, settings.label), `a weak receiver of ${settings.label}`);
    }
  }
  const hook = settings.onReceiverCollected;
  if (hook !== undefined) callReporting(`onReceiverCollected of ${settings.label}`, hook, { name });
}

function weakClosureWarning(name: string, lifetime: number, label: string): Error {
  const warning = new Error(
    `the receiver ${name} of ${label}, connected with { weak: true }, was garbage-collected ` +
      `${Math.round(lifetime)} ms after connecting, so it receives nothing any more. With { weak: true } ` +
      'the signal holds the function weakly, and a closure, arrow function or bound method passed inline ' +
      'is held by nothing else: it dies at the next collection. Connect it with { owner: theObjectItBelongsTo } ' +
      'instead: it then lives exactly as long as that object, even if it refers to it. Or use ' +
      "connect(object, 'methodName'), or drop { weak: true } to hold it strongly.",
  );
  warning.name = 'WeakReceiverWarning';
  return warning;
}

/**
 * How diagnostics name a receiver: its function's name, with its owner's or object's class.
 * Never throws (a revoked proxy as owner must not break `connect`).
 * @internal
 */
export function receiverName(
  fn: Function,
  owner: object | symbol | undefined,
  method?: string | symbol,
): string {
  try {
    if (method !== undefined) return `${className(owner)}.${String(method)}`;
    const fnName = fn.name || '(anonymous)';
    return owner === undefined ? fnName : `${fnName} (owner: ${className(owner)})`;
  } catch {
    return '(unnamed receiver)';
  }
}

function className(value: unknown): string {
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'a function';
  if (typeof value === 'symbol') return value.toString();
  return (
    (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ||
    'Object'
  );
}
