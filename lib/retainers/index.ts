/**
 * `retainers(x)`: what still holds an array or a lazy array — notebook variables, the `Out`
 * history of results, and lazy arrays whose graphs read it — found from lazylab's own
 * bookkeeping (the notebook's global variables, one level into arrays and plain objects, and
 * the live lazy arrays). It explains why `del("name")` freed nothing: something else still
 * holds the data. To count every reference, closures and other libraries' objects included,
 * `sys.getrefcount(x)` reads a heap snapshot.
 */
import { inspect } from "node:util";
import { NDArray } from "../np/ndarray";
import { MIME_BUNDLE, MimeBundle } from "../display/mime";
import { collectGarbage } from "../psutil/footprint";
import { walk } from "../da/graph";
import type { LazyRef } from "../da/graph";
import { lazyReadersOf } from "../da/registry";
import { LazyArray } from "../da/array";

/** One holder of an array's data. */
export interface Retainer {
  /** Where the holder is: `variable dask_random_array`, `Out[22]`, `a lazy array (no variable)`. */
  where: string;
  /** How it holds the data: `is the array`, `a view of it`, `a lazy graph reading it`. */
  how: string;
}

let baseline: Set<string> | undefined;

/** @internal Records the globals that are not the notebook's (called before the first cell). */
export function markGlobalsBaseline(): void {
  baseline = new Set(Object.getOwnPropertyNames(globalThis));
}

/**
 * @internal The notebook's own variables, name and value, in the order they were first bound:
 * the globals cells declared, that is globalThis's own properties not in the baseline, without
 * `Out` (the results' history, not a variable) and lazylab's `__lazylab*` names. A name
 * `del()` removed is an accessor that throws until bound again, so only data properties count.
 */
export function notebookVariables(): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (baseline?.has(name) || name === "Out" || name.startsWith("__lazylab")) continue;
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    if (d && "value" in d) out.push([name, d.value]);
  }
  return out;
}

function owner(a: NDArray): NDArray {
  return a.base ?? a;
}

const isLazy = (value: unknown): value is LazyRef => !!value && typeof value === "object" && "node" in value && "chunks" in value;

/** Whether the lazy array `x`'s graph reads `target` (an array's owner, or a lazy array). */
function lazyReads(x: LazyRef, target: NDArray | LazyRef): boolean {
  if (target instanceof NDArray) return walk([x]).some((r) => r.node.kind === "source" && owner(r.node.array) === target);
  return x !== target && walk([x]).includes(target);
}

function describe(value: unknown, target: NDArray | LazyRef): string | undefined {
  if (value instanceof NDArray) {
    if (!(target instanceof NDArray)) return undefined;
    if (value === target) return "is the array";
    if (owner(value) === target) return value.base === target && value.nd.data === target.nd.data ? `a view of it, shape (${value.shape.join(", ")})` : "shares its data";
    return undefined;
  }
  if (isLazy(value)) {
    if (value === target) return "is the lazy array";
    if (!lazyReads(value, target)) return undefined;
    return target instanceof NDArray ? `a lazy array reading it: ${String(value)}` : `a lazy array built on it: ${String(value)}`;
  }
  return undefined;
}

/**
 * The holders of `x`: for an np array, of its data (its owner's, if `x` is a view); for a
 * lazy array, of the lazy array (variables, `Out`, lazy arrays built on it).
 * @example retainers(random_array)   // variable random_array: is the array; variable dask_random_array: a lazy array reading it
 */
export function retainers(x: NDArray | LazyArray): Retainers {
  if (!(x instanceof NDArray) && !(x instanceof LazyArray)) {
    throw new TypeError(`retainers: x must be an np array or a lazy array (da), got ${x === null ? "null" : typeof x === "object" ? (x as object).constructor?.name ?? "an object" : typeof x}; for any object, sys.getrefcount(x) counts its references`);
  }
  const target = x instanceof NDArray ? owner(x) : x;
  collectGarbage();
  const found: Retainer[] = [];
  const g = globalThis as Record<string, unknown>;
  const seenLazy = new Set<unknown>();
  const check = (where: string, value: unknown) => {
    const how = describe(value, target);
    if (how) {
      found.push({ where, how });
      seenLazy.add(value);
    }
  };
  for (const [name, v] of notebookVariables()) {
    check(`variable ${name}`, v);
    if (Array.isArray(v)) v.slice(0, 1000).forEach((e, i) => check(`variable ${name}[${i}]`, e));
    else if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, e] of Object.entries(v)) check(`variable ${name}.${k}`, e);
    }
  }
  const out = g.Out as Record<string, unknown> | undefined;
  if (out) for (const [k, v] of Object.entries(out)) check(`Out[${k}]`, v);
  if (target instanceof NDArray) {
    // Only lazy arrays not reachable from a variable: a graph kept by another object.
    const reachable = new Set(walk([...seenLazy].filter(isLazy)).map((r) => r.name));
    for (const name of lazyReadersOf(target)) {
      if (!reachable.has(name)) found.push({ where: `lazy array ${name} (not in a variable)`, how: "its graph reads it" });
    }
  }
  return new Retainers(target, found);
}

/** The answer of `retainers(x)`: a list with a readable repr. */
export class Retainers {
  constructor(
    /** The array whose data is held, or the lazy array held. */
    readonly array: NDArray | LazyArray,
    /** Who holds it. */
    readonly holders: Retainer[],
  ) {}

  toString(): string {
    const a = this.array;
    const head = a instanceof NDArray
      ? `array of shape (${a.shape.join(", ")}), ${a.dtype}, ${(a.nbytes / 2 ** 20).toFixed(2)} MB`
      : `lazy array ${a.name} of shape (${a.shape.join(", ")}), ${a.dtype}, ${(a.nbytes / 2 ** 20).toFixed(2)} MB once computed`;
    if (!this.holders.length) return `${head}: nothing in the notebook holds it (it is freed at the next garbage collection)`;
    return `${head} is held by:\n${this.holders.map((h) => `  - ${h.where}: ${h.how}`).join("\n")}`;
  }
  [inspect.custom](): string {
    return this.toString();
  }
  [MIME_BUNDLE](): MimeBundle {
    return { "text/plain": this.toString() };
  }
}
