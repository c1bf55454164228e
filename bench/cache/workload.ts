// The workload every contestant runs: seeded Zipf requests, ~1 KB values, callers that hold on to
// the last values they got. Deterministic: the same seed gives every contestant the same requests.

export const keyCount = 100_000;
export const requestCount = 1_000_000;
/** Zipf exponent: with it, lru-cache (max 1000) scores ~51 %, as in the issue. */
export const zipfExponent = 1;
export const seed = 42;
/** Callers hold the values of this many most recent requests. */
export const heldByCallers = 5_000;
/** The harness yields to the event loop after this many requests, so cleanups can run. */
export const yieldEvery = 1_000;
/** Elements per value: 128 small integers, ~1 KB on the heap with the array's header. */
const valueLength = 128;

export interface Value {
  readonly key: number;
  readonly payload: number[];
}

/** What a cache loads on a miss: a fresh ~1 KB object. */
export function loadValue(key: number): Value {
  return { key, payload: new Array<number>(valueLength).fill(key) };
}

/** mulberry32: small, fast, and good enough to draw a workload from. */
function random(seedValue: number): () => number {
  let state = seedValue | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `requestCount` keys drawn from a Zipf distribution over `keyCount` keys (key 0 the most popular). */
export function zipfRequests(): Uint32Array {
  const cumulative = new Float64Array(keyCount);
  let sum = 0;
  for (let rank = 0; rank < keyCount; rank++) {
    sum += 1 / (rank + 1) ** zipfExponent;
    cumulative[rank] = sum;
  }
  const next = random(seed);
  const requests = new Uint32Array(requestCount);
  for (let i = 0; i < requestCount; i++) {
    const target = next() * sum;
    let low = 0;
    let high = keyCount - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    requests[i] = low;
  }
  return requests;
}

/**
 * The hit rate no cache with a strong LRU tail of `max` can fall below on this workload, however
 * often collections run: a request hits if its key is in an LRU of `max`, or if a caller still
 * holds its value (it was requested within the last `heldByCallers` requests).
 */
export function heldValuesFloor(requests: Uint32Array, max: number): number {
  const lru = new Map<number, true>();
  const lastSeen = new Float64Array(keyCount).fill(Number.NEGATIVE_INFINITY);
  let hits = 0;
  for (let i = 0; i < requests.length; i++) {
    const key = requests[i] as number;
    const inLru = lru.delete(key);
    if (inLru || i - (lastSeen[key] as number) <= heldByCallers) hits++;
    lru.set(key, true);
    if (lru.size > max) lru.delete(lru.keys().next().value as number);
    lastSeen[key] = i;
  }
  return hits / requests.length;
}

/**
 * The fewest distinct keys among the requests of any `heldByCallers` consecutive ones: while it is
 * above a cache's `max`, the values its strong tail holds are among those callers hold anyway.
 */
export function fewestDistinctKeysHeld(requests: Uint32Array): number {
  const inWindow = new Uint32Array(keyCount);
  let distinct = 0;
  let fewest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < requests.length; i++) {
    const entering = requests[i] as number;
    if (inWindow[entering] === 0) distinct++;
    inWindow[entering] = (inWindow[entering] as number) + 1;
    if (i >= heldByCallers) {
      const leaving = requests[i - heldByCallers] as number;
      inWindow[leaving] = (inWindow[leaving] as number) - 1;
      if (inWindow[leaving] === 0) distinct--;
    }
    if (i >= heldByCallers - 1) fewest = Math.min(fewest, distinct);
  }
  return fewest;
}
