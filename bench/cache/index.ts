// `npm run bench -- cache`: WeakCache against lru-cache, quick-lru, weak-lru-cache and a hand-rolled
// weak cache on one seeded Zipf workload, each run alone in a child process (bench/cache/worker.ts).
// Writes bench/results/cache.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { type Contestant, contestantNamed, contestants } from './contestants.js';
import type { RunResult } from './worker.js';
import {
  fewestDistinctKeysHeld,
  heldByCallers,
  heldValuesFloor,
  keyCount,
  requestCount,
  seed,
  yieldEvery,
  zipfExponent,
  zipfRequests,
} from './workload.js';

/**
 * Runs per contestant under natural collection; the table shows medians. Single runs of one
 * contestant differ by up to ±25 % on a shared machine, and one round's ratio of two contestants
 * by ±15 %, so telling a few % apart takes this many.
 */
const repetitions = Number(process.env.CACHE_BENCH_ROUNDS ?? 25);
/** Forced full collections, every this many requests, for the hit-rate sweep (0: natural only). */
const forcedGcSettings = [1_000, 10_000, 100_000];

const workerFile = new URL('./worker.ts', import.meta.url).pathname;

function run(contestant: Contestant, gcEvery: number): RunResult {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', workerFile, contestant.name, String(gcEvery)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const result = JSON.parse(output.trim().split('\n').at(-1) as string) as RunResult;
  console.log(
    `  ${contestant.name}, ${gcEvery === 0 ? 'natural GC' : `GC every ${gcEvery}`}: ` +
      `hit rate ${percent(result.hitRate)}, ${Math.round(result.nsPerRequest)} ns/request`,
  );
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const percent = (rate: number): string => `${(rate * 100).toFixed(1)} %`;
const points = (difference: number): string =>
  `${difference >= 0 ? '+' : '−'}${Math.abs(difference * 100).toFixed(1)}`;
const megabytes = (mb: number): string => mb.toFixed(1);
const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

interface Summary {
  contestant: Contestant;
  hitRate: number;
  nsPerRequest: number;
  /** Median over the rounds of this contestant's ns/request over the hand-rolled cache's in the same round. */
  perHandRolled: number;
  /** Rounds in which this contestant took less time than the hand-rolled cache. */
  fasterRounds: number;
  loads: number;
  secondCopies: number;
  heapAfterMB: number;
  peakHeapMB: number;
}

function summarize(contestant: Contestant, runs: RunResult[], handRolledRuns: RunResult[]): Summary {
  const of = (pick: (r: RunResult) => number) => median(runs.map(pick));
  const perRound = runs.map((r, round) => r.nsPerRequest / (handRolledRuns[round] as RunResult).nsPerRequest);
  return {
    contestant,
    hitRate: of((r) => r.hitRate),
    nsPerRequest: of((r) => r.nsPerRequest),
    perHandRolled: median(perRound),
    fasterRounds: perRound.filter((ratio) => ratio < 1).length,
    loads: of((r) => r.loads),
    secondCopies: of((r) => r.secondCopies),
    heapAfterMB: of((r) => r.heapAfterMB),
    peakHeapMB: of((r) => r.peakHeapMB),
  };
}

/** The contestants in a different order each round, so none always runs at the same point of a round. */
function rotated(round: number): Contestant[] {
  const shift = (round * 3) % contestants.length;
  const order = [...contestants.slice(shift), ...contestants.slice(0, shift)];
  return round % 2 === 1 ? order.reverse() : order;
}

console.log('Natural collection, in rounds:');
const naturalRuns = new Map<Contestant, RunResult[]>(contestants.map((c) => [c, []]));
for (let round = 0; round < repetitions; round++) {
  for (const contestant of rotated(round)) naturalRuns.get(contestant)?.push(run(contestant, 0));
}
const handRolledName = 'hand-rolled Map<K, WeakRef> + FinalizationRegistry';
const handRolledRuns = naturalRuns.get(contestantNamed(handRolledName)) ?? [];
const summaries = contestants.map((c) => summarize(c, naturalRuns.get(c) ?? [], handRolledRuns));

console.log('Forced full collections, weak contestants:');
const weakContestants = contestants.filter((c) => c.weak);
const sweep = new Map<Contestant, Map<number, RunResult>>();
for (const gcEvery of forcedGcSettings) {
  for (const contestant of weakContestants) {
    const row = sweep.get(contestant) ?? new Map<number, RunResult>();
    row.set(gcEvery, run(contestant, gcEvery));
    sweep.set(contestant, row);
  }
}

const requests = zipfRequests();
const floors = new Map([1000, 10_000].map((max) => [max, heldValuesFloor(requests, max)]));
const distinctKeysHeld = fewestDistinctKeysHeld(requests);

// ---- The tables --------------------------------------------------------------------------------

const summaryOf = (name: string): Summary => {
  const found = summaries.find((s) => s.contestant.name === name);
  if (found === undefined) throw new Error(`no results for ${name}`);
  return found;
};
const handRolled = summaryOf(handRolledName);
const lruOfMax = (max: number): Summary | undefined =>
  summaries.find((s) => s.contestant.name === `lru-cache (max ${max})`);

const mainRows = summaries.map((s) => {
  const lru = s.contestant.max > 0 ? lruOfMax(s.contestant.max) : undefined;
  return `| ${s.contestant.name} | ${percent(s.hitRate)} | ${lru === undefined ? '' : points(s.hitRate - lru.hitRate)} | ${Math.round(s.nsPerRequest)} | ${s.perHandRolled.toFixed(2)} | ${s.fasterRounds} | ${thousands(s.loads)} | ${thousands(s.secondCopies)} | ${megabytes(s.heapAfterMB)} | ${megabytes(s.peakHeapMB)} |`;
});

const sweepRows = weakContestants.map((contestant) => {
  const row = sweep.get(contestant);
  const cells = forcedGcSettings.map((gcEvery) => {
    const result = row?.get(gcEvery);
    return result === undefined ? '' : `${percent(result.hitRate)} (${thousands(result.secondCopies)})`;
  });
  return `| ${contestant.name} | ${cells.join(' | ')} | ${percent(summaryOf(contestant.name).hitRate)} |`;
});
for (const max of [1000, 10_000]) {
  const lru = lruOfMax(max);
  const cells = forcedGcSettings.map(() =>
    lru === undefined ? '' : `${percent(lru.hitRate)} (${thousands(lru.secondCopies)})`,
  );
  sweepRows.push(
    `| lru-cache (max ${max}), for reference | ${cells.join(' | ')} | ${lru === undefined ? '' : percent(lru.hitRate)} |`,
  );
  sweepRows.push(
    `| floor: LRU(${max}) + values callers hold | ${forcedGcSettings.map(() => percent(floors.get(max) ?? 0)).join(' | ')} | |`,
  );
}

// ---- The targets ---------------------------------------------------------------------------------

const weakCache1000 = summaryOf('weakkit WeakCache (max 1000)');
const weakCache10000 = summaryOf('weakkit WeakCache (max 10000)');
const weakLru1000 = summaryOf('weak-lru-cache (cacheSize 1000)');
const handRolledWithTail = summaryOf('hand-rolled, plus a Map LRU tail (max 1000)');
/** WeakCache (max 1000) against the hand-rolled cache with the same strong tail, round by round. */
const againstSameTail = summarize(
  weakCache1000.contestant,
  naturalRuns.get(weakCache1000.contestant) ?? [],
  naturalRuns.get(handRolledWithTail.contestant) ?? [],
);
const lru1000 = lruOfMax(1000);
const lru10000 = lruOfMax(10_000);
const worstHitRate = (name: string): number => {
  const contestant = weakContestants.find((c) => c.name === name);
  const forced = [...(contestant === undefined ? [] : (sweep.get(contestant)?.values() ?? []))].map(
    (r) => r.hitRate,
  );
  return Math.min(summaryOf(name).hitRate, ...forced);
};
const check = (ok: boolean): string => (ok ? '✓' : '✗');
const worst1000 = worstHitRate(weakCache1000.contestant.name);
const worst10000 = worstHitRate(weakCache10000.contestant.name);
const targets = [
  `- ${check(lru1000 !== undefined && worst1000 >= lru1000.hitRate + 0.08)} max 1000, hit rate ≥ lru-cache's + 8 points under every collection frequency: worst ${percent(worst1000)} vs ${percent(lru1000?.hitRate ?? 0)} (${points(worst1000 - (lru1000?.hitRate ?? 0))} points).`,
  `- ${check(weakCache1000.perHandRolled <= 1)} max 1000, ns/request ≤ the hand-rolled weak cache: ×${weakCache1000.perHandRolled.toFixed(2)} (medians ${Math.round(weakCache1000.nsPerRequest)} vs ${Math.round(handRolled.nsPerRequest)} ns; faster in ${weakCache1000.fasterRounds} of ${repetitions} rounds).`,
  `- ${check(weakCache1000.nsPerRequest < weakLru1000.nsPerRequest)} max 1000, ns/request below weak-lru-cache (cacheSize 1000): ${Math.round(weakCache1000.nsPerRequest)} vs ${Math.round(weakLru1000.nsPerRequest)} (×${(weakCache1000.nsPerRequest / weakLru1000.nsPerRequest).toFixed(2)}).`,
  `- ${check(lru10000 !== undefined && worst10000 >= lru10000.hitRate)} max 10000, hit rate ≥ lru-cache's under every collection frequency: worst ${percent(worst10000)} vs ${percent(lru10000?.hitRate ?? 0)}.`,
];

const cpu = cpus();
const machine = `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim()}`;
const markdown = `## cache

Command: \`npm run bench -- cache\` (bench/cache/index.ts; one child process per run, bench/cache/worker.ts; \`CACHE_BENCH_ROUNDS\` sets the number of rounds, ${repetitions} here).
Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}.

Workload: ${thousands(requestCount)} requests over ${thousands(keyCount)} keys drawn from a Zipf distribution (exponent ${zipfExponent}, seed ${seed}); a miss loads a fresh ~1 KB value (an object with a 128-element array) and stores it; callers hold the values of their last ${thousands(heldByCallers)} requests; the harness yields to the event loop every ${thousands(yieldEvery)} requests. ns/request is CPU time (all threads) per request, including loads, the harness and natural collections, excluding forced ones. Every round runs each contestant once, in a rotated order; "× hand-rolled" is the median over the rounds of a contestant's time over the hand-rolled cache's in the same round, so that it compares runs made under the same machine load. "Second copies" counts loads of a key whose value a caller still held. Heap after: over the empty cache, once callers dropped their values. Peak heap: highest heap over the empty cache, sampled at every yield (garbage not yet collected included).

### Natural garbage collection (medians of ${repetitions} runs)

| contestant | hit rate | vs lru-cache, same max (points) | ns/request | × hand-rolled | rounds faster than hand-rolled | loads | second copies | heap after (MB) | peak heap (MB) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${mainRows.join('\n')}

### Hit rate (second copies) by how often full collections run

A weak cache's hit rate depends on how long unused values survive. Forcing a full collection every N requests shows the range: every 1,000 requests is close to the worst case, where only the strong tail and the values callers hold remain.

| contestant | GC every 1,000 | every 10,000 | every 100,000 | natural only |
|---|---:|---:|---:|---:|
${sweepRows.join('\n')}

### Targets

${targets.join('\n')}

### Reading

- A strong LRU loads values that callers still hold: lru-cache (max 1000) loaded ${thousands(lru1000?.secondCopies ?? 0)} second copies, each a duplicate in memory and a broken identity (two objects for one key). The weak caches loaded none: a value in use is always found.
- With max 1000, WeakCache's hit rate never fell below ${percent(worst1000)}, ${points(worst1000 - (lru1000?.hitRate ?? 0))} points over lru-cache, because the values callers hold stay reachable through the cache; the floor that these held values guarantee is ${percent(floors.get(1000) ?? 0)}. Between full collections it also serves values nobody holds any more, so with natural collection it reached ${percent(weakCache1000.hitRate)}.
- With max 10000 the strong tail covers more than the held values, so WeakCache scores at least what lru-cache (max 10000) does, plus whatever is still alive.
- Cost per request (CPU time, loads and collection included): WeakCache (max 1000) ×${weakCache1000.perHandRolled.toFixed(2)} the hand-rolled \`Map\` of \`WeakRef\`s, which holds nothing strongly, ×${againstSameTail.perHandRolled.toFixed(2)} the same with a strong tail of 1000 kept the obvious way (a \`Map\` in use order; median of the per-round ratios, faster in ${againstSameTail.fasterRounds} of ${repetitions} rounds), and ×${(weakCache1000.nsPerRequest / weakLru1000.nsPerRequest).toFixed(2)} weak-lru-cache (cacheSize 1000). On this workload the tail cannot save a load (any ${thousands(heldByCallers)} consecutive requests name at least ${thousands(distinctKeysHeld)} distinct keys, so the 1,000 values the tail holds are among those callers hold), and it costs work on every request: relinking its list on a hit in the tail, storing the value and evicting the oldest on any other hit or load. What it saves, a \`deref\` on a hit in the tail, does not pay for that here. Every weak cache costs more than a strong LRU (lru-cache (max 1000): ×${(lru1000?.perHandRolled ?? 0).toFixed(2)} the hand-rolled one) although it loads less: each loaded value gets a \`WeakRef\` and a finalization registration, and the collector does most of that work (about half the CPU time in a profile). On a shared machine, differences under ~15 % between runs are noise: compare the ratios of one run.
- quick-lru scores above lru-cache at the same size because it holds between maxSize and 2 × maxSize values.

### Choosing \`max\`

Start from the number of values you can afford to keep in memory when nothing uses them, then watch \`cache.stats\` under real traffic. \`weakHits / hits\` is the share of hits that only the weak part saved: values that had left the tail and were still alive because something used them. If it is high and \`misses\` are too, values leave the tail while they are still wanted: raise \`max\`. If \`weakHits\` stays near 0, the tail alone holds the working set, and a smaller \`max\` may do. \`collected\` counts values that left the cache because nothing held them; \`loads\` close to \`misses\` means fetches rarely overlapped. Unlike a plain LRU, a too-small \`max\` never costs a second copy of a value still in use, only a reload of values nobody holds.
`;

writeFileSync(new URL('../results/cache.md', import.meta.url), markdown);
console.log(`\n${targets.join('\n')}\nbench/results/cache.md written.`);
