/**
 * The task graph as plain data. A lazy array is a node; evaluating one block of it runs the
 * node's task on blocks of its inputs. Chains of elementwise nodes are fused (fuse.ts): one
 * kernel reads the leaves' blocks and writes (or reduces) the result, with no intermediate
 * chunk arrays. Nothing here runs at construction time.
 */
import type { NDArray } from "../np";
import type { DType } from "../np/dtype";
import type { BinaryOp, UnaryOp } from "../np/ufunc";
import type { DecodingSpec } from "../xr/cf";

/** A per-dimension selection inside one block: `length` elements from `start` every `step`. */
export interface DimRegion {
  start: number;
  step: number;
  length: number;
}

/** What a leaf produces for one block (a view or a freshly allocated chunk). */
export interface Produced {
  array: NDArray;
  /** True if the chunk's buffer came from the pool and may be given back once consumed. */
  owned: boolean;
}

/** The kinds of node. */
export type Node =
  | { kind: "source"; array: NDArray }
  | { kind: "generate"; name: string; make: (blockIndex: readonly number[], blockShape: readonly number[], dtype: DType, region?: readonly DimRegion[]) => NDArray; stream?: StreamSpec; shared?: boolean; origin?: FileOrigin }
  | { kind: "binary"; op: BinaryOp; args: [LazyRef | number, LazyRef | number] }
  | { kind: "unary"; op: UnaryOp; arg: LazyRef }
  | { kind: "getitem"; input: LazyRef; dims: GetitemDim[] }
  /** `axes` ascending; `axesGiven` as the call gave them (Dask's mean puts its partials together along them in that order). */
  | { kind: "reduce"; input: LazyRef; reduction: string; axes: number[]; axesGiven?: number[]; keepdims: boolean; ddof: number }
  | { kind: "rechunk"; input: LazyRef }
  | { kind: "concatenate"; inputs: LazyRef[]; axis: number }
  | { kind: "reshape"; input: LazyRef }
  | { kind: "transpose"; input: LazyRef; axes: number[] }
  | { kind: "stored"; blocks: Map<string, NDArray> }
  /** `fn` over one block of each input; inputs broadcast against the node as a binary node's operands do (`da.where`'s eager and lower-dimensional operands). */
  | { kind: "mapBlocks"; inputs: LazyRef[]; fn: (...blocks: NDArray[]) => NDArray };

/**
 * A generated leaf a worker thread can produce by itself, a piece at a time (so a fused
 * reduction over it never holds a whole chunk): constants, or random draws whose per-block
 * stream is seeded by `[seed, flat block index]`.
 */
export type StreamSpec =
  | { kind: "full"; value: number }
  | { kind: "random"; dist: "standard_normal" | "random"; seed: number; numblocks: readonly number[] };

/**
 * A generated leaf that is a file's variable, as data: a Dask cluster's workers open the file
 * themselves and decode it as lazylab does (lib/da/cluster), instead of the notebook reading
 * it and sending the bytes. The path must name the same file on the workers' hosts.
 */
export type FileOrigin =
  | {
      format: "netcdf";
      /** Absolute path of the file. */
      path: string;
      /** Group path ("/" for the root group). */
      group: string;
      variable: string;
      decoding: DecodingSpec;
    }
  | {
      /** A Zarr v2 array (python zarr 2 on the workers reads v2 only). */
      format: "zarr";
      /** Absolute folder path, or the store's http(s):// URL. */
      location: string;
      /** The array's path inside the store. */
      path: string;
      decoding: DecodingSpec;
    };

/** How one output dimension of a getitem reads its input dimension. */
export interface GetitemDim {
  /** Input dimension read, or -1 for a new axis. */
  inputDim: number;
  /** First input element, step and count. A dropped dimension (integer index) has drop=true. */
  start: number;
  step: number;
  length: number;
  drop: boolean;
}

/** What the graph needs of a lazy array (implemented by LazyArray). */
export interface LazyRef {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly chunks: readonly (readonly number[])[];
  readonly node: Node;
}

/** Inputs of a node. */
export function dependencies(node: Node): LazyRef[] {
  switch (node.kind) {
    case "binary":
      return node.args.filter((a): a is LazyRef => typeof a !== "number");
    case "unary":
    case "getitem":
    case "reduce":
    case "rechunk":
    case "reshape":
    case "transpose":
      return [node.kind === "unary" ? node.arg : node.input];
    case "concatenate":
    case "mapBlocks":
      return node.inputs;
    default:
      return [];
  }
}

/** Every node reachable from `roots`, each once. */
export function walk(roots: readonly LazyRef[]): LazyRef[] {
  const seen = new Set<string>();
  const out: LazyRef[] = [];
  const visit = (r: LazyRef) => {
    if (seen.has(r.name)) return;
    seen.add(r.name);
    dependencies(r.node).forEach(visit);
    out.push(r);
  };
  roots.forEach(visit);
  return out;
}

/** The number of tasks (blocks over all nodes) in the graph, as Dask's `len(x.dask)`. */
export function graphSize(root: LazyRef): number {
  return walk([root]).reduce((n, r) => n + r.chunks.reduce((p, c) => p * c.length, 1), 0);
}

/** The graph's layers (one per node), Dask-style names first to last. */
export function layers(root: LazyRef): string[] {
  return walk([root]).map((r) => r.name);
}
