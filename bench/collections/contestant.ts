// One contestant at one size, alone in this process so that its heap figures are its own:
//   node --expose-gc --import tsx bench/collections/contestant.ts <name> <N> [reps]
// prints one JSON line (a `ContestantResult`) on stdout. Keys are strings 'k' + i and values small
// objects, both made before the clock or the heap reading starts, so neither is counted.
import { getHeapSpaceStatistics } from 'node:v8';
import { contestantNamed, type ValueStore } from './contestants.js';

export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'n/a';

export interface ContestantResult {
  name: string;
  n: number;
  /** CPU ns per operation, one figure per repetition, each on a fresh store filled with fresh values. */
  setNs: number[];
  getNs: number[];
  /** Heap growth from filling the store, per entry; keys and values excluded. */
  heapBytesPerEntry: number;
  /** From dropping every value to `size === 0` under forced collections; `null` if it never got there. */
  reclaimMs: number | null;
  /** Heap left after the reclaim compared with the empty store, per entry; `null` for the strong floor. */
  residualBytesPerEntry: number | null;
  checks: {
    replaceThenDrop: Verdict;
    deleteAndReAdd: Verdict;
    exactSize: Verdict;
    keepsLiveValues: Verdict;
  };
}

if (globalThis.gc === undefined) throw new Error('run with node --expose-gc');
const gc = globalThis.gc;

/** Reclaim gives up after this long, or after this many collections that removed nothing. */
const reclaimCapMs = 5000;
const stalledRoundsToGiveUp = 5;

// setImmediate is a real macrotask: a WeakRef made or deref'ed in this job lets go after it, and
// cleanup callbacks queued by a collection run before it.
const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Used heap without the code spaces: code compiled mid-measurement is no data the map holds. */
const heapUsed = (): number =>
  getHeapSpaceStatistics()
    .filter((space) => !space.space_name.startsWith('code'))
    .reduce((sum, space) => sum + space.space_used_size, 0);

/** One round before timing; two before reading the heap, so that nothing is left half-collected. */
async function settle(rounds = 2): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await macrotask();
    gc();
    await macrotask();
  }
}

function makeValues(n: number): object[] {
  const values = new Array<object>(n);
  for (let i = 0; i < n; i++) values[i] = { id: i };
  return values;
}

function fill(store: ValueStore, keys: string[], values: object[]): void {
  for (let i = 0; i < keys.length; i++) store.set(keys[i]!, values[i]!);
}

function readAll(store: ValueStore, keys: string[]): number {
  let hits = 0;
  for (let i = 0; i < keys.length; i++) if (store.get(keys[i]!) !== undefined) hits++;
  return hits;
}

async function measureMemory(
  create: () => ValueStore,
  keys: string[],
  weak: boolean,
): Promise<Pick<ContestantResult, 'heapBytesPerEntry' | 'reclaimMs' | 'residualBytesPerEntry'>> {
  const n = keys.length;
  const store = create();
  await settle();
  const emptyHeap = heapUsed();
  let values: object[] | undefined = makeValues(n);
  await settle();
  const valuesHeap = heapUsed();
  fill(store, keys, values);
  await settle();
  const heapBytesPerEntry = (heapUsed() - valuesHeap) / n;
  if (!weak) return { heapBytesPerEntry, reclaimMs: null, residualBytesPerEntry: null };

  values = undefined;
  const start = performance.now();
  let reclaimMs: number | null = null;
  let lastSize = store.size;
  let stalled = 0;
  while (performance.now() - start < reclaimCapMs && stalled < stalledRoundsToGiveUp) {
    await macrotask();
    gc();
    await macrotask();
    if (store.size === 0) {
      reclaimMs = performance.now() - start;
      break;
    }
    stalled = store.size === lastSize ? stalled + 1 : 0;
    lastSize = store.size;
  }
  await settle();
  const residualBytesPerEntry = (heapUsed() - emptyHeap) / n;
  return { heapBytesPerEntry, reclaimMs, residualBytesPerEntry };
}

/**
 * CPU time of the whole process (every thread, so the collector's helpers too), in nanoseconds. On a
 * shared machine the wall clock mostly measures the wait for a core; CPU time measures the work.
 */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

async function measureSpeed(
  create: () => ValueStore,
  keys: string[],
  reps: number,
): Promise<Pick<ContestantResult, 'setNs' | 'getNs'> & { lostLiveValues: boolean }> {
  const n = keys.length;
  const setNs: number[] = [];
  const getNs: number[] = [];
  let lostLiveValues = false;
  for (let rep = 0; rep < reps; rep++) {
    const values = makeValues(n);
    const store = create();
    await settle(1);
    let start = cpuNs();
    fill(store, keys, values);
    setNs.push((cpuNs() - start) / n);
    await settle(1);
    start = cpuNs();
    const hits = readAll(store, keys);
    getNs.push((cpuNs() - start) / n);
    // Every value is alive here (`values` holds them), so a miss is a lost live value.
    if (hits !== n) lostLiveValues = true;
  }
  return { setNs, getNs, lostLiveValues };
}

// ---- Correctness. Values are made inside helpers so that no live local of an async function keeps
// them; each check first makes sure the values it dropped were really collected (else 'inconclusive').

/** Collects until every probe is cleared, then twice more so that their cleanups have run. */
async function collect(probes: WeakRef<object>[]): Promise<boolean> {
  for (let round = 0; round < 10 && probes.some((probe) => probe.deref() !== undefined); round++) {
    await macrotask();
    gc();
    await macrotask();
  }
  await settle();
  return probes.every((probe) => probe.deref() === undefined);
}

function setReplaceAndDropFirst(store: ValueStore): [kept: object, dropped: WeakRef<object>] {
  const first = { id: 'A' };
  const second = { id: 'B' };
  store.set('k', first);
  store.set('k', second);
  return [second, new WeakRef(first)];
}

async function checkReplaceThenDrop(create: () => ValueStore): Promise<Verdict> {
  const store = create();
  const [second, first] = setReplaceAndDropFirst(store);
  if (!(await collect([first]))) return 'inconclusive';
  return store.get('k') === second ? 'pass' : 'fail';
}

function setDeleteReAddAndDropFirst(store: ValueStore): [kept: object, dropped: WeakRef<object>] {
  const first = { id: 'A' };
  const second = { id: 'B' };
  store.set('k', first);
  store.delete('k');
  store.set('k', second);
  return [second, new WeakRef(first)];
}

async function checkDeleteAndReAdd(create: () => ValueStore): Promise<Verdict> {
  const store = create();
  const [second, first] = setDeleteReAddAndDropFirst(store);
  if (!(await collect([first]))) return 'inconclusive';
  return store.get('k') === second ? 'pass' : 'fail';
}

/**
 * 1,000 keys in five patterns: kept; dropped; set twice to the same value, dropped; deleted and
 * re-added with the same value, dropped; replaced by a kept value.
 */
function populateMixed(store: ValueStore): { kept: [string, object][]; dropped: WeakRef<object>[] } {
  const kept: [string, object][] = [];
  const dropped: WeakRef<object>[] = [];
  for (let i = 0; i < 1000; i++) {
    const key = `k${i}`;
    const value = { id: i };
    store.set(key, value);
    if (i % 5 === 0) {
      kept.push([key, value]);
      continue;
    }
    dropped.push(new WeakRef(value));
    if (i % 5 === 2) store.set(key, value);
    if (i % 5 === 3) {
      store.delete(key);
      store.set(key, value);
    }
    if (i % 5 === 4) {
      const replacement = { id: -i };
      store.set(key, replacement);
      kept.push([key, replacement]);
    }
  }
  return { kept, dropped };
}

async function checkMixed(
  create: () => ValueStore,
): Promise<Pick<ContestantResult['checks'], 'exactSize' | 'keepsLiveValues'>> {
  const store = create();
  const { kept, dropped } = populateMixed(store);
  if (!(await collect(dropped))) return { exactSize: 'inconclusive', keepsLiveValues: 'inconclusive' };
  return {
    exactSize: store.size === kept.length ? 'pass' : 'fail',
    keepsLiveValues: kept.every(([key, value]) => store.get(key) === value) ? 'pass' : 'fail',
  };
}

async function check(create: () => ValueStore, weak: boolean): Promise<ContestantResult['checks']> {
  if (!weak)
    return { replaceThenDrop: 'n/a', deleteAndReAdd: 'n/a', exactSize: 'n/a', keepsLiveValues: 'n/a' };
  return {
    replaceThenDrop: await checkReplaceThenDrop(create),
    deleteAndReAdd: await checkDeleteAndReAdd(create),
    ...(await checkMixed(create)),
  };
}

const [name = '', nArgument = '', repsArgument = '5'] = process.argv.slice(2);
const n = Number(nArgument);
const reps = Number(repsArgument);
if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(reps) || reps <= 0) {
  throw new Error('usage: contestant.ts <name> <N> [reps]');
}
const contestant = contestantNamed(name);
const create = await contestant.load();
// Checks first, while the heap is small and each forced collection is quick.
const checks = await check(create, contestant.weak);
const keys = Array.from({ length: n }, (_, i) => `k${i}`);
// A small run first, so that feedback vectors and the like are already on the heap before the
// empty-map reading.
await measureMemory(create, keys.slice(0, 10_000), contestant.weak);
readAll(create(), keys.slice(0, 10_000));
const memory = await measureMemory(create, keys, contestant.weak);
const { lostLiveValues, ...speed } = await measureSpeed(create, keys, reps);
if (lostLiveValues) checks.keepsLiveValues = 'fail';
const result: ContestantResult = { name, n, ...speed, ...memory, checks };
console.log(JSON.stringify(result));
