import type { HeapGraph } from './heap-graph.js';
import type { EdgePath } from './retainer-search.js';

/**
 * One way an object is kept alive: a chain of strong references from a root to it, as
 * {@link whyAlive} finds it. {@link formatRetainers} prints it as one line:
 * `(module) test/leak.test.ts → listeners (Map) → get('session:42') → closure onResize → context → widget (Widget)`.
 *
 * @example
 * for (const { root, steps } of await whyAlive(widget)) {
 *   console.log(root, steps.length); // '(module) src/resize.ts' 5
 * }
 */
export interface RetainerPath {
  /**
   * Where the path starts: `(module) <file>` for a module's top-level variables, `(global)` for the
   * global object, otherwise the V8 root it comes from, such as `(Stack roots)` or `(Global handles)`.
   * What lies between V8's roots and a module or the global object is left out.
   */
  readonly root: string;
  /** The references from `root` to the object, in order; the last one reaches the object itself. */
  readonly steps: readonly RetainerStep[];
}

/**
 * One reference in a {@link RetainerPath}: how the previous object holds the next one.
 *
 * @example
 * const [path] = await whyAlive(widget);
 * for (const { kind, edge, object } of path?.steps ?? []) console.log(kind, edge, object);
 * // variable listeners Map, entry get('session:42') closure onResize, internal context '', ...
 */
export interface RetainerStep {
  /**
   * - `variable`: a variable of a module or a closure's scope, `edge` is its name (`listeners`);
   * - `property`: `.name`, `[Symbol(name)]` or `['odd name']`;
   * - `element`: `[3]`, an array element (or an engine slot);
   * - `entry`: a `Map`, `Set` or `WeakMap` entry: `get('session:42')`, `get(Session)`, `member`;
   * - `internal`: an engine reference, mainly a closure's `context` (the scope it captured).
   */
  readonly kind: 'variable' | 'property' | 'element' | 'entry' | 'internal';
  readonly edge: string;
  /**
   * What is held: a class name (`Map`, `Widget`), `closure <name>`, a quoted string, or `''` for
   * a closure's scope.
   */
  readonly object: string;
  /** The object's heap snapshot id: the `@id` DevTools shows in a heap snapshot of the same process. */
  readonly id: number;
}

const maxQuoted = 40;
const identifier = /^[\p{ID_Start}$_#][\p{ID_Continue}$\u200c\u200d]*$/u;
const symbolName = /^<symbol (.*)>$/s;

/**
 * Turns an edge path from the root into a readable {@link RetainerPath}: starts at the last anchor
 * on it (a module scope, a global object, a suspended function), and folds engine hops (a Map's
 * table, a scope's parent scope, an object's backing store) into the step they serve.
 * @internal
 */
export function describePath(
  graph: HeapGraph,
  path: EdgePath,
  moduleNames: ReadonlyMap<number, string>,
  fileLabel: (scriptName: string) => string,
): RetainerPath {
  const nodes = [graph.root, ...path.map((edge) => graph.target(edge))];
  let start = nodes.length - 2; // the target itself is never where its path starts
  while (start > 0 && !graph.isAnchor(nodes[start]!)) start--;
  let root: string;
  if (start > 0) {
    root = anchorLabel(graph, nodes[start]!, moduleNames, fileLabel);
  } else {
    start = nodes.length - 2;
    while (start > 0 && graph.nodeType(nodes[start]!) !== 'synthetic') start--;
    root = start > 0 ? graph.nodeName(nodes[start]!) : '(root)';
  }
  const steps: RetainerStep[] = [];
  for (let i = start; i < path.length; i++) {
    const edge = path[i]!;
    const source = nodes[i]!;
    if (isFolded(graph, edge, source)) continue;
    const reached = nodes[i + 1]!;
    const previous = i > 0 && graph.edgeType(path[i - 1]!) === 'internal' ? graph.edgeName(path[i - 1]!) : '';
    steps.push({
      ...(previous === 'parameters_and_registers'
        ? { kind: 'variable', edge: 'local' }
        : edgeLabel(graph, edge, source, previous === 'table' ? nodes[i - 1]! : -1)),
      object: objectLabel(graph, reached),
      id: graph.nodeId(reached),
    });
  }
  return { root, steps };
}

/** The module scopes on the paths, whose file names {@link describePath} needs. @internal */
export function moduleScopesOn(graph: HeapGraph, paths: EdgePath[]): Set<number> {
  const scopes = new Set<number>();
  for (const path of paths) {
    for (const edge of path) {
      if (graph.isModuleScope(graph.target(edge))) scopes.add(graph.target(edge));
    }
  }
  return scopes;
}

function anchorLabel(
  graph: HeapGraph,
  anchor: number,
  moduleNames: ReadonlyMap<number, string>,
  fileLabel: (scriptName: string) => string,
): string {
  if (graph.isGlobalObject(anchor)) return '(global)';
  if (graph.isModuleScope(anchor)) {
    const name = moduleNames.get(anchor);
    return `(module) ${name === undefined ? '?' : fileLabel(name)}`;
  }
  const fn = graph.edgeNamed(anchor, 'function');
  const closure = fn < 0 ? -1 : graph.target(fn);
  const name = closure < 0 ? '' : graph.nodeName(closure);
  const script = closure < 0 ? undefined : graph.scriptNameOf(closure);
  const where = script === undefined ? '' : ` (${fileLabel(script)})`;
  return `(await in ${name || 'anonymous function'}${where})`;
}

/** Engine hops shown as part of the next step rather than as steps of their own. */
function isFolded(graph: HeapGraph, edge: number, source: number): boolean {
  if (graph.edgeType(edge) !== 'internal') return false;
  const name = graph.edgeName(edge);
  if (name === 'table') return true; // Map, Set, WeakMap → their hash table: shown as the entry
  if (name === 'previous') return true; // a scope → its parent scope: the variable is still "in context"
  if (name === 'parameters_and_registers') return true; // a suspended function → its locals
  return graph.isBackingStore(edge, source); // shown as the property or element it holds
}

function edgeLabel(
  graph: HeapGraph,
  edge: number,
  source: number,
  holder: number,
): Pick<RetainerStep, 'kind' | 'edge'> {
  if (graph.nodeType(source) === 'synthetic') return { kind: 'element', edge: '' };
  const type = graph.edgeType(edge);
  const name = graph.edgeName(edge);
  switch (type) {
    case 'context':
      return { kind: 'variable', edge: name };
    case 'property':
      return { kind: 'property', edge: propertyLabel(name) };
    case 'element':
      return { kind: 'element', edge: `[${name}]` };
    case 'hidden': {
      if (!graph.hasName(source, 'system / Context')) return { kind: 'element', edge: `[${name}]` };
      // A block scope's variable; unnamed when its name cannot be known for sure.
      return { kind: 'variable', edge: graph.blockVariableName(source, edge) ?? 'a variable' };
    }
  }
  if (graph.isEphemeron(edge)) return { kind: 'entry', edge: `get(${weakMapKey(graph, edge, source)})` };
  if (holder >= 0 && /^\d+$/.test(name)) return hashTableEntry(graph, source, holder, Number(name));
  if (/^\d+$/.test(name)) return { kind: 'element', edge: `[${name}]` };
  return { kind: 'internal', edge: name };
}

function propertyLabel(name: string): string {
  const symbol = symbolName.exec(name);
  if (symbol) return `[Symbol(${symbol[1]})]`;
  return identifier.test(name) ? `.${name}` : `[${quote(name)}]`;
}

/**
 * A `Map` or `Set` entry. Their hash tables hold a Map's entries as `key, value, chain` slots and a
 * Set's as `member, chain`, so a Map's value has its key in the slot before; small integer keys are
 * not heap objects and leave that slot without an edge.
 */
function hashTableEntry(
  graph: HeapGraph,
  table: number,
  holder: number,
  slot: number,
): Pick<RetainerStep, 'kind' | 'edge'> {
  const { firstEdge } = graph.snapshot;
  const keySlot = String(slot - 1);
  for (let e = firstEdge[table]!; e < firstEdge[table + 1]!; e++) {
    if (graph.edgeType(e) === 'internal' && graph.edgeName(e) === keySlot) {
      return { kind: 'entry', edge: `get(${keyLabel(graph, graph.target(e))})` };
    }
  }
  const isSet = /Set$/.test(graph.nodeName(holder));
  return { kind: 'entry', edge: isSet ? 'member' : 'get(<small integer>)' };
}

function weakMapKey(graph: HeapGraph, edge: number, table: number): string {
  const key = graph.ephemeronKey(edge, table);
  return key < 0 ? '?' : keyLabel(graph, key);
}

function keyLabel(graph: HeapGraph, node: number): string {
  const type = graph.nodeType(node);
  if (type === 'number') return '<number>';
  if (type === 'concatenated string') return '<string>'; // V8 does not flatten it for the snapshot
  return objectLabel(graph, node) || type;
}

function objectLabel(graph: HeapGraph, node: number): string {
  const name = graph.nodeName(node);
  switch (graph.nodeType(node)) {
    case 'closure':
      return name ? `closure ${name}` : 'closure';
    case 'string':
    case 'sliced string':
      return quote(name);
    case 'concatenated string':
      return 'string';
    case 'object':
      return name === 'system / Context' ? '' : name;
    default:
      return name;
  }
}

function quote(text: string): string {
  const shown = text.length > maxQuoted ? `${text.slice(0, maxQuoted)}…` : text;
  return `'${shown.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}
