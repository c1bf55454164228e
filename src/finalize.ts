import { callReporting } from './errors.js';
import { typeOf } from './type-of.js';
import { assertWeakable, type WeakKey } from './weakable.js';
import { describe, type PendingFinalizer, type WeakrefList, weakrefListOf } from './weakref-list.js';

/**
 * What a live finalizer holds, as returned by {@link Finalizer.peek} and {@link Finalizer.detach}.
 *
 * @example
 * const file = openFile('data.txt');
 * const info = finalize(file, closeDescriptor, file.fd).detach(); // { target: file, fn, args: [file.fd] }
 * info?.fn(...info.args); // the finalizer will not run: close by hand instead
 */
export interface FinalizerInfo<T extends WeakKey, A extends unknown[], R> {
  target: T;
  fn: (...args: A) => R;
  args: A;
}

/**
 * A callable handle on a cleanup function registered with {@link finalize}. It need not be kept:
 * the finalizer runs whether or not anything holds its handle.
 *
 * @example
 * const file = openFile('data.txt');
 * const closer: Finalizer<OpenFile, [fd: number], void> = finalize(file, closeDescriptor, file.fd);
 * closer.atexit = false; // the OS closes it anyway if the process exits first
 */
export interface Finalizer<T extends WeakKey = WeakKey, A extends unknown[] = any[], R = unknown> {
  /** Detaches and runs `fn(...args)` now, returning its result, if still alive; else `undefined`. */
  (): R | undefined;
  /** Whether `fn` has yet to run (neither called, detached, nor run after collection). */
  readonly alive: boolean;
  /** `{ target, fn, args }` while alive and the target lives, else `undefined`. */
  peek(): FinalizerInfo<T, A, R> | undefined;
  /** Like {@link peek}, and afterwards nothing runs. */
  detach(): FinalizerInfo<T, A, R> | undefined;
  /** Whether to run at process exit if still alive then (Node, Bun and Deno). Default `true`. */
  atexit: boolean;
}

interface FinalizerState {
  list: WeakrefList;
  fn: ((...args: unknown[]) => unknown) | undefined;
  args: unknown[] | undefined;
  atexit: boolean;
}

const states = new WeakMap<Finalizer, FinalizerState>();
const stateOf = (f: Finalizer) => states.get(f)!;

/** Alive finalizers in creation order; they hold their targets only weakly. */
const alive = new Set<Finalizer>();
let created = 0;
let exitHookInstalled = false;

function take(state: FinalizerState): { fn: (...args: unknown[]) => unknown; args: unknown[] } | undefined {
  const { fn, args } = state;
  if (fn === undefined || args === undefined) return undefined;
  state.fn = state.args = undefined;
  return { fn, args };
}

const finalizerPrototype: object = Object.create(Function.prototype, {
  alive: {
    get(this: Finalizer) {
      return stateOf(this).fn !== undefined;
    },
  },
  atexit: {
    get(this: Finalizer) {
      return stateOf(this).atexit;
    },
    set(this: Finalizer, value: boolean) {
      stateOf(this).atexit = Boolean(value);
    },
  },
  peek: {
    value: function peek(this: Finalizer) {
      const state = stateOf(this);
      const target = state.list.target.deref();
      if (state.fn === undefined || target === undefined) return undefined;
      return { target, fn: state.fn, args: state.args };
    },
  },
  detach: {
    value: function detach(this: Finalizer) {
      const state = stateOf(this);
      const target = state.list.target.deref();
      const taken = target === undefined ? undefined : take(state);
      if (taken === undefined) return undefined;
      alive.delete(this);
      return { target, ...taken };
    },
  },
  fireFromCleanup: {
    value: function fireFromCleanup(this: Finalizer) {
      const fn = stateOf(this).fn;
      if (fn !== undefined) callReporting(`finalizer ${describe(fn)}`, this);
    },
  },
  [Symbol.toStringTag]: { value: 'Finalizer' },
});

/**
 * Calls `fn(...args)` once, in a later job after `target` is collected: Python's `weakref.finalize`.
 *
 * `fn` and `args` are held strongly, so they must not refer to `target`: passing `target` among the
 * `args` throws a `TypeError`, and a closure over `target` (which cannot be detected) keeps it alive
 * forever. Finalizers of one target run newest first. An exception from `fn` is reported (see
 * {@link setErrorHandler}), never thrown. Finalizers still alive when a Node, Bun or Deno process
 * exits run then, newest first, unless their `atexit` is `false`; browsers have no such moment.
 *
 * @example
 * const file = openFile('data.txt');
 * const f = finalize(file, closeDescriptor, file.fd); // not `file`: that would keep it alive
 * f.alive;  // true
 * f();      // closes now; the finalizer is then dead and will not run again
 */
export function finalize<T extends WeakKey, A extends unknown[], R>(
  target: T,
  fn: (...args: A) => R,
  ...args: A
): Finalizer<T, A, R> {
  assertWeakable(target);
  if (typeof fn !== 'function') {
    throw new TypeError(`finalize expects a function to call, got ${typeOf(fn)}`);
  }
  if (args.includes(target)) {
    throw new TypeError(
      'finalize: the target is among the arguments, which are held strongly, so it would never be ' +
        'collected and the finalizer would never run; pass the data the cleanup needs instead',
    );
  }
  const list = weakrefListOf(target);
  const state: FinalizerState = { list, fn: fn as FinalizerState['fn'], args, atexit: true };
  const finalizer = (() => {
    const taken = take(state);
    if (taken === undefined) return undefined;
    alive.delete(finalizer);
    return taken.fn(...taken.args);
  }) as Finalizer<T, A, R>;
  Object.setPrototypeOf(finalizer, finalizerPrototype);
  states.set(finalizer, state);
  list.attachFinalizer(finalizer as unknown as PendingFinalizer);
  alive.add(finalizer);
  created++;
  installExitHook();
  return finalizer;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const process = (globalThis as { process?: { once?: (event: 'exit', listener: () => void) => void } })
    .process;
  process?.once?.('exit', runAtExit);
}

/** Runs the alive `atexit` finalizers newest first, including any created while doing so. */
function runAtExit(): void {
  let pending: Finalizer[] = [];
  let seen = -1;
  for (;;) {
    if (seen !== created) {
      seen = created;
      pending = [...alive];
    }
    const finalizer = pending.pop();
    if (finalizer === undefined) return;
    const state = stateOf(finalizer);
    if (state.atexit && state.fn !== undefined) {
      callReporting(`finalizer ${describe(state.fn)} at exit`, finalizer);
    }
  }
}
