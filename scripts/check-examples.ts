// Type-checks every TSDoc `@example` in src/: `npm run check:examples`.
// Each example becomes a module of its own in .examples/ that imports the whole public API by package
// name (so it is checked against dist/, as users see it) plus the ambient names in example-prelude.d.ts,
// then tsc compiles them all. An example that does not compile fails the check with its source location.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.examples');
const subpaths = {
  '.': 'src/index.ts',
  cache: 'src/cache/index.ts',
  signal: 'src/signal/index.ts',
  identity: 'src/identity/index.ts',
  testing: 'src/testing/index.ts',
};

/** The names a subpath exports, read from its index (`export { a, type B } from ...`). */
function exportedNames(file: string): { values: string[]; types: string[] } {
  const text = readFileSync(join(root, file), 'utf8');
  const values: string[] = [];
  const types: string[] = [];
  for (const [, typeOnly, list] of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    for (const raw of list!.split(',')) {
      const spec = raw.trim();
      if (!spec) continue;
      const isType = spec.startsWith('type ') || typeOnly !== undefined;
      const name = spec
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      (isType ? types : values).push(name);
    }
  }
  return { values, types };
}

function imports(): string {
  return Object.entries(subpaths)
    .map(([subpath, file]) => {
      const { values, types } = exportedNames(file);
      const names = [...values, ...types.map((t) => `type ${t}`)];
      if (names.length === 0) return '';
      return `import { ${names.join(', ')} } from '${subpath === '.' ? 'weakkit' : `weakkit/${subpath}`}';`;
    })
    .join('\n');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** `@example` blocks: the comment lines after the tag, up to the next tag or the end of the comment. */
function examples(file: string): { line: number; code: string }[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const found: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue;
    const code: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*\*\//.test(lines[j]!) && !/^\s*\*\s*@\w/.test(lines[j]!); j++) {
      code.push(lines[j]!.replace(/^\s*\*\s?/, ''));
    }
    found.push({ line: i + 1, code: code.join('\n').replace(/^```\w*\n|```\s*$/gm, '') });
  }
  return found;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const header = imports();
let count = 0;
for (const file of sourceFiles('src')) {
  for (const { line, code } of examples(file)) {
    const name = `${relative('src', file).replace(/[/.]/g, '_')}_${line}.ts`;
    writeFileSync(join(out, name), `// ${file}:${line}\n${header}\n\n${code}\n\nexport {};\n`);
    count++;
  }
}
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023', 'DOM'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      noUnusedLocals: false,
      allowUnreachableCode: true,
    },
    files: [...readdirSync(out).filter((f) => f.endsWith('.ts')), '../scripts/example-prelude.d.ts'],
  }),
);
try {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(out, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  console.error(
    `\nSome of the ${count} TSDoc examples do not compile (each file's first line names its source).`,
  );
  process.exit(1);
}
console.log(`${count} TSDoc examples type-check.`);
