/**
 * The references to one object in a heap snapshot: what CPython's reference count counts
 * (variables, container slots, closures' variables, object fields), found by looking at the
 * heap instead of at a counter JavaScript does not keep.
 *
 * The object is the `target` of a probe object (whose class name is given). A snapshot's edges
 * into it are filtered to those a program made: `property`, `element`, `context` (a closure's
 * variable) and `shortcut` (a bound function's argument) edges, plus the slots of Map and Set
 * tables. V8's own duplicates of these (the global object's property cells, an array's backing
 * store) and weak references (WeakRef, WeakMap, lazylab's registry of lazy arrays) are left
 * out, as are the stack roots: the caller adds the argument itself, as CPython's
 * `sys.getrefcount` does.
 */
import type { HeapSnapshotData } from "./heap-snapshot";

/** One reference to the object: who holds it and under which name. */
export interface HeapReference {
  /** `property`, `element`, `closure`, `bound argument`, `Map entry`, `Set entry`. */
  kind: string;
  /** The property name, index or closure variable. */
  name: string;
  /** The holder's constructor name as V8 names it (`global` for a notebook variable, `Array`, `NDArray`, `Object`, ...). */
  holder: string;
}

const KIND: Record<string, string> = { property: "property", element: "element", context: "closure", shortcut: "bound argument" };

/** The references to the `target` of the object of class `probeName` (there must be one). */
export function referencesIn(snap: HeapSnapshotData, probeName: string): HeapReference[] {
  const nf = snap.nodeFields.length;
  const ef = snap.edgeFields.length;
  const [TYPE, NAME, EDGES] = ["type", "name", "edge_count"].map((f) => snap.nodeFields.indexOf(f));
  const [ETYPE, ENAME, TO] = ["type", "name_or_index", "to_node"].map((f) => snap.edgeFields.indexOf(f));
  const { nodes, edges, nodeTypes, edgeTypes } = snap;
  const count = nodes.length / nf;
  const first = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    first[i] = e;
    e += nodes[i * nf + EDGES] * ef;
  }
  first[count] = edges.length;
  // Names are compared by string index (a snapshot's strings are unique) and decoded only for
  // the references found: decoding every name would allocate a string per node.
  const type = (name: string, types: string[]) => types.indexOf(name);
  const [OBJECT, SYNTHETIC, ARRAY, CLOSURE] = ["object", "synthetic", "array", "closure"].map((t) => type(t, nodeTypes));
  const [ELEMENT, HIDDEN, INTERNAL, SHORTCUT] = ["element", "hidden", "internal", "shortcut"].map((t) => type(t, edgeTypes));
  const kindOf = edgeTypes.map((t) => KIND[t]);
  const [probeStr, targetStr, emptyStr, mapStr, setStr] = [probeName, "target", "", "Map", "Set"].map((n) => snap.indexOfString(n));
  const nodeType = (i: number) => nodes[i * nf + TYPE];
  const nodeName = (i: number) => nodes[i * nf + NAME];
  const edgeName = (e: number) => {
    const t = edges[e + ETYPE];
    return t === ELEMENT || t === HIDDEN ? String(edges[e + ENAME]) : snap.string(edges[e + ENAME]);
  };

  let probe = -1;
  if (probeStr >= 0) for (let i = 0; i < count && probe < 0; i++) if (nodeType(i) === OBJECT && nodeName(i) === probeStr) probe = i;
  if (probe < 0) throw new Error("heap references: the probe was not found in the heap snapshot");
  let target = -1;
  for (let e = first[probe]; e < first[probe + 1]; e += ef) if (edges[e + ETYPE] !== ELEMENT && edges[e + ETYPE] !== HIDDEN && edges[e + ENAME] === targetStr) target = edges[e + TO] / nf;

  const refs: HeapReference[] = [];
  // Unnamed arrays holding the target: a Map's or Set's hash table, if a Map or Set holds it.
  const tables = new Map<number, string>();
  for (let i = 0; i < count; i++) {
    if (i === probe || nodeType(i) === SYNTHETIC) continue;
    for (let e = first[i]; e < first[i + 1]; e += ef) {
      if (edges[e + TO] / nf !== target) continue;
      const t = edges[e + ETYPE];
      if (kindOf[t] && !(t === SHORTCUT && nodeType(i) !== CLOSURE)) refs.push({ kind: kindOf[t], name: edgeName(e), holder: snap.string(nodeName(i)) });
      else if (t === INTERNAL && nodeType(i) === ARRAY && nodeName(i) === emptyStr) tables.set(i, edgeName(e));
    }
  }
  if (tables.size) {
    for (let i = 0; i < count; i++) {
      const holder = nodeName(i);
      if (nodeType(i) !== OBJECT || (holder !== mapStr && holder !== setStr)) continue;
      for (let e = first[i]; e < first[i + 1]; e += ef) {
        const table = edges[e + TO] / nf;
        if (!tables.has(table) || edges[e + ETYPE] !== INTERNAL) continue;
        // Each slot of the table holding the target is one entry (a Map may hold it as key and value).
        const kind = `${holder === mapStr ? "Map" : "Set"} entry`;
        for (let t = first[table]; t < first[table + 1]; t += ef) {
          if (edges[t + TO] / nf === target && edges[t + ETYPE] === INTERNAL) refs.push({ kind, name: edgeName(t), holder: holder === mapStr ? "Map" : "Set" });
        }
        tables.delete(table);
      }
    }
  }
  return refs;
}
