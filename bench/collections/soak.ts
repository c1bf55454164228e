// Soak test, not part of `npm test` (it takes seconds and measures the whole heap):
//   npm run build && node --expose-gc --import tsx bench/collections/soak.ts [cycles]
// Churns a million set/replace/drop cycles through each weakkit collection, letting cleanups run
// between batches as an application's event loop would, and checks that the heap comes back to
// within 5 % of where it started once everything is dropped and collected. Exits 1 on a failure.
import { getHeapStatistics } from 'node:v8';
import * as weakkit from 'weakkit';
import { collectGarbage } from 'weakkit/testing';

const cycles = Number(process.argv[2] ?? 1_000_000);
const warmupCycles = 100_000;
const tolerance = 0.05;
/** Cycles between two macrotasks, so cleanup callbacks run during the churn and not only at the end. */
const batch = 1_000;
/** Values stay alive for this many cycles (a ring of strong references), then are dropped. */
const lifetime = 1_000;
const keySpace = 10_000;

interface SoakCase {
  name: string;
  /** Runs `count` cycles on one long-lived collection, and returns its size once all was dropped. */
  churn(count: number): Promise<number>;
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const heapUsed = (): number => getHeapStatistics().used_heap_size;

/** The per-cycle step of a collection, given a ring that keeps recent objects alive. */
function soakCase(name: string, step: (i: number, ring: object[]) => void, size: () => number): SoakCase {
  return {
    name,
    async churn(count) {
      const ring = new Array<object>(lifetime);
      for (let start = 0; start < count; start += batch) {
        for (let i = start; i < start + batch; i++) step(i, ring);
        await macrotask();
      }
      ring.fill({});
      await collectGarbage({ rounds: 3 });
      return size();
    },
  };
}

function weakValueMapCase(): SoakCase {
  const map = new weakkit.WeakValueMap<string, object>();
  return soakCase(
    'WeakValueMap',
    (i, ring) => {
      const key = `k${i % keySpace}`;
      map.set(key, { id: i });
      const replacement = { id: -i };
      map.set(key, replacement);
      if (i % 4 === 0) map.delete(key);
      else ring[i % lifetime] = replacement;
    },
    () => map.size,
  );
}

// IterableWeakMap and IterableWeakSet join once they are exported (they are written in parallel).
interface MapLike {
  set(key: object, value: unknown): unknown;
  delete(key: object): unknown;
  readonly size: number;
}
interface SetLike {
  add(value: object): unknown;
  delete(value: object): unknown;
  readonly size: number;
}
const exported = weakkit as unknown as Record<string, (new () => MapLike & SetLike) | undefined>;

function iterableWeakMapCase(IterableWeakMap: new () => MapLike): SoakCase {
  const map = new IterableWeakMap();
  return soakCase(
    'IterableWeakMap',
    (i, ring) => {
      const key = { id: i };
      map.set(key, { id: i });
      // The replacement refers to its own key: an ephemeron-correct map must still let it go.
      map.set(key, { key });
      if (i % 4 === 0) map.delete(key);
      else ring[i % lifetime] = key;
    },
    () => map.size,
  );
}

function iterableWeakSetCase(IterableWeakSet: new () => SetLike): SoakCase {
  const set = new IterableWeakSet();
  return soakCase(
    'IterableWeakSet',
    (i, ring) => {
      const member = { id: i };
      set.add(member);
      set.add(member);
      if (i % 4 === 0) set.delete(member);
      else ring[i % lifetime] = member;
    },
    () => set.size,
  );
}

const cases: (() => SoakCase)[] = [weakValueMapCase];
const { IterableWeakMap, IterableWeakSet } = exported;
if (IterableWeakMap !== undefined) cases.push(() => iterableWeakMapCase(IterableWeakMap));
else console.log('IterableWeakMap is not exported yet: skipped');
if (IterableWeakSet !== undefined) cases.push(() => iterableWeakSetCase(IterableWeakSet));
else console.log('IterableWeakSet is not exported yet: skipped');

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MB`;
const percent = (change: number): string => `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`;
/**
 * Runs one case on a fresh collection (made here and dropped on return, so the next case starts
 * clean) and says whether it passed. No collection is forced during the churn: the engine collects
 * when it would in an application. A second run of as many cycles tells a leak (it grows again)
 * from a table that keeps its high-water capacity (it does not).
 */
async function soak(makeCase: () => SoakCase): Promise<boolean> {
  const soakCase = makeCase();
  // Warm up first, so that compiled code and the collection's settled shape are in the start figure.
  await soakCase.churn(warmupCycles);
  await collectGarbage({ rounds: 3 });
  const before = heapUsed();
  const start = performance.now();
  const size = await soakCase.churn(cycles);
  const seconds = (performance.now() - start) / 1000;
  await collectGarbage({ rounds: 3 });
  const after = heapUsed();
  await soakCase.churn(cycles);
  await collectGarbage({ rounds: 3 });
  const afterSecondRun = heapUsed();
  const change = (after - before) / before;
  const passed = Math.abs(change) <= tolerance && size === 0;
  console.log(
    `${soakCase.name.padEnd(16)} ${cycles.toLocaleString('en-US')} cycles in ${seconds.toFixed(1)} s: ` +
      `heap ${mb(before)} → ${mb(after)} (${percent(change)}), size after dropping all ${size}: ` +
      `${passed ? 'PASS' : 'FAIL'} (limit ±${tolerance * 100} %, size 0); ` +
      `as many cycles again: ${mb(afterSecondRun)} (${percent((afterSecondRun - after) / before)} more)`,
  );
  return passed;
}

let failures = 0;
for (const makeCase of cases) if (!(await soak(makeCase))) failures++;
process.exitCode = failures === 0 ? 0 : 1;
