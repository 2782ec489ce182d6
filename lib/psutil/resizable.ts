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
 * and is counted there. The engine also makes resizable buffers without the constructor, as
 * copies: `structuredClone` (wrapped too: its result is looked through) and a message posted
 * to another thread, which is not seen (an open item).
 */
import { MappedMemory } from "./mapped";

type Buffer = ArrayBuffer | SharedArrayBuffer;
type BufferClass = new (...args: unknown[]) => Buffer;

const buffers = new MappedMemory<Buffer>((b) => b);
let installed = false;

const resizableOption = (options: unknown): boolean =>
  typeof options === "object" && options !== null && (options as { maxByteLength?: unknown }).maxByteLength !== undefined;

function wrap(name: "ArrayBuffer" | "SharedArrayBuffer"): void {
  const g = globalThis as unknown as Record<string, BufferClass>;
  const original = g[name];
  const proxy = new Proxy(original, {
    construct(target, args, newTarget) {
      const b = Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as Buffer;
      if (resizableOption(args[1])) buffers.add(b);
      return b;
    },
  });
  // `buffer.constructor === ArrayBuffer` keeps holding for buffers made before and after.
  Object.defineProperty(original.prototype, "constructor", { value: proxy, writable: true, configurable: true, enumerable: false });
  g[name] = proxy;
}

/**
 * Remembers the resizable ArrayBuffers in `value` (what structuredClone returned: arrays, plain
 * objects, Maps, Sets and views, followed; a growable SharedArrayBuffer's copy shares its memory).
 * Before, `structuredClone` of a 128 MB resizable buffer made a new one that read as 0.007 MB.
 */
function rememberCopies(value: unknown, seen: Set<object>): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  if (value instanceof ArrayBuffer) {
    if ((value as ArrayBuffer & { resizable?: boolean }).resizable) buffers.add(value);
  } else if (ArrayBuffer.isView(value)) rememberCopies(value.buffer, seen);
  else if (value instanceof Map) for (const [k, v] of value) rememberCopies(k, seen), rememberCopies(v, seen);
  else if (value instanceof Set) for (const v of value) rememberCopies(v, seen);
  else if (Array.isArray(value)) for (const v of value) rememberCopies(v, seen);
  else for (const v of Object.values(value)) rememberCopies(v, seen);
}

/** Starts remembering this thread's resizable and growable buffers (idempotent). */
export function trackResizableBuffers(): void {
  if (installed) return;
  installed = true;
  wrap("ArrayBuffer");
  wrap("SharedArrayBuffer");
  const g = globalThis as { structuredClone: (value: unknown, options?: unknown) => unknown };
  const clone = g.structuredClone;
  const wrapped = function structuredClone(value: unknown, options?: unknown): unknown {
    const copy = options === undefined ? clone(value) : clone(value, options);
    rememberCopies(copy, new Set());
    return copy;
  };
  Object.defineProperty(wrapped, "length", { value: clone.length });
  g.structuredClone = wrapped;
}

/**
 * Bytes of this thread's live resizable ArrayBuffers in resident pages (V8 commits pages as the
 * buffer grows and the kernel supplies them when first written; a shrunk buffer's tail is given
 * back), and of its growable SharedArrayBuffers at their length (as a shared WebAssembly memory
 * is counted: wasm.ts). Run after a full GC so that dead buffers are gone.
 */
export function resizableBufferBytes(): number {
  return buffers.bytes();
}
