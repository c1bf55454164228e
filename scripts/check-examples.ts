// Type-checks every TSDoc `@example` in src/: `npm run check:examples`.
// Each example becomes a module of its own in .examples/ that imports the whole public API by package
// name (so it is checked against dist/, as users see it) plus the ambient names in example-prelude.d.ts,
// then tsc compiles them all. An example that does not compile fails the check with its source location.
// An example on an internal declaration may also use what its own file exports (imported from dist/).
// The check also fails when a public name (an export of a subpath) has no `@example`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

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

function imports(own: Set<string>): string {
  return Object.entries(subpaths)
    .map(([subpath, file]) => {
      const { values, types } = exportedNames(file);
      const names = [
        ...values.filter((v) => !own.has(v)),
        ...types.filter((t) => !own.has(t)).map((t) => `type ${t}`),
      ];
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

/**
 * `@example` blocks: the comment lines after the tag, up to the next tag or the end of the comment.
 * When the block has fenced code (TSDoc style: a caption, then ```ts ... ```), only the fenced code
 * counts; otherwise the whole block is code.
 */
function examples(file: string): { line: number; code: string }[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const found: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue;
    const block: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*\*\//.test(lines[j]!) && !/^\s*\*\s*@\w/.test(lines[j]!); j++) {
      block.push(lines[j]!.replace(/^\s*\*\s?/, ''));
    }
    found.push({ line: i + 1, code: fencedCode(block) ?? block.join('\n') });
  }
  return found;
}

/** The code inside the block's ``` fences, or undefined when it has none. */
function fencedCode(block: string[]): string | undefined {
  const code: string[] = [];
  let inside = false;
  let fenced = false;
  for (const line of block) {
    if (/^\s*```/.test(line)) {
      inside = !inside;
      fenced = true;
    } else if (inside) {
      code.push(line);
    }
  }
  return fenced ? code.join('\n') : undefined;
}

/** Names the example imports itself, which the generated header must then leave out. */
function importedNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const [, clause] of code.matchAll(/^\s*import\s+(?:type\s+)?([^'"]*?)\s+from\s+['"]/gm)) {
    for (const part of clause!.replace(/[{}]/g, ',').split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .replace(/^\*\s+as\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (name) names.add(name);
    }
  }
  return names;
}

/** Internal names a source file exports (not in the public API): its own examples may use them. */
function internalExports(file: string, publicNames: Set<string>): { values: string[]; types: string[] } {
  const text = readFileSync(join(root, file), 'utf8');
  const values: string[] = [];
  const types: string[] = [];
  const declaration =
    /^export\s+(?:declare\s+)?(?:abstract\s+)?(class|function\*?|const|let|interface|type|enum)\s+(\w+)/gm;
  for (const [, kind, name] of text.matchAll(declaration)) {
    if (publicNames.has(name!)) continue;
    (kind === 'interface' || kind === 'type' ? types : values).push(name!);
  }
  return { values, types };
}

/** Public names whose declaration has no `@example`, found with the compiler's view of each subpath. */
function publicNamesWithoutExample(): string[] {
  const files = Object.values(subpaths).map((file) => join(root, file));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const [subpath, file] of Object.entries(subpaths)) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(join(root, file))!);
    for (const exported of module ? checker.getExportsOfModule(module) : []) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const documented = (symbol.declarations ?? []).some((declaration) =>
        ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example'),
      );
      if (!documented)
        missing.push(`${subpath === '.' ? 'weakkit' : `weakkit/${subpath}`}: ${exported.name}`);
    }
  }
  return missing;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const publicNames = new Set(
  Object.values(subpaths).flatMap((file) => {
    const { values, types } = exportedNames(file);
    return [...values, ...types];
  }),
);
let count = 0;
for (const file of sourceFiles('src')) {
  const internal = internalExports(file, publicNames);
  const dist = `../${file.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')}`;
  for (const { line, code } of examples(file)) {
    const own = importedNames(code);
    const unlessOwn = (names: string[]) => names.filter((name) => !own.has(name));
    const internalValues = unlessOwn(internal.values);
    const internalTypes = unlessOwn(internal.types).map((name) => `type ${name}`);
    const internalImport =
      internalValues.length + internalTypes.length === 0
        ? ''
        : `\nimport { ${[...internalValues, ...internalTypes].join(', ')} } from '${dist}';`;
    const name = `${relative('src', file).replace(/[/.]/g, '_')}_${line}.ts`;
    // Names the example imports itself are left out of the header, so none is imported twice.
    writeFileSync(
      join(out, name),
      `// ${file}:${line}\n${imports(own)}${internalImport}\n\n${code}\n\nexport {};\n`,
    );
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
const missing = publicNamesWithoutExample();
if (missing.length > 0) {
  console.error(`\nPublic names without an @example:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log('Every public name has an @example.');
