import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HeapSnapshot, HeapSnapshotParser } from '../../src/testing/heap-snapshot-parser.js';

function parse(bytes: Uint8Array, cuts: number[] = []): HeapSnapshot {
  const parser = new HeapSnapshotParser();
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.write(bytes.subarray(at, cut));
    at = cut;
  }
  parser.write(bytes.subarray(at));
  return parser.end();
}

function inChunks(bytes: Uint8Array, size: number): HeapSnapshot {
  const parser = new HeapSnapshotParser();
  // One reused buffer, as a file reader would: the parser must copy what it keeps.
  const buffer = new Uint8Array(size);
  for (let at = 0; at < bytes.length; at += size) {
    const chunk = bytes.subarray(at, at + size);
    buffer.set(chunk);
    parser.write(buffer.subarray(0, chunk.length));
  }
  return parser.end();
}

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * The first difference between a parsed snapshot and JSON.parse's reading of the same text, or
 * 'none'. (A loop rather than toEqual: a real snapshot has millions of numbers.)
 */
function firstDifference(snapshot: HeapSnapshot, raw: RawSnapshot): string {
  const nodeFields = raw.snapshot.meta.node_fields;
  const edgeFields = raw.snapshot.meta.edge_fields;
  const at = (fields: string[], name: string) => fields.indexOf(name);
  const [type, name, id, edgeCount] = ['type', 'name', 'id', 'edge_count'].map((f) => at(nodeFields, f));
  const nodeCount = raw.nodes.length / nodeFields.length;
  if (snapshot.nodeCount !== nodeCount) return `node count ${snapshot.nodeCount} ≠ ${nodeCount}`;
  for (let n = 0; n < nodeCount; n++) {
    const base = n * nodeFields.length;
    const got = [
      snapshot.nodeTypes[n],
      snapshot.nodeNames[n],
      snapshot.nodeIds[n],
      snapshot.firstEdge[n + 1]! - snapshot.firstEdge[n]!,
    ];
    const want = [type, name, id, edgeCount].map((field) => raw.nodes[base + field!]);
    if (got.some((value, i) => value !== want[i])) return `node ${n}: ${got} ≠ ${want}`;
  }
  const [edgeType, edgeName, toNode] = ['type', 'name_or_index', 'to_node'].map((f) => at(edgeFields, f));
  const edgeCountTotal = raw.edges.length / edgeFields.length;
  if (snapshot.edgeCount !== edgeCountTotal) return `edge count ${snapshot.edgeCount} ≠ ${edgeCountTotal}`;
  for (let e = 0; e < edgeCountTotal; e++) {
    const base = e * edgeFields.length;
    const got = [snapshot.edgeTypes[e], snapshot.edgeNames[e], snapshot.edgeTargets[e]! * nodeFields.length];
    const want = [edgeType, edgeName, toNode].map((field) => raw.edges[base + field!]);
    if (got.some((value, i) => value !== want[i])) return `edge ${e}: ${got} ≠ ${want}`;
  }
  if (snapshot.strings.length !== raw.strings.length) return `string count ${snapshot.strings.length}`;
  for (let i = 0; i < raw.strings.length; i++) {
    if (snapshot.strings.get(i) !== raw.strings[i]) return `string ${i}: ${JSON.stringify(raw.strings[i])}`;
  }
  return 'none';
}

/** A tiny snapshot written by hand: unusual field order, pretty-printed, escapes, extra keys. */
const handmade = `{
  "snapshot": {
    "meta": {
      "node_fields": ["name", "type", "edge_count", "id", "self_size"],
      "node_types": [["hidden", "object", "string"], "string", "number", "number", "number"],
      "edge_fields": ["to_node", "type", "name_or_index"],
      "edge_types": [["element", "property", "weak"], "string_or_number", "node"],
      "location_fields": ["object_index", "script_id", "line", "column"]
    },
    "node_count": 3, "edge_count": 3, "trace_function_count": 0
  },
  "nodes": [ 0, 0, 2, 1, 0,
             1, 1, 1, 3, 48,
             4, 2, 0, 5, 32 ],
  "edges": [ 5, 0, 1,
             10, 1, 2,
             10, 2, 3 ],
  "future_section": { "nested": ["]", "}", {"a": [1, 2]}], "text": "a \\" quote" },
  "locations": [],
  "strings": ["", "Thing", "label", "wea\\"k \\\\ ref", "caf\\u00e9 ☕ \\n end"]
}`;

describe('HeapSnapshotParser', () => {
  it('reads a real snapshot exactly as JSON.parse does, in chunks of any size', () => {
    const file = join(tmpdir(), `weakkit-parser-test-${process.pid}.heapsnapshot`);
    try {
      writeHeapSnapshot(file);
      const bytes = readFileSync(file);
      const raw = JSON.parse(bytes.toString('utf8')) as RawSnapshot;
      for (const size of [bytes.length, 65_536, 4093, 7]) {
        expect(firstDifference(inChunks(bytes, size), raw), `in chunks of ${size} bytes`).toBe('none');
      }
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('handles any field order, whitespace, escapes and unknown sections, split anywhere', () => {
    const bytes = new TextEncoder().encode(handmade);
    const raw = JSON.parse(handmade) as RawSnapshot;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }), (cuts) => {
        expect(firstDifference(parse(bytes, cuts), raw)).toBe('none');
      }),
      { numRuns: 300 },
    );
    const snapshot = parse(bytes);
    expect(snapshot.nodeTypeNames).toEqual(['hidden', 'object', 'string']);
    expect(snapshot.edgeTypeNames).toEqual(['element', 'property', 'weak']);
    expect(snapshot.strings.get(3)).toBe('wea"k \\ ref');
    expect(snapshot.strings.get(4)).toBe('café ☕ \n end');
    expect([...snapshot.firstEdge]).toEqual([0, 2, 3, 3]);
    expect([...snapshot.edgeTargets]).toEqual([1, 2, 2]);
  });

  it('finds strings by text without decoding the table', () => {
    const snapshot = parse(new TextEncoder().encode(handmade));
    expect(snapshot.strings.indicesOf(['label', 'Thing', 'absent'])).toEqual(
      new Map([
        ['label', 2],
        ['Thing', 1],
      ]),
    );
    expect([...snapshot.strings.flagWhere((bytes, start) => bytes[start] === 0x54)]).toEqual([0, 1, 0, 0, 0]);
  });

  it('rejects truncated and malformed input with a SyntaxError that says what is wrong', () => {
    const bytes = new TextEncoder().encode(handmade);
    expect(() => parse(bytes.subarray(0, bytes.length - 10))).toThrow(/unexpected end of input/);
    const broken = (from: string, to: string) => () =>
      parse(new TextEncoder().encode(handmade.replace(from, to)));
    expect(broken('"node_count": 3', '"node_count": 4')).toThrow(
      /expected 4 nodes and 3 edges, read 3 and 3/,
    );
    expect(broken('"edge_count": 3', '"edge_count": 2')).toThrow(/more edges than edge_count/);
    expect(broken('4, 2, 0, 5, 32 ]', '4, 2, 0, 5, x ]')).toThrow(/unexpected "x" in a number array/);
    expect(broken('10, 2, 3 ]', '10, 2 ]')).toThrow(/ends inside a record/);
    expect(broken('"node_fields": ["name",', '"node_fields": ["nom",')).toThrow(/no "name" field/);
    const headerLast = `{"nodes": [], "snapshot": {}}`;
    expect(() => parse(new TextEncoder().encode(headerLast))).toThrow(
      /"nodes" comes before the "snapshot" header/,
    );
    expect(() => parse(new TextEncoder().encode('[]'))).toThrow(/expected the document to start with \{/);
  });
});
