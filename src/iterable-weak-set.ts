import { IterableWeakMap } from './iterable-weak-map.js';
import { typeOf } from './type-of.js';
import { assertWeakable, type WeakKey } from './weakable.js';

/**
 * What the ES2025 set methods accept as their argument: a `Set`, a `Map` (its keys), an
 * `IterableWeakSet`, or anything with `size`, `has` and `keys`.
 *
 * @example
 * const recent: SetLike<User> = new Set([user]);
 * online.intersection(recent); // a Set, a Map (its keys) or another IterableWeakSet
 */
export interface SetLike<T> {
  readonly size: number;
  has(value: T): boolean;
  keys(): Iterator<T>;
}

/**
 * A `Set` that holds its members weakly and can be iterated: Python's `WeakSet`. A member
 * disappears once it is collected; one collected while an iteration is in progress is skipped,
 * never yielded as `undefined`. Built on {@link IterableWeakMap}, which keeps insertion order.
 *
 * @example
 * const activeSessions = new IterableWeakSet<Session>();
 * activeSessions.add(session);
 * activeSessions.size;  // 1
 * // once `session` is collected: activeSessions.size === 0 after the cleanup
 */
export class IterableWeakSet<T extends WeakKey> implements Set<T> {
  readonly #members = new IterableWeakMap<T, true>();

  constructor(values?: Iterable<T> | null) {
    if (values != null) for (const value of values) this.add(value);
  }

  /** Members collected but not yet reported still count; after `collectGarbage()` this is exact. */
  get size(): number {
    return this.#members.size;
  }

  /** Adds `value`. Throws a `TypeError` for a value that cannot be held weakly. */
  add(value: T): this {
    assertWeakable(value, 'IterableWeakSet member');
    this.#members.set(value, true);
    return this;
  }

  has(value: T): boolean {
    return this.#members.has(value);
  }

  delete(value: T): boolean {
    return this.#members.delete(value);
  }

  clear(): void {
    this.#members.clear();
  }

  values(): SetIterator<T> {
    return this.#members.keys();
  }

  keys(): SetIterator<T> {
    return this.#members.keys();
  }

  *entries(): SetIterator<[T, T]> {
    for (const value of this.#members.keys()) yield [value, value];
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.#members.keys();
  }

  forEach(callback: (value: T, value2: T, set: Set<T>) => void, thisArg?: unknown): void {
    for (const value of this.#members.keys()) callback.call(thisArg, value, value, this);
  }

  /**
   * A new set with the members of both.
   *
   * @example
   * admins.union(editors); // IterableWeakSet of everyone in either
   */
  union<U extends WeakKey>(other: SetLike<U>): IterableWeakSet<T | U> {
    const record = setRecord(other, 'union');
    const result = new IterableWeakSet<T | U>(this);
    for (const value of keysOf(record)) result.add(value);
    return result;
  }

  /**
   * A new set with the members of this set that are also in `other`.
   *
   * @example
   * online.intersection(admins); // admins who are online
   */
  intersection<U>(other: SetLike<U>): IterableWeakSet<T & U> {
    const record = setRecord(other, 'intersection');
    const result = new IterableWeakSet<T & U>();
    if (this.size <= record.size) {
      for (const value of this) if (record.has(value as unknown as U)) result.add(value as T & U);
    } else {
      for (const value of keysOf(record)) if (this.has(value as unknown as T)) result.add(value as T & U);
    }
    return result;
  }

  /**
   * A new set with the members of this set that are not in `other`.
   *
   * @example
   * online.difference(admins); // online users who are not admins
   */
  difference<U>(other: SetLike<U>): IterableWeakSet<T> {
    const record = setRecord(other, 'difference');
    const result = new IterableWeakSet<T>(this);
    if (this.size <= record.size) {
      for (const value of this) if (record.has(value as unknown as U)) result.delete(value);
    } else {
      for (const value of keysOf(record)) result.delete(value as unknown as T);
    }
    return result;
  }

  /**
   * A new set with the members of exactly one of the two.
   *
   * @example
   * before.symmetricDifference(after); // who joined or left
   */
  symmetricDifference<U extends WeakKey>(other: SetLike<U>): IterableWeakSet<T | U> {
    const record = setRecord(other, 'symmetricDifference');
    const result = new IterableWeakSet<T | U>(this);
    for (const value of keysOf(record)) {
      if (this.has(value as unknown as T)) result.delete(value);
      else result.add(value);
    }
    return result;
  }

  /**
   * Whether every live member of this set is in `other`.
   *
   * @example
   * admins.isSubsetOf(staff); // true
   */
  isSubsetOf(other: SetLike<unknown>): boolean {
    const record = setRecord(other, 'isSubsetOf');
    // No shortcut on size: ours may still count members collected but not yet reported.
    for (const value of this) if (!record.has(value)) return false;
    return true;
  }

  /**
   * Whether every member of `other` is in this set.
   *
   * @example
   * staff.isSupersetOf(admins); // true
   */
  isSupersetOf(other: SetLike<unknown>): boolean {
    const record = setRecord(other, 'isSupersetOf');
    for (const value of keysOf(record)) if (!this.has(value as T)) return false;
    return true;
  }

  /**
   * Whether the two sets have no member in common.
   *
   * @example
   * banned.isDisjointFrom(online); // true if no banned user is online
   */
  isDisjointFrom(other: SetLike<unknown>): boolean {
    const record = setRecord(other, 'isDisjointFrom');
    if (this.size <= record.size) {
      for (const value of this) if (record.has(value)) return false;
    } else {
      for (const value of keysOf(record)) if (this.has(value as T)) return false;
    }
    return true;
  }

  get [Symbol.toStringTag](): string {
    return 'IterableWeakSet';
  }
}

/** ES2025's GetSetRecord: the argument's size, has and keys, checked once, up front. */
function setRecord<U>(other: SetLike<U>, method: string): SetLike<U> {
  if (typeof other !== 'object' || other === null) {
    throw new TypeError(`IterableWeakSet.${method} expects a set-like object, got ${typeOf(other)}`);
  }
  const size = Number(other.size);
  if (Number.isNaN(size))
    throw new TypeError(`IterableWeakSet.${method}: the argument's size is not a number`);
  if (size < 0) throw new RangeError(`IterableWeakSet.${method}: the argument's size is negative`);
  const { has, keys } = other;
  if (typeof has !== 'function')
    throw new TypeError(`IterableWeakSet.${method}: the argument has no has() method`);
  if (typeof keys !== 'function')
    throw new TypeError(`IterableWeakSet.${method}: the argument has no keys() method`);
  return { size, has: (value) => has.call(other, value), keys: () => keys.call(other) };
}

/** Iterates what a set-like's `keys()` returns, which need only have `next()`. */
function* keysOf<U>(record: SetLike<U>): Generator<U, undefined> {
  const iterator = record.keys();
  for (let step = iterator.next(); !step.done; step = iterator.next()) yield step.value;
}
