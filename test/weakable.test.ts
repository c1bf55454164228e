import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertWeakable, canBeHeldWeakly, finalize, proxy, ref, weakMethod } from '../src/index.js';
import { symbolsAreWeakTargets } from './support/gc.js';

/** Every kind of value a weak target cannot be, with the type name and rendering the message uses. */
const notWeakable: Array<[value: unknown, type: string, rendered: string]> = [
  ['bob', 'string', '"bob"'],
  ['', 'string', '""'],
  [42, 'number', '42'],
  [Number.NaN, 'number', 'NaN'],
  [10n, 'bigint', '10n'],
  [true, 'boolean', 'true'],
  [false, 'boolean', 'false'],
  [undefined, 'undefined', 'undefined'],
  [null, 'null', 'null'],
  [Symbol.for('app.id'), 'registered symbol', 'Symbol(app.id)'],
];

const defaultWhy = 'the target must be an object, a function or a non-registered symbol';

/** Symbols `WeakRef` accepts where symbols are weak targets (Node 20): well-known ones included. */
const weakableSymbols: Array<[name: string, value: symbol]> = [
  ['a non-registered symbol', Symbol('local')],
  ['a symbol without description', Symbol()],
  ['the well-known Symbol.iterator', Symbol.iterator],
  ['the well-known Symbol.asyncIterator', Symbol.asyncIterator],
];

const weakable: Array<[name: string, value: unknown]> = [
  ['a plain object', {}],
  ['an array', []],
  ['a null-prototype object', Object.create(null)],
  ['a class instance', new (class Point {})()],
  ['an arrow function', () => 1],
  ['a class', class Named {}],
  ['a bound function', function f() {}.bind(null)],
  ['a boxed primitive', Object(42)],
  ...(symbolsAreWeakTargets ? weakableSymbols : []),
];

/** What `WeakRef` itself says: the ground truth `canBeHeldWeakly` must agree with. */
function weakRefAccepts(value: unknown): boolean {
  try {
    new WeakRef(value as object);
    return true;
  } catch {
    return false;
  }
}

describe('canBeHeldWeakly', () => {
  it.each(notWeakable)('is false for %s (%s)', (value) => {
    expect(canBeHeldWeakly(value)).toBe(false);
  });

  it.each(weakable)('is true for %s', (_name, value) => {
    expect(canBeHeldWeakly(value)).toBe(true);
  });

  it('agrees with the WeakRef constructor on arbitrary values', () => {
    const anyValue = fc.oneof(
      fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true }),
      fc.string().map((description) => Symbol(description)),
      fc.string().map((key) => Symbol.for(key)),
      fc.constantFrom(Symbol.iterator, Symbol.hasInstance, () => 0, class {}),
    );
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(canBeHeldWeakly(value)).toBe(weakRefAccepts(value));
      }),
      { numRuns: 500 },
    );
  });
});

describe('assertWeakable', () => {
  it.each(notWeakable)('throws a TypeError naming %s as %s', (value, type, rendered) => {
    expect(() => assertWeakable(value)).toThrow(
      new TypeError(`cannot create weak reference to '${type}' value ${rendered}: ${defaultWhy}`),
    );
  });

  it('gives the exact message of the spec for 42', () => {
    expect(() => assertWeakable(42)).toThrow(
      "cannot create weak reference to 'number' value 42: " +
        'the target must be an object, a function or a non-registered symbol',
    );
  });

  it('names the role of the value when given one', () => {
    expect(() => assertWeakable('bob', 'WeakValueMap value')).toThrow(
      new TypeError(
        `cannot create weak reference to 'string' value "bob": ` +
          'a WeakValueMap value must be an object, a function or a non-registered symbol',
      ),
    );
  });

  it('shortens a long string and escapes quotes in it', () => {
    expect(() => assertWeakable('x'.repeat(100))).toThrow(`value "${'x'.repeat(40)}…": `);
    expect(() => assertWeakable('say "hi"')).toThrow(`value "say \\"hi\\"": `);
  });

  it.each(weakable)('accepts %s', (_name, value) => {
    expect(() => assertWeakable(value)).not.toThrow();
  });
});

describe('every API that takes a weak target rejects the non-weakable with the same TypeError', () => {
  const takers: Array<[name: string, take: (value: any) => unknown, why: string]> = [
    ['ref', (value) => ref(value), defaultWhy],
    ['ref with a callback', (value) => ref(value, () => {}), defaultWhy],
    ['proxy', (value) => proxy(value), defaultWhy],
    ['finalize', (value) => finalize(value, () => {}), defaultWhy],
    [
      'weakMethod',
      (value) => weakMethod(value, 'toString'),
      'a weakMethod object must be an object, a function or a non-registered symbol',
    ],
  ];

  for (const [name, take, why] of takers) {
    it.each(notWeakable)(`${name}(%s) throws for '%s'`, (value, type, rendered) => {
      expect(() => take(value)).toThrow(
        new TypeError(`cannot create weak reference to '${type}' value ${rendered}: ${why}`),
      );
    });
  }

  it.each(symbolsAreWeakTargets ? weakableSymbols : [])('ref and finalize accept %s', (_name, symbol) => {
    expect(ref(symbol)()).toBe(symbol);
    expect(finalize(symbol, () => 'done')()).toBe('done');
  });
});

describe('symbols as weak targets', () => {
  it('are accepted exactly where WeakRef accepts them', () => {
    expect(canBeHeldWeakly(Symbol('local'))).toBe(symbolsAreWeakTargets);
    if (!symbolsAreWeakTargets) {
      expect(() => assertWeakable(Symbol('local'))).toThrow(
        /value Symbol\(local\): this runtime cannot hold symbols weakly/,
      );
    }
  });
});
