/**
 * A V8 heap snapshot of this thread, taken so that it leaves nothing behind: the memory figure
 * read after it (psutil's footprint: live V8 objects + malloc's bytes in use) is the figure
 * read without it.
 *
 * What a snapshot taken the obvious way (`v8.writeHeapSnapshot`, then `JSON.parse` of the file)
 * left behind, measured in a kernel before this module (first call +6.35 MB, then -0.08 MB):
 *
 * - V8's heap profiler keeps a map from every object's address to its snapshot id
 *   (HeapObjectsMap, ~6 MB of malloc for a notebook's heap), so that a later snapshot gives
 *   the same object the same id, and tracks object moves for it at every GC from then on.
 *   Nothing here compares snapshots: the ids are cleared after each one (the inspector's
 *   `HeapProfiler.disable` calls `HeapProfiler::ClearObjectIds`).
 * - `JSON.parse` internalizes short string values: the snapshot's tens of thousands of names
 *   went into V8's string table, which grew (malloc) and shrank again only at some later
 *   insertion (+0.29 MB, then -0.23 MB a few cells later). {@link readHeapSnapshot} reads
 *   the file's bytes instead (and getrefcount runs it in a child process: heap-references.ts):
 *   numbers into typed arrays, strings located by offset and decoded only when asked for,
 *   never interned.
 * - A snapshot starts with V8's "all available garbage" collection, which also drops the
 *   isolate's table of external references (~0.09 MB of malloc) that the code serializer
 *   builds and keeps; Node builds it again whenever it compiles one of its own modules (which
 *   the executor's V8 flags make it do at start-up), so a notebook's figures include it. It
 *   is rebuilt at once after the snapshot (by serializing a one-character script), so the
 *   figures after getrefcount include it too. The same collection empties V8's compilation
 *   cache, which held every cell's compiled code (~3 KB a cell, so the first figure after a
 *   snapshot was ~3 KB × cells lower); the executor runs without that cache
 *   (`--no-compilation-cache`, kernel/executor/supervisor.ts), so there is nothing to drop.
 *
 * The snapshot's text is JSON in V8's fixed layout (`{"snapshot":{meta...},"nodes":[...],
 * "edges":[...], ..., "strings":[...]}`); the reader relies on the order of those keys and on
 * the meta's field lists, not on fixed field positions.
 */
import { readFileSync } from "node:fs";
import { Session } from "node:inspector";
import v8 from "node:v8";
import { Script } from "node:vm";

/** The snapshot's text did not have V8's layout. */
export class HeapSnapshotFormatError extends Error {
  override name = "HeapSnapshotFormatError";
}

/** A heap snapshot as flat arrays, V8's own layout (see `meta`). */
export interface HeapSnapshotData {
  /** Field names of a node (`type`, `name`, `id`, `self_size`, `edge_count`, ...) and of an edge (`type`, `name_or_index`, `to_node`). */
  nodeFields: string[];
  edgeFields: string[];
  /** The names of node and edge types, indexed by a node's or edge's `type` field. */
  nodeTypes: string[];
  edgeTypes: string[];
  /** nodeFields.length numbers a node. */
  nodes: Uint32Array;
  /** edgeFields.length numbers an edge; a node's edges follow its predecessors'. */
  edges: Uint32Array;
  /** How many strings the snapshot has. */
  stringCount: number;
  /** The string at `index` (decoded on demand). */
  string(index: number): string;
  /** The index of the string equal to `ascii`, or -1 (snapshot strings are unique). */
  indexOfString(ascii: string): number;
}

/**
 * Writes a snapshot of this thread's heap to `file` (a second or so for a notebook's heap),
 * then gives back what taking it left in V8 (see the module comment). Read it with
 * {@link readHeapSnapshot}, best in another process (heap-references.ts). `take` writes the
 * snapshot itself: V8's, or in the warm-up a synthetic one (heap-references.ts), so that this
 * function's code is compiled by then.
 */
export function writeHeapSnapshot(file: string, take: (file: string) => void = takeV8Snapshot): void {
  try {
    take(file);
  } finally {
    restoreAfterSnapshot();
  }
}

/**
 * Gives back what a snapshot leaves in V8 and builds again what its collection drops (see the
 * module comment): V8's object ids, the table of external references. Also for after V8's
 * "all available garbage" collection on its own (heap-references.ts).
 */
export function restoreAfterSnapshot(): void {
  clearObjectIds();
  rebuildExternalReferenceTable();
}

function takeV8Snapshot(file: string): void {
  v8.writeHeapSnapshot(file);
}

/** Reads a snapshot file written by {@link writeHeapSnapshot}. */
export function readHeapSnapshot(file: string): HeapSnapshotData {
  return parseHeapSnapshot(readFileSync(file));
}

/**
 * Builds V8's table of external references again (see the module comment): serializing any
 * script's code builds it when it is missing, and reuses it when it is there.
 */
function rebuildExternalReferenceTable(): void {
  new Script("0", { filename: "lazylab-external-references" }).createCachedData();
}

/**
 * Drops V8's address → snapshot id map (and its tracking of object moves), which a snapshot
 * builds and nothing else frees: the inspector's `HeapProfiler.disable` clears it. The session
 * is on this thread, so the calls complete before `post` returns.
 */
function clearObjectIds(): void {
  const session = new Session();
  session.connect();
  try {
    session.post("HeapProfiler.enable");
    session.post("HeapProfiler.disable");
  } finally {
    session.disconnect();
  }
}

/** A node of {@link syntheticHeapSnapshot}: its type, name and edges (type, name or index, index of the node it points to). */
export interface SyntheticNode {
  type: string;
  name: string;
  edges: [type: string, nameOrIndex: string | number, to: number][];
}

const NODE_TYPES = ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"];
const EDGE_TYPES = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/** A snapshot's text in V8's layout for the given nodes (for tests, and to compile the reader ahead of use). */
export function syntheticHeapSnapshot(graph: SyntheticNode[]): Buffer {
  const strings: string[] = [];
  const str = (x: string) => (strings.includes(x) ? strings.indexOf(x) : strings.push(x) - 1);
  const nodes: number[] = [];
  const edges: number[] = [];
  graph.forEach((n, i) => {
    nodes.push(NODE_TYPES.indexOf(n.type), str(n.name), 2 * i + 1, 16, n.edges.length, 0, 0);
    for (const [type, name, to] of n.edges) edges.push(EDGE_TYPES.indexOf(type), typeof name === "number" ? name : str(name), to * 7);
  });
  const meta = {
    node_fields: ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"],
    node_types: [NODE_TYPES, "string", "number", "number", "number", "number", "number"],
    edge_fields: ["type", "name_or_index", "to_node"],
    edge_types: [EDGE_TYPES, "string_or_number", "node"],
  };
  const head = JSON.stringify({ meta, node_count: graph.length, edge_count: edges.length / 3, trace_function_count: 0 });
  return Buffer.from(`{"snapshot":${head},\n"nodes":[${nodes.join(",")}],\n"edges":[${edges.join(",")}],\n"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n"strings":[${strings.map((x) => JSON.stringify(x)).join(",\n")}]}`);
}

const QUOTE = 0x22, BACKSLASH = 0x5c, CLOSE = 0x5d, ZERO = 0x30, NINE = 0x39;

/** Reads a snapshot's JSON text from its bytes, without JSON.parse (see the module comment). */
export function parseHeapSnapshot(bytes: Buffer): HeapSnapshotData {
  const nodesAt = bytes.indexOf('"nodes":[');
  if (nodesAt < 0) throw new HeapSnapshotFormatError('heap snapshot: no "nodes" array');
  const header = bytes.toString("latin1", 0, nodesAt);
  const list = (key: string, nested = false): string[] => {
    const m = new RegExp(`"${key}":\\[${nested ? "\\[" : ""}([^\\]]*)\\]`).exec(header);
    if (!m) throw new HeapSnapshotFormatError(`heap snapshot: no "${key}" in its meta`);
    return m[1].split(",").map((s) => s.trim().slice(1, -1));
  };
  const count = (key: string): number => {
    const m = new RegExp(`"${key}":(\\d+)`).exec(header);
    if (!m) throw new HeapSnapshotFormatError(`heap snapshot: no "${key}" in its header`);
    return Number(m[1]);
  };
  const nodeFields = list("node_fields");
  const edgeFields = list("edge_fields");
  const nodeTypes = list("node_types", true);
  const edgeTypes = list("edge_types", true);
  const nodes = new Uint32Array(count("node_count") * nodeFields.length);
  let at = readNumbers(bytes, nodesAt + '"nodes":['.length, nodes, "nodes");
  const edgesAt = bytes.indexOf('"edges":[', at);
  if (edgesAt < 0) throw new HeapSnapshotFormatError('heap snapshot: no "edges" array after the nodes');
  const edges = new Uint32Array(count("edge_count") * edgeFields.length);
  at = readNumbers(bytes, edgesAt + '"edges":['.length, edges, "edges");
  const stringsAt = bytes.indexOf('"strings":[', at);
  if (stringsAt < 0) throw new HeapSnapshotFormatError('heap snapshot: no "strings" array');
  const { starts, ends, n } = locateStrings(bytes, stringsAt + '"strings":['.length);
  const sameAscii = (i: number, ascii: string): boolean => {
    if (ends[i] - starts[i] !== ascii.length) return false;
    for (let k = 0; k < ascii.length; k++) if (bytes[starts[i] + k] !== ascii.charCodeAt(k)) return false;
    return true;
  };
  return {
    nodeFields, edgeFields, nodeTypes, edgeTypes, nodes, edges, stringCount: n,
    string(i) {
      if (i < 0 || i >= n) throw new RangeError(`heap snapshot: no string ${i} (it has ${n})`);
      const raw = bytes.toString("utf8", starts[i], ends[i]);
      return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
    },
    indexOfString(ascii) {
      for (let i = 0; i < n; i++) if (sameAscii(i, ascii)) return i;
      return -1;
    },
  };
}

/** Reads the unsigned integers of a JSON array into `out` from `at` (after its `[`); returns the offset after its `]`. */
function readNumbers(bytes: Buffer, at: number, out: Uint32Array, what: string): number {
  let k = 0, value = 0, inNumber = false;
  for (; at < bytes.length; at++) {
    const c = bytes[at];
    if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      inNumber = true;
    } else {
      if (inNumber) {
        if (k >= out.length) throw new HeapSnapshotFormatError(`heap snapshot: more ${what} than its header counts (${out.length} numbers)`);
        out[k++] = value;
        value = 0;
        inNumber = false;
      }
      if (c === CLOSE) break;
    }
  }
  if (k !== out.length) throw new HeapSnapshotFormatError(`heap snapshot: ${k} numbers in ${what}, its header counts ${out.length}`);
  return at + 1;
}

/** The byte ranges of the strings of a JSON array of strings, from `at` (after its `[`). */
function locateStrings(bytes: Buffer, at: number): { starts: Uint32Array; ends: Uint32Array; n: number } {
  let starts = new Uint32Array(1 << 16), ends = new Uint32Array(1 << 16), n = 0;
  for (; at < bytes.length; at++) {
    const c = bytes[at];
    if (c === CLOSE) return { starts, ends, n };
    if (c !== QUOTE) continue;
    const start = at + 1;
    for (at = start; at < bytes.length && bytes[at] !== QUOTE; at++) if (bytes[at] === BACKSLASH) at++;
    if (n === starts.length) {
      const grow = (a: Uint32Array) => { const b = new Uint32Array(a.length * 2); b.set(a); return b; };
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[n] = start;
    ends[n++] = at;
  }
  throw new HeapSnapshotFormatError(`heap snapshot: the strings array does not end (${n} strings read)`);
}
