// bench/identity: the memory of a session that streams 1,000,000 SQLite rows and keeps a window of
// 1,000 entities, with weakkit's IdentityMap (clean entities weak) and with a strong Map identity
// map (what MikroORM-style sessions keep). Each contestant runs in its own process (stream.ts).
// Writes bench/results/identity.md and docs/identity-memory.svg.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { rows, type Sample, type StreamResult, sampleEvery, windowSize } from './stream.js';
import { lineChart } from './svg-line-chart.js';

const streamFile = new URL('./stream.ts', import.meta.url).pathname;
const contestants = [
  { id: 'weakkit', name: 'weakkit IdentityMap', color: '#1b9e77' },
  { id: 'strong', name: 'strong Map identity map (MikroORM-style)', color: '#d95f02' },
];

const results = new Map<string, StreamResult>();
for (const contestant of contestants) {
  console.log(`streaming ${rows.toLocaleString('en')} rows through the ${contestant.name}…`);
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', streamFile, contestant.id],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  results.set(contestant.id, JSON.parse(output.trim().split('\n').at(-1)!) as StreamResult);
}

const mb = (bytes: number) => bytes / 2 ** 20;
const fixed = (value: number, digits = 1) => value.toFixed(digits);
const count = (value: number) => value.toLocaleString('en');
const weak = results.get('weakkit')!;
const strong = results.get('strong')!;
const at = (result: StreamResult, streamed: number) =>
  result.samples.find((sample) => sample.rows === streamed)!;
const maxHeap = (samples: Sample[]) => Math.max(...samples.map((sample) => sample.heapUsed));

// The chart.
const svg = lineChart({
  title: `Heap while streaming ${count(rows)} SQLite rows, keeping ${count(windowSize)} entities`,
  xLabel: 'rows streamed',
  yLabel: 'heap used after a full GC',
  formatX: (x) => (x === 0 ? '0' : `${x / 1000}k`),
  formatY: (y) => `${Number.isInteger(y) ? y : y.toFixed(1)} MB`,
  series: contestants.map((contestant) => ({
    name: contestant.name,
    color: contestant.color,
    points: results.get(contestant.id)!.samples.map((sample) => [sample.rows, mb(sample.heapUsed)] as const),
  })),
});
const docs = new URL('../../docs/', import.meta.url);
mkdirSync(docs, { recursive: true });
writeFileSync(new URL('identity-memory.svg', docs), svg);

// The tables.
const checkpoints = [0, 10_000, 100_000, 250_000, 500_000, 750_000, rows];
const overTime = checkpoints.map((streamed) => {
  const w = at(weak, streamed);
  const s = at(strong, streamed);
  return `| ${count(streamed)} | ${fixed(mb(w.heapUsed))} | ${count(w.mapSize)} | ${fixed(mb(s.heapUsed))} | ${count(s.mapSize)} | ${fixed(s.heapUsed / w.heapUsed, 2)}× |`;
});
const summary = contestants.map(({ id, name }) => {
  const result = results.get(id)!;
  const first = at(result, 10_000).heapUsed;
  const max = maxHeap(result.samples);
  const growth = (at(result, rows).heapUsed - at(result, 0).heapUsed) / rows;
  const verdict = id === 'weakkit' ? (max <= 1.5 * first ? ' ✓' : ' ✗') : '';
  return `| ${name} | ${fixed(mb(first))} | ${fixed(mb(max))} | ${fixed(max / first, 2)}×${verdict} | ${fixed(growth, 0)} | ${count(Math.round(rows / (result.streamMs / 1000)))} | ${fixed(result.streamMs / weak.streamMs, 2)}× |`;
});

const weakFlat = maxHeap(weak.samples) <= 1.5 * at(weak, 10_000).heapUsed;
const machine = `Node ${process.version}, ${cpus()[0]?.model.trim()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
const markdown = `## identity

\`npm run bench -- identity\` (runs \`bench/identity/index.ts\`; each contestant in its own process: \`node --expose-gc --import tsx bench/identity/stream.ts weakkit|strong\`)

${machine}; ${new Date().toISOString().slice(0, 10)}.

A session streams ${count(rows)} rows (\`SELECT id, name, email FROM users ORDER BY id\`, SQLite 3 in WebAssembly via sql.js, ${count(1000)} rows per event-loop turn, as a driver delivers a cursor) into entities through its identity map, while the program keeps only the last ${count(windowSize)} entities. Every ${count(sampleEvery)} rows: a full GC, then \`process.memoryUsage().heapUsed\` (SQLite's own memory is WebAssembly memory, outside the JS heap, and the same for both). Both contestants run the same loop; only the identity map differs.

![Heap over rows streamed](/docs/identity-memory.svg)

| rows streamed | weakkit heap MB | weakkit map size | strong heap MB | strong map size | strong / weakkit |
|---:|---:|---:|---:|---:|---:|
${overTime.join('\n')}

| contestant | heap after 10,000 rows MB | max heap MB | max / after 10,000 (weakkit's target ≤ 1.5×) | heap growth B/row | rows/s streamed (sampling excluded) | time vs weakkit |
|---|---:|---:|---:|---:|---:|---:|
${summary.join('\n')}

Reading: weakkit's heap ${weakFlat ? 'stays flat' : 'does NOT stay flat'} (max ${fixed(maxHeap(weak.samples) / at(weak, 10_000).heapUsed, 2)}× the heap after 10,000 rows) and its map holds the ${count(windowSize)} entities the program still uses; the strong map keeps every row it ever loaded and grows linearly, ${fixed(at(strong, rows).heapUsed / at(weak, rows).heapUsed, 1)}× weakkit's heap after ${count(rows)} rows. Speed: the strong map streamed in ${fixed(strong.streamMs / weak.streamMs, 2)}× weakkit's time. Each weak entry costs a \`WeakRef\` and a finalization registration per loaded row; the strong map pays instead in garbage-collector work over an ever larger heap. The machine is shared, so read the ratios, not the absolute figures.
`;
writeFileSync(new URL('../results/identity.md', import.meta.url), markdown);
console.log(markdown);
