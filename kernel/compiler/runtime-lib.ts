/**
 * The ECMAScript library a cell is checked against: what the Node running the kernel has, no
 * more, no less. ES2023 is Node 20's baseline; each later component TypeScript ships is added
 * when every global, method and property it declares exists here (and those of the components
 * it references). On Node 20 that adds `String.prototype.isWellFormed`, `Atomics.waitAsync`
 * with growable SharedArrayBuffers and `RegExp.prototype.unicodeSets`; Node 22 adds
 * `Object.groupBy`, `Promise.withResolvers`, the Set methods, `Array.fromAsync`, ...; a fixed
 * ES2023 refused all of those though they run. The syntax target follows the same way: ES2024
 * where regular expressions take the `v` flag (Node 20 does: TypeScript refused `/x/v` under
 * ES2022), ES2025 where they take modifiers (`(?i:...)`).
 */
import ts from "typescript";

type Probe = () => boolean;

/** Whether `o` has every one of `names` (own or inherited), `o` an object. */
const has = (o: unknown, ...names: string[]): boolean =>
  (typeof o === "object" || typeof o === "function") && o !== null && names.every((n) => n in (o as object));
const g = globalThis as unknown as Record<string, { prototype?: object } & Record<string, unknown>>;
const proto = (name: string): unknown => g[name]?.prototype;

/** Each component after ES2023 TypeScript ships, and what it declares, tested here. */
export const LATER_LIBS: Record<string, Probe> = {
  "lib.es2024.arraybuffer.d.ts": () => has(proto("ArrayBuffer"), "resize", "resizable", "maxByteLength", "transfer", "transferToFixedLength", "detached"),
  "lib.es2024.collection.d.ts": () => has(g.Map, "groupBy"),
  "lib.es2024.object.d.ts": () => has(g.Object, "groupBy"),
  "lib.es2024.promise.d.ts": () => has(g.Promise, "withResolvers"),
  "lib.es2024.regexp.d.ts": () => has(proto("RegExp"), "unicodeSets"),
  "lib.es2024.sharedmemory.d.ts": () => has(g.Atomics, "waitAsync") && has(proto("SharedArrayBuffer"), "grow", "growable", "maxByteLength"),
  "lib.es2024.string.d.ts": () => has(proto("String"), "isWellFormed", "toWellFormed"),
  "lib.es2025.collection.d.ts": () =>
    has(proto("Set"), "union", "intersection", "difference", "symmetricDifference", "isSubsetOf", "isSupersetOf", "isDisjointFrom"),
  "lib.es2025.float16.d.ts": () => has(g, "Float16Array") && has(g.Math, "f16round") && has(proto("DataView"), "getFloat16", "setFloat16"),
  "lib.es2025.intl.d.ts": () => has(g.Intl, "DurationFormat"),
  "lib.es2025.iterator.d.ts": () =>
    has(g.Iterator, "from") && has(proto("Iterator"), "map", "filter", "take", "drop", "flatMap", "reduce", "toArray", "forEach", "some", "every", "find"),
  "lib.es2025.promise.d.ts": () => has(g.Promise, "try"),
  "lib.es2025.regexp.d.ts": () => has(g.RegExp, "escape"),
  "lib.esnext.array.d.ts": () => has(g.Array, "fromAsync"),
  "lib.esnext.collection.d.ts": () => has(proto("Map"), "getOrInsert", "getOrInsertComputed") && has(proto("WeakMap"), "getOrInsert", "getOrInsertComputed"),
  "lib.esnext.date.d.ts": () => has(proto("Date"), "toTemporalInstant"),
  "lib.esnext.decorators.d.ts": () => has(g.Symbol, "metadata"),
  "lib.esnext.disposable.d.ts": () =>
    has(g.Symbol, "dispose", "asyncDispose") && has(g, "SuppressedError", "DisposableStack", "AsyncDisposableStack"),
  "lib.esnext.error.d.ts": () => has(g.Error, "isError"),
  "lib.esnext.intl.d.ts": () =>
    has((g.Intl as unknown as { Locale?: { prototype: object } })?.Locale?.prototype, "getCalendars", "getCollations", "getHourCycles", "getNumberingSystems", "getTextInfo", "getTimeZones", "getWeekInfo"),
  "lib.esnext.sharedmemory.d.ts": () => has(g.Atomics, "pause"),
  "lib.esnext.temporal.d.ts": () => has(g, "Temporal"),
  "lib.esnext.typedarrays.d.ts": () => has(g.Uint8Array, "fromBase64", "fromHex") && has(proto("Uint8Array"), "toBase64", "toHex", "setFromBase64", "setFromHex"),
};

/** Components that `/// <reference lib>` another later one: included only with it. */
const REFERENCES: Record<string, string[]> = {
  "lib.es2025.collection.d.ts": ["lib.es2024.collection.d.ts"],
  "lib.esnext.collection.d.ts": ["lib.es2025.collection.d.ts"],
  "lib.esnext.date.d.ts": ["lib.esnext.temporal.d.ts"],
  "lib.esnext.intl.d.ts": ["lib.esnext.temporal.d.ts"],
  "lib.esnext.temporal.d.ts": ["lib.es2025.intl.d.ts"],
};

function included(lib: string): boolean {
  return LATER_LIBS[lib]() && (REFERENCES[lib] ?? []).every(included);
}

let cached: string[] | undefined;

/** The cell's `lib` option: ES2023 and the later components this Node has in full. */
export function runtimeLib(): string[] {
  return (cached ??= ["lib.es2023.d.ts", ...Object.keys(LATER_LIBS).filter(included)]);
}

const parses = (source: string, flags?: string): boolean => {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
};

/** The cell's syntax target: the latest whose regular expressions this Node parses (TypeScript checks them against it). */
export function runtimeTarget(): ts.ScriptTarget {
  if (!parses("", "v")) return ts.ScriptTarget.ES2022;
  return parses("(?i:a)") ? ts.ScriptTarget.ES2025 : ts.ScriptTarget.ES2024;
}
