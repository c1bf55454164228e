// `npm run bench [-- suite ...]`: runs each benchmark suite (bench/<suite>/index.ts) in its own Node
// process, then rebuilds bench/RESULTS.md from the tables the suites wrote to bench/results/<suite>.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const benchDir = new URL('./', import.meta.url);
const resultsDir = new URL('./results/', benchDir);
const wanted = process.argv.slice(2);
const suites = readdirSync(benchDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(new URL(`${entry.name}/index.ts`, benchDir)))
  .map((entry) => entry.name)
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

for (const suite of suites) {
  console.log(`\n# bench/${suite}`);
  execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', new URL(`${suite}/index.ts`, benchDir).pathname],
    {
      stdio: 'inherit',
    },
  );
}

const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
const sections = readdirSync(resultsDir)
  .filter((file) => file.endsWith('.md'))
  .sort()
  .map((file) => readFileSync(new URL(file, resultsDir), 'utf8').trim());
writeFileSync(
  new URL('RESULTS.md', benchDir),
  `# Benchmark results\n\nProduced by \`npm run bench\` (each suite's own command is in its section). Machines here are shared and noisy: compare the ratios within one table, not the absolute figures across tables.\n\nLast full rebuild of this file: ${machine}.\n\n${sections.join('\n\n')}\n`,
);
console.log('\nbench/RESULTS.md rebuilt.');
