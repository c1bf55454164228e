import { typeOf } from '../type-of.js';
import { assertWeakable, type WeakKey } from '../weakable.js';
import { HeapGraph } from './heap-graph.js';
import { HeapSnapshotParser } from './heap-snapshot-parser.js';
import { describePath, moduleScopesOn, type RetainerPath } from './retainer-path.js';
import { shortestRetainerPaths } from './retainer-search.js';

/**
 * Options for {@link whyAlive}.
 *
 * @example
 * const options: WhyAliveOptions = { maxPaths: 1, timeout: 5_000 };
 * const [shortest] = await whyAlive(widget, options);
 */
export interface WhyAliveOptions {
  /** At most this many paths: the shortest one, then one per other holder where the paths part. Default 3. */
  maxPaths?: number;
  /**
   * Milliseconds before the promise rejects with a `TimeoutError`. V8 cannot interrupt a heap
   * snapshot once started, so a call whose snapshot would clearly not fit (judged from the heap size
   * and the fastest snapshot seen in this process) rejects before taking it. Default 60 000.
   */
  timeout?: number;
}

const defaultMaxPaths = 3;
const defaultTimeout = 60_000;
const chunkSize = 4 * 2 ** 20;
const bytesPerMB = 2 ** 20;
/** A snapshot costs about 55 ms per MB of live heap on a 2024 laptop; assume no machine is 5× faster. */
let fastestMsPerMB = 10;
let calls = 0;
/** Markers of the searches in progress: each must be in the snapshot its search takes. */
const liveMarkers = new Set<object>();

/**
 * Finds what keeps `target` alive (Node only): takes a V8 heap snapshot, then searches it from the
 * GC roots over strong references (`WeakRef`s, `WeakMap` entries whose key is unreachable and other
 * weak references do not count) and returns the shortest paths to `target`, one per holder. Print
 * them with {@link formatRetainers}.
 *
 * Resolves to `[]` if `target` turns out to be collectable (the snapshot's full collection took
 * it). Costs a heap snapshot, during which the process is paused (about 55 ms per MB of live heap
 * on a laptop), plus 10–30 % for reading it; peak memory is V8's snapshot generator's, about 9 bytes
 * per byte of live heap, and the search adds nothing to it.
 *
 * @example
 * const paths = await whyAlive(widget);
 * console.log(formatRetainers(paths));
 * // (module) src/resize.ts → listeners (Map) → get('session:42') → closure onResize → context → widget (Widget)
 */
export function whyAlive(target: WeakKey, options: WhyAliveOptions = {}): Promise<RetainerPath[]> {
  try {
    const settings = checkOptions(options);
    assertWeakable(target, 'whyAlive target');
    const notNode = missingNode();
    if (notNode !== undefined) throw new Error(notNode);
    // From here on only a weak reference: the caller's stack frame must not show up as a holder.
    return findRetainers(new WeakRef(target), settings);
  } catch (error) {
    return Promise.reject(error);
  }
}

interface Settings {
  maxPaths: number;
  deadline: number;
  timeout: number;
}

function checkOptions(options: WhyAliveOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`whyAlive options must be an object, got ${typeOf(options)}`);
  }
  const { maxPaths = defaultMaxPaths, timeout = defaultTimeout } = options;
  if (!Number.isInteger(maxPaths) || maxPaths < 1) {
    throw new TypeError(`whyAlive: maxPaths must be a positive integer, got ${String(maxPaths)}`);
  }
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw new TypeError(
      `whyAlive: timeout must be a positive number of milliseconds, got ${String(timeout)}`,
    );
  }
  return { maxPaths, timeout, deadline: performance.now() + timeout };
}

/** Why this runtime cannot take a V8 heap snapshot, or `undefined` on Node. */
function missingNode(): string | undefined {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: { versions?: { node?: string } } };
  const runtime =
    g.Bun !== undefined
      ? 'Bun'
      : g.Deno !== undefined
        ? 'Deno'
        : g.process?.versions?.node
          ? undefined
          : 'this runtime';
  if (runtime === undefined) return undefined;
  return `whyAlive is Node-only: it reads a V8 heap snapshot written by node:v8, which ${runtime} does not offer`;
}

async function findRetainers(target: WeakRef<WeakKey>, settings: Settings): Promise<RetainerPath[]> {
  const [v8, fs, os, path, url] = await Promise.all([
    import('node:v8'),
    import('node:fs'),
    import('node:os'),
    import('node:path'),
    import('node:url'),
  ]);
  // A turn of the event loop, so that a WeakRef dereferenced by the caller lets go of the target.
  await new Promise((resolve) => setImmediate(resolve));
  const timedOut = timeoutCheck(settings);
  const heapMB = v8.getHeapStatistics().used_heap_size / bytesPerMB;
  if (performance.now() + heapMB * fastestMsPerMB > settings.deadline) {
    throw timeoutError(
      `whyAlive: a heap snapshot of this ${Math.round(heapMB)} MB heap takes at least ` +
        `${Math.round(heapMB * fastestMsPerMB)} ms, more than the ${settings.timeout} ms timeout allows`,
    );
  }
  // The snapshot finds the target as the referent of a WeakRef under a property name used nowhere else.
  const markerKey = `weakkit.whyAlive target ${process.pid}.${++calls}.${Math.random().toString(36).slice(2)}`;
  const marker = { [markerKey]: target };
  liveMarkers.add(marker);
  const file = path.join(os.tmpdir(), `weakkit-why-alive-${process.pid}-${calls}.heapsnapshot`);
  try {
    const started = performance.now();
    v8.writeHeapSnapshot(file);
    fastestMsPerMB = Math.min(fastestMsPerMB, (performance.now() - started) / Math.max(heapMB, 1));
    timedOut();
    const graph = new HeapGraph(readSnapshot(fs, file, timedOut));
    const node = findMarked(graph, markerKey);
    if (node < 0) return [];
    const edgePaths = shortestRetainerPaths(graph, node, settings.maxPaths, timedOut);
    const moduleNames = graph.scriptNamesOf(moduleScopesOn(graph, edgePaths));
    const fileLabel = (name: string) => scriptLabel(name, path, url);
    return edgePaths.map((edgePath) => describePath(graph, edgePath, moduleNames, fileLabel));
  } finally {
    fs.rmSync(file, { force: true });
    liveMarkers.delete(marker);
  }
}

function readSnapshot(fs: typeof import('node:fs'), file: string, timedOut: () => void) {
  const parser = new HeapSnapshotParser();
  const buffer = new Uint8Array(chunkSize);
  const fd = fs.openSync(file, 'r');
  try {
    for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) {
      parser.write(buffer.subarray(0, read));
      timedOut();
    }
  } finally {
    fs.closeSync(fd);
  }
  return parser.end();
}

/** The node the marker's WeakRef points at, or -1 if the snapshot's collection took it. */
function findMarked(graph: HeapGraph, markerKey: string): number {
  const { strings, edgeCount, edgeNames, edgeTypes, firstEdge } = graph.snapshot;
  const key = strings.indicesOf([markerKey]).get(markerKey);
  for (let e = 0; key !== undefined && e < edgeCount; e++) {
    if (edgeNames[e] !== key || edgeTypes[e] !== graph.propertyType) continue;
    const weakRef = graph.target(e);
    for (let t = firstEdge[weakRef]!; t < firstEdge[weakRef + 1]!; t++) {
      if (edgeTypes[t] === graph.weakType && graph.edgeName(t) === 'target') return graph.target(t);
    }
    return -1;
  }
  throw new Error('whyAlive: the heap snapshot lacks its own marker; please report this');
}

/** A file URL or path as the user would type it: relative to the working directory when inside it. */
function scriptLabel(name: string, path: typeof import('node:path'), url: typeof import('node:url')): string {
  const file = name.startsWith('file://') ? url.fileURLToPath(name) : name;
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative.split(path.sep).join('/');
}

function timeoutCheck(settings: Settings): () => void {
  return () => {
    if (performance.now() > settings.deadline) {
      throw timeoutError(`whyAlive: timed out after ${settings.timeout} ms`);
    }
  };
}

function timeoutError(message: string): Error {
  const error = new Error(message);
  error.name = 'TimeoutError';
  return error;
}
