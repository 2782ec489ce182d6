/**
 * What the debugger's variables panel shows of a value, computed in the executor's main
 * thread (where the values live) and called by the debug session through the inspector:
 * arrays as their repr with dtype and shape, expandable into their elements; lazy arrays with
 * their chunks; the user's globals without the library's and Node's own names.
 */
import { mimeBundleOf } from "../../lib/display";
import { np, da } from "../../lib";
import { DEBUG_HELPERS } from "./ipc";
const MAX_CHILDREN = 100;
const MAX_REPR = 1000;

export interface Shown {
  value: string;
  type: string;
  /** Children come from children(), not from the object's own properties. */
  special: boolean;
}

/**
 * @param flushOutput sends what the cell printed so far (stream output is batched on a timer,
 * and no timer fires while a breakpoint holds the thread).
 */
export function installDebugHelpers(g: Record<string, unknown>, flushOutput: () => void): void {
  const baseline = new Set(Object.getOwnPropertyNames(g));
  const helpers = {
    flushOutput,
    /** The names cells declared, with their values, in declaration order. */
    globals(): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const name of Object.getOwnPropertyNames(g)) {
        if (baseline.has(name) || name.startsWith("__lazylab") || name === DEBUG_HELPERS) continue;
        const d = Object.getOwnPropertyDescriptor(g, name);
        if (!d || typeof d.get === "function") continue; // del()'d names are getters that throw
        out[name] = d.value;
      }
      return out;
    },
    show,
    children,
    bundle(v: unknown) {
      return { data: mimeBundleOf(v), metadata: {} };
    },
  };
  Object.defineProperty(g, DEBUG_HELPERS, { value: helpers, enumerable: false, configurable: true });
}

function reprOf(v: unknown): string {
  const text = mimeBundleOf(v)["text/plain"] ?? String(v);
  return text.length > MAX_REPR ? `${text.slice(0, MAX_REPR)}…` : text;
}

function show(v: unknown): Shown {
  if (v instanceof np.NDArray) return { value: reprOf(v), type: `NDArray ${v.dtype} (${v.shape.join(", ")}${v.ndim === 1 ? "," : ""})`, special: true };
  if (v instanceof da.LazyArray) return { value: reprOf(v), type: `LazyArray ${v.dtype} (${v.shape.join(", ")}${v.ndim === 1 ? "," : ""})`, special: true };
  return { value: reprOf(v), type: v === null ? "null" : typeof v === "object" ? (v.constructor?.name ?? "Object") : typeof v, special: false };
}

/** An array's children as the panel lists them: dtype, shape, (chunks), then elements or rows. */
function children(v: unknown): Record<string, unknown> {
  if (v instanceof np.NDArray) {
    const out: Record<string, unknown> = { dtype: v.dtype, shape: v.shape };
    const n = v.ndim === 0 ? 0 : Math.min(v.shape[0], MAX_CHILDREN);
    for (let i = 0; i < n; i++) out[`[${i}]`] = v.ndim === 1 ? v.item(i) : v.get(i);
    return out;
  }
  if (v instanceof da.LazyArray) {
    return { dtype: v.dtype, shape: v.shape, chunks: v.chunks, chunksize: v.chunksize, numblocks: v.numblocks, npartitions: v.npartitions, nbytes: v.nbytes };
  }
  return {};
}
