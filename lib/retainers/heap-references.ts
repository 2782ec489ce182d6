/**
 * The references that hold an object, read from a V8 heap snapshot of this process: what
 * CPython's reference count counts (variables, container slots, closures' variables, object
 * fields), found by looking at the heap instead of at a counter JavaScript does not keep.
 *
 * A snapshot's edges into the object are filtered to those a program made: `property`,
 * `element`, `context` (a closure's variable) and `shortcut` (a bound function's argument)
 * edges, plus the slots of Map and Set tables. V8's own duplicates of these (the global
 * object's property cells, an array's backing store) and weak references (WeakRef, WeakMap,
 * lazylab's registry of lazy arrays) are left out, as are the stack roots: the caller adds
 * the argument itself, as CPython's `sys.getrefcount` does.
 */
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";

/** One reference to the object: who holds it and under which name. */
export interface HeapReference {
  /** `property`, `element`, `closure`, `bound argument`, `Map entry`, `Set entry`. */
  kind: string;
  /** The property name, index or closure variable. */
  name: string;
  /** The holder's constructor name as V8 names it (`global` for a notebook variable, `Array`, `NDArray`, `Object`, ...). */
  holder: string;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Holds the target while the snapshot is taken, so its node can be found by this class's name. */
class LazylabReferenceProbe {
  constructor(readonly target: object) {}
}

const KIND: Record<string, string> = { property: "property", element: "element", context: "closure", shortcut: "bound argument" };

/**
 * Every reference that holds `target`, from a heap snapshot of this process (which takes a
 * second or two: the snapshot describes the whole heap).
 */
export function heapReferencesTo(target: object): HeapReference[] {
  const probe = new LazylabReferenceProbe(target);
  const file = path.join(os.tmpdir(), `lazylab-references-${process.pid}-${Date.now()}.heapsnapshot`);
  let snap: Snapshot;
  try {
    v8.writeHeapSnapshot(file);
    snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  } finally {
    rmSync(file, { force: true });
  }
  const refs = referencesIn(snap, LazylabReferenceProbe.name);
  void probe.target; // kept alive until the snapshot is taken
  return refs;
}

function referencesIn(snap: Snapshot, probeName: string): HeapReference[] {
  const meta = snap.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [TYPE, NAME, EDGES] = ["type", "name", "edge_count"].map((f) => meta.node_fields.indexOf(f));
  const [ETYPE, ENAME, TO] = ["type", "name_or_index", "to_node"].map((f) => meta.edge_fields.indexOf(f));
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snap;
  const count = nodes.length / nf;
  const first = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    first[i] = e;
    e += nodes[i * nf + EDGES] * ef;
  }
  first[count] = edges.length;
  const nodeType = (i: number) => nodeTypes[nodes[i * nf + TYPE]];
  const nodeName = (i: number) => strings[nodes[i * nf + NAME]];
  const edgeName = (e: number) => {
    const t = edgeTypes[edges[e + ETYPE]];
    return t === "element" || t === "hidden" ? String(edges[e + ENAME]) : strings[edges[e + ENAME]];
  };

  let probe = -1;
  for (let i = 0; i < count && probe < 0; i++) if (nodeType(i) === "object" && nodeName(i) === probeName) probe = i;
  if (probe < 0) throw new Error("heap references: the probe was not found in the heap snapshot");
  let target = -1;
  for (let e = first[probe]; e < first[probe + 1]; e += ef) if (edgeName(e) === "target") target = edges[e + TO] / nf;

  const refs: HeapReference[] = [];
  // Unnamed arrays holding the target: a Map's or Set's hash table, if a Map or Set holds it.
  const tables = new Map<number, string>();
  for (let i = 0; i < count; i++) {
    if (i === probe || nodeType(i) === "synthetic") continue;
    for (let e = first[i]; e < first[i + 1]; e += ef) {
      if (edges[e + TO] / nf !== target) continue;
      const type = edgeTypes[edges[e + ETYPE]];
      if (KIND[type] && !(type === "shortcut" && nodeType(i) !== "closure")) refs.push({ kind: KIND[type], name: edgeName(e), holder: nodeName(i) });
      else if (type === "internal" && nodeType(i) === "array" && nodeName(i) === "") tables.set(i, edgeName(e));
    }
  }
  if (tables.size) {
    for (let i = 0; i < count; i++) {
      const holder = nodeName(i);
      if (nodeType(i) !== "object" || (holder !== "Map" && holder !== "Set")) continue;
      for (let e = first[i]; e < first[i + 1]; e += ef) {
        const table = edges[e + TO] / nf;
        if (!tables.has(table) || edgeTypes[edges[e + ETYPE]] !== "internal") continue;
        // Each slot of the table holding the target is one entry (a Map may hold it as key and value).
        for (let t = first[table]; t < first[table + 1]; t += ef) {
          if (edges[t + TO] / nf === target && edgeTypes[edges[t + ETYPE]] === "internal") refs.push({ kind: `${holder} entry`, name: edgeName(t), holder });
        }
        tables.delete(table);
      }
    }
  }
  return refs;
}
