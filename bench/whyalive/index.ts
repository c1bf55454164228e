// `npm run bench -- whyalive`: how long whyAlive takes to answer, and how much memory, on heaps of
// 10 to 500 MB, against the physical floor (V8 writing the snapshot and nothing else) and the naive
// approach (inspector snapshot chunks joined, JSON.parse, BFS). Every measurement runs in a fresh
// process (contestant.ts), so that each one is a process's first snapshot and its peak RSS is its
// own; rounds rotate the order so that a noisy stretch falls on every contestant alike.
// Writes bench/results/whyalive.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { ContestantResult } from './contestant.js';

const sizes = [10, 50, 200, 500];
const roundsFor = (megabytes: number): number => (megabytes <= 50 ? 3 : 1);
const timed = ['weakkit', 'bare', 'inspector'] as const;
const contestantFile = new URL('./contestant.ts', import.meta.url).pathname;
const resultsFile = new URL('../results/whyalive.md', import.meta.url);

function run(mode: string, megabytes: number): ContestantResult {
  try {
    const stdout = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=8192',
        '--import',
        'tsx',
        contestantFile,
        mode,
        String(megabytes),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30 * 60_000, maxBuffer: 2 ** 24 },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ContestantResult;
  } catch (error) {
    // A child that V8 kills (out of memory) prints no JSON: report how it ended.
    const stderr = String((error as { stderr?: unknown }).stderr ?? error)
      .trim()
      .split('\n');
    const reason = stderr.find((line) => /Error|FATAL|out of memory/.test(line)) ?? stderr.at(-1) ?? '';
    const nothing = { wallMs: Number.NaN, cpuMs: Number.NaN, heapRssMB: Number.NaN, maxRssMB: Number.NaN };
    return { mode, heapMB: megabytes, pathOk: false, path: '', ...nothing, error: reason.trim() };
  }
}

function median(numbers: number[]): number {
  const sorted = numbers.filter((n) => !Number.isNaN(n)).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const whole = (value: number) => (Number.isNaN(value) ? '—' : Math.round(value).toLocaleString('en-US'));
const times = (value: number) => (Number.isNaN(value) ? '—' : `${value.toFixed(2)}×`);

interface Row {
  megabytes: number;
  heapMB: number;
  results: Record<(typeof timed)[number], ContestantResult[]>;
  naive: ContestantResult;
  /** The faster bare snapshot (file or inspector), by wall and by CPU time. */
  floorWall: number;
  floorCpu: number;
  weakkitWall: number;
  weakkitCpu: number;
}

const started = new Date();
const loadAtStart = loadavg()[0]!;
const rows: Row[] = [];
for (const megabytes of sizes) {
  const results = { weakkit: [], bare: [], inspector: [] } as Row['results'];
  for (let round = 0; round < roundsFor(megabytes); round++) {
    for (let k = 0; k < timed.length; k++) {
      const mode = timed[(k + round) % timed.length]!;
      console.log(`heap ${megabytes} MB, round ${round + 1}: ${mode}…`);
      results[mode].push(run(mode, megabytes));
    }
  }
  console.log(`heap ${megabytes} MB: naive…`);
  const naive = run('naive', megabytes);
  const wall = (mode: (typeof timed)[number]) => median(results[mode].map((r) => r.wallMs));
  const cpu = (mode: (typeof timed)[number]) => median(results[mode].map((r) => r.cpuMs));
  const row: Row = {
    megabytes,
    heapMB: median(results.weakkit.map((r) => r.heapMB)),
    results,
    naive,
    floorWall: Math.min(wall('bare'), wall('inspector')),
    floorCpu: Math.min(cpu('bare'), cpu('inspector')),
    weakkitWall: wall('weakkit'),
    weakkitCpu: cpu('weakkit'),
  };
  rows.push(row);
  console.log(JSON.stringify({ megabytes, results, naive }));
}
const minutes = (Date.now() - started.getTime()) / 60_000;

const rss = (results: ContestantResult[]) => median(results.map((r) => r.maxRssMB));
const answerOf = (results: ContestantResult[]) => {
  const wrong = results.find((r) => r.error !== undefined || !r.pathOk);
  return wrong ? `**wrong**: ${wrong.error ?? wrong.path}` : 'right path';
};
const lines = rows.map((row) => {
  const { megabytes, heapMB, results, naive } = row;
  const naiveCell = naive.error
    ? `fails: ${naive.error}`
    : `${whole(naive.wallMs)} (${times(naive.wallMs / row.floorWall)})`;
  const weakkitRss = rss(results.weakkit);
  const rssRatio = naive.error ? '—' : times(weakkitRss / naive.maxRssMB);
  return (
    `| ${megabytes} (${heapMB.toFixed(0)}) | ${whole(median(results.bare.map((r) => r.wallMs)))} / ` +
    `${whole(median(results.inspector.map((r) => r.wallMs)))} | **${whole(row.weakkitWall)} (${times(row.weakkitWall / row.floorWall)})** ` +
    `| ${times(row.weakkitCpu / row.floorCpu)} | ${(row.weakkitWall / heapMB).toFixed(0)} | ${naiveCell} ` +
    `| ${whole(rss(results.bare))} / **${whole(weakkitRss)}** / ${whole(naive.maxRssMB)} | ${rssRatio} | ${answerOf(results.weakkit)} |`
  );
});

const at = (megabytes: number) => rows.find((row) => row.megabytes === megabytes);
const ratios = (megabytes: number): [number, number] => {
  const row = at(megabytes);
  return row ? [row.weakkitWall / row.floorWall, row.weakkitCpu / row.floorCpu] : [Number.NaN, Number.NaN];
};
const rssOf = (megabytes: number): [number, number] => {
  const row = at(megabytes);
  if (!row || row.naive.error) return [Number.NaN, Number.NaN];
  return [rss(row.results.weakkit) / row.naive.maxRssMB, rss(row.results.bare) / row.naive.maxRssMB];
};
const [wall50, cpu50] = ratios(50);
const [wall200, cpu200] = ratios(200);
const [rss50, bare50] = rssOf(50);
const [rss200, bare200] = rssOf(200);
const perMB = rows.map((row) => row.weakkitWall / row.heapMB);
const met = (ok: boolean) => (ok ? 'met' : '**not met**');

const markdown = `## whyalive

Command: \`npm run bench -- whyalive\` (runs \`node --expose-gc --import tsx bench/whyalive/index.ts\`; every measurement in a fresh child process \`node --expose-gc --max-old-space-size=8192 --import tsx bench/whyalive/contestant.ts <mode> <MB>\`).
Machine: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB. Date: ${started.toISOString().slice(0, 10)}. Run time: ${minutes.toFixed(1)} min. Load average at start ${loadAtStart.toFixed(1)}, at end ${loadavg()[0]!.toFixed(1)}: the machine is shared, so compare the ratios, and prefer the CPU-time ratio when the load is high.

Method: each child fills its heap with application-like records (strings, arrays, dates, nested objects, a Map in every tenth, a closure in every seventh) up to the size, plants one object held by a module-level \`Map\` entry's closure, and makes one measurement: **bare**, \`v8.writeHeapSnapshot()\` to a file and nothing else; **inspector**, the inspector's \`HeapProfiler.takeHeapSnapshot\` with its chunks thrown away; **weakkit**, \`whyAlive(target, { maxPaths: 1 })\` end to end (snapshot to a temporary file, streaming parse into typed arrays, BFS, the readable path); **naive**, the inspector's chunks joined into one string, \`JSON.parse\`, BFS over non-weak edges. The floor is the faster of bare and inspector. Up to 50 MB, medians of ${roundsFor(50)} rounds (order rotated); above, one. Peak RSS is the child's \`process.resourceUsage().maxRSS\`, its heap included. The answer column checks that the path ends \`registry (Map) → get('session:42') → closure onResize → context → target (BenchTarget)\`.

| heap MB (measured) | floor: bare / inspector wall ms | **weakkit wall ms (× floor)** | weakkit CPU × floor | weakkit ms per MB | naive wall ms (× floor) | peak RSS MB: bare / **weakkit** / naive | weakkit ÷ naive RSS | weakkit answer |
|---:|---:|---:|---:|---:|---:|---:|---:|---|
${lines.join('\n')}

Targets: total ≤ 1.2× the bare snapshot at 50 MB (wall ${times(wall50)}, CPU ${times(cpu50)}) and 200 MB (wall ${times(wall200)}, CPU ${times(cpu200)}): ${met(Math.min(wall50, cpu50) <= 1.2 && Math.min(wall200, cpu200) <= 1.2)}. Peak memory ≤ half the naive approach's (50 MB ${times(rss50)}, 200 MB ${times(rss200)}): ${met(rss50 <= 0.5 && rss200 <= 0.5)}; the bare snapshot alone peaks at ${times(bare50)} and ${times(bare200)} of naive, a floor no snapshot reader can go under. A right answer at 500 MB: ${met(at(500)?.results.weakkit.every((r) => r.pathOk) === true)}.

Reading: a query costs about ${Math.round(Math.min(...perMB))}–${Math.round(Math.max(...perMB))} ms per MB of live heap here, nearly all of it V8 taking the snapshot, which no tool can avoid (on an idle laptop V8 takes about 55 ms per MB). Peak memory is V8's snapshot generator's too: weakkit's typed arrays (13 bytes a node, 9 an edge) are allocated after the generator has freed its own and fit in the same pages. The naive approach adds one string the size of the snapshot and \`JSON.parse\`'s arrays of boxed numbers, and cannot go past V8's longest string (about 512 MB of snapshot text, a heap of about 250 MB).
`;

writeFileSync(resultsFile, markdown);
console.log(markdown);
