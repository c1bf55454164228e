/**
 * A V8 heap snapshot (`.heapsnapshot`) held in typed arrays: what `whyAlive` searches.
 *
 * Nodes and edges are stored column-wise, only the fields the search needs. Edges of node `n` are
 * `firstEdge[n] .. firstEdge[n + 1] - 1`; `edgeTargets` holds node ordinals (not the snapshot's
 * `node index × field count`). Names are indices into the strings table, decoded only on demand.
 */
export interface HeapSnapshot {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** V8's node type names (`'object'`, `'closure'`, `'hidden'`, ...), indexed by `nodeTypes`. */
  readonly nodeTypeNames: readonly string[];
  /** V8's edge type names (`'context'`, `'property'`, `'weak'`, ...), indexed by `edgeTypes`. */
  readonly edgeTypeNames: readonly string[];
  readonly nodeTypes: Uint8Array;
  readonly nodeNames: Uint32Array;
  readonly nodeIds: Uint32Array;
  readonly firstEdge: Uint32Array;
  readonly edgeTypes: Uint8Array;
  /** A strings-table index, or for `element` and `hidden` edges the element index itself. */
  readonly edgeNames: Uint32Array;
  readonly edgeTargets: Uint32Array;
  readonly strings: SnapshotStrings;
}

const utf8 = new TextDecoder();

/**
 * The snapshot's strings table, kept as the raw JSON bytes plus the offsets of each string: a
 * snapshot holds millions of names and a query reads a few dozen.
 */
class SnapshotStrings {
  readonly #bytes: Uint8Array;
  readonly #starts: Uint32Array;
  readonly #ends: Uint32Array;
  readonly #escaped: Uint8Array;
  readonly #decoded = new Map<number, string>();

  /** @internal */
  constructor(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, escaped: Uint8Array) {
    this.#bytes = bytes;
    this.#starts = starts;
    this.#ends = ends;
    this.#escaped = escaped;
  }

  get length(): number {
    return this.#starts.length;
  }

  /** The string at `index`, decoded (and cached) on first use. */
  get(index: number): string {
    let text = this.#decoded.get(index);
    if (text === undefined) {
      if (index >= this.#starts.length) throw new RangeError(`no string ${index} in the heap snapshot`);
      const raw = utf8.decode(this.#bytes.subarray(this.#starts[index], this.#ends[index]));
      text = this.#escaped[index] === 1 ? (JSON.parse(`"${raw}"`) as string) : raw;
      this.#decoded.set(index, text);
    }
    return text;
  }

  /** The index of each of the ASCII `texts` in the table (the first, if repeated); absent ones are left out. */
  indicesOf(texts: readonly string[]): Map<string, number> {
    const found = new Map<string, number>();
    const byLength = new Map<number, string[]>();
    for (const text of texts) byLength.set(text.length, [...(byLength.get(text.length) ?? []), text]);
    const bytes = this.#bytes;
    for (let i = 0; i < this.#starts.length && found.size < texts.length; i++) {
      const start = this.#starts[i]!;
      const candidates = byLength.get(this.#ends[i]! - start);
      if (candidates === undefined) continue;
      for (const text of candidates) {
        if (!found.has(text) && matchesAt(bytes, start, text)) found.set(text, i);
      }
    }
    return found;
  }

  /** A flag per string: 1 where `test(bytes, start, end)` holds for its stored (still escaped) bytes. */
  flagWhere(test: (bytes: Uint8Array, start: number, end: number) => boolean): Uint8Array {
    const flags = new Uint8Array(this.#starts.length);
    for (let i = 0; i < flags.length; i++) {
      if (test(this.#bytes, this.#starts[i]!, this.#ends[i]!)) flags[i] = 1;
    }
    return flags;
  }
}

/** Whether `bytes` holds the ASCII `text` at `start`. */
export function matchesAt(bytes: Uint8Array, start: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (bytes[start + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

interface SnapshotMeta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}

interface SnapshotHeader {
  meta: SnapshotMeta;
  node_count: number;
  edge_count: number;
}

// Parser states. The document is `{"snapshot":{...},"nodes":[...],"edges":[...],...,"strings":[...]}`.
const beforeDocument = 0;
const beforeKey = 1; // inside the top-level object, before a key, a comma or the closing brace
const inKey = 2;
const beforeColon = 3;
const beforeValue = 4;
const inSkippedValue = 5; // any value we do not keep, or the small `snapshot` header we capture
const beforeNumbers = 6;
const inNodes = 7;
const inEdges = 8;
const beforeStrings = 9;
const betweenStrings = 10;
const inString = 11;
const inStringEscape = 12;
const afterDocument = 13;

const quote = 0x22;
const backslash = 0x5c;
const comma = 0x2c;
const colon = 0x3a;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const openBrace = 0x7b;
const closeBrace = 0x7d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * A streaming parser for V8's heap snapshot JSON: feed it the bytes in chunks of any size with
 * {@link HeapSnapshotParser.write}, then call {@link HeapSnapshotParser.end}.
 *
 * A state machine over bytes: `nodes` and `edges` go straight into typed arrays and the strings table
 * is kept as bytes, so the snapshot never exists as one JavaScript string (V8 cannot make a string
 * longer than about 512 MB, which a 250 MB heap's snapshot already exceeds) and memory stays a small
 * multiple of the node and edge counts.
 *
 * @example
 * const parser = new HeapSnapshotParser();
 * for await (const chunk of createReadStream('app.heapsnapshot')) parser.write(chunk);
 * const snapshot = parser.end();
 * snapshot.strings.get(snapshot.nodeNames[1]!); // '(GC roots)'
 */
export class HeapSnapshotParser {
  #state = beforeDocument;
  #key: number[] = [];
  #keyName = '';
  #depth = 0;
  #inSkippedString = false;
  #skippedEscape = false;
  #capture: Uint8Array[] | undefined;
  #header: SnapshotHeader | undefined;

  // nodes and edges
  /** Numbers read but not yet filed into the columns: up to a record's worth between chunks. */
  #numbers = new Uint32Array(1 << 14);
  #numberCount = 0;
  #value = 0;
  #hasDigits = false;
  #node = 0;
  #edge = 0;
  #edgeTotal = 0;
  #nodeFieldCount = 0;
  #edgeFieldCount = 0;
  #nodeTypeField = -1;
  #nodeNameField = -1;
  #nodeIdField = -1;
  #nodeEdgeCountField = -1;
  #edgeTypeField = -1;
  #edgeNameField = -1;
  #edgeToField = -1;
  #nodeTypes = new Uint8Array(0);
  #nodeNames = new Uint32Array(0);
  #nodeIds = new Uint32Array(0);
  #firstEdge = new Uint32Array(1);
  #edgeTypes = new Uint8Array(0);
  #edgeNames = new Uint32Array(0);
  #edgeTargets = new Uint32Array(0);

  // strings
  #stringChunks: Uint8Array[] = [];
  #stringBytes = 0; // bytes of the strings array kept so far
  #starts = new Uint32Array(1 << 14);
  #ends = new Uint32Array(1 << 14);
  #escaped = new Uint8Array(1 << 14);
  #stringCount = 0;

  /** Parses the next chunk of the snapshot's bytes. */
  write(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.#state) {
        case inNodes:
        case inEdges:
          i = this.#readNumbers(chunk, i);
          break;
        case betweenStrings:
        case inString:
        case inStringEscape:
          i = this.#readStrings(chunk, i);
          break;
        case inSkippedValue:
          i = this.#skipValue(chunk, i);
          break;
        default:
          i = this.#readStructure(chunk, i);
      }
    }
  }

  /** Finishes parsing and returns the snapshot; throws if the input was incomplete or malformed. */
  end(): HeapSnapshot {
    if (this.#state !== afterDocument) throw new SyntaxError('heap snapshot: unexpected end of input');
    const header = this.#header;
    if (header === undefined) throw new SyntaxError('heap snapshot: no "snapshot" header');
    if (this.#node !== header.node_count || this.#edge !== header.edge_count) {
      throw new SyntaxError(
        `heap snapshot: expected ${header.node_count} nodes and ${header.edge_count} edges, ` +
          `read ${this.#node} and ${this.#edge}`,
      );
    }
    if (this.#edgeTotal !== header.edge_count) {
      throw new SyntaxError('heap snapshot: the nodes\u2019 edge counts do not add up to edge_count');
    }
    const bytes = concat(this.#stringChunks, this.#stringBytes);
    this.#stringChunks = [];
    const count = this.#stringCount;
    return {
      nodeCount: header.node_count,
      edgeCount: header.edge_count,
      nodeTypeNames: header.meta.node_types[0],
      edgeTypeNames: header.meta.edge_types[0],
      nodeTypes: this.#nodeTypes,
      nodeNames: this.#nodeNames,
      nodeIds: this.#nodeIds,
      firstEdge: this.#firstEdge,
      edgeTypes: this.#edgeTypes,
      edgeNames: this.#edgeNames,
      edgeTargets: this.#edgeTargets,
      strings: new SnapshotStrings(
        bytes,
        this.#starts.slice(0, count),
        this.#ends.slice(0, count),
        this.#escaped.slice(0, count),
      ),
    };
  }

  /** Top-level punctuation and keys: a few dozen bytes in a whole snapshot. */
  #readStructure(chunk: Uint8Array, i: number): number {
    const c = chunk[i]!;
    if (isSpace(c)) return i + 1;
    switch (this.#state) {
      case beforeDocument:
        this.#expect(c, openBrace, 'the document to start with {');
        this.#state = beforeKey;
        return i + 1;
      case beforeKey:
        if (c === comma) return i + 1;
        if (c === closeBrace) {
          this.#state = afterDocument;
          return i + 1;
        }
        this.#expect(c, quote, 'a key');
        this.#key = [];
        this.#state = inKey;
        return i + 1;
      case inKey:
        if (c === quote) this.#state = beforeColon;
        else this.#key.push(c);
        return i + 1;
      case beforeColon:
        this.#expect(c, colon, ':');
        this.#state = beforeValue;
        return i + 1;
      case beforeValue:
        this.#keyName = String.fromCharCode(...this.#key);
        this.#startValue(this.#keyName);
        return i;
      case beforeNumbers:
        this.#expect(c, openBracket, '[');
        this.#state = this.#keyName === 'nodes' ? inNodes : inEdges;
        return i + 1;
      case beforeStrings:
        this.#expect(c, openBracket, '[');
        this.#state = betweenStrings;
        return i + 1;
      default:
        throw new SyntaxError(
          `heap snapshot: unexpected ${JSON.stringify(String.fromCharCode(c))} at the end`,
        );
    }
  }

  #startValue(key: string): void {
    if (key === 'nodes' || key === 'edges') {
      if (this.#header === undefined) {
        throw new SyntaxError(`heap snapshot: "${key}" comes before the "snapshot" header`);
      }
      this.#state = beforeNumbers;
    } else if (key === 'strings') {
      this.#state = beforeStrings;
    } else {
      this.#depth = 0;
      this.#capture = key === 'snapshot' ? [] : undefined;
      this.#state = inSkippedValue;
    }
  }

  /** Skips (or, for the header, captures) one JSON value by tracking nesting and strings. */
  #skipValue(chunk: Uint8Array, from: number): number {
    let i = from;
    let depth = this.#depth;
    let inString = this.#inSkippedString;
    let escaped = this.#skippedEscape;
    let done = false;
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === backslash) escaped = true;
        else if (c === quote) inString = false;
      } else if (c === quote) inString = true;
      else if (c === openBrace || c === openBracket) depth++;
      else if (c === closeBrace || c === closeBracket) {
        if (--depth === 0) {
          i++;
          done = true;
          break;
        }
      } else if (depth === 0 && !isSpace(c)) {
        throw new SyntaxError('heap snapshot: expected an object or an array as a top-level value');
      }
    }
    this.#depth = depth;
    this.#inSkippedString = inString;
    this.#skippedEscape = escaped;
    this.#capture?.push(copyOf(chunk, from, i));
    if (done) {
      if (this.#capture !== undefined) this.#readHeader(this.#capture);
      this.#capture = undefined;
      this.#state = beforeKey;
    }
    return i;
  }

  #readHeader(parts: Uint8Array[]): void {
    const header = JSON.parse(utf8.decode(concat(parts))) as SnapshotHeader;
    const { meta } = header;
    const nodeFields = meta.node_fields;
    const edgeFields = meta.edge_fields;
    this.#nodeFieldCount = nodeFields.length;
    this.#edgeFieldCount = edgeFields.length;
    this.#nodeTypeField = requiredField(nodeFields, 'type');
    this.#nodeNameField = requiredField(nodeFields, 'name');
    this.#nodeIdField = requiredField(nodeFields, 'id');
    this.#nodeEdgeCountField = requiredField(nodeFields, 'edge_count');
    this.#edgeTypeField = requiredField(edgeFields, 'type');
    this.#edgeNameField = requiredField(edgeFields, 'name_or_index');
    this.#edgeToField = requiredField(edgeFields, 'to_node');
    this.#nodeTypes = new Uint8Array(header.node_count);
    this.#nodeNames = new Uint32Array(header.node_count);
    this.#nodeIds = new Uint32Array(header.node_count);
    this.#firstEdge = new Uint32Array(header.node_count + 1);
    this.#edgeTypes = new Uint8Array(header.edge_count);
    this.#edgeNames = new Uint32Array(header.edge_count);
    this.#edgeTargets = new Uint32Array(header.edge_count);
    this.#header = header;
  }

  // The number arrays carry almost all of the parsing time: one tight loop over bytes turns them into
  // numbers in a small buffer, with an inner loop for each run of digits, and a loop over whole
  // records files each record's fields into the columns. (Filing each number as it ended, by comparing
  // its field with each kept one, one byte per turn of a single loop, and the byte values as
  // module-level constants measured 20–30 % slower together.)

  /** Reads the numbers of `nodes` or `edges` up to its `]`; the state lives in locals meanwhile. */
  #readNumbers(chunk: Uint8Array, from: number): number {
    const numbers = this.#numbers;
    let count = this.#numberCount;
    let value = this.#value;
    let hasDigits = this.#hasDigits;
    let i = from;
    const end = chunk.length; // a local: V8 reloads a typed array's length on every iteration otherwise
    scan: while (i < end) {
      let c = chunk[i]!;
      if (c >= 0x30 && c <= 0x39) {
        // a run of digits
        hasDigits = true;
        do {
          value = value * 10 + c - 0x30;
          if (++i === end) break scan; // the number may go on in the next chunk
          c = chunk[i]!;
        } while (c >= 0x30 && c <= 0x39);
      }
      i++;
      if (hasDigits) {
        numbers[count++] = value;
        value = 0;
        hasDigits = false;
        if (count === numbers.length) count = this.#fileRecords(count);
      }
      if (c === 0x2c || c === 0x0a) continue; // `,` and the newline after each record
      if (c === 0x5d) {
        // the array's `]`
        count = this.#fileRecords(count);
        if (count !== 0) throw new SyntaxError('heap snapshot: a number array ends inside a record');
        this.#state = beforeKey;
        break;
      }
      if (!isSpace(c)) throw unexpectedInNumbers(c);
    }
    this.#numberCount = count;
    this.#value = value;
    this.#hasDigits = hasDigits;
    return i;
  }

  /**
   * Files the whole records among the first `count` buffered numbers into the node or edge columns,
   * moves the rest of a record to the front, and returns how many numbers that left.
   */
  #fileRecords(count: number): number {
    const numbers = this.#numbers;
    if (this.#state === inNodes) {
      const fieldCount = this.#nodeFieldCount;
      const whole = count - (count % fieldCount);
      const typeField = this.#nodeTypeField;
      const nameField = this.#nodeNameField;
      const idField = this.#nodeIdField;
      const edgeCountField = this.#nodeEdgeCountField;
      const types = this.#nodeTypes;
      const names = this.#nodeNames;
      const ids = this.#nodeIds;
      const firstEdge = this.#firstEdge;
      let node = this.#node;
      if (node + whole / fieldCount > ids.length) {
        throw new SyntaxError('heap snapshot: more nodes than node_count');
      }
      let edgeTotal = this.#edgeTotal;
      for (let at = 0; at < whole; at += fieldCount, node++) {
        types[node] = numbers[at + typeField]!;
        names[node] = numbers[at + nameField]!;
        ids[node] = numbers[at + idField]!;
        edgeTotal += numbers[at + edgeCountField]!;
        firstEdge[node + 1] = edgeTotal;
      }
      this.#node = node;
      this.#edgeTotal = edgeTotal;
      return keepRest(numbers, whole, count);
    }
    const fieldCount = this.#edgeFieldCount;
    const whole = count - (count % fieldCount);
    const typeField = this.#edgeTypeField;
    const nameField = this.#edgeNameField;
    const toField = this.#edgeToField;
    const nodeFieldCount = this.#nodeFieldCount;
    const types = this.#edgeTypes;
    const names = this.#edgeNames;
    const targets = this.#edgeTargets;
    let edge = this.#edge;
    if (edge + whole / fieldCount > targets.length) {
      throw new SyntaxError('heap snapshot: more edges than edge_count');
    }
    for (let at = 0; at < whole; at += fieldCount, edge++) {
      types[edge] = numbers[at + typeField]!;
      names[edge] = numbers[at + nameField]!;
      targets[edge] = numbers[at + toField]! / nodeFieldCount;
    }
    this.#edge = edge;
    return keepRest(numbers, whole, count);
  }

  /** Records where each string starts and ends; the bytes themselves are kept for lazy decoding. */
  #readStrings(chunk: Uint8Array, from: number): number {
    let state = this.#state;
    let i = from;
    const base = this.#stringBytes - from; // chunk offset → offset in the kept bytes
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (state === inString) {
        if (c === quote) {
          this.#ends[this.#stringCount++] = base + i;
          state = betweenStrings;
        } else if (c === backslash) {
          this.#escaped[this.#stringCount] = 1;
          state = inStringEscape;
        }
      } else if (state === inStringEscape) {
        state = inString;
      } else if (c === quote) {
        if (this.#stringCount === this.#starts.length) this.#growStrings();
        this.#starts[this.#stringCount] = base + i + 1;
        state = inString;
      } else if (c === closeBracket) {
        i++;
        this.#stringChunks.push(copyOf(chunk, from, i));
        this.#stringBytes += i - from;
        this.#state = beforeKey;
        return i;
      } else if (c !== comma && !isSpace(c)) {
        throw new SyntaxError(
          `heap snapshot: unexpected ${JSON.stringify(String.fromCharCode(c))} in strings`,
        );
      }
    }
    // The caller may reuse its buffer for the next chunk: keep a copy.
    this.#stringChunks.push(copyOf(chunk, from, i));
    this.#stringBytes += i - from;
    this.#state = state;
    return i;
  }

  #growStrings(): void {
    const size = this.#starts.length * 2;
    this.#starts = grown(this.#starts, new Uint32Array(size));
    this.#ends = grown(this.#ends, new Uint32Array(size));
    this.#escaped = grown(this.#escaped, new Uint8Array(size));
  }

  #expect(c: number, expected: number, what: string): void {
    if (c !== expected) {
      throw new SyntaxError(
        `heap snapshot: expected ${what}, found ${JSON.stringify(String.fromCharCode(c))}`,
      );
    }
  }
}

/** Moves `numbers[whole..count)` to the front; returns how many that is. */
function keepRest(numbers: Uint32Array, whole: number, count: number): number {
  numbers.copyWithin(0, whole, count);
  return count - whole;
}

/** A copy, not a view: callers may reuse their buffer, and `Buffer#slice` does not copy. */
function copyOf(chunk: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  out.set(chunk.subarray(from, to));
  return out;
}

function unexpectedInNumbers(c: number): SyntaxError {
  return new SyntaxError(
    `heap snapshot: unexpected ${JSON.stringify(String.fromCharCode(c))} in a number array`,
  );
}

function requiredField(fields: string[], name: string): number {
  const index = fields.indexOf(name);
  if (index < 0) throw new SyntaxError(`heap snapshot: the meta data lists no "${name}" field`);
  return index;
}

function grown<T extends Uint8Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function concat(parts: Uint8Array[], length = parts.reduce((sum, part) => sum + part.length, 0)): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
