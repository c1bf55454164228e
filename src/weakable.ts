import { typeOf } from './type-of.js';
/**
 * What `WeakRef`, `WeakMap` keys, `WeakSet` members and `FinalizationRegistry` targets may be:
 * an object, a function, or a symbol that is not in the global registry (`Symbol.for`).
 *
 * @example
 * const targets: WeakKey[] = [{}, () => {}, Symbol('id')]; // not 42, 'bob' nor Symbol.for('id')
 * targets.every((target) => canBeHeldWeakly(target)); // true
 */
export type WeakKey = object | symbol;

let symbolsAreWeakable: boolean | undefined;

/** Whether this runtime accepts non-registered symbols as weak targets (ES2023). */
function runtimeHoldsSymbolsWeakly(): boolean {
  if (symbolsAreWeakable === undefined) {
    try {
      new WeakRef(Symbol() as unknown as object);
      symbolsAreWeakable = true;
    } catch {
      symbolsAreWeakable = false;
    }
  }
  return symbolsAreWeakable;
}

/**
 * Tells whether `value` can be held weakly here: the same test `WeakRef` applies, without the throw.
 *
 * @example
 * canBeHeldWeakly({});               // true
 * canBeHeldWeakly(Symbol('id'));     // true (where the runtime supports symbols as weak targets)
 * canBeHeldWeakly(Symbol.for('id')); // false: registered symbols live forever
 * canBeHeldWeakly('bob');            // false
 */
export function canBeHeldWeakly(value: unknown): value is WeakKey {
  // Comparisons rather than a switch: the engine compiles `typeof value === 'object'` to a type
  // check, and `switch (typeof value)` to a call that builds the string first.
  if (typeof value === 'object') return value !== null;
  if (typeof value === 'function') return true;
  return typeof value === 'symbol' && Symbol.keyFor(value) === undefined && runtimeHoldsSymbolsWeakly();
}

/**
 * Throws a `TypeError` that names the value's type and shows it, unless `value` can be held weakly.
 * `what` names the role of the value in the message (`'WeakValueMap value'`, say).
 *
 * @example
 * assertWeakable(42);
 * // TypeError: cannot create weak reference to 'number' value 42:
 * //   the target must be an object, a function or a non-registered symbol
 * assertWeakable('bob', 'WeakValueMap value');
 * // TypeError: cannot create weak reference to 'string' value "bob":
 * //   a WeakValueMap value must be an object, a function or a non-registered symbol
 */
export function assertWeakable(value: unknown, what?: string): asserts value is WeakKey {
  if (canBeHeldWeakly(value)) return;
  const role = what === undefined ? 'the target' : `a ${what}`;
  const why =
    typeof value === 'symbol' && Symbol.keyFor(value) === undefined
      ? 'this runtime cannot hold symbols weakly'
      : `${role} must be an object, a function or a non-registered symbol`;
  throw new TypeError(`cannot create weak reference to '${typeName(value)}' value ${render(value)}: ${why}`);
}

function typeName(value: unknown): string {
  if (typeof value === 'symbol') return Symbol.keyFor(value) === undefined ? 'symbol' : 'registered symbol';
  return typeOf(value);
}

const maxRenderedLength = 40;

function render(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const shown = value.length > maxRenderedLength ? `${value.slice(0, maxRenderedLength)}…` : value;
      return JSON.stringify(shown);
    }
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    default:
      return String(value);
  }
}
