import { callReporting } from './errors.js';
import type { Ref } from './ref.js';
import { assertWeakable, type WeakKey } from './weakable.js';

/**
 * Something `finalize` attached to a target: run once when the target is collected, if still alive.
 * @internal
 */
export interface PendingFinalizer {
  /** Detaches and runs the finalizer, reporting instead of throwing; does nothing if already done. */
  fireFromCleanup(): void;
  readonly alive: boolean;
}

/** A weak handle (a `ref` or a `proxy`) is held weakly here; a finalizer is held strongly. */
type Attachment = WeakRef<object> | PendingFinalizer;

/**
 * Everything weakkit attached to one target, in creation order: CPython's per-object weakref list.
 *
 * Invariants:
 * - one list per live target, and one `FinalizationRegistry` registration per list, so that every
 *   callback and finalizer of a target runs in one cleanup turn, newest first, as in CPython;
 * - the list never holds a handle strongly: a ref or proxy that its user drops is collected, and its
 *   callback (kept only on the handle, in `callbacks`) goes with it;
 * - `target` is the only `WeakRef` to the target: every handle derefs through it.
 * @internal
 */
export class WeakrefList<T extends WeakKey = WeakKey> {
  readonly target: WeakRef<T>;
  /** The callback-less ref and proxy, reused while they live (CPython's reuse rule). */
  basicRef: WeakRef<object> | undefined;
  basicProxy: WeakRef<object> | undefined;
  entries: Attachment[] = [];
  #pruneAt = 8;

  constructor(target: T) {
    this.target = new WeakRef(target as object) as WeakRef<T>;
  }

  /** Attaches a handle (held weakly) and its callback; returns the slot that holds it. */
  attachHandle(handle: object, callback: ((handle: any) => void) | undefined): WeakRef<object> {
    const slot = new WeakRef(handle);
    if (callback !== undefined) callbacks.set(handle, callback);
    this.#push(slot);
    return slot;
  }

  attachFinalizer(finalizer: PendingFinalizer): void {
    this.#push(finalizer);
  }

  /** The live handles, oldest first. */
  handles(): object[] {
    const live: object[] = [];
    for (const entry of this.entries) {
      if (entry instanceof WeakRef) {
        const handle = entry.deref();
        if (handle !== undefined) live.push(handle);
      }
    }
    return live;
  }

  /** Drops dead handles and finished finalizers once the list doubles, so churn never grows it. */
  #push(entry: Attachment): void {
    if (this.entries.length >= this.#pruneAt) {
      this.entries = this.entries.filter((e) => (e instanceof WeakRef ? e.deref() !== undefined : e.alive));
      this.#pruneAt = Math.max(8, this.entries.length * 2);
    }
    this.entries.push(entry);
  }

  /** The target was collected: run callbacks and finalizers newest first, each exactly once. */
  runCleanup(): void {
    const entries = this.entries;
    this.entries = [];
    this.basicRef = this.basicProxy = undefined;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      if (!(entry instanceof WeakRef)) {
        entry.fireFromCleanup();
        continue;
      }
      const handle = entry.deref();
      const callback = handle && callbacks.get(handle);
      if (callback) callReporting(`weak reference callback ${describe(callback)}`, callback, handle);
    }
  }
}

/** Callbacks live on their handle: dropping the handle drops the callback (and all it closes over). */
const callbacks = new WeakMap<object, (handle: any) => void>();

const lists = new WeakMap<WeakKey, WeakrefList>();
const registry = new FinalizationRegistry<WeakrefList>((list) => list.runCleanup());

/** The weakref list of `target`, created (and registered for cleanup) on first use. @internal */
export function weakrefListOf<T extends WeakKey>(target: T): WeakrefList<T> {
  let list = lists.get(target) as WeakrefList<T> | undefined;
  if (list === undefined) {
    list = new WeakrefList(target);
    lists.set(target, list);
    registry.register(target, list);
  }
  return list;
}

/** A short name for a callback in error reports. @internal */
export function describe(fn: Function): string {
  try {
    return fn.name ? `'${fn.name}'` : '(anonymous)';
  } catch {
    // A throwing `name` getter (or a revoked proxy) must not turn a report into a crash.
    return '(anonymous)';
  }
}

/**
 * How many live weakkit `ref`s and `proxy`s point at `target`: CPython's `getweakrefcount`.
 * A handle counts until it is itself collected; a finalizer or a collection entry is not a handle.
 *
 * @example
 * const user = { name: 'Ann' };
 * const r = ref(user);
 * const p = proxy(user);
 * getWeakRefCount(user); // 2
 */
export function getWeakRefCount(target: WeakKey): number {
  assertWeakable(target);
  return lists.get(target)?.handles().length ?? 0;
}

/**
 * The live weakkit `ref`s and `proxy`s that point at `target`, oldest first: CPython's `getweakrefs`.
 * Proxies are listed as themselves (they are not callable `Ref`s), so the length equals
 * `getWeakRefCount(target)`.
 *
 * @example
 * const user = { name: 'Ann' };
 * const r = ref(user);
 * getWeakRefs(user); // [r]
 */
export function getWeakRefs<T extends WeakKey>(target: T): Array<Ref<T> | T> {
  assertWeakable(target);
  return (lists.get(target)?.handles() ?? []) as Array<Ref<T> | T>;
}
