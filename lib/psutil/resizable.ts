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
 * and is counted there. A copy the engine makes without the constructor is not seen and not
 * counted: `structuredClone` of a resizable buffer, or one posted to another thread, is a new
 * resizable buffer (128 MB cloned read as 0.007 MB; an open item).
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

/** Starts remembering this thread's resizable and growable buffers (idempotent). */
export function trackResizableBuffers(): void {
  if (installed) return;
  installed = true;
  wrap("ArrayBuffer");
  wrap("SharedArrayBuffer");
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
