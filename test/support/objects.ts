// Test objects that the test body never holds in its own locals, so collection can be asserted.

/** A labelled test object, like CPython's test `Object(arg)`. */
export class Obj {
  constructor(readonly arg: number | string) {}
}

/**
 * Holds the only strong references to test objects. Tests refer to objects by index and `drop(i)`
 * them; `weak(i)` lets a test compare without holding.
 */
export class Keeper<T extends object = Obj> {
  readonly #strong: (T | undefined)[] = [];
  readonly #weak: WeakRef<T>[] = [];

  constructor(make: (i: number) => T, count: number) {
    for (let i = 0; i < count; i++) this.add(make(i));
  }

  add(object: T): number {
    this.#strong.push(object);
    return this.#weak.push(new WeakRef(object)) - 1;
  }

  /** The object if still strongly held here. */
  get(i: number): T {
    const object = this.#strong[i];
    if (object === undefined) throw new Error(`object ${i} was dropped`);
    return object;
  }

  /** The object if it has not been collected (whether or not it is still held here). */
  peek(i: number): T | undefined {
    return this.#weak[i]?.deref();
  }

  held(i: number): boolean {
    return this.#strong[i] !== undefined;
  }

  drop(i: number): void {
    this.#strong[i] = undefined;
  }

  dropAll(): void {
    this.#strong.fill(undefined);
  }

  get count(): number {
    return this.#weak.length;
  }
}

/** A fresh object that nothing holds: collectable as soon as the caller lets go of it. */
export function dropped(): object {
  return { dropped: true };
}

const keptForever: object[] = [];
/** A fresh object held for the rest of the test file: never collectable. */
export function kept(): object {
  const target = { kept: true };
  keptForever.push(target);
  return target;
}
