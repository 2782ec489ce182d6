/**
 * A lazylab graph as the bridge reads it: one plain JSON node per lazy array, inputs first,
 * naming the NumPy operation (ufunc names, reductions, basic indexing), plus the arrays made in
 * the notebook that the cluster needs, by content id (a SHA-1 of dtype, shape and bytes, so an
 * array is scattered once however many graphs read it, and again if it was written to). Two
 * kinds of leaf send no data: a file's variable (its path, variable and decoding: the workers
 * read it) and an array persisted on the cluster (the key of its futures there; the graph it
 * was persisted from is not walked).
 */
import { createHash } from "node:crypto";
import type { NDArray } from "../../np";
import type { DType } from "../../np/dtype";
import { dependencies, type LazyRef } from "../graph";

/** A node kind (or a generated leaf) the cluster cannot run: its name is in the message. */
export class ClusterUnsupported extends Error {
  override name = "ClusterUnsupported";
}

/** How a dtype's elements travel: lazylab keeps int64/uint64 in Float64Array storage. */
export function storageDType(dtype: DType): string {
  return dtype === "int64" || dtype === "uint64" ? "float64" : dtype === "bool" ? "uint8" : dtype;
}

export interface Source {
  contentId: string;
  dtype: DType;
  shape: number[];
  data: ArrayBufferView;
}

export interface Translated {
  nodes: Record<string, unknown>[];
  root: string;
  sources: Source[];
}

function contiguousData(a: NDArray): ArrayBufferView {
  const c = a.isContiguous ? a : a.copy();
  const d = c.nd.data;
  return d.subarray(c.nd.offset, c.nd.offset + c.size);
}

function contentId(a: NDArray, data: ArrayBufferView): string {
  const h = createHash("sha1");
  h.update(`${a.dtype}|${a.shape.join(",")}|`);
  h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return h.digest("hex");
}

/**
 * The nodes `root` needs, inputs first, each once; an array `persisted` names (kept as futures
 * by this connection) is a leaf and its inputs are not visited.
 */
function walkTo(root: LazyRef, persisted: (r: LazyRef) => string | undefined): LazyRef[] {
  const seen = new Set<string>();
  const out: LazyRef[] = [];
  const visit = (r: LazyRef) => {
    if (seen.has(r.name)) return;
    seen.add(r.name);
    if (persisted(r) === undefined) dependencies(r.node).forEach(visit);
    out.push(r);
  };
  visit(root);
  return out;
}

export function translate(root: LazyRef, persisted: (r: LazyRef) => string | undefined = () => undefined): Translated {
  const nodes: Record<string, unknown>[] = [];
  const sources = new Map<string, Source>();
  const source = (a: NDArray): string => {
    const data = contiguousData(a);
    const id = contentId(a, data);
    if (!sources.has(id)) sources.set(id, { contentId: id, dtype: a.dtype, shape: [...a.shape], data });
    return id;
  };
  for (const r of walkTo(root, persisted)) {
    const base = { name: r.name, shape: [...r.shape], dtype: r.dtype, chunks: r.chunks.map((c) => [...c]) };
    const key = persisted(r);
    if (key !== undefined) {
      nodes.push({ ...base, kind: "persisted", key });
      continue;
    }
    const n = r.node;
    switch (n.kind) {
      case "source":
        nodes.push({ ...base, kind: "source", contentId: source(n.array) });
        break;
      case "generate":
        if (n.stream?.kind === "random") nodes.push({ ...base, kind: "random", dist: n.stream.dist, seed: n.stream.seed });
        else if (n.stream?.kind === "full") nodes.push({ ...base, kind: "full", value: n.stream.value });
        else if (n.origin) nodes.push({ ...base, kind: "file", ...n.origin });
        else throw new ClusterUnsupported(`the cluster cannot run ${r.name}: a generated array (${n.name}) whose blocks are made by a function in the notebook; compute it locally (da.disconnect()) or build it with da.fromArray (xr's NetCDF and Zarr v2 variables are read by the workers; Zarr v3 ones are not)`);
        break;
      case "stored": {
        // persist()'s blocks: each scattered by content (so a persisted array goes once).
        const blocks: Record<string, string> = {};
        for (const [key, block] of n.blocks) blocks[key] = source(block);
        nodes.push({ ...base, kind: "stored", blocks });
        break;
      }
      case "binary":
        nodes.push({ ...base, kind: "binary", op: n.op.name, args: n.args.map((a) => (typeof a === "number" ? a : { ref: a.name })) });
        break;
      case "unary":
        nodes.push({ ...base, kind: "unary", op: n.op.name, args: [{ ref: n.arg.name }] });
        break;
      case "getitem":
        nodes.push({ ...base, kind: "getitem", input: n.input.name, dims: n.dims });
        break;
      case "reduce":
        nodes.push({ ...base, kind: "reduce", input: n.input.name, reduction: n.reduction, axes: n.axes, keepdims: n.keepdims, ddof: n.ddof });
        break;
      case "rechunk":
      case "reshape":
        nodes.push({ ...base, kind: n.kind, input: n.input.name });
        break;
      case "transpose":
        nodes.push({ ...base, kind: "transpose", input: n.input.name, axes: n.axes });
        break;
      case "concatenate":
        nodes.push({ ...base, kind: "concatenate", inputs: n.inputs.map((x) => x.name), axis: n.axis });
        break;
      default:
        throw new ClusterUnsupported(`the cluster cannot run ${r.name}: node kind "${n.kind}" is not supported by the bridge (supported: fromArray, persisted arrays, xr's NetCDF and Zarr v2 variables, random, zeros/ones/full, elementwise ufuncs, reductions, slicing, rechunk, transpose, reshape, concatenate)`);
    }
  }
  return { nodes, root: root.name, sources: [...sources.values()] };
}
