// One heap size and one contestant per process (bench/whyalive/index.ts runs it):
//   contestant.ts weakkit <MB>     whyAlive(target, { maxPaths: 1 }), end to end, as a fresh process's first snapshot
//   contestant.ts bare <MB>        v8.writeHeapSnapshot() to a file, nothing else: the floor
//   contestant.ts inspector <MB>   the inspector's snapshot with its chunks thrown away
//   contestant.ts naive <MB>       inspector snapshot chunks joined, JSON.parse, BFS
//   contestant.ts ratio <MB> <n>   after a warm-up snapshot, n rounds of bare, whyAlive with maxPaths 1 and
//                                  with the default 3, in rotating order: each whyAlive call's time over the
//                                  snapshot taken inside that call, and (one path) over the round's bare one
// Prints one JSON line: wall and CPU time in ms, peak RSS (process.resourceUsage().maxRSS) in MB.
import { rmSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { formatRetainers, whyAlive } from 'weakkit/testing';

export interface ContestantResult {
  mode: string;
  heapMB: number;
  /** Wall time to the answer (or, for bare and inspector, to the end of the snapshot), ms. */
  wallMs: number;
  /** CPU time (user + system, all threads) over the same span, ms: steadier on a shared machine. */
  cpuMs: number;
  pathOk: boolean;
  path: string;
  /** Peak RSS of the process after filling its heap, before any snapshot, MB. */
  heapRssMB: number;
  maxRssMB: number;
  /**
   * ratio mode, per round: whyAlive's time over the snapshot V8 wrote inside that very call, with
   * one path and with three, and (one path) over the round's bare snapshot; by wall and CPU time.
   */
  ratios?: { onePath: RoundRatio[]; onePathOwn: RoundRatio[]; threePathsOwn: RoundRatio[] };
  error?: string;
}

export interface RoundRatio {
  wall: number;
  cpu: number;
}

/** The object every contestant must explain, and its expected path. */
class BenchTarget {}
const registry = new Map<string, () => BenchTarget>();
const expectedPath = "registry (Map) → get('session:42') → closure onResize → context → target (BenchTarget)";

function plant(): WeakRef<BenchTarget> {
  const target = new BenchTarget();
  registry.set('session:42', function onResize() {
    return target;
  });
  return new WeakRef(target);
}

/**
 * A heap like an application's: records with strings, arrays, dates, nested objects; every tenth
 * with a Map, every seventh with a closure.
 */
const records: object[] = [];
function fillHeap(megabytes: number): void {
  const goal = megabytes * 2 ** 20;
  for (let i = 0; getHeapStatistics().used_heap_size < goal; ) {
    for (const end = i + 10_000; i < end; i++) {
      const record: Record<string, unknown> = {
        id: i,
        name: `record-${i}`,
        tags: [`tag-${i % 100}`, 'b'],
        createdAt: new Date(1_700_000_000_000 + i),
        position: { x: i * 1.5, y: i / 3 },
      };
      if (i % 10 === 0) record.index = new Map([[i, record.position]]);
      if (i % 7 === 0) record.describe = () => record.name;
      records.push(record);
    }
  }
  globalThis.gc?.();
}

const heapMB = () => getHeapStatistics().used_heap_size / 2 ** 20;
const maxRssMB = () => process.resourceUsage().maxRSS / 1024;

/** Not async: the target is only in this frame, gone before the snapshot. */
function explain(weak: WeakRef<BenchTarget>, maxPaths = 1): Promise<string> {
  return whyAlive(weak.deref()!, { maxPaths, timeout: 3_600_000 }).then(formatRetainers);
}

async function measure(fn: () => Promise<unknown>): Promise<RoundRatio> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: performance.now() - wallBefore, cpu: (cpu.user + cpu.system) / 1000 };
}

/** How long the last `v8.writeHeapSnapshot()` took, whoever called it. */
let lastSnapshot: RoundRatio = { wall: Number.NaN, cpu: Number.NaN };

/**
 * Times every `v8.writeHeapSnapshot()` from now on, whyAlive's own included: two snapshots of one
 * heap differ by up to ±10 % here, so whyAlive over its own snapshot shows its overhead more
 * steadily than whyAlive over a separate bare one.
 */
function timeSnapshots(): void {
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  const write = v8.writeHeapSnapshot;
  v8.writeHeapSnapshot = (...args: Parameters<typeof write>) => {
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const file = write(...args);
    const cpu = process.cpuUsage(cpuBefore);
    lastSnapshot = { wall: performance.now() - wallBefore, cpu: (cpu.user + cpu.system) / 1000 };
    return file;
  };
  syncBuiltinESMExports(); // whyAlive's `import('node:v8')` now sees the wrapper
}

/** Bare snapshots and whyAlive calls in one process, alternating, after a warm-up snapshot. */
async function runRatio(weak: WeakRef<BenchTarget>, rounds: number): Promise<Partial<ContestantResult>> {
  timeSnapshots();
  await runBare();
  const onePath: RoundRatio[] = [];
  const onePathOwn: RoundRatio[] = [];
  const threePathsOwn: RoundRatio[] = [];
  let path = '';
  for (let round = 0; round < rounds; round++) {
    const steps = [
      ['bare', () => runBare()],
      ['one', () => explain(weak, 1).then((found) => (path = found))],
      ['three', () => explain(weak, 3)],
    ] as const;
    const times: Record<string, RoundRatio> = {};
    const snapshots: Record<string, RoundRatio> = {};
    for (let k = 0; k < steps.length; k++) {
      const [name, fn] = steps[(k + round) % steps.length]!;
      times[name] = await measure(fn);
      snapshots[name] = lastSnapshot;
    }
    const over = (of: RoundRatio, base: RoundRatio) => ({
      wall: of.wall / base.wall,
      cpu: of.cpu / base.cpu,
    });
    onePath.push(over(times.one!, times.bare!));
    onePathOwn.push(over(times.one!, snapshots.one!));
    threePathsOwn.push(over(times.three!, snapshots.three!));
  }
  return {
    path,
    pathOk: path.endsWith(expectedPath),
    ratios: { onePath, onePathOwn, threePathsOwn },
  };
}

async function runWeakkit(weak: WeakRef<BenchTarget>): Promise<Partial<ContestantResult>> {
  const path = await explain(weak);
  return { path, pathOk: path.endsWith(expectedPath) };
}

async function runBare(): Promise<Partial<ContestantResult>> {
  const file = join(tmpdir(), `weakkit-bench-${process.pid}.heapsnapshot`);
  writeHeapSnapshot(file);
  rmSync(file);
  return {};
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
  );
}

/** The inspector's snapshot with nothing done with it: V8's generation and serialization alone. */
async function runInspector(): Promise<Partial<ContestantResult>> {
  const session = new Session();
  session.connect();
  session.on('HeapProfiler.addHeapSnapshotChunk', () => {});
  await post(session, 'HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  session.disconnect();
  return {};
}

interface RawSnapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** What most tools do: the whole snapshot as one string, JSON.parse, then a BFS over strong edges. */
async function runNaive(): Promise<Partial<ContestantResult>> {
  const session = new Session();
  session.connect();
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (message) => chunks.push(message.params.chunk));
  await post(session, 'HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  session.disconnect();
  const raw = JSON.parse(chunks.join('')) as RawSnapshot;
  chunks.length = 0;
  const { node_fields: nodeFields, edge_fields: edgeFields, edge_types: edgeTypes } = raw.snapshot.meta;
  const nf = nodeFields.length;
  const ef = edgeFields.length;
  const weak = edgeTypes[0].indexOf('weak');
  const nodeCount = raw.nodes.length / nf;
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) firstEdge[n + 1] = firstEdge[n]! + raw.nodes[n * nf + 4]! * ef;
  const targetName = raw.strings.indexOf('BenchTarget');
  const objectType = raw.snapshot.meta.node_types[0].indexOf('object');
  let target = -1;
  for (let n = 0; n < nodeCount && target < 0; n++) {
    if (raw.nodes[n * nf + 1] === targetName && raw.nodes[n * nf] === objectType) target = n; // not the class
  }
  const parent = new Int32Array(nodeCount).fill(-1);
  parent[0] = 0;
  const queue = [0];
  for (let head = 0; head < queue.length && parent[target] === -1; head++) {
    const node = queue[head]!;
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e += ef) {
      if (raw.edges[e] === weak) continue;
      const to = raw.edges[e + 2]! / nf;
      if (parent[to] !== -1) continue;
      parent[to] = node;
      queue.push(to);
    }
  }
  let hops = 0;
  for (let at = target; at > 0 && parent[at]! >= 0; at = parent[at]!) hops++;
  return { path: `${hops} hops`, pathOk: target >= 0 && hops > 0 };
}

const [mode = 'weakkit', megabytes = '10', rounds = '3'] = process.argv.slice(2);
fillHeap(Number(megabytes));
const weak = plant();
// A WeakRef made in this job keeps its target alive until the job ends: end it before any snapshot.
await new Promise((resolve) => setImmediate(resolve));
const result: ContestantResult = {
  mode,
  heapMB: heapMB(),
  wallMs: 0,
  cpuMs: 0,
  pathOk: false,
  path: '',
  heapRssMB: maxRssMB(),
  maxRssMB: 0,
};
const runs: Record<string, () => Promise<Partial<ContestantResult>>> = {
  weakkit: () => runWeakkit(weak),
  bare: runBare,
  inspector: runInspector,
  naive: runNaive,
  ratio: () => runRatio(weak, Number(rounds)),
};
const cpuBefore = process.cpuUsage();
const started = performance.now();
try {
  Object.assign(result, await runs[mode]!());
} catch (error) {
  result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
result.wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
result.cpuMs = (cpu.user + cpu.system) / 1000;
result.maxRssMB = maxRssMB();
console.log(JSON.stringify(result));
process.exit(0); // records and registry stay alive to the end; nothing to wait for
