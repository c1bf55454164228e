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
/** Rounds of the in-process ratio (each: a bare snapshot and two whyAlive calls). */
const ratioRoundsFor = (megabytes: number): number => (megabytes <= 50 ? 5 : megabytes <= 200 ? 2 : 1);
const freshModes = ['bare', 'inspector', 'weakkit', 'naive'] as const;
const contestantFile = new URL('./contestant.ts', import.meta.url).pathname;
const resultsFile = new URL('../results/whyalive.md', import.meta.url);

function run(mode: string, megabytes: number, rounds = 1): ContestantResult {
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
        String(rounds),
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
  fresh: Record<(typeof freshModes)[number], ContestantResult>;
  ratio: ContestantResult;
  onePath: { wall: number; cpu: number };
  onePathOwn: { wall: number; cpu: number };
  threePathsOwn: { wall: number; cpu: number };
}

const started = new Date();
const loadAtStart = loadavg()[0]!;
const rows: Row[] = [];
for (const megabytes of sizes) {
  const fresh = {} as Row['fresh'];
  for (const mode of freshModes) {
    console.log(`heap ${megabytes} MB: ${mode}, fresh process…`);
    fresh[mode] = run(mode, megabytes);
  }
  console.log(`heap ${megabytes} MB: ${ratioRoundsFor(megabytes)} rounds of bare / whyAlive in one process…`);
  const ratio = run('ratio', megabytes, ratioRoundsFor(megabytes));
  const medianOf = (list: { wall: number; cpu: number }[] = []) => ({
    wall: median(list.map((r) => r.wall)),
    cpu: median(list.map((r) => r.cpu)),
  });
  rows.push({
    megabytes,
    fresh,
    ratio,
    onePath: medianOf(ratio.ratios?.onePath),
    onePathOwn: medianOf(ratio.ratios?.onePathOwn),
    threePathsOwn: medianOf(ratio.ratios?.threePathsOwn),
  });
  console.log(JSON.stringify({ megabytes, fresh, ratio }));
}
const minutes = (Date.now() - started.getTime()) / 60_000;

const answerOf = (...results: ContestantResult[]) => {
  const wrong = results.find((r) => r.error !== undefined || !r.pathOk);
  return wrong ? `**wrong**: ${wrong.error ?? wrong.path}` : 'right path';
};
const lines = rows.map(({ megabytes, fresh, ratio, onePath, onePathOwn, threePathsOwn }) => {
  const floor = Math.min(fresh.bare.wallMs, fresh.inspector.wallMs);
  const naive = fresh.naive;
  const naiveCell = naive.error
    ? `fails: ${naive.error}`
    : `${whole(naive.wallMs)} (${times(naive.wallMs / floor)})`;
  const rssRatio = naive.error ? '—' : times(fresh.weakkit.maxRssMB / naive.maxRssMB);
  return (
    `| ${megabytes} (${fresh.weakkit.heapMB.toFixed(0)}) | **${times(onePathOwn.cpu)}** / **${times(onePathOwn.wall)}** ` +
    `| ${times(threePathsOwn.cpu)} / ${times(threePathsOwn.wall)} | ${times(onePath.cpu)} / ${times(onePath.wall)} ` +
    `| ${whole(fresh.bare.wallMs)} / ${whole(fresh.inspector.wallMs)} ` +
    `| ${whole(fresh.weakkit.wallMs)} (${times(fresh.weakkit.wallMs / floor)}) | ${(fresh.weakkit.wallMs / fresh.weakkit.heapMB).toFixed(0)} ` +
    `| ${naiveCell} | ${whole(fresh.bare.maxRssMB)} / **${whole(fresh.weakkit.maxRssMB)}** / ${whole(naive.maxRssMB)} ` +
    `| ${rssRatio} | ${answerOf(fresh.weakkit, ratio)} |`
  );
});

const at = (megabytes: number) => rows.find((row) => row.megabytes === megabytes);
const rss = (megabytes: number, mode: 'weakkit' | 'bare'): number => {
  const row = at(megabytes);
  return row && !row.fresh.naive.error ? row.fresh[mode].maxRssMB / row.fresh.naive.maxRssMB : Number.NaN;
};
const one = (megabytes: number) => at(megabytes)?.onePathOwn ?? { wall: Number.NaN, cpu: Number.NaN };
const perMB = rows.map((row) => row.fresh.weakkit.wallMs / row.fresh.weakkit.heapMB);
const met = (ok: boolean) => (ok ? 'met' : '**not met**');
const timeMet = [50, 200].every((mb) => one(mb).cpu <= 1.2 && one(mb).wall <= 1.2);
const memoryMet = [50, 200].every((mb) => rss(mb, 'weakkit') <= 0.5);
const at500 = at(500);

const markdown = `## whyalive

Command: \`npm run bench -- whyalive\` (runs \`node --expose-gc --import tsx bench/whyalive/index.ts\`; each measurement in a child process \`node --expose-gc --max-old-space-size=8192 --import tsx bench/whyalive/contestant.ts <mode> <MB> [rounds]\`).
Machine: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB. Date: ${started.toISOString().slice(0, 10)}. Run time: ${minutes.toFixed(1)} min. Load average at start ${loadAtStart.toFixed(1)}, at end ${loadavg()[0]!.toFixed(1)}: the machine is shared, so read the ratios, CPU-time ones first.

Method: each child fills its heap with application-like records (strings, arrays, dates, nested objects, a Map in every tenth, a closure in every seventh) up to the size, plants one object held by a module-level \`Map\` entry's closure, and asks what holds it. **In one process**, after a warm-up snapshot, rounds of \`v8.writeHeapSnapshot()\` alone and \`whyAlive(target)\` with \`maxPaths: 1\` and with the default 3, order rotated; medians of the per-round ratios (${ratioRoundsFor(50)} rounds up to 50 MB, ${ratioRoundsFor(200)} at 200 MB, ${ratioRoundsFor(500)} at 500 MB), by CPU time and wall time. **whyAlive ÷ its own snapshot** divides a call's whole time by the time of the \`v8.writeHeapSnapshot()\` inside it (the bench wraps that function), which is a bare snapshot of the same heap at the same moment: two separate snapshots of one heap differ by up to ±10 % here, as much as whyAlive's whole overhead, so **÷ a separate bare snapshot** (the same round's) scatters around the same figure. **Fresh processes**, one measurement each, a process's first snapshot as in a failing test: **bare** (\`v8.writeHeapSnapshot()\`), **inspector** (\`HeapProfiler.takeHeapSnapshot\`, chunks thrown away), **weakkit** (\`whyAlive\`, \`maxPaths: 1\`), and **naive** (the inspector's chunks joined into one string, \`JSON.parse\`, BFS over non-weak edges); the floor is the faster of bare and inspector. Peak RSS is each child's \`process.resourceUsage().maxRSS\`, its heap included. The answer column checks that the path ends \`registry (Map) → get('session:42') → closure onResize → context → target (BenchTarget)\`.

| heap MB (measured) | **whyAlive ÷ its own snapshot**, CPU / wall | same, \`maxPaths: 3\` | whyAlive ÷ a separate bare snapshot, CPU / wall | fresh: bare / inspector wall ms | fresh: weakkit wall ms (× floor) | weakkit ms per MB | fresh: naive wall ms (× floor) | peak RSS MB: bare / **weakkit** / naive | weakkit ÷ naive RSS | answer |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
${lines.join('\n')}

Targets: total ≤ 1.2× the bare snapshot at 50 MB (${times(one(50).cpu)} CPU, ${times(one(50).wall)} wall, over its own snapshot) and 200 MB (${times(one(200).cpu)} CPU, ${times(one(200).wall)} wall): ${met(timeMet)}. Peak memory ≤ half the naive approach's (50 MB ${times(rss(50, 'weakkit'))}, 200 MB ${times(rss(200, 'weakkit'))}): ${met(memoryMet)}; V8's snapshot alone, before anything reads it, peaks at ${times(rss(50, 'bare'))} and ${times(rss(200, 'bare'))} of naive: no snapshot reader can go under that. A right answer at 500 MB: ${met(at500 !== undefined && answerOf(at500.fresh.weakkit, at500.ratio) === 'right path')}.

Reading: a query costs about ${Math.round(Math.min(...perMB))}–${Math.round(Math.max(...perMB))} ms per MB of live heap here (about 55 ms per MB on an idle laptop), nearly all of it V8 taking the snapshot, which no tool avoids; parsing the file, the search and the readable path add the rest of the ratio. Peak memory is V8's snapshot generator's too: weakkit allocates its typed arrays (13 bytes a node, 9 an edge) after the generator has freed its own, in the same pages. The naive approach adds a string the size of the snapshot and \`JSON.parse\`'s arrays of boxed numbers, and cannot go past V8's longest string (about 512 MB of snapshot text, a heap of about 250 MB).
`;

writeFileSync(resultsFile, markdown);
console.log(markdown);
