// The tour: `npm start`. Runs every section in examples/tour/sections in file-name order, live, with
// real garbage collection. Pass section names to run only those: `npm start -- refs finalize`.
import { readdirSync } from 'node:fs';
import { styleText } from 'node:util';

const directory = new URL('./sections/', import.meta.url);
const wanted = process.argv.slice(2);
const files = readdirSync(directory)
  .filter((file) => file.endsWith('.ts'))
  .sort()
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.includes(name)));

console.log(
  styleText('bold', 'weakkit: a tour of weak references in JavaScript, with real garbage collection'),
);
for (const file of files) {
  const section: { default: () => Promise<void> } = await import(new URL(file, directory).href);
  await section.default();
}
console.log(
  `\n${styleText('bold', 'End of the tour.')} The code for each section is in examples/tour/sections/.`,
);
