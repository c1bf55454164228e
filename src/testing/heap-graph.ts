import { type HeapSnapshot, matchesAt } from './heap-snapshot-parser.js';

/** An ephemeron (WeakMap entry) edge, as V8 names it: which key and table the value depends on. */
export interface EphemeronEdge {
  readonly keyId: number;
  readonly tableId: number;
}

/** Matches V8's name for both edges of a WeakMap entry: `3 / part of key (K @12) -> value (V @34) pair in WeakMap (table @56)`. */
const ephemeronName = /part of key \(.* @(\d+)\) -> value \(.* @\d+\) pair in WeakMap \(table @(\d+)\)$/s;
const ephemeronPrefix = 'part of key (';

/**
 * Navigation over a parsed {@link HeapSnapshot}: names of nodes and edges, which edges hold their
 * target strongly, and the few V8 object layouts that a readable retainer path needs to know.
 *
 * V8 reports a WeakMap entry as two `internal` edges to the value, one from the key and one from
 * the table, both named `part of key (…) -> value (…) pair in WeakMap (table @id)`; either alone is
 * not a reason to live. The search follows the table's edge once the key is reached too (see
 * {@link HeapGraph.ephemeronAt}) and never the key's.
 * @internal
 */
export class HeapGraph {
  readonly snapshot: HeapSnapshot;
  readonly root = 0;
  readonly weakType: number;
  readonly shortcutType: number;
  readonly internalType: number;
  readonly elementType: number;
  readonly hiddenType: number;
  readonly contextType: number;
  readonly propertyType: number;
  readonly closureType: number;
  readonly #names: Map<string, number>;
  #ephemeronFlags: Uint8Array | undefined;
  readonly #ephemerons = new Map<number, EphemeronEdge | undefined>();
  /** WeakMap tables' keys, by heap id, built when a table's key is first asked for. */
  readonly #keysOfTable = new Map<number, Map<number, number>>();

  constructor(snapshot: HeapSnapshot) {
    this.snapshot = snapshot;
    const edgeType = (name: string) => snapshot.edgeTypeNames.indexOf(name);
    this.weakType = edgeType('weak');
    this.shortcutType = edgeType('shortcut');
    this.internalType = edgeType('internal');
    this.elementType = edgeType('element');
    this.hiddenType = edgeType('hidden');
    this.contextType = edgeType('context');
    this.propertyType = edgeType('property');
    this.closureType = snapshot.nodeTypeNames.indexOf('closure');
    this.#names = snapshot.strings.indicesOf(knownNames);
  }

  /** The strings-table index of one of {@link knownNames}, or -1 if the snapshot never uses it. */
  nameIndex(name: KnownName): number {
    return this.#names.get(name) ?? -1;
  }

  nodeName(node: number): string {
    return this.snapshot.strings.get(this.snapshot.nodeNames[node]!);
  }

  nodeType(node: number): string {
    return this.snapshot.nodeTypeNames[this.snapshot.nodeTypes[node]!] ?? 'unknown';
  }

  nodeId(node: number): number {
    return this.snapshot.nodeIds[node]!;
  }

  hasName(node: number, name: KnownName): boolean {
    return this.snapshot.nodeNames[node] === this.nameIndex(name);
  }

  edgeType(edge: number): string {
    return this.snapshot.edgeTypeNames[this.snapshot.edgeTypes[edge]!] ?? 'unknown';
  }

  /** Whether the edge's name is an element index rather than a string. */
  isIndexEdge(edge: number): boolean {
    const type = this.snapshot.edgeTypes[edge];
    return type === this.elementType || type === this.hiddenType;
  }

  /** The edge's name; the indices of `element` and `hidden` edges as decimal strings. */
  edgeName(edge: number): string {
    const name = this.snapshot.edgeNames[edge]!;
    return this.isIndexEdge(edge) ? String(name) : this.snapshot.strings.get(name);
  }

  target(edge: number): number {
    return this.snapshot.edgeTargets[edge]!;
  }

  /** The node an edge belongs to (binary search over the edge ranges). */
  sourceOf(edge: number): number {
    const firstEdge = this.snapshot.firstEdge;
    let low = 0;
    let high = this.snapshot.nodeCount - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (firstEdge[middle]! <= edge) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The first edge of `node` named `name` (a string-named edge), or -1. */
  edgeNamed(node: number, name: KnownName): number {
    const index = this.nameIndex(name);
    if (index < 0) return -1;
    const { firstEdge, edgeNames } = this.snapshot;
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) {
      if (edgeNames[e] === index && !this.isIndexEdge(e)) return e;
    }
    return -1;
  }

  /** Whether an edge is a WeakMap entry's edge (from its key or from its table). */
  isEphemeron(edge: number): boolean {
    const type = this.snapshot.edgeTypes[edge];
    if (type !== this.internalType) return false;
    this.#ephemeronFlags ??= this.snapshot.strings.flagWhere(isEphemeronName);
    return this.#ephemeronFlags[this.snapshot.edgeNames[edge]!] === 1;
  }

  /** The key and table that an ephemeron edge's value depends on, parsed from its name. */
  ephemeronAt(edge: number): EphemeronEdge | undefined {
    const name = this.snapshot.edgeNames[edge]!;
    if (!this.#ephemerons.has(name)) {
      const match = ephemeronName.exec(this.snapshot.strings.get(name));
      this.#ephemerons.set(name, match ? { keyId: Number(match[1]), tableId: Number(match[2]) } : undefined);
    }
    return this.#ephemerons.get(name);
  }

  /** For a WeakMap table's edge to a value, the key's node; -1 for the key's own edge. */
  ephemeronKey(edge: number, table: number): number {
    const entry = this.ephemeronAt(edge);
    if (entry === undefined || entry.tableId !== this.nodeId(table)) return -1;
    let keys = this.#keysOfTable.get(table);
    if (keys === undefined) {
      keys = new Map();
      const { firstEdge, edgeTypes } = this.snapshot;
      for (let e = firstEdge[table]!; e < firstEdge[table + 1]!; e++) {
        if (edgeTypes[e] === this.weakType) keys.set(this.nodeId(this.target(e)), this.target(e));
      }
      this.#keysOfTable.set(table, keys);
    }
    return keys.get(entry.keyId) ?? -1;
  }

  /**
   * Whether an edge keeps its target alive by itself: not `weak`, not a `shortcut` (V8's alias edges,
   * except the root's edges to the global objects), not an ephemeron (see {@link HeapGraph}).
   */
  isStrong(edge: number, source: number): boolean {
    const type = this.snapshot.edgeTypes[edge];
    if (type === this.weakType) return false;
    if (type === this.shortcutType) return source === this.root;
    return !this.isEphemeron(edge);
  }

  /**
   * Whether an edge leads from an object to its properties' or elements' backing store. V8 also
   * reports each property and element as an edge from the object itself, so paths through the
   * store are the same reference a second time.
   */
  isBackingStore(edge: number, source: number): boolean {
    const name = this.snapshot.edgeNames[edge];
    return (
      this.snapshot.edgeTypes[edge] === this.internalType &&
      (name === this.nameIndex('properties') || name === this.nameIndex('elements')) &&
      this.nodeType(source) === 'object'
    );
  }

  /** Whether a node is a global object: the root's shortcut edges point at them. */
  isGlobalObject(node: number): boolean {
    const { firstEdge, edgeTypes, edgeTargets } = this.snapshot;
    for (let e = firstEdge[this.root]!; e < firstEdge[this.root + 1]!; e++) {
      if (edgeTypes[e] === this.shortcutType && edgeTargets[e] === node) return true;
    }
    return false;
  }

  /**
   * Whether a node is the scope of a whole module: an ES module's context (its `extension` is the
   * module record); the context of a function wrapping a whole file (CommonJS, Node's own modules,
   * vitest), whose `previous` is the native context; or a block right inside such a wrapper (vitest
   * wraps a module as `async (…) => {{ code }}`), told from a function's scope by having no named
   * variables: V8 names the variables of function and module scopes only.
   */
  isModuleScope(node: number): boolean {
    if (!this.#isContext(node)) return false;
    const extension = this.edgeNamed(node, 'extension');
    if (extension >= 0 && this.hasName(this.target(extension), 'system / SourceTextModule')) return true;
    if (this.#isWrapperScope(node)) return true;
    const previous = this.#previousContext(node);
    return previous >= 0 && this.#isWrapperScope(previous) && !this.#hasNamedVariables(node);
  }

  #isWrapperScope(node: number): boolean {
    const previous = this.#previousContext(node);
    return previous >= 0 && this.hasName(previous, 'system / NativeContext');
  }

  #isContext(node: number): boolean {
    return this.hasName(node, 'system / Context');
  }

  #previousContext(node: number): number {
    const previous = this.edgeNamed(node, 'previous');
    return previous < 0 ? -1 : this.target(previous);
  }

  #hasNamedVariables(node: number): boolean {
    const { firstEdge, edgeTypes } = this.snapshot;
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) {
      if (edgeTypes[e] === this.contextType) return true;
    }
    return false;
  }

  /**
   * The name of a block scope's variable, which V8 reports only as the context's `hidden [k]` edge
   * (vitest runs every module inside such a block). The scope's `ScopeInfo` lists the variables'
   * names in slot order, but `k` skips the slots holding small integers, so slot = k + shift, where
   * the shift never decreases and is at most the number of unused names at the end. Functions and
   * classes pin the shift where they stand (their own name is their variable's name); a variable is
   * named only when those bounds leave a single possibility, never guessed.
   */
  blockVariableName(context: number, edge: number): string | undefined {
    if (!this.#isContext(context) || this.snapshot.edgeTypes[edge] !== this.hiddenType) return undefined;
    const scopeEdge = this.edgeNamed(context, 'scope_info');
    if (scopeEdge < 0) return undefined;
    const names = this.#leadingStrings(this.target(scopeEdge));
    const { firstEdge, edgeTypes, edgeNames } = this.snapshot;
    const slots: number[] = [];
    for (let e = firstEdge[context]!; e < firstEdge[context + 1]!; e++) {
      if (edgeTypes[e] === this.hiddenType) slots.push(e);
    }
    const wanted = edgeNames[edge]!;
    const maxShift = names.length - 1 - Math.max(...slots.map((e) => edgeNames[e]!));
    let low = 0;
    let high = maxShift;
    for (const slot of slots) {
      const closure = this.target(slot);
      if (this.snapshot.nodeTypes[closure] !== this.closureType) continue;
      const index = edgeNames[slot]!;
      const name = this.nodeName(closure);
      const shifts = [];
      for (let shift = 0; shift <= maxShift; shift++) if (names[index + shift] === name) shifts.push(shift);
      if (shifts.length !== 1) continue;
      if (index <= wanted) low = Math.max(low, shifts[0]!);
      if (index >= wanted) high = Math.min(high, shifts[0]!);
    }
    return low === high ? names[wanted + low] : undefined;
  }

  #leadingStrings(node: number): string[] {
    const names: string[] = [];
    const { firstEdge, edgeTypes } = this.snapshot;
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) {
      if (edgeTypes[e] !== this.hiddenType) continue;
      const target = this.target(e);
      if (this.nodeType(target) !== 'string') break;
      names.push(this.nodeName(target));
    }
    return names;
  }

  /** Whether a node is a suspended async function or generator, whose registers hold its locals. */
  isSuspendedFunction(node: number): boolean {
    return this.hasName(node, 'Generator') && this.edgeNamed(node, 'parameters_and_registers') >= 0;
  }

  /**
   * Where a readable path may start: a module scope, a global object or a suspended function. What
   * holds those is engine and runtime machinery, so the search stops there.
   */
  isAnchor(node: number): boolean {
    return this.isModuleScope(node) || this.isGlobalObject(node) || this.isSuspendedFunction(node);
  }

  /**
   * The script names (file paths or URLs) of the given contexts, found through any closure that
   * uses the context. One pass over the closures.
   */
  scriptNamesOf(contexts: ReadonlySet<number>): Map<number, string> {
    const found = new Map<number, string>();
    if (contexts.size === 0) return found;
    const { nodeTypes, nodeCount, firstEdge, edgeNames, edgeTargets } = this.snapshot;
    const context = this.nameIndex('context');
    for (let node = 0; node < nodeCount && found.size < contexts.size; node++) {
      if (nodeTypes[node] !== this.closureType) continue;
      for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) {
        const scope = edgeTargets[e]!;
        if (edgeNames[e] !== context || !contexts.has(scope) || found.has(scope)) continue;
        const name = this.scriptNameOf(node);
        if (name) found.set(scope, name);
      }
    }
    return found;
  }

  /** A closure's script name: closure → `shared` → `script_or_debug_info` (or `script`) → script. */
  scriptNameOf(closure: number): string | undefined {
    const shared = this.edgeNamed(closure, 'shared');
    if (shared < 0) return undefined;
    const info = this.target(shared);
    let script = this.edgeNamed(info, 'script_or_debug_info');
    if (script < 0) script = this.edgeNamed(info, 'script');
    return script < 0 ? undefined : this.nodeName(this.target(script)) || undefined;
  }
}

/** Node and edge names the graph looks up by identity. */
const knownNames = [
  'context',
  'previous',
  'extension',
  'scope_info',
  'shared',
  'script',
  'script_or_debug_info',
  'table',
  'properties',
  'elements',
  'function',
  'parameters_and_registers',
  'Generator',
  'system / Context',
  'system / NativeContext',
  'system / SourceTextModule',
] as const;
type KnownName = (typeof knownNames)[number];

/** V8's ephemeron edge names: `part of key (…`, with or without V8's `N / ` prefix. */
function isEphemeronName(bytes: Uint8Array, start: number, end: number): boolean {
  let at = start;
  while (at < end && isDigit(bytes[at]!)) at++;
  if (at > start && end - at >= 3 && matchesAt(bytes, at, ' / ')) at += 3;
  return end - at >= ephemeronPrefix.length && matchesAt(bytes, at, ephemeronPrefix);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}
