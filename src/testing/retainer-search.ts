import type { HeapGraph } from './heap-graph.js';

/** A path from V8's synthetic root to an object, as the indices of the edges it follows. */
export type EdgePath = number[];

/** How often (in nodes or edges processed) the search calls its checkpoint. */
const checkInterval = 1 << 16;

/**
 * The shortest paths from the GC roots to `target` over references that keep objects alive.
 *
 * First a breadth-first search from the root gives every reachable node its distance. Then paths
 * are grown backwards from `target`, shortest total length first (an A* search whose estimate, the
 * BFS distance, is exact), and each node is expanded once: so every path goes through a different
 * holder somewhere, the first path is a shortest one, and the others follow by length. A path ends
 * at the root or at an anchor (a module scope, a global object, a suspended function; see
 * {@link HeapGraph.isAnchor}), above which paths would differ only in engine internals.
 *
 * Returns `[]` when no strong path reaches `target`. `checkpoint` is called regularly and throws to
 * abandon the search.
 * @internal
 */
export function shortestRetainerPaths(
  graph: HeapGraph,
  target: number,
  maxPaths: number,
  checkpoint: () => void,
): EdgePath[] {
  // One path needs the search only until it reaches the target; more need every node's distance.
  const distances = new Distances(graph, checkpoint, maxPaths === 1 ? target : -1);
  if (!distances.reached(target)) return [];
  if (maxPaths === 1) return [distances.pathTo(target)];
  return growPathsBackwards(graph, distances, target, maxPaths, checkpoint);
}

/**
 * BFS distances from the root, all of them, or (given `stopAt`) until that node is reached.
 * Invariant: `depth[n] > 0` iff the search reached node `n` (the root has depth 1), and then
 * `parentEdge[n]` is the edge it was first reached through.
 *
 * A WeakMap entry keeps its value only while both the map and the key live: the table's edge to a
 * value is followed once the key is reached too (before, it waits in `waitingForKey`), and the
 * key's own edge to the value is never followed.
 */
class Distances {
  readonly #graph: HeapGraph;
  readonly depth: Uint32Array;
  readonly #parentEdge: Uint32Array;

  constructor(graph: HeapGraph, checkpoint: () => void, stopAt: number) {
    this.#graph = graph;
    const { nodeCount, firstEdge, edgeTargets, edgeTypes } = graph.snapshot;
    const { weakType, shortcutType, internalType, root } = graph;
    const depth = new Uint32Array(nodeCount);
    const parentEdge = new Uint32Array(nodeCount);
    const queue = new Uint32Array(nodeCount);
    const waitingForKey = new Map<number, number[]>();
    this.depth = depth;
    this.#parentEdge = parentEdge;
    let head = 0;
    let tail = 0;
    depth[root] = 1;
    queue[tail++] = root;
    while (head < tail && (stopAt < 0 || depth[stopAt] === 0)) {
      const node = queue[head++]!;
      if (head % checkInterval === 0) checkpoint();
      const childDepth = depth[node]! + 1;
      for (let e = firstEdge[node]!, end = firstEdge[node + 1]!; e < end; e++) {
        const to = edgeTargets[e]!;
        if (depth[to] !== 0) continue;
        const type = edgeTypes[e];
        if (type === weakType || (type === shortcutType && node !== root)) continue;
        if (type === internalType && graph.isEphemeron(e)) {
          const key = graph.ephemeronKey(e, node);
          if (key < 0) continue;
          if (depth[key] === 0) {
            const waiting = waitingForKey.get(key);
            if (waiting) waiting.push(e);
            else waitingForKey.set(key, [e]);
            continue;
          }
        }
        depth[to] = childDepth;
        parentEdge[to] = e;
        queue[tail++] = to;
      }
      const unlocked = waitingForKey.size === 0 ? undefined : waitingForKey.get(node);
      if (unlocked === undefined) continue;
      waitingForKey.delete(node);
      for (const e of unlocked) {
        const to = edgeTargets[e]!;
        if (depth[to] !== 0) continue;
        depth[to] = childDepth;
        parentEdge[to] = e;
        queue[tail++] = to;
      }
    }
  }

  reached(node: number): boolean {
    return this.depth[node] !== 0;
  }

  /** Whether `edge`, from the reachable node `source`, keeps its target alive. */
  retains(edge: number, source: number): boolean {
    const graph = this.#graph;
    if (graph.isStrong(edge, source)) return true;
    if (!graph.isEphemeron(edge)) return false;
    const key = graph.ephemeronKey(edge, source);
    return key >= 0 && this.reached(key);
  }

  pathTo(node: number): EdgePath {
    const path: EdgePath = [];
    for (let at = node; at !== this.#graph.root; ) {
      const edge = this.#parentEdge[at]!;
      path.push(edge);
      at = this.#graph.sourceOf(edge);
    }
    return path.reverse();
  }

  parentEdge(node: number): number {
    return this.#parentEdge[node]!;
  }
}

/**
 * A partial path from some node to the target, kept as a linked list toward the target so that
 * paths share their tails: `edge` leads from `node` to the node of entry `next`.
 */
interface Partial {
  readonly node: number;
  readonly edge: number;
  readonly next: Partial | undefined;
  readonly length: number;
  readonly cost: number;
  readonly order: number;
}

function growPathsBackwards(
  graph: HeapGraph,
  distances: Distances,
  target: number,
  maxPaths: number,
  checkpoint: () => void,
): EdgePath[] {
  const retainers = new ReverseIndex(graph, checkpoint);
  const expanded = new Uint8Array(graph.snapshot.nodeCount);
  const frontier = new MinHeap<Partial>((a, b) => a.cost - b.cost || a.order - b.order);
  let order = 0;
  const start = {
    node: target,
    edge: -1,
    next: undefined,
    length: 0,
    cost: distances.depth[target]! - 1,
    order,
  };
  frontier.push(start);
  const paths: EdgePath[] = [];
  for (let popped = 0; paths.length < maxPaths; popped++) {
    const partial = frontier.pop();
    if (partial === undefined) break;
    if (popped % 1024 === 0) checkpoint();
    const { node } = partial;
    if (node === graph.root || (node !== target && graph.isAnchor(node))) {
      paths.push([...(node === graph.root ? [] : distances.pathTo(node)), ...edgesOf(partial)]);
      continue;
    }
    if (expanded[node] === 1) continue;
    expanded[node] = 1;
    // The BFS parent first, so that among equally short paths the BFS one comes first.
    const parentEdge = distances.parentEdge(node);
    const edges = retainers.of(node).sort((a, b) => Number(b === parentEdge) - Number(a === parentEdge));
    for (const edge of edges) {
      const source = graph.sourceOf(edge);
      if (expanded[source] === 1 || !distances.reached(source) || !distances.retains(edge, source)) continue;
      if (graph.isBackingStore(edge, source)) continue; // the same reference as a property or element edge
      const length = partial.length + 1;
      const cost = distances.depth[source]! - 1 + length;
      frontier.push({ node: source, edge, next: partial, length, cost, order: ++order });
    }
  }
  return paths;
}

function edgesOf(partial: Partial): EdgePath {
  const edges: EdgePath = [];
  for (let at: Partial | undefined = partial; at !== undefined && at.edge >= 0; at = at.next)
    edges.push(at.edge);
  return edges;
}

/** Every node's incoming edges, in compressed rows: two passes over the edges. */
class ReverseIndex {
  readonly #start: Uint32Array;
  readonly #edges: Uint32Array;

  constructor(graph: HeapGraph, checkpoint: () => void) {
    const { nodeCount, edgeCount, edgeTargets } = graph.snapshot;
    const start = new Uint32Array(nodeCount + 1);
    for (let e = 0; e < edgeCount; e++) start[edgeTargets[e]!]!++;
    for (let node = 0, sum = 0; node <= nodeCount; node++) {
      sum += start[node]!;
      start[node] = sum; // for now, the end of the node's row
    }
    checkpoint();
    const edges = new Uint32Array(edgeCount);
    for (let e = edgeCount - 1; e >= 0; e--) edges[--start[edgeTargets[e]!]!] = e;
    this.#start = start;
    this.#edges = edges;
  }

  of(node: number): number[] {
    return Array.from(this.#edges.subarray(this.#start[node]!, this.#start[node + 1]!));
  }
}

/** A binary heap; the search's frontier rarely holds more than a few thousand partial paths. */
class MinHeap<T> {
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => number;

  constructor(before: (a: T, b: T) => number) {
    this.#before = before;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.#before(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.#before(items[left]!, items[smallest]!) < 0) smallest = left;
      if (right < items.length && this.#before(items[right]!, items[smallest]!) < 0) smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest]!, items[i]!];
      i = smallest;
    }
    return top;
  }
}
