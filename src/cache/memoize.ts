import { typeOf } from '../type-of.js';
import { assertWeakable, canBeHeldWeakly, type WeakKey } from '../weakable.js';
import { type CacheStats, WeakCache } from './weak-cache.js';

/**
 * Options for {@link memoize}.
 *
 * @example
 * const options: MemoizeOptions = { max: 10 }; // the 10 most recently used configs stay parsed
 * const parseConfig = memoize((path: string) => JSON.parse(readFileSync(path, 'utf8')), options);
 */
export interface MemoizeOptions {
  /**
   * How many results of calls with only primitive arguments to hold strongly, most recently used
   * first; older ones stay while something else uses them. Default 128. Results of calls with an
   * object argument are not counted: they live exactly as long as their object arguments.
   */
  max?: number;
}

/**
 * The `cache` property of a memoized function.
 *
 * @example
 * const layout = memoize((node: Element, width: number) => computeLayout(node, width));
 * const layouts: MemoizedCache = layout.cache;
 * layouts.stats.hits;
 * layouts.clear(); // after a theme change, say
 */
export interface MemoizedCache {
  /** Forgets every result (the stats remain). */
  clear(): void;
  /** Counters over every call; `weakHits` and `collected` concern primitive-argument results only. */
  readonly stats: CacheStats;
}

/**
 * A function made by {@link memoize}: the same call signature, plus its `cache`.
 *
 * @example
 * const area: Memoized<(w: number, h: number) => number> = memoize((w: number, h: number) => w * h);
 * area(2, 3); // 6
 * area.cache.clear();
 */
export type Memoized<F extends (this: any, ...args: any[]) => any> = F & {
  readonly cache: MemoizedCache;
};

/** Stands, in the primitive part of a path, for an argument already keyed by a weak edge. */
const weakArgument = Symbol('weak argument');
/** `Map` keys treat `-0` as `0`; memoizing `1 / x` must not. */
const negativeZero = Symbol('-0');

/**
 * A node of the argument trie: one edge per argument, weak (a `WeakMap`) for an object, function
 * or unregistered symbol, strong (a `Map`) for any other value.
 */
class ArgumentNode {
  /** Set on strong edges only, for pruning a primitive path whose result was collected. */
  readonly parent: ArgumentNode | undefined;
  readonly edge: unknown;
  weak: WeakMap<WeakKey, ArgumentNode> | undefined;
  strong: Map<unknown, ArgumentNode> | undefined;
  /** The result of a call with a weakly held argument that ends here. */
  result: unknown;
  hasResult = false;

  constructor(parent: ArgumentNode | undefined, edge: unknown) {
    this.parent = parent;
    this.edge = edge;
  }

  weakChild(arg: WeakKey, create: boolean): ArgumentNode | undefined {
    let child = this.weak?.get(arg);
    if (child === undefined && create) {
      child = new ArgumentNode(undefined, undefined);
      this.weak ??= new WeakMap();
      this.weak.set(arg, child);
    }
    return child;
  }

  strongChild(arg: unknown, create: boolean): ArgumentNode | undefined {
    const edge = canBeHeldWeakly(arg) ? weakArgument : Object.is(arg, -0) ? negativeZero : arg;
    let child = this.strong?.get(edge);
    if (child === undefined && create) {
      child = new ArgumentNode(this, edge);
      this.strong ??= new Map();
      this.strong.set(edge, child);
    }
    return child;
  }
}

/**
 * The node for a call, or `undefined` if it is not there and `create` is false.
 *
 * The path takes the weakly held arguments first, then every argument in order with the weakly
 * held ones replaced by a marker (so `f(a, 1)` and `f(1, a)` differ). Putting the weak edges first
 * means that when any object argument is collected, every node made for the call goes with it,
 * whatever the primitives around it. `this` counts as a leading argument.
 */
function nodeFor(
  root: ArgumentNode,
  thisArg: unknown,
  args: readonly unknown[],
  create: boolean,
): ArgumentNode | undefined {
  let node: ArgumentNode | undefined = root;
  if (canBeHeldWeakly(thisArg)) node = node.weakChild(thisArg, create);
  for (const arg of args) {
    if (node === undefined) return undefined;
    if (canBeHeldWeakly(arg)) node = node.weakChild(arg, create);
  }
  node = node?.strongChild(thisArg, create);
  for (const arg of args) node = node?.strongChild(arg, create);
  return node;
}

function hasWeakArgument(thisArg: unknown, args: readonly unknown[]): boolean {
  return canBeHeldWeakly(thisArg) || args.some(canBeHeldWeakly);
}

/**
 * Memoizes `fn` by argument identity, without keeping its arguments alive.
 *
 * - **Keys.** Calls are keyed on the arguments actually passed, compared by identity (`Object.is`):
 *   `f(1)` and `f(1, undefined)` are different calls, and `fn.length`, default parameters and rest
 *   parameters play no part.
 * - **`this`** is keyed as one more, leading, argument. A plain call has `this === undefined`; a
 *   memoized method called on an object is keyed on that object, weakly, so each instance gets its
 *   own results and they die with it.
 * - **Object arguments** (objects, functions, unregistered symbols, `this` included) are held
 *   weakly: the result of a call with one lives exactly as long as all of its object arguments, and
 *   may be any value, primitive too.
 * - **Only primitive arguments**: the result must be weakable and is held as in a
 *   {@link WeakCache} of `max`: the `max` most recently used strongly, the rest while something
 *   else uses them. A primitive result there throws a `TypeError` (an LRU such as `lru-cache` is
 *   the right tool for caching primitives by primitive keys).
 * - A call that throws caches nothing.
 *
 * @example
 * const layout = memoize((node: Element, width: number) => computeLayout(node, width));
 * layout(header, 800); // computed
 * layout(header, 800); // cached until `header` is collected
 *
 * const parseConfig = memoize((path: string) => JSON.parse(readFileSync(path, 'utf8')), { max: 10 });
 * parseConfig.cache.stats; // { hits, weakHits, misses, loads, collected }
 */
export function memoize<F extends (this: any, ...args: any[]) => any>(
  fn: F,
  options: MemoizeOptions = {},
): Memoized<F> {
  if (typeof fn !== 'function') {
    throw new TypeError(`memoize expects a function, got ${typeOf(fn)}`);
  }
  let root = new ArgumentNode(undefined, undefined);
  const primitiveResults = new WeakCache<ArgumentNode, WeakKey>({
    ...(options.max === undefined ? {} : { max: options.max }),
    onCollect: (node) => forgetPath(node),
  });
  let hits = 0;
  let misses = 0; // every miss calls fn once, so misses are also the loads

  /** Removes the nodes of a collected primitive-argument result that no other call needs. */
  const forgetPath = (leaf: ArgumentNode): void => {
    let node = leaf;
    while (
      node.parent?.strong?.get(node.edge) === node &&
      !node.strong?.size &&
      !primitiveResults.has(node)
    ) {
      node.parent.strong.delete(node.edge);
      node = node.parent;
    }
  };

  const memoized = function (this: unknown, ...args: unknown[]): unknown {
    const found = nodeFor(root, this, args, false);
    if (hasWeakArgument(this, args)) {
      if (found?.hasResult) {
        hits++;
        return found.result;
      }
      misses++;
      const result = fn.apply(this, args);
      const node = nodeFor(root, this, args, true) as ArgumentNode;
      node.result = result;
      node.hasResult = true;
      return result;
    }
    const cached = found === undefined ? undefined : primitiveResults.get(found);
    if (cached !== undefined) {
      hits++;
      return cached;
    }
    misses++;
    const result = fn.apply(this, args);
    assertWeakable(result, 'memoized result of a call with only primitive arguments');
    primitiveResults.set(nodeFor(root, this, args, true) as ArgumentNode, result);
    return result;
  };

  const cache: MemoizedCache = {
    clear() {
      root = new ArgumentNode(undefined, undefined);
      primitiveResults.clear();
    },
    get stats() {
      const { weakHits, collected } = primitiveResults.stats;
      return { hits, weakHits, misses, loads: misses, collected };
    },
  };
  Object.defineProperty(memoized, 'cache', { value: cache, enumerable: true });
  return memoized as Memoized<F>;
}
