/**
 * Resizable ArrayBuffers and growable SharedArrayBuffers of this thread (`new ArrayBuffer(n,
 * { maxByteLength })`), found as they are made. V8 reserves their largest size itself and
 * commits pages as they grow (as it does for WebAssembly memories), not through malloc: neither
 * malloc's count nor V8's heap sees them, so 256 MB resized into one and written read as 0 MB
 * in `psutil.virtualMemory()` while the RSS grew 256 MB.
 *
 * The global `ArrayBuffer` and `SharedArrayBuffer` are wrapped (a Proxy: `instanceof`, the
 * prototype, the statics and `buffer.constructor === ArrayBuffer` are unchanged), and a buffer
 * made with a `maxByteLength` is remembered through a WeakRef. A fixed-length buffer is malloc's
 * and is counted there.
 *
 * The engine also makes resizable buffers without the constructor, as copies, and each way it
 * does is looked through: `structuredClone` and `v8.deserialize` (and `v8.Deserializer`) are
 * wrapped, and so is every message a thread receives: through a port's listeners (Node hands
 * each one to the port's `Symbol.for("nodejs.internal.kHybridDispatch")` method, which is
 * wrapped on EventTarget.prototype: MessagePort, a Worker's and the parent's port, and
 * BroadcastChannel all take that path) or `receiveMessageOnPort`, and what a worker starts
 * with: its `workerData` (isolate-probe.ts) and its environment data (watchEnvironmentData).
 * Before, a 16 MB resizable buffer posted to a worker, or back from one, was invisible in the
 * thread that then held the copy.
 *
 * A growable SharedArrayBuffer's copy (posted to another thread) shares the original's memory:
 * every thread remembers the ones it holds, made or received, and the memory probes count each
 * memory once, by where its bytes start (sharedGrowable). Before, a copy outliving the thread
 * that made it (or that thread's reference) was counted nowhere.
 */
import { syncBuiltinESMExports } from "node:module";
import { receiveMessageOnPort } from "node:worker_threads";
import { MappedMemory } from "./mapped";
import { memoryCalls } from "./native";

type Buffer = ArrayBuffer | SharedArrayBuffer;
type BufferClass = new (...args: unknown[]) => Buffer;

/** Resizable ArrayBuffers: each is its own memory. */
const buffers = new MappedMemory<Buffer>((b) => b);
/** Growable SharedArrayBuffers, made here or received: several may share one memory. */
const growable = new MappedMemory<Buffer>((b) => b);
/** Where a buffer's bytes start (the addon's), to tell shared memories apart; none without it. */
const addressOf = memoryCalls?.bufferAddress;

function remember(b: Buffer): void {
  (b instanceof SharedArrayBuffer ? growable : buffers).add(b);
}
let installed = false;

const resizableOption = (options: unknown): boolean =>
  typeof options === "object" && options !== null && (options as { maxByteLength?: unknown }).maxByteLength !== undefined;

function wrap(name: "ArrayBuffer" | "SharedArrayBuffer"): void {
  const g = globalThis as unknown as Record<string, BufferClass>;
  const original = g[name];
  const proxy = new Proxy(original, {
    construct(target, args, newTarget) {
      const b = Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as Buffer;
      if (resizableOption(args[1])) remember(b);
      return b;
    },
  });
  // `buffer.constructor === ArrayBuffer` keeps holding for buffers made before and after.
  Object.defineProperty(original.prototype, "constructor", { value: proxy, writable: true, configurable: true, enumerable: false });
  g[name] = proxy;
}

/**
 * `receiveMessageOnPort` as Node has it, not looked through: the memory probes read their
 * workers' reports with it (isolates.ts) between a collection and the readings, where nothing
 * is to be allocated, and the library reads its own threads' replies with it (see
 * OWN_THREAD_ARG).
 */
export const receiveUnwatched = receiveMessageOnPort;

/**
 * In the argv of lazylab's own worker threads (xr's decoders and readers, da's pool, plot's
 * renderer; isolates.ts adds it): they receive only what the library sends them, so their
 * messages are not looked through. Looking through the xr decoders' messages moved a 50-file
 * loop's figures by a heap page (0.25-0.5 MB) in some kernels and not in others
 * (test/xr-loop-figures.test.ts); a walk that allocated nothing did the same.
 */
export const OWN_THREAD_ARG = "--lazylab-own-thread";

/** Follows `value` (arrays, plain objects, Maps, Sets, views) to its resizable ArrayBuffers; `seen` stops cycles and repeats. */
function walk(value: unknown, seen: Set<object>): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  if (value instanceof ArrayBuffer) {
    if ((value as ArrayBuffer & { resizable?: boolean }).resizable) buffers.add(value);
  } else if (value instanceof SharedArrayBuffer) {
    // Counted once by address: only where the addon tells the address.
    if (addressOf && (value as SharedArrayBuffer & { growable?: boolean }).growable) growable.add(value);
  } else if (ArrayBuffer.isView(value)) walk(value.buffer, seen);
  else if (value instanceof Map) value.forEach((v, k) => (walk(k, seen), walk(v, seen)));
  else if (value instanceof Set) value.forEach((v) => walk(v, seen));
  else if (Array.isArray(value)) for (const v of value) walk(v, seen);
  else for (const k in value) walk((value as Record<string, unknown>)[k], seen);
}

/**
 * Remembers the resizable ArrayBuffers in `value`, a copy the engine made (structuredClone's
 * result, a message, a deserialized value): arrays, plain objects, Maps, Sets and views are
 * followed, and so are growable SharedArrayBuffers (see the module comment). Before, `structuredClone` of a 128 MB resizable buffer made a new one
 * that read as 0.007 MB. Never throws: a structure too deep for the stack is looked through
 * as far as it goes, and the message is delivered all the same.
 */
export function rememberCopies(value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  try {
    walk(value, new Set());
  } catch {
    // RangeError: the stack ran out in a very deep structure.
  }
}

/**
 * Replaces `owner[key]`, a function returning a copy, with one that looks through the copy
 * (`pick` chooses what to look through), keeping its name and length.
 */
function lookThrough(owner: object, key: string, pick: (result: unknown) => unknown = (r) => r): void {
  const o = owner as Record<string, (...args: unknown[]) => unknown>;
  const original = o[key];
  // Two parameters, which every function wrapped here takes at most: no arguments array per call.
  const wrapped = {
    [key](this: unknown, a?: unknown, b?: unknown): unknown {
      const result = b === undefined ? original.call(this, a) : original.call(this, a, b);
      rememberCopies(pick(result));
      return result;
    },
  }[key];
  Object.defineProperty(wrapped, "length", { value: original.length });
  Object.defineProperty(owner, key, { value: wrapped, writable: true, configurable: true, enumerable: Object.getOwnPropertyDescriptor(owner, key)?.enumerable ?? false });
}

/** Node's per-port delivery of a message to the port's listeners (lib/internal/per_context/messageport.js). */
const HYBRID_DISPATCH = Symbol.for("nodejs.internal.kHybridDispatch");

/**
 * Looks through every message this thread's ports deliver: Node calls the port's hybrid dispatch
 * with the deserialized message and no event (`dispatchEvent` calls it with one, which is not a
 * copy). Where a Node has no such method, messages are not looked through: the test of a
 * resizable buffer posted to a worker then fails.
 */
function watchMessages(): void {
  const proto = EventTarget.prototype as unknown as Record<symbol, (data: unknown, type: unknown, event: unknown) => unknown>;
  const dispatch = proto[HYBRID_DISPATCH];
  if (typeof dispatch !== "function") return;
  Object.defineProperty(proto, HYBRID_DISPATCH, {
    value: function (this: unknown, data: unknown, type: unknown, event: unknown): unknown {
      if (event === undefined && type === "message") rememberCopies(data);
      return dispatch.call(this, data, type, event);
    },
    writable: true,
    configurable: true,
  });
}

/** Where every thread keeps the keys of its environment data (worker_threads' setEnvironmentData). */
const ENVIRONMENT_KEYS = "lazylab:environment-keys";

/**
 * A worker starts with a copy of its parent's environment data, and Node gives no way to list
 * its keys: `setEnvironmentData` is wrapped so that each thread keeps the list (of the keys a
 * copy can be looked up by: primitives) under one more key, which a worker inherits with the
 * rest and looks through here, at start.
 */
function watchEnvironmentData(wt: typeof import("node:worker_threads")): void {
  const set = wt.setEnvironmentData;
  const inherited = wt.getEnvironmentData(ENVIRONMENT_KEYS);
  const keys = new Set<unknown>(Array.isArray(inherited) ? inherited : []);
  if (!wt.isMainThread) for (const k of keys) rememberCopies(wt.getEnvironmentData(k as string));
  const wrapped = {
    setEnvironmentData(key: unknown, value?: unknown): void {
      set(key as string, value as never);
      if (key === ENVIRONMENT_KEYS || (typeof key === "object" && key !== null) || typeof key === "function") return;
      if (value === undefined) keys.delete(key);
      else keys.add(key);
      set(ENVIRONMENT_KEYS, [...keys] as never);
    },
  }.setEnvironmentData;
  Object.defineProperty(wrapped, "length", { value: set.length });
  (wt as { setEnvironmentData: unknown }).setEnvironmentData = wrapped;
}

/**
 * Starts remembering this thread's resizable and growable buffers (idempotent). `messages`:
 * whether what the thread receives is looked through too; lazylab's own worker threads receive
 * only what the library sends them and are not (isolate-probe.ts).
 */
export function trackResizableBuffers({ messages = true }: { messages?: boolean } = {}): void {
  if (installed) return;
  installed = true;
  wrap("ArrayBuffer");
  wrap("SharedArrayBuffer");
  lookThrough(globalThis, "structuredClone");
  // The module objects themselves: the library, the notebook's cells (through the loader) and
  // Node's own v8.deserialize read their functions from them; ES imports are synced.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const wt = require("node:worker_threads") as typeof import("node:worker_threads");
  lookThrough(require("node:v8").Deserializer.prototype, "readValue");
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (messages) {
    lookThrough(wt, "receiveMessageOnPort", (r) => (r as { message?: unknown } | undefined)?.message);
    watchEnvironmentData(wt);
    watchMessages();
  }
  syncBuiltinESMExports();
}

/**
 * Bytes of this thread's live resizable ArrayBuffers in resident pages (V8 commits pages as the
 * buffer grows and the kernel supplies them when first written; a shrunk buffer's tail is given
 * back). Run after a full GC so that dead buffers are gone.
 */
export function resizableBufferBytes(): number {
  return buffers.bytes();
}

/**
 * This thread's live growable SharedArrayBuffers as [where the bytes start, length] pairs, flat
 * (without the addon, the ones made here, each at its own made-up start). Run after a full GC.
 */
export function sharedGrowable(): number[] {
  const out: number[] = [];
  let unknown = -1;
  for (const b of growable.buffers()) out.push(addressOf ? addressOf(b) : unknown--, b.byteLength);
  return out;
}

/**
 * Bytes of the growable SharedArrayBuffers' memories of every thread, given their flat
 * [start, length] pairs: each memory once, at the largest length seen (as a shared WebAssembly
 * memory is counted, wasm.ts: its pages are shared, written or not).
 */
export function sharedGrowableBytes(pairs: readonly number[]): number {
  const lengths = new Map<number, number>();
  for (let i = 0; i + 1 < pairs.length; i += 2) lengths.set(pairs[i], Math.max(lengths.get(pairs[i]) ?? 0, pairs[i + 1]));
  let bytes = 0;
  for (const n of lengths.values()) bytes += n;
  return bytes;
}
