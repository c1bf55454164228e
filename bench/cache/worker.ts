// One contestant, one setting, alone in this process so that its heap figures are its own:
//   node --expose-gc --import tsx bench/cache/worker.ts '<contestant name>' <full GC every N requests, 0 = never forced>
// prints one JSON line (a `RunResult`) on stdout.
import { getHeapStatistics } from 'node:v8';
import { contestantNamed } from './contestants.js';
import { heldByCallers, keyCount, loadValue, type Value, yieldEvery, zipfRequests } from './workload.js';

export interface RunResult {
  name: string;
  gcEvery: number;
  hitRate: number;
  /**
   * CPU time (user + system, all threads) per request, forced collections excluded; natural ones,
   * cleanup callbacks and the yields are included. CPU time, not wall time, so that other processes
   * on a shared machine distort it less.
   */
  nsPerRequest: number;
  /** Loads of a key whose value a caller still held: a second copy of a live value. */
  secondCopies: number;
  loads: number;
  /** Heap over the empty-cache baseline after the run, once callers dropped their values. */
  heapAfterMB: number;
  /** Highest heap over the baseline, sampled at every yield (garbage not yet collected included). */
  peakHeapMB: number;
}

const gc = globalThis.gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const [name = '', gcEveryArgument = '0'] = process.argv.slice(2);
const gcEvery = Number(gcEveryArgument);
const contestant = contestantNamed(name);

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const heapUsed = (): number => getHeapStatistics().used_heap_size;
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function collect(): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await macrotask();
    gc!();
    await macrotask();
  }
}

const requests = zipfRequests();
// What callers hold: the values of the last `heldByCallers` requests, in a ring, and per key how
// many of them it has, to tell when a cache loads a second copy of a value still in use.
let held: (Value | undefined)[] = new Array(heldByCallers).fill(undefined);
const heldKeys = new Int32Array(heldByCallers).fill(-1);
const heldPerKey = new Uint16Array(keyCount);

await collect();
const baseline = heapUsed();
const cache = contestant.create();
let hits = 0;
let loads = 0;
let secondCopies = 0;
let peakHeap = 0;
let forcedGcMs = 0;

const started = cpuMs();
for (let start = 0; start < requests.length; start += yieldEvery) {
  const end = Math.min(start + yieldEvery, requests.length);
  for (let i = start; i < end; i++) {
    const key = requests[i] as number;
    let value = cache.get(key);
    if (value === undefined) {
      loads++;
      if ((heldPerKey[key] as number) > 0) secondCopies++;
      value = loadValue(key);
      cache.set(key, value);
    } else {
      if (value.key !== key) throw new Error(`${name} returned the value of ${value.key} for ${key}`);
      hits++;
    }
    const slot = i % heldByCallers;
    const previous = heldKeys[slot] as number;
    if (previous >= 0) heldPerKey[previous] = (heldPerKey[previous] as number) - 1;
    held[slot] = value;
    heldKeys[slot] = key;
    heldPerKey[key] = (heldPerKey[key] as number) + 1;
  }
  await macrotask();
  peakHeap = Math.max(peakHeap, heapUsed() - baseline);
  if (gcEvery > 0 && end % gcEvery === 0) {
    const gcStarted = cpuMs();
    gc();
    forcedGcMs += cpuMs() - gcStarted;
    await macrotask();
  }
}
const elapsedMs = cpuMs() - started - forcedGcMs;

held = [];
await collect();
const result: RunResult = {
  name,
  gcEvery,
  hitRate: hits / requests.length,
  nsPerRequest: (elapsedMs * 1e6) / requests.length,
  secondCopies,
  loads,
  heapAfterMB: (heapUsed() - baseline) / 2 ** 20,
  peakHeapMB: peakHeap / 2 ** 20,
};
// The cache must live until here, or the heap after the run would not count what it keeps.
if (cache.get(-1) !== undefined) throw new Error('unexpected value for key -1');
console.log(JSON.stringify(result));
